//! Formatting checked against CPython 3.11: `format()` over many specs, f-strings, `str.format` and `%`
//! (the table was recorded by running each line in `python3`).

use crate::vm::ops::tests::check_table;

#[test]
fn formatting_matches_cpython() {
    check_table(include_str!("tests/format.txt"));
}

#[test]
fn group_digits_pads_with_zeros_and_separators() {
    assert_eq!(super::group_digits("1234", Some(','), 3, 9), "0,001,234");
    assert_eq!(super::group_digits("1234", Some(','), 3, 10), "00,001,234");
    assert_eq!(super::group_digits("1234", None, 3, 6), "001234");
    assert_eq!(super::group_digits("1234567", Some('_'), 4, 0), "123_4567");
}

#[test]
fn dtoa_modes() {
    assert_eq!(super::dtoa(0.1, 0, 0), ("1".to_string(), 0));
    assert_eq!(super::dtoa(123.456, 2, 4), ("1235".to_string(), 3));
    assert_eq!(super::dtoa(0.001, 3, 2), ("0".to_string(), 1));
    assert_eq!(super::dtoa(1500.0, 2, 3), ("15".to_string(), 4));
}

/// `format(x, spec)` and `repr(x)` of 400 random floats (all magnitudes, random bit patterns) for 25
/// specs, as recorded from CPython.
#[test]
fn random_floats_format_as_cpython() {
    let table = include_str!("tests/floats.tsv");
    let mut lines = table.lines();
    let header: Vec<&str> = lines
        .next()
        .expect("a header")
        .split('\t')
        .skip(1)
        .collect();
    let mut failures = Vec::new();
    for line in lines {
        let mut cols = line.split('\t');
        let bits = u64::from_str_radix(cols.next().expect("bits"), 16).expect("hex bits");
        let f = f64::from_bits(bits);
        for (spec, expected) in header.iter().zip(cols) {
            let got = if *spec == "r" {
                crate::vm::ops::float_repr(f)
            } else {
                super::format_float(f, spec).unwrap_or_else(|_| "ERR".into())
            };
            if got != expected {
                failures.push(format!(
                    "format({f:e}, {spec:?}): expected {expected}, got {got}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `round(x, n)` of 200 random floats, as recorded from CPython.
#[test]
fn random_floats_round_as_cpython() {
    let mut failures = Vec::new();
    for line in include_str!("tests/rounds.tsv").lines() {
        let mut cols = line.split('\t');
        let bits = u64::from_str_radix(cols.next().expect("bits"), 16).expect("hex bits");
        let f = f64::from_bits(bits);
        for (nd, expected) in [0, 1, 2, 3, -1, -2].iter().zip(cols) {
            let got = crate::vm::ops::float_repr(crate::vm::builtins::round_float(f, *nd));
            if got != expected {
                failures.push(format!(
                    "round({f:e}, {nd}): expected {expected}, got {got}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

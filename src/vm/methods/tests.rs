//! Methods of builtin values checked against CPython 3.11 (the table was recorded by running each line in
//! `python3`).

use crate::vm::ops::tests::check_table;

#[test]
fn methods_match_cpython() {
    check_table(include_str!("tests/methods.txt"));
}

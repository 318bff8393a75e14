//! Builtins checked against CPython 3.11 (the table was recorded by running each line in `python3`).

use crate::vm::ops::tests::{check_table, eval_repr};

#[test]
fn builtins_match_cpython() {
    check_table(include_str!("tests/builtins.txt"));
}

#[test]
fn no_console_input_or_files() {
    assert_eq!(
        eval_repr("input()"),
        "RuntimeError: input() is not available: ThreadLab programs have no console to read from"
    );
    assert!(eval_repr("open('f.txt')").starts_with("RuntimeError: open() is not available"));
}

#[test]
fn huge_repeats_raise_memory_error() {
    let r = eval_repr("[0] * 1000000000");
    assert!(
        r.starts_with("MemoryError: this program would hold more than"),
        "{r}"
    );
    let r = eval_repr("'ab' * 1000000000");
    assert!(r.starts_with("MemoryError"), "{r}");
    let r = eval_repr("list(range(1000000000))");
    assert!(r.starts_with("MemoryError"), "{r}");
}

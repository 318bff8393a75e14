//! Small helpers for writing the Python and Rust source an example shows.

use super::fmt_num;

/// A duration as Python writes it: `1`, `0.5`.
pub fn py(seconds: f64) -> String {
    fmt_num(seconds)
}

/// A duration as a Rust `f64` literal: `1.0`, `0.5`.
pub fn rs(seconds: f64) -> String {
    let s = fmt_num(seconds);
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// A list of numbers as Python or Rust writes it: `[2, 3, 8, 9]`.
pub fn list(xs: &[i64]) -> String {
    let items: Vec<String> = xs.iter().map(|x| x.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// An ordinal thread name, as the low-level API tutorial names its threads.
pub fn ordinal(i: usize) -> &'static str {
    const NAMES: [&str; 8] = [
        "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
    ];
    NAMES.get(i).copied().unwrap_or("Another")
}

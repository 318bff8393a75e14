//! What the benches share (a folder, so Cargo doesn't take it for a bench of its own).

/// The `--reps N` of the command line, or `default` without one.
pub fn reps(default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--reps")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

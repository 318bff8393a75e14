//! End-to-end checks of the modules ThreadLab runs (threading, _thread, queue, concurrent.futures,
//! asyncio, multiprocessing, network, time, random, math, sys, os): the small programs in `tests/modules/` run in
//! virtual time and on native threads, and each must print what CPython 3.11 printed for it
//! (`NAME.out`, recorded with `python3 NAME.py > NAME.out`; `network_*` with
//! `PYTHONPATH=examples/cpython`, where CPython finds the same network.py). The big CPython-checked corpus is
//! `tests/programs/`; these are the modules' own unit-level checks.
#![cfg_attr(target_arch = "wasm32", allow(missing_docs))] // the file is empty there
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use threadlab::runtime::{native, virtual_time, Outcome, RunOptions};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/modules")
}

fn source(name: &str) -> String {
    std::fs::read_to_string(dir().join(format!("{name}.py"))).expect("the program")
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(dir().join(format!("{name}.out"))).expect("CPython's output")
}

fn describe(out: &Outcome) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}\nexception: {:?}\nstopped: {:?}\nsyntax errors: {:?}",
        out.stdout, out.stderr, out.exception, out.stopped, out.syntax_errors
    )
}

/// Runs `name` in both runtimes and checks its output against CPython's; returns the two outcomes for
/// further checks.
fn check(name: &str) -> [Outcome; 2] {
    let src = source(name);
    let want = expected(name);
    let runs = [
        (
            "prediction",
            virtual_time::run(&src, &RunOptions::default()),
        ),
        ("native", native::run(&src, &RunOptions::default())),
    ];
    for (runtime, out) in &runs {
        assert!(
            out.exception.is_none() && out.stopped.is_none() && out.syntax_errors.is_empty(),
            "{name} ({runtime}) failed:\n{}",
            describe(out)
        );
        assert_eq!(
            out.stdout,
            want,
            "{name} ({runtime}) printed otherwise:\n{}",
            describe(out)
        );
    }
    runs.map(|(_, out)| out)
}

#[test]
fn time_clocks() {
    check("time_clocks");
}

#[test]
fn math_funcs() {
    check("math_funcs");
}

#[test]
fn random_seeded() {
    check("random_seeded");
}

#[test]
fn sys_os() {
    check("sys_os");
}

#[test]
fn threading_basics() {
    check("threading_basics");
}

#[test]
fn threading_sync() {
    check("threading_sync");
}

#[test]
fn threading_more() {
    check("threading_more");
}

#[test]
fn threading_exception() {
    for out in check("threading_exception") {
        assert!(out
            .stderr
            .starts_with("Exception in thread Boomer:\nTraceback (most recent call last):\n"));
        assert!(
            out.stderr.ends_with("ValueError: bad value\n"),
            "{}",
            out.stderr
        );
        let reports: Vec<_> = out
            .thread_exceptions
            .iter()
            .map(|r| (r.type_name.as_str(), r.message.as_str(), r.line))
            .collect();
        assert_eq!(reports, [("ValueError", "bad value", 4)]);
    }
}

#[test]
fn thread_low_level() {
    check("thread_low_level");
}

#[test]
fn queue_kinds() {
    check("queue_kinds");
}

#[test]
fn futures_threads() {
    check("futures_threads");
}

/// `list(executor.map(...))`: a builtin consuming a generator that waits.
#[test]
fn futures_list_map() {
    check("futures_list_map");
}

#[test]
fn asyncio_basics() {
    let [predicted, _] = check("asyncio_basics");
    let lanes = format!("{:?}", predicted.timeline);
    assert!(lanes.contains("Task-1"), "a lane per task: {lanes}");
}

#[test]
fn mp_basics() {
    for out in check("mp_basics") {
        assert!(out
            .stderr
            .starts_with("Process Process-2:\nTraceback (most recent call last):\n"));
        assert!(
            out.stderr.ends_with("RuntimeError: child failed\n"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn asyncio_more() {
    check("asyncio_more");
}

#[test]
fn futures_more() {
    check("futures_more");
}

#[test]
fn mp_more() {
    check("mp_more");
}

/// A bound method as a process's target (the object crosses as a copy), and exit codes as CPython's:
/// an uncaught exception 1, `sys.exit(3)` 3, `terminate()` -15. The daemonic process that runs forever
/// is terminated when the main program ends instead of holding the run up.
#[test]
fn mp_lifecycle() {
    for out in check("mp_lifecycle") {
        assert!(out.elapsed_s < 2.0, "{}", out.elapsed_s);
        assert!(out.stderr.ends_with("ValueError: boom\n"), "{}", out.stderr);
    }
}

/// The predicted times of what `out`'s threads printed, in order: (seconds, text without the newline).
fn marks(out: &Outcome) -> Vec<(f64, String)> {
    out.timeline
        .marks
        .iter()
        .map(|m| (m.t_s, m.text.trim_end().to_string()))
        .collect()
}

/// Asserts that `got` is `want` seconds to a millisecond (the instructions' own virtual time aside).
fn at(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 1e-3, "{what}: {got} s, not {want} s");
}

/// One download after another: the latency before each, each whole MB, the end, failures.
#[test]
fn network_sequential() {
    let [predicted, _] = check("network_sequential");
    let m = marks(&predicted);
    // 10 MB/s after 0.05 s of latency: 2.5 MB at 0.15, 0.25, 0.3 s.
    at(m[0].0, 0.15, &m[0].1);
    at(m[1].0, 0.25, &m[1].1);
    at(m[2].0, 0.3, &m[2].1);
    // 0 MB: the latency only; 0.3 MB: 0.03 s more; 2 MB: 0.2 s more.
    at(m[3].0, 0.3 + 0.05 + 0.08 + 0.25, &m[3].1);
    // Failing after 1 MB, then at once (0 MB), then not at all (3 MB).
    at(m[4].0, 0.68 + 0.15, &m[4].1);
    at(m[5].0, 0.83 + 0.05, &m[5].1);
    at(m[6].0, 0.88 + 0.35, &m[6].1);
    at(predicted.elapsed_s, 1.23, "elapsed");
}

/// Downloads in threads share a link: rates change exactly when one starts or ends.
#[test]
fn network_shared() {
    let [predicted, _] = check("network_shared");
    let m = marks(&predicted);
    // Two 1 MB downloads on a 10 MB/s link: 5 MB/s each, both done at 0.2 s, twice one alone.
    at(m[0].0, 0.2, &m[0].1);
    // 0.5 and 1.5 MB: a done at 0.1 s, then b alone at 10 MB/s: 1 MB at 0.15, 1.5 at 0.2.
    at(m[1].0 - m[0].0, 0.1, &m[1].1);
    at(m[2].0 - m[0].0, 0.15, &m[2].1);
    at(m[3].0 - m[0].0, 0.2, &m[3].1);
    // b starts 0.05 s late: a got 0.5 MB alone, then 0.5 MB at 5 MB/s (0.15); b's rest alone (0.2).
    at(m[5].0 - m[4].0, 0.15, &m[5].1);
    at(m[6].0 - m[4].0, 0.2, &m[6].1);
    // Three on 15 MB/s after 0.05 s of latency: 5 MB/s each; a's 0.5 MB done at 0.15, then b and c at
    // 7.5 MB/s for their last 0.5 MB: 0.0667 s.
    at(m[8].0 - m[7].0, 0.05 + 0.1 + 0.5 / 7.5, &m[8].1);
    at(
        predicted.elapsed_s,
        0.2 + 0.2 + 0.2 + 0.05 + 0.1 + 0.5 / 7.5,
        "elapsed",
    );
}

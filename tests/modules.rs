//! End-to-end checks of the modules ThreadLab runs (threading, _thread, queue, concurrent.futures,
//! asyncio, multiprocessing, time, random, math, sys, os): the small programs in `tests/modules/` run in
//! virtual time and on native threads, and each must print what CPython 3.11 printed for it
//! (`NAME.out`, recorded with `python3 NAME.py > NAME.out`). The big CPython-checked corpus is
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

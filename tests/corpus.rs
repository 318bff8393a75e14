//! The CPython-checked corpus: every program in `tests/programs` runs in ThreadLab's prediction (virtual
//! time) and natively (real threads), and each run must match what CPython 3.11 did with it, as
//! `tools/record_cpython.py` recorded it in `NAME.expected.json` (`tests/programs/README.md` describes the
//! header notation and the JSON).
//!
//! - `corpus_is_recorded`: every program has a recording of its current source, and there are enough.
//! - `corpus_prediction`, `corpus_native`: run every program, collect every mismatch, and fail once at the
//!   end, listing each program with what differed (the first differing line of its output, the exception,
//!   the syntax error's line, the wall time...).
//!
//! `CORPUS_FILTER=part cargo test --test corpus` runs only the programs whose name contains `part`;
//! `CORPUS_DIR=dir` runs the programs of another directory (new programs, recorded there with
//! `python3 tools/record_cpython.py --dir dir`, before they join `tests/programs`).
#![cfg_attr(target_arch = "wasm32", allow(missing_docs))] // the file is empty there
#![cfg(not(target_arch = "wasm32"))]

use serde::Deserialize;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use threadlab::runtime::{native, virtual_time, ExceptionReport, Outcome, RunOptions};

/// Fewer programs than this in `tests/programs` means the corpus lost files.
const MIN_PROGRAMS: usize = 180;
/// Native runs of untimed programs at once: they mostly sleep, so a few share the two cores well.
const NATIVE_WORKERS: usize = 4;
/// Every program ends within a second in CPython; ten is a hang.
const MAX_SECONDS: f64 = 10.0;

/// How far each timed program landed from CPython's wall time, seconds, by runtime label: printed as
/// the fidelity figure of the run.
static WALL_GAPS: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());

/// What CPython did with one program: the parts of `NAME.expected.json` the corpus compares.
#[derive(Debug, Deserialize)]
struct Expected {
    stdout: String,
    stderr: String,
    exception: Option<ExpectedException>,
    thread_exceptions: Vec<ExpectedException>,
    syntax_error: Option<ExpectedSyntaxError>,
    wall_s: Option<f64>,
    headers: BTreeMap<String, String>,
    source_fnv1a64: String,
}

/// An uncaught exception; a `null` message or line is not compared (hand-written expectations).
#[derive(Debug, Deserialize)]
struct ExpectedException {
    #[serde(rename = "type")]
    type_name: String,
    message: Option<String>,
    line: Option<u32>,
}

/// CPython's compile-time error: only its line is compared, the words are ThreadLab's own.
#[derive(Debug, Deserialize)]
struct ExpectedSyntaxError {
    #[serde(rename = "type")]
    type_name: String,
    line: u32,
}

/// The headers of a program, as the recorder checked and wrote them.
struct Headers {
    order_any: bool,
    timing_wall: bool,
    refused_at: Option<u32>,
    stderr_first_line: bool,
    stderr_last_line: bool,
}

impl Headers {
    fn of(expected: &Expected) -> Result<Headers, String> {
        let get = |key: &str| expected.headers.get(key).map(String::as_str);
        let refused_at = match (get("threadlab"), get("refused-at")) {
            (Some("refused"), Some(line)) => Some(
                line.parse::<u32>()
                    .map_err(|_| format!("refused-at {line:?} is not a line number"))?,
            ),
            (Some("refused"), None) => {
                return Err("`threadlab: refused` without `refused-at`".into())
            }
            _ => None,
        };
        let stderr: Vec<&str> = get("stderr").unwrap_or("ignore").split(',').collect();
        Ok(Headers {
            order_any: get("order") == Some("any"),
            timing_wall: get("timing") == Some("wall"),
            refused_at,
            stderr_first_line: stderr.contains(&"first-line"),
            stderr_last_line: stderr.contains(&"last-line"),
        })
    }
}

/// One program of the corpus and its recording (or why the recording can't be read).
struct Program {
    name: String,
    source: String,
    expected: Result<Expected, String>,
}

/// `tests/programs`, or `CORPUS_DIR` when set.
fn programs_dir() -> PathBuf {
    match std::env::var_os("CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/programs"),
    }
}

/// Every `tests/programs/*.py` with its recording, sorted by name.
fn load_all() -> Vec<Program> {
    let dir = programs_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".py"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let source = std::fs::read_to_string(dir.join(&name))
                .unwrap_or_else(|e| panic!("reading {name}: {e}"));
            let json = dir.join(format!("{}.expected.json", name.trim_end_matches(".py")));
            let expected = std::fs::read_to_string(&json)
                .map_err(|e| format!("no recording ({e}): run python3 tools/record_cpython.py"))
                .and_then(|text| {
                    serde_json::from_str(&text).map_err(|e| format!("unreadable recording: {e}"))
                });
            Program {
                name,
                source,
                expected,
            }
        })
        .collect()
}

/// The programs `CORPUS_FILTER` selects (all without it).
fn load_selected() -> Vec<Program> {
    let filter = std::env::var("CORPUS_FILTER").unwrap_or_default();
    let programs: Vec<Program> = load_all()
        .into_iter()
        .filter(|p| p.name.contains(&filter))
        .collect();
    assert!(
        !programs.is_empty(),
        "CORPUS_FILTER={filter:?} matches no program in tests/programs"
    );
    programs
}

/// FNV-1a, 64 bits, as 16 hex digits: the recorder's fingerprint of a program's source.
fn fnv1a64(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// The two ways ThreadLab runs a program.
#[derive(Clone, Copy)]
enum Runtime {
    Prediction,
    Native,
}

impl Runtime {
    fn label(self) -> &'static str {
        match self {
            Runtime::Prediction => "prediction",
            Runtime::Native => "native",
        }
    }

    fn run(self, source: &str) -> Outcome {
        let opts = RunOptions {
            max_seconds: MAX_SECONDS,
            ..RunOptions::default()
        };
        match self {
            Runtime::Prediction => virtual_time::run(source, &opts),
            Runtime::Native => native::run(source, &opts),
        }
    }

    /// How far the wall time may land from CPython's: (a fraction of it, plus seconds).
    fn wall_tolerance(self) -> (f64, f64) {
        match self {
            Runtime::Prediction => (0.05, 0.020),
            Runtime::Native => (0.15, 0.050),
        }
    }
}

/// Runs one program and lists how its outcome differs from CPython's (empty: it matches).
fn run_one(program: &Program, runtime: Runtime) -> Vec<String> {
    let expected = match &program.expected {
        Ok(expected) => expected,
        Err(e) => return vec![e.clone()],
    };
    let headers = match Headers::of(expected) {
        Ok(headers) => headers,
        Err(e) => return vec![e],
    };
    match catch_unwind(AssertUnwindSafe(|| runtime.run(&program.source))) {
        Ok(outcome) => compare(expected, &headers, &outcome, runtime),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            vec![format!("panicked: {message}")]
        }
    }
}

/// Everything about `got` that differs from `expected`, each as one line.
fn compare(expected: &Expected, headers: &Headers, got: &Outcome, runtime: Runtime) -> Vec<String> {
    let mut diffs = Vec::new();
    let errors = describe_syntax_errors(got);
    if let Some(line) = headers.refused_at {
        // ThreadLab must refuse the program before running it; what CPython did is only for reference.
        if !got.syntax_errors.iter().any(|e| e.line == line) {
            diffs.push(format!("expected a refusal at line {line}, got {errors}"));
        }
        if !got.stdout.is_empty() {
            diffs.push(format!(
                "a refused program printed {:?}",
                first_line(&got.stdout)
            ));
        }
        return diffs;
    }
    if let Some(syntax) = &expected.syntax_error {
        match got.syntax_errors.first() {
            None => diffs.push(format!(
                "expected a syntax error at line {} (CPython's {}), got none",
                syntax.line, syntax.type_name
            )),
            Some(first) if first.line != syntax.line => diffs.push(format!(
                "first syntax error at line {} ({}), CPython's {} is at line {}",
                first.line, first.message, syntax.type_name, syntax.line
            )),
            Some(_) => {}
        }
        if !got.stdout.is_empty() {
            diffs.push(format!(
                "a program with a syntax error printed {:?}",
                first_line(&got.stdout)
            ));
        }
        return diffs;
    }
    if !got.syntax_errors.is_empty() {
        diffs.push(format!("refused ({errors}), but CPython runs it"));
        return diffs;
    }
    if let Some(diff) = compare_text("stdout", &expected.stdout, &got.stdout, headers.order_any) {
        diffs.push(diff);
    }
    match (&expected.exception, &got.exception) {
        (None, None) => {}
        (Some(want), Some(have)) => {
            if let Some(diff) = compare_exception(want, have) {
                diffs.push(format!("uncaught exception: {diff}"));
            }
        }
        (Some(want), None) => diffs.push(format!(
            "expected the uncaught exception {}, got none",
            describe_expected(want)
        )),
        (None, Some(have)) => diffs.push(format!(
            "unexpected uncaught exception {}",
            describe_report(have)
        )),
    }
    diffs.extend(compare_thread_exceptions(
        &expected.thread_exceptions,
        &got.thread_exceptions,
        headers.order_any,
    ));
    let stderr_lines = [
        (
            headers.stderr_first_line,
            "first",
            first_line(&expected.stderr),
            first_line(&got.stderr),
        ),
        (
            headers.stderr_last_line,
            "last",
            last_line(&expected.stderr),
            last_line(&got.stderr),
        ),
    ];
    for (wanted, which, want, have) in stderr_lines {
        if wanted && want != have {
            diffs.push(format!(
                "stderr's {which} line: expected {want:?}, got {have:?}"
            ));
        }
    }
    if let (true, Some(wall)) = (headers.timing_wall, expected.wall_s) {
        let (fraction, seconds) = runtime.wall_tolerance();
        let allowed = fraction * wall + seconds;
        WALL_GAPS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((runtime.label(), got.elapsed_s - wall));
        if (got.elapsed_s - wall).abs() > allowed {
            diffs.push(format!(
                "wall time {:.3} s, CPython's {wall:.3} s (allowed ±{allowed:.3} s)",
                got.elapsed_s
            ));
        }
    }
    diffs
}

/// Where two texts first differ, line by line (as sorted multisets of lines when `order_any`).
fn compare_text(what: &str, want: &str, have: &str, order_any: bool) -> Option<String> {
    let mut want_lines: Vec<&str> = want.lines().collect();
    let mut have_lines: Vec<&str> = have.lines().collect();
    let sorted = if order_any { " (sorted)" } else { "" };
    if order_any {
        want_lines.sort_unstable();
        have_lines.sort_unstable();
    } else if want == have {
        return None;
    }
    for (n, (w, h)) in want_lines.iter().zip(&have_lines).enumerate() {
        if w != h {
            return Some(format!(
                "{what} line {}{sorted}: expected {w:?}, got {h:?}",
                n + 1
            ));
        }
    }
    match want_lines.len().cmp(&have_lines.len()) {
        std::cmp::Ordering::Less => Some(format!(
            "{what}: {} extra lines{sorted}, from {:?}",
            have_lines.len() - want_lines.len(),
            have_lines[want_lines.len()]
        )),
        std::cmp::Ordering::Greater => Some(format!(
            "{what}: {} lines missing{sorted}, from {:?}",
            want_lines.len() - have_lines.len(),
            want_lines[have_lines.len()]
        )),
        // Equal lines: only the line ends differ (a missing final newline), or nothing under order: any.
        std::cmp::Ordering::Equal if order_any => None,
        std::cmp::Ordering::Equal => Some(format!(
            "{what}: same lines, different line ends (expected {} bytes, got {})",
            want.len(),
            have.len()
        )),
    }
}

/// What differs between an expected exception and a reported one, or `None`.
fn compare_exception(want: &ExpectedException, have: &ExceptionReport) -> Option<String> {
    let same = want.type_name == have.type_name
        && want.message.as_ref().is_none_or(|m| *m == have.message)
        && want.line.is_none_or(|l| l == have.line);
    (!same).then(|| {
        format!(
            "expected {}, got {}",
            describe_expected(want),
            describe_report(have)
        )
    })
}

fn compare_thread_exceptions(
    want: &[ExpectedException],
    have: &[ExceptionReport],
    order_any: bool,
) -> Vec<String> {
    if want.len() != have.len() {
        let list: Vec<String> = have.iter().map(describe_report).collect();
        return vec![format!(
            "expected {} uncaught exceptions in threads, got {}: [{}]",
            want.len(),
            have.len(),
            list.join(", ")
        )];
    }
    let mut want: Vec<&ExpectedException> = want.iter().collect();
    let mut have: Vec<&ExceptionReport> = have.iter().collect();
    if order_any {
        want.sort_by(|a, b| (&a.type_name, a.line).cmp(&(&b.type_name, b.line)));
        have.sort_by(|a, b| (&a.type_name, a.line).cmp(&(&b.type_name, b.line)));
    }
    want.iter()
        .zip(&have)
        .enumerate()
        .filter_map(|(i, (w, h))| {
            compare_exception(w, h).map(|diff| format!("thread exception {}: {diff}", i + 1))
        })
        .collect()
}

fn describe_expected(e: &ExpectedException) -> String {
    let message = e.message.as_deref().unwrap_or("(any message)");
    match e.line {
        Some(line) => format!("{}: {message} (line {line})", e.type_name),
        None => format!("{}: {message}", e.type_name),
    }
}

fn describe_report(e: &ExceptionReport) -> String {
    format!("{}: {} (line {})", e.type_name, e.message, e.line)
}

fn describe_syntax_errors(got: &Outcome) -> String {
    if got.syntax_errors.is_empty() {
        return "no syntax error".into();
    }
    let list: Vec<String> = got
        .syntax_errors
        .iter()
        .map(|e| format!("line {}: {}", e.line, e.message))
        .collect();
    list.join("; ")
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim_end()
}

fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim_end()
}

/// Runs `programs` on `workers` threads at once; the mismatches come back in the programs' order.
fn run_parallel(programs: &[&Program], runtime: Runtime, workers: usize) -> Vec<Vec<String>> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![Vec::new(); programs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..workers.min(programs.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(program) = programs.get(i) else {
                    break;
                };
                let diffs = run_one(program, runtime);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = diffs;
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Whether a program's wall time is compared (`# timing: wall`).
fn is_timed(program: &Program) -> bool {
    program
        .expected
        .as_ref()
        .is_ok_and(|e| e.headers.get("timing").is_some_and(|t| t == "wall"))
}

/// Runs the selected programs on `runtime`, prints the summary and fails listing every mismatch.
fn run_corpus(runtime: Runtime) {
    let programs = load_selected();
    let all: Vec<&Program> = programs.iter().collect();
    let results: Vec<Vec<String>> = match runtime {
        // Virtual time costs no waiting: one after another keeps the failures' panics in order.
        Runtime::Prediction => all.iter().map(|p| run_one(p, runtime)).collect(),
        // Real time: untimed programs share the cores; timed ones run alone, so that nothing else
        // running slows them past their tolerance.
        Runtime::Native => {
            let (timed, untimed): (Vec<&Program>, Vec<&Program>) =
                all.iter().copied().partition(|p| is_timed(p));
            let mut by_name: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for (group, workers) in [(&untimed, NATIVE_WORKERS), (&timed, 1)] {
                let diffs = run_parallel(group, runtime, workers);
                by_name.extend(group.iter().map(|p| p.name.as_str()).zip(diffs));
            }
            all.iter()
                .map(|p| by_name.remove(p.name.as_str()).unwrap_or_default())
                .collect()
        }
    };
    let failed: Vec<String> = programs
        .iter()
        .zip(&results)
        .filter(|(_, diffs)| !diffs.is_empty())
        .map(|(p, diffs)| format!("  {}:\n      {}", p.name, diffs.join("\n      ")))
        .collect();
    let label = runtime.label();
    let passed = programs.len() - failed.len();
    let mut summary = format!(
        "corpus ({label}): {} programs, {passed} passed",
        programs.len()
    );
    if !failed.is_empty() {
        summary += &format!(", {} failed", failed.len());
    }
    let mut gaps: Vec<f64> = WALL_GAPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|(l, _)| *l == label)
        .map(|(_, gap)| gap.abs() * 1000.0)
        .collect();
    gaps.sort_by(f64::total_cmp);
    if let (Some(median), Some(max)) = (gaps.get(gaps.len() / 2), gaps.last()) {
        summary += &format!(
            "; {} timed against CPython's wall time: median gap {median:.1} ms, largest {max:.1} ms",
            gaps.len()
        );
    }
    println!("{summary}");
    assert!(failed.is_empty(), "{summary}\n{}", failed.join("\n"));
}

#[test]
fn corpus_is_recorded() {
    let programs = load_all();
    let dir = programs_dir();
    let mut problems = Vec::new();
    // A `CORPUS_DIR` of new programs may hold only a few.
    if programs.len() < MIN_PROGRAMS && std::env::var_os("CORPUS_DIR").is_none() {
        problems.push(format!(
            "only {} programs in tests/programs, at least {MIN_PROGRAMS} expected",
            programs.len()
        ));
    }
    for program in &programs {
        match &program.expected {
            Err(e) => problems.push(format!("{}: {e}", program.name)),
            Ok(expected) => {
                if expected.source_fnv1a64 != fnv1a64(program.source.as_bytes()) {
                    problems.push(format!(
                        "{}: recorded from another version of the source",
                        program.name
                    ));
                }
                if let Err(e) = Headers::of(expected) {
                    problems.push(format!("{}: {e}", program.name));
                }
            }
        }
    }
    for entry in std::fs::read_dir(&dir).expect("tests/programs").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".expected.json") {
            if !dir.join(format!("{stem}.py")).exists() {
                problems.push(format!("{name}: no program {stem}.py"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the corpus's recordings are out of date (python3 tools/record_cpython.py rewrites them):\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn corpus_prediction() {
    run_corpus(Runtime::Prediction);
}

#[test]
fn corpus_native() {
    run_corpus(Runtime::Native);
}

/// The corpus uses every statement kind, builtin and module item of the subset (VM-DESIGN.md's list, as
/// `tools/corpus_coverage.py` enumerates it): `--check` lists what no program uses. Skipped, saying so,
/// where there is no `python3`.
#[test]
fn corpus_covers_the_subset() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools/corpus_coverage.py");
    let output = match std::process::Command::new("python3")
        .arg(&script)
        .arg("--check")
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("corpus_covers_the_subset skipped: no python3 to run {script:?} ({e})");
            return;
        }
        Err(e) => panic!("running python3 {}: {e}", script.display()),
    };
    assert!(
        output.status.success(),
        "the corpus misses part of the subset (add programs that use it):\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

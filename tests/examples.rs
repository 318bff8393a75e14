//! Every example (the folders `examples/<id>/`), in every mode, at its defaults and at each case of its
//! manifest: the program compiles in the subset, its parameters are declared well (and identically in
//! every mode), the prediction prints what CPython printed (`expected.json`, written by
//! `tools/record_examples.py`; exact, or as a multiset of lines for `order: any`), and the recording is of
//! the current program (its SHA-256). Then the lessons' figures on the predicted elapsed times, and the
//! agreement of the Rust literal rewriting with the recorder's.
//!
//! Strict: an example without `expected.json` fails. `THREADLAB_EXAMPLES=id,id` restricts the run to
//! those examples (while an example is being written).

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use threadlab::examples::{self, params, Example, Order, EXAMPLES};
use threadlab::runtime::{virtual_time, RunOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The examples this run covers.
fn selected() -> Vec<&'static Example> {
    let only = std::env::var("THREADLAB_EXAMPLES").unwrap_or_default();
    let only: Vec<&str> = only.split(',').filter(|s| !s.trim().is_empty()).collect();
    EXAMPLES
        .iter()
        .filter(|e| only.is_empty() || only.contains(&e.id))
        .collect()
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The cases the tests run: the defaults, then the manifest's.
fn cases(example: &Example) -> Vec<(String, Map<String, Value>)> {
    let mut all = vec![("defaults".to_string(), Map::new())];
    all.extend(
        example
            .cases
            .iter()
            .map(|c| (c.name.clone(), c.params.clone())),
    );
    all
}

/// One example x mode x case: the prediction beside CPython's recording.
struct Run {
    example: &'static str,
    mode: String,
    case: String,
    predicted_s: f64,
    cpython_s: Option<f64>,
    /// What differs from the recording (empty when nothing does).
    problems: Vec<String>,
}

fn lines_of(text: &str, order: Order) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    if order == Order::Any {
        lines.sort_unstable();
    }
    lines
}

/// The first difference between two outputs, in words.
fn stdout_difference(cpython: &str, predicted: &str, order: Order) -> Option<String> {
    let (a, b) = (lines_of(cpython, order), lines_of(predicted, order));
    if a == b && (order == Order::Any || cpython == predicted) {
        return None;
    }
    let kind = if order == Order::Any {
        " (sorted lines, order: any)"
    } else {
        ""
    };
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if x != y {
            return Some(format!(
                "stdout line {}{kind}: CPython {x:?}, predicted {y:?}",
                i + 1
            ));
        }
    }
    if a.len() != b.len() {
        let more = if a.len() > b.len() {
            format!("CPython's next line: {:?}", a[b.len()])
        } else {
            format!("predicted next line: {:?}", b[a.len()])
        };
        return Some(format!(
            "stdout{kind}: CPython printed {} lines, predicted {} ({more})",
            a.len(),
            b.len()
        ));
    }
    Some("stdout differs in its last line's end".into())
}

fn run_one(
    example: &'static Example,
    mode: &examples::Mode,
    case: &str,
    given: &Map<String, Value>,
    recorded: Option<&Value>,
    network_hash: Option<&str>,
) -> Run {
    let mut problems = Vec::new();
    let source = match example.source(&mode.id, given) {
        Ok(s) => s.python,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            problems.push(format!(
                "the case's values are refused: {}",
                list.join("; ")
            ));
            example.python(mode).to_string()
        }
    };
    let opts = RunOptions {
        gil: mode.gil,
        max_seconds: 600.0,
        ..RunOptions::default()
    };
    let outcome = virtual_time::run(&source, &opts);
    if !outcome.syntax_errors.is_empty() {
        let list: Vec<String> = outcome
            .syntax_errors
            .iter()
            .map(|e| e.to_string())
            .collect();
        problems.push(format!("doesn't compile: {}", list.join("; ")));
    }
    if let Some(why) = &outcome.stopped {
        problems.push(format!("the prediction stopped: {why}"));
    }
    let mut cpython_s = None;
    match recorded {
        None => problems.push(format!(
            "no recording of case {case}: run python3 tools/record_examples.py {}",
            example.id
        )),
        Some(rec) => {
            cpython_s = rec["cpython_s"].as_f64();
            if rec["source_sha256"].as_str() != Some(sha256(&source).as_str()) {
                problems.push(format!(
                    "the recording is stale (another program or case): run python3 tools/record_examples.py {}",
                    example.id
                ));
            }
            if let Some(h) = rec.get("network_sha256").and_then(Value::as_str) {
                if Some(h) != network_hash {
                    problems.push(format!(
                        "recorded with another examples/cpython/network.py: run python3 tools/record_examples.py {}",
                        example.id
                    ));
                }
            }
            let stdout = rec["stdout"].as_str().unwrap_or("");
            if let Some(d) = stdout_difference(stdout, &outcome.stdout, mode.order) {
                problems.push(d);
            }
            let predicted_exc = outcome
                .exception
                .as_ref()
                .map(|e| json!({"type": e.type_name, "message": e.message, "line": e.line}));
            let recorded_exc = rec.get("exception").filter(|v| !v.is_null()).cloned();
            if predicted_exc != recorded_exc {
                problems.push(format!(
                    "uncaught exception: CPython {}, predicted {}",
                    recorded_exc.unwrap_or(Value::Null),
                    predicted_exc.unwrap_or(Value::Null)
                ));
            }
        }
    }
    Run {
        example: example.id,
        mode: mode.id.clone(),
        case: case.to_string(),
        predicted_s: outcome.elapsed_s,
        cpython_s,
        problems,
    }
}

/// Every selected example x mode x case, predicted once (shared by the tests), a few at a time.
fn runs() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let network = std::fs::read_to_string(root().join("examples/cpython/network.py"))
            .ok()
            .map(|t| sha256(&t));
        let mut jobs = Vec::new();
        let mut missing = Vec::new();
        for example in selected() {
            let path = root()
                .join("examples")
                .join(example.id)
                .join("expected.json");
            let recording: Option<Value> = std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
            if recording.is_none() {
                missing.push(example.id);
            }
            for mode in &example.modes {
                for (case, given) in cases(example) {
                    let rec = recording
                        .as_ref()
                        .and_then(|r| r["modes"][&mode.id]["cases"].get(&case))
                        .cloned();
                    jobs.push((example, mode, case, given, rec));
                }
            }
        }
        if !missing.is_empty() {
            println!("no expected.json yet: {}", missing.join(", "));
        }
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results = std::sync::Mutex::new(BTreeMap::new());
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((example, mode, case, given, rec)) = jobs.get(i) else {
                        break;
                    };
                    let run = run_one(example, mode, case, given, rec.as_ref(), network.as_deref());
                    results.lock().unwrap().insert(i, run);
                });
            }
        });
        let runs: Vec<Run> = results.into_inner().unwrap().into_values().collect();
        println!(
            "\n{:<28} {:<14} {:<16} {:>11} {:>11}  result",
            "example", "mode", "case", "predicted s", "CPython s"
        );
        for r in &runs {
            println!(
                "{:<28} {:<14} {:<16} {:>11.3} {:>11}  {}",
                r.example,
                r.mode,
                r.case,
                r.predicted_s,
                r.cpython_s.map_or("-".into(), |s| format!("{s:.3}")),
                if r.problems.is_empty() {
                    "same".to_string()
                } else {
                    r.problems.join(" | ")
                }
            );
        }
        runs
    })
}

#[test]
fn manifests_load_and_programs_declare_their_parameters() {
    let mut problems = Vec::new();
    assert!(!EXAMPLES.is_empty(), "no example folder under examples/");
    for example in selected() {
        let id = example.id;
        if let Err(e) = example.params() {
            problems.push(format!("{id}: {e}"));
        }
        if example.cases.is_empty() {
            problems.push(format!(
                "{id}: the manifest has no case besides the defaults"
            ));
        }
        let mut ids: Vec<&str> = example.modes.iter().map(|m| m.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != example.modes.len() || example.modes.is_empty() {
            problems.push(format!("{id}: mode ids must be unique, and one at least"));
        }
        for mode in &example.modes {
            if example.file(&mode.file).is_none() {
                problems.push(format!("{id}/{}: no file {}", mode.id, mode.file));
                continue;
            }
            if let Err(errors) = threadlab::python::compile(example.python(mode), "<main>") {
                problems.push(format!("{id}/{}: {}", mode.id, errors[0]));
            }
            if let Some(rs) = example.rust(mode) {
                // Every declared parameter the translation has as a const is rewritten with the rest.
                let declared = params::declared(example.python(mode)).unwrap_or_default();
                for p in &declared {
                    let konst = format!("const {}:", p.name.to_ascii_uppercase());
                    if rs.contains(&konst) {
                        let out = params::rust(rs, &[(p.name.as_str(), p.default.clone())]);
                        if out.lines().count() != rs.lines().count() {
                            problems
                                .push(format!("{id}/{}: rewriting {konst} broke lines", mode.id));
                        }
                    }
                }
            }
            for (case, given) in cases(example) {
                if let Err(errors) = example.source(&mode.id, &given) {
                    problems.push(format!("{id}/{}/{case}: {}", mode.id, errors[0]));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn predictions_print_what_cpython_printed() {
    let failures: Vec<String> = runs()
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| {
            format!(
                "{}/{}/{}: {}",
                r.example,
                r.mode,
                r.case,
                r.problems.join("\n    ")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} runs differ:\n{}",
        failures.len(),
        runs().len(),
        failures.join("\n")
    );
}

/// Whether this run covers an example (it exists and isn't filtered out).
fn covered(id: &str) -> bool {
    selected().iter().any(|e| e.id == id)
}

/// The predicted elapsed time at the defaults.
fn elapsed(example: &str, mode: &str) -> Option<f64> {
    runs()
        .iter()
        .find(|r| r.example == example && r.mode == mode && r.case == "defaults")
        .map(|r| r.predicted_s)
}

#[test]
fn the_lessons_figures_hold_in_the_prediction() {
    let mut problems = Vec::new();
    let mut near =
        |example: &str, mode: &str, want: f64, tolerance: f64| match elapsed(example, mode) {
            Some(got) => {
                if (got - want).abs() > want * tolerance {
                    problems.push(format!(
                    "{example}/{mode}: predicted {got:.3} s, the lesson says {want} s (±{:.0}%)",
                    tolerance * 100.0
                ));
                }
            }
            None if covered(example) => {
                problems.push(format!("{example}/{mode}: no such mode, or not run"))
            }
            None => println!("figure not checked: no example {example} (yet, or filtered out)"),
        };
    near("orders", "sequential", 9.0, 0.03);
    near("orders", "asyncio", 5.0, 0.03);
    near("square-cube", "sequential", 8.0, 0.05);
    near("square-cube", "threads", 4.0, 0.05);
    near("two-downloads", "threads", 10.0, 0.05);
    near("two-downloads", "sequential", 15.0, 0.05);
    near("pool-downloads", "pool", 10.0, 0.05);
    near("pool-downloads", "pool-1", 15.0, 0.05);
    // Two processes of 4 x 3 s side by side: about 12 s (plus their start), not 24.
    near("processes", "processes", 12.0, 0.05);
    near("processes", "threads", 12.0, 0.05);
    let mut ratio = |example: &str, slow: &str, fast: &str, lo: f64, hi: f64| match (
        elapsed(example, slow),
        elapsed(example, fast),
    ) {
        (Some(s), Some(f)) => {
            let r = s / f.max(1e-9);
            println!("{example}: {slow} {s:.3} s / {fast} {f:.3} s = {r:.2}x");
            if !(lo..=hi).contains(&r) {
                problems.push(format!(
                        "{example}: {slow} {s:.3} s / {fast} {f:.3} s = {r:.2}x, the lesson says {lo}x to {hi}x"
                    ));
            }
        }
        _ if covered(example) => {
            problems.push(format!("{example}: no modes {slow} and {fast}, or not run"))
        }
        _ => println!("figure not checked: no example {example} (yet, or filtered out)"),
    };
    ratio("image-downloader", "sequential", "queue", 3.0, 100.0);
    // cpu-vs-io: the GIL makes threads no faster; free threads and processes use the cores.
    let cores = RunOptions::default().cores as f64;
    ratio("cpu-vs-io", "sequential", "threads-gil", 0.0, 1.05);
    ratio(
        "cpu-vs-io",
        "sequential",
        "threads",
        cores * 0.8,
        cores * 1.2,
    );
    ratio(
        "cpu-vs-io",
        "sequential",
        "processes",
        cores * 0.7,
        cores * 1.2,
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn catalogue_lists_every_example_with_its_schema() {
    let cat: Value = serde_json::from_str(&examples::catalogue_json()).unwrap();
    let list = cat["examples"].as_array().unwrap();
    assert_eq!(list.len(), EXAMPLES.len());
    assert!(cat["timeScale"]["name"] == "timeScale");
    for e in list {
        assert!(e.get("problem").is_none(), "{}: {}", e["id"], e["problem"]);
        for key in ["id", "title", "group", "lesson", "modes", "params"] {
            assert!(e.get(key).is_some(), "{} lacks {key}", e["id"]);
        }
        for m in e["modes"].as_array().unwrap() {
            for key in ["id", "title", "pattern", "gil", "order"] {
                assert!(m.get(key).is_some(), "{} mode lacks {key}", e["id"]);
            }
        }
        for p in e["params"].as_array().unwrap() {
            for key in [
                "name", "label", "type", "default", "min", "max", "maxLen", "options", "unit",
                "help",
            ] {
                assert!(p.get(key).is_some(), "{} param lacks {key}", e["id"]);
            }
        }
    }
}

/// The program the literal-rewriting agreement test uses: every kind of parameter.
const FIXTURE: &str = r#"import time
coffee_s = 1.0           # param [0..60 s] Coffee: how long the coffee takes to arrive.
tasks = 4                # param [1..32] Tasks: how many tasks of equal size.
numbers = [2, 3, 8, 9]   # param [-999..999, 12 items] Numbers: the list both threads work through.
rates = [0.5, 2]         # param [0..10 MB/s, 4 items] Rates
work = "cpu"             # param [cpu|io] Work: compute, or sleep as if waiting for I/O.
join = True              # param join() before main's last line
pictures_url = ""        # param [url, 500 chars] pictures.zip address: empty = the playground's own file.
scale = 1                # param [0..1e9] Scale
neg = -3                 # param [-9..9] Neg
note = 'é'  # param [40 chars] Note: any text
print(coffee_s, tasks, numbers, rates, work, join, pictures_url, scale, neg, note)
"#;

#[test]
fn rewriting_agrees_with_the_recorder() {
    let tool = root().join("tools/record_examples.py");
    let dir = std::env::temp_dir().join(format!("threadlab-rewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fixture.py");
    std::fs::write(&file, FIXTURE).unwrap();
    let declared = params::declared(FIXTURE).unwrap();
    let cases = [
        json!({}),
        json!({"coffee_s": 0.2, "tasks": 7, "numbers": [1, -2, 3], "rates": [1, 0.25], "work": "io",
               "join": false, "pictures_url": "https://example.org/a?b=\"c\"", "scale": 123456789,
               "neg": -3, "note": "a\"b\\c'd é\u{2028}"}),
        json!({"coffee_s": 1e-5, "tasks": "5", "numbers": "4, 5 6", "rates": "3", "join": "true",
               "scale": 0.1, "neg": 0, "note": "x"}),
        json!({"coffee_s": 60, "scale": 1e-7, "note": ""}),
    ];
    for given in cases {
        let values: Vec<(&str, params::ParamValue)> = given
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, v)| {
                let p = declared.iter().find(|p| p.name == *name).unwrap();
                (p.name.as_str(), p.check(v).unwrap())
            })
            .collect();
        let ours = params::apply(FIXTURE, &values);
        let theirs = match std::process::Command::new("python3")
            .arg(&tool)
            .arg("--rewrite")
            .arg(&file)
            .arg(given.to_string())
            .output()
        {
            Ok(out) if out.status.success() => String::from_utf8(out.stdout).unwrap(),
            Ok(out) => panic!(
                "the recorder's --rewrite failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => {
                println!("python3 is not available ({e}): the agreement is not checked");
                return;
            }
        };
        assert_eq!(ours, theirs, "for {given}");
        // And CPython reads the rewritten literals as the values.
        assert!(threadlab::python::compile(&ours, "<main>").is_ok());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn each_example_folder_is_embedded() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("example.json").is_file())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = EXAMPLES.iter().map(|e| e.id.to_string()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
    assert!(Path::new(&root().join("examples/cpython")).is_dir());
}

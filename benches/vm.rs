//! The VM against CPython on the same CPU-bound programs (`benches/programs/*.py`), natively, side by side
//! in one run; and the time to compile and to predict each program of the test corpus.
//!
//! Each program runs `--reps` times (default 5) in ThreadLab's native runtime and in `python3` (timed inside
//! the interpreter, so start-up is left out); medians and their ratio are printed as a Markdown table and,
//! with `--json`, as JSON. Then the VM's cost per instruction on this machine (`native::calibrate`, the
//! program the page calibrates its predictions with, so `./build.sh bench` can set the two side by side).
//! Run: `cargo bench --bench vm [-- --reps N] [-- --json]`.

// The native runtime doesn't exist on wasm (no std threads there): this benchmark is native only.
#[cfg(not(target_arch = "wasm32"))]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native_bench {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::Instant;

    use threadlab::runtime::{native, virtual_time, RunOptions};

    /// Times a program inside CPython: the wrapper starts the clock after the interpreter is up.
    const CPYTHON_TIMER: &str = "import sys, time\nsrc = open(sys.argv[1]).read()\ncode = compile(src, sys.argv[1], 'exec')\nt = time.perf_counter()\nexec(code, {'__name__': '__main__'})\nprint('elapsed', time.perf_counter() - t, file=sys.stderr)\n";

    fn median(mut xs: Vec<f64>) -> f64 {
        xs.sort_by(|a, b| a.total_cmp(b));
        if xs.is_empty() {
            f64::NAN
        } else {
            xs[xs.len() / 2]
        }
    }

    fn cpython_seconds(path: &Path) -> Option<f64> {
        let out = Command::new("python3")
            .arg("-c")
            .arg(CPYTHON_TIMER)
            .arg(path)
            .output()
            .ok()?;
        let err = String::from_utf8_lossy(&out.stderr);
        err.lines()
            .find_map(|l| l.strip_prefix("elapsed "))
            .and_then(|s| s.trim().parse().ok())
    }

    fn programs(dir: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "py"));
        files.sort();
        files
    }

    #[allow(clippy::disallowed_methods)] // a native benchmark's own clock
    pub fn main() {
        let args: Vec<String> = std::env::args().collect();
        let reps = crate::common::reps(5);
        let json = args.iter().any(|a| a == "--json");
        let opts = RunOptions::default();

        let mut rows = Vec::new();
        println!("| program | ThreadLab VM (ms) | CPython 3.11 (ms) | ratio | output matches |");
        println!("|---|---|---|---|---|");
        for path in programs("benches/programs") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            let source = std::fs::read_to_string(&path).expect("readable program");
            let expected = Command::new("python3")
                .arg(&path)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
                .unwrap_or_default();
            let mut ours = Vec::new();
            let mut theirs = Vec::new();
            let mut same = true;
            for _ in 0..reps {
                let outcome = native::run(&source, &opts);
                same &= outcome.stdout == expected && outcome.exception.is_none();
                ours.push(outcome.elapsed_s * 1000.0);
                if let Some(s) = cpython_seconds(&path) {
                    theirs.push(s * 1000.0);
                }
            }
            let (a, b) = (median(ours), median(theirs));
            println!(
                "| {name} | {a:.1} | {b:.1} | {:.2}x | {} |",
                a / b,
                if same { "yes" } else { "NO" }
            );
            rows.push(format!(
                "{{\"program\": \"{name}\", \"vmMs\": {a:.3}, \"cpythonMs\": {b:.3}, \"ratio\": {:.3}, \"outputMatches\": {same}}}",
                a / b
            ));
        }

        println!();
        println!("| corpus program | compile (µs) | predict (ms, real time) | predicted (s) |");
        println!("|---|---|---|---|");
        let mut predictions = Vec::new();
        for path in programs("tests/programs") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            let source = std::fs::read_to_string(&path).expect("readable program");
            let t = Instant::now();
            let compiled = threadlab::python::compile(&source, "<main>").is_ok();
            let compile_us = t.elapsed().as_secs_f64() * 1e6;
            if !compiled {
                continue;
            }
            let t = Instant::now();
            let outcome = virtual_time::run(&source, &opts);
            let predict_ms = t.elapsed().as_secs_f64() * 1000.0;
            println!(
                "| {name} | {compile_us:.0} | {predict_ms:.1} | {:.3} |",
                outcome.elapsed_s
            );
            predictions.push(format!(
                "{{\"program\": \"{name}\", \"compileUs\": {compile_us:.1}, \"predictMs\": {predict_ms:.3}, \"predictedS\": {:.4}}}",
                outcome.elapsed_s
            ));
        }
        // The calibration program on one thread, the best of three runs (the page keeps its best too).
        let ns_per_instruction = native::calibrate();
        println!();
        println!("VM cost per instruction, native: {ns_per_instruction:.2} ns (runtime::real::CALIBRATION_PROGRAM)");
        if json {
            println!(
                "{{\"vmAgainstCpython\": [{}], \"predictions\": [{}], \"nsPerInstruction\": {ns_per_instruction:.3}}}",
                rows.join(", "),
                predictions.join(", ")
            );
        }
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native_bench::main();
}

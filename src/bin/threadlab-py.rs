//! `threadlab-py run FILE.py [--predict] [--no-gil] [--timeline] [--cores N] [--seed N]`: runs a program on
//! the native runtime (real threads) or predicts it (virtual time) and prints its output and timeline.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use threadlab::runtime::timeline::render_text;
    use threadlab::runtime::virtual_time::PredictOptions;
    use threadlab::runtime::{native, virtual_time, Outcome, RunOptions, PROCESS_START_S};

    const USAGE: &str =
        "usage: threadlab-py run FILE.py [--predict] [--compare] [--no-gil] [--timeline] \
                         [--cores N] [--seed N] [--max-seconds S] [--ns-per-instruction NS]
       threadlab-py calibrate

  run          runs the program on real threads (the native runtime) and prints its output
  --predict    predicts it in virtual time instead (the prediction, calibrated to this machine)
  --compare    runs it and predicts it, and prints both elapsed times
  --no-gil     free-threaded: threads run in parallel on the cores
  --timeline   prints the timeline after the output
  calibrate    prints the VM's nanoseconds per instruction and the cost of a process start on this machine";

    struct Args {
        file: String,
        predict: bool,
        compare: bool,
        timeline: bool,
        opts: RunOptions,
        ns: Option<f64>,
    }

    fn parse(args: &[String]) -> Result<Args, String> {
        let mut out = Args {
            file: String::new(),
            predict: false,
            compare: false,
            timeline: false,
            opts: RunOptions::default(),
            ns: None,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| -> Result<String, String> {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match a.as_str() {
                "--predict" => out.predict = true,
                "--compare" => out.compare = true,
                "--no-gil" => out.opts.gil = false,
                "--timeline" => out.timeline = true,
                "--cores" => {
                    out.opts.cores = value("--cores")?
                        .parse()
                        .map_err(|_| "--cores needs a whole number".to_string())?
                }
                "--seed" => {
                    out.opts.seed = value("--seed")?
                        .parse()
                        .map_err(|_| "--seed needs a whole number".to_string())?
                }
                "--max-seconds" => {
                    out.opts.max_seconds = value("--max-seconds")?
                        .parse()
                        .map_err(|_| "--max-seconds needs a number".to_string())?
                }
                "--ns-per-instruction" => {
                    out.ns = Some(
                        value("--ns-per-instruction")?
                            .parse()
                            .map_err(|_| "--ns-per-instruction needs a number".to_string())?,
                    )
                }
                s if s.starts_with("--") => return Err(format!("unknown option {s}")),
                s if out.file.is_empty() => out.file = s.to_string(),
                s => return Err(format!("one file only (got {s} too)")),
            }
        }
        if out.file.is_empty() {
            return Err("which file?".into());
        }
        Ok(out)
    }

    fn print_outcome(label: &str, out: &Outcome, timeline: bool) {
        for e in &out.syntax_errors {
            eprintln!("SyntaxError: {e}");
        }
        print!("{}", out.stdout);
        eprint!("{}", out.stderr);
        if let Some(why) = &out.stopped {
            eprintln!("[{label}] stopped: {why}");
        }
        eprintln!("[{label}] elapsed {:.4} s", out.elapsed_s);
        if timeline {
            println!("{}", render_text(&out.timeline, 72));
        }
    }

    pub fn main(args: Vec<String>) -> i32 {
        match args.first().map(String::as_str) {
            Some("calibrate") => {
                println!("{:.2} ns per instruction", native::calibrate());
                println!(
                    "{:.1} ms per process start (the prediction assumes {:.0} ms)",
                    native::measure_process_start() * 1e3,
                    PROCESS_START_S * 1e3
                );
                return 0;
            }
            Some("run") => {}
            _ => {
                eprintln!("{USAGE}");
                return 2;
            }
        }
        let args = match parse(&args[1..]) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("threadlab-py: {e}\n{USAGE}");
                return 2;
            }
        };
        let source = match std::fs::read_to_string(&args.file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("threadlab-py: can't read {}: {e}", args.file);
                return 2;
            }
        };
        let predict_opts = || PredictOptions {
            ns_per_instruction: args.ns.unwrap_or_else(native::calibrate),
            ..PredictOptions::default()
        };
        let outcome = if args.compare {
            let predicted = virtual_time::run_with(&source, &args.opts, &predict_opts());
            let real = native::run(&source, &args.opts);
            print_outcome("real", &real, args.timeline);
            if args.timeline {
                println!("predicted:\n{}", render_text(&predicted.timeline, 72));
            }
            eprintln!(
                "[predicted] elapsed {:.4} s ({:+.1}% against the real run){}",
                predicted.elapsed_s,
                (predicted.elapsed_s / real.elapsed_s.max(1e-9) - 1.0) * 100.0,
                if predicted.stdout == real.stdout {
                    ""
                } else {
                    "; its output differs"
                }
            );
            real
        } else if args.predict {
            let out = virtual_time::run_with(&source, &args.opts, &predict_opts());
            print_outcome("predicted", &out, args.timeline);
            out
        } else {
            let out = native::run(&source, &args.opts);
            print_outcome("real", &out, args.timeline);
            out
        };
        if !outcome.syntax_errors.is_empty()
            || outcome.exception.is_some()
            || outcome.stopped.is_some()
        {
            1
        } else {
            0
        }
    }
}

//! `two-threads`: start() runs a thread, join() waits for it; the output of two threads interleaves.

use super::code::{py, rs};
use super::{Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "two-threads",
    title: "Two threads: start, join, and interleaved output",
    group: "threads",
    lesson: "Two threads run the same counting function. start() hands each one to the scheduler and \
             returns at once, so the main thread goes on while they count; their lines interleave, and \
             which one prints first can change from run to run. join() makes the main thread wait until \
             a thread has finished: with it, the main thread's last line comes after all the counting; \
             without it, the main thread prints while the others are still busy (the program still waits \
             for them before it ends, because they are not daemons). Run it sequentially to see the same \
             calls take twice as long and never interleave.",
    modes: &[
        ModeSpec {
            id: "threads",
            title: "threading.Thread: both count at once",
            pattern: Pattern::Threads,
        },
        ModeSpec {
            id: "sequential",
            title: "sequential: one count after the other",
            pattern: Pattern::Sequential,
        },
    ],
    params: &[
        ParamSpec::integer("count", "Lines per thread", 10.0, 1.0, 50.0)
            .help("Each thread prints its name and 1 up to this number."),
        ParamSpec::number("pause_s", "Pause per line", 0.05, 0.0, 5.0)
            .unit("s")
            .help("A tiny sleep after each line, so the threads take turns."),
        ParamSpec::toggle("join", "join() before main's last line", true)
            .help("Whether the main thread waits for both threads before printing."),
    ],
    program,
    code,
};

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let (count, pause) = (params.count("count"), params.num("pause_s"));
    let threaded = mode.pattern != Pattern::Sequential;
    let funcs = (1..=2)
        .map(|n| {
            let name = if threaded {
                format!("Thread-{n}")
            } else {
                format!("count({n})")
            };
            let steps = (1..=count)
                .flat_map(|i| {
                    [
                        Step::Print(format!("Thread-{n}: {i}")),
                        Step::Sleep { seconds: pause },
                    ]
                })
                .collect();
            Func::new(format!("t{n}"), name, steps)
        })
        .collect();
    let mut main = if threaded {
        vec![Step::Start(0), Step::Start(1)]
    } else {
        vec![Step::Call(0), Step::Call(1)]
    };
    if threaded && params.flag("join") {
        main.extend([Step::Join(0), Step::Join(1)]);
    }
    main.push(Step::Print("main thread here".into()));
    Program {
        main,
        funcs,
        ..Program::default()
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let (count, pause) = (params.count("count"), params.num("pause_s"));
    let join = params.flag("join");
    let func = format!(
        "import threading\nimport time\n\ndef count(name):\n    for i in range(1, {}):\n        \
         print(f\"{{name}}: {{i}}\")\n        time.sleep({})\n\n",
        count + 1,
        py(pause)
    );
    let python = if mode.pattern == Pattern::Sequential {
        format!("{func}count(\"Thread-1\")\ncount(\"Thread-2\")\nprint(\"main thread here\")\n")
    } else {
        format!(
            "{func}t1 = threading.Thread(target=count, args=(\"Thread-1\",), name=\"Thread-1\")\n\
             t2 = threading.Thread(target=count, args=(\"Thread-2\",), name=\"Thread-2\")\n\
             t1.start()\nt2.start()\n{}print(\"main thread here\")\n",
            if join {
                "t1.join()\nt2.join()\n"
            } else {
                "# no join(): main goes on while they count\n"
            }
        )
    };
    let rfunc = format!(
        "use std::{{thread, time::Duration}};\n\nfn count(name: &str) {{\n    for i in 1..={count} {{\n        \
         println!(\"{{name}}: {{i}}\");\n        thread::sleep(Duration::from_secs_f64({}));\n    }}\n}}\n\n",
        rs(pause)
    );
    let rust = if mode.pattern == Pattern::Sequential {
        format!(
            "{rfunc}fn main() {{\n    count(\"Thread-1\");\n    count(\"Thread-2\");\n    \
             println!(\"main thread here\");\n}}\n"
        )
    } else if join {
        format!(
            "{rfunc}fn main() {{\n    let t1 = thread::spawn(|| count(\"Thread-1\"));\n    \
             let t2 = thread::spawn(|| count(\"Thread-2\"));\n    t1.join().unwrap();\n    \
             t2.join().unwrap();\n    println!(\"main thread here\");\n}}\n"
        )
    } else {
        format!(
            "{rfunc}fn main() {{\n    // A scope waits for its threads at its end, as Python waits for\n    \
             // non-daemon threads before exiting.\n    thread::scope(|s| {{\n        \
             s.spawn(|| count(\"Thread-1\"));\n        s.spawn(|| count(\"Thread-2\"));\n        \
             println!(\"main thread here\");\n    }});\n}}\n"
        )
    };
    Code { python, rust }
}

//! `cpu-vs-io`: threads help waiting, not computing, while a GIL is held.

use super::code::{py, rs};
use super::{Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "cpu-vs-io",
    title: "CPU-bound against I/O-bound work, with and without the GIL",
    group: "the GIL",
    lesson: "The same tasks run one after another, then in threads that must hold CPython's global \
             interpreter lock (GIL) to run Python code, then in threads without one (as Rust threads, or \
             free-threaded Python). When the tasks wait (I/O), a waiting thread gives up the GIL, so every \
             threaded mode overlaps the waits and finishes about N times faster. When the tasks compute, \
             only the GIL's holder can run: the others wait their turn, handed the lock every switch \
             interval (5 ms by default), and the threads are no faster than one thread alone. Without the \
             GIL, computing threads run at once on as many cores as the machine has.",
    modes: &[
        ModeSpec {
            id: "sequential",
            title: "sequential: one task after another",
            pattern: Pattern::Sequential,
        },
        ModeSpec {
            id: "threads-gil",
            title: "threads with a GIL (CPython)",
            pattern: Pattern::ThreadsGil,
        },
        ModeSpec {
            id: "threads",
            title: "threads without a GIL (Rust, free-threaded Python)",
            pattern: Pattern::Threads,
        },
        ModeSpec {
            id: "processes",
            title: "processes: a GIL each (multiprocessing)",
            pattern: Pattern::Processes,
        },
    ],
    params: &[
        ParamSpec::integer("tasks", "Tasks", 4.0, 1.0, 32.0).help("How many tasks of equal size."),
        ParamSpec::number("seconds", "Size of a task", 1.0, 0.0, 30.0)
            .unit("s")
            .help("How long one task takes alone."),
        ParamSpec::choice("work", "Work", "cpu", &["cpu", "io"])
            .help("cpu computes; io waits (a sleep stands for the network or a disk)."),
        ParamSpec::number("switch_interval_ms", "GIL switch interval", 5.0, 0.5, 100.0)
            .unit("ms")
            .help("sys.setswitchinterval: how long a thread may keep the GIL while others wait."),
    ],
    program,
    code,
};

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let n = params.count("tasks");
    let seconds = params.num("seconds");
    let step = match params.choice("work") {
        "io" => Step::Sleep { seconds },
        _ => Step::Compute { seconds },
    };
    let threaded = mode.pattern != Pattern::Sequential;
    let funcs = (1..=n)
        .map(|i| {
            let name = match mode.pattern {
                Pattern::Sequential => format!("task({i})"),
                Pattern::Processes => format!("Process-{i}"),
                _ => format!("Thread-{i}"),
            };
            Func::new(
                format!("task{i}"),
                name,
                vec![step.clone(), Step::Print(format!("task {i} done"))],
            )
        })
        .collect();
    let main = if threaded {
        (0..n)
            .map(Step::Start)
            .chain((0..n).map(Step::Join))
            .collect()
    } else {
        (0..n).map(Step::Call).collect()
    };
    Program {
        switch_ms: params.num("switch_interval_ms"),
        main,
        funcs,
        ..Program::default()
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let n = params.count("tasks");
    let s = params.num("seconds");
    let io = params.choice("work") == "io";
    let work_py = if io {
        format!(
            "    time.sleep({})  # waiting: the GIL is released\n",
            py(s)
        )
    } else {
        format!(
            "    end = time.perf_counter() + {}\n    while time.perf_counter() < end:\n        \
             pass  # computing: needs the GIL\n",
            py(s)
        )
    };
    let header = format!("import sys\nimport threading\nimport time\n\ndef task(i):\n{work_py}    print(f\"task {{i}} done\")\n\n");
    let python = match mode.pattern {
        Pattern::Sequential => format!("{header}for i in range(1, {}):\n    task(i)\n", n + 1),
        Pattern::Processes => format!(
            "{header}if __name__ == \"__main__\":\n    procs = [multiprocessing.Process(target=task, args=(i,)) for i in range(1, {})]\n    \
             for p in procs:\n        p.start()\n    for p in procs:\n        p.join()\n",
            n + 1
        ).replace("import sys\n", "import multiprocessing\n"),
        pattern => format!(
            "{header}{}threads = [threading.Thread(target=task, args=(i,)) for i in range(1, {})]\n\
             for t in threads:\n    t.start()\nfor t in threads:\n    t.join()\n",
            if pattern == Pattern::ThreadsGil {
                format!(
                    "sys.setswitchinterval({})  # seconds\n",
                    py(params.num("switch_interval_ms") / 1000.0)
                )
            } else {
                "# Runs in parallel only on a free-threaded build (python3.13t -X gil=0).\n".to_string()
            },
            n + 1
        ),
    };
    let work_rs = if io {
        format!("    thread::sleep(Duration::from_secs_f64({}));\n", rs(s))
    } else {
        format!(
            "    let end = Instant::now() + Duration::from_secs_f64({});\n    while Instant::now() < end {{}}\n",
            rs(s)
        )
    };
    let rheader = format!(
        "use std::{{thread, time::{{Duration, Instant}}}};\n\nfn task(i: usize) {{\n{work_rs}    println!(\"task {{i}} done\");\n}}\n\n"
    );
    let rust = match mode.pattern {
        Pattern::Sequential => format!("{rheader}fn main() {{\n    (1..={n}).for_each(task);\n}}\n"),
        Pattern::ThreadsGil => format!(
            "{rheader}// Rust has no GIL; a global Mutex held while computing is what CPython's GIL does:\n\
             static GIL: std::sync::Mutex<()> = std::sync::Mutex::new(());\n\n\
             fn main() {{\n    thread::scope(|s| {{\n        for i in 1..={n} {{\n            \
             s.spawn(move || {{\n                let _gil = GIL.lock().unwrap();\n                task(i);\n            \
             }});\n        }}\n    }});\n}}\n"
        ),
        _ => format!(
            "{rheader}fn main() {{\n    // rayon would size this to the cores; one thread per task, as Python does:\n    \
             thread::scope(|s| {{\n        for i in 1..={n} {{\n            s.spawn(move || task(i));\n        }}\n    }});\n}}\n"
        ),
    };
    Code { python, rust }
}

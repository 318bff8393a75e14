//! `processes`, `global-not-shared` and `process-queue`: multiprocessing's processes, each with its own
//! memory, against threads that share one.

use super::code::{list, py};
use super::{Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

const NUMBERS: ParamSpec = ParamSpec::list(
    "numbers",
    "Numbers",
    &[2.0, 3.0, 8.0, 9.0],
    -999.0,
    999.0,
    12,
)
.help("The list each process works through.");

/// `processes`: square and cube in two processes, in parallel.
pub static PROCESSES: Example = Example {
    id: "processes",
    title: "Two processes: square and cube in parallel",
    group: "processes",
    lesson: "multiprocessing.Process runs a function in a new process: a separate program with its own \
             interpreter and its own memory, so it has its own GIL and its own core. calc_square and \
             calc_cube each take 3 seconds per number over [2, 3, 8, 9]: about 12 seconds each, side by \
             side. Starting a process costs far more than starting a thread, which is drawn at the start \
             of each lane: here, a new worker and a fresh copy of the program.",
    modes: &[
        ModeSpec {
            id: "processes",
            title: "multiprocessing.Process",
            pattern: Pattern::Processes,
        },
        ModeSpec {
            id: "threads",
            title: "threading.Thread, for contrast",
            pattern: Pattern::Threads,
        },
    ],
    params: &[
        NUMBERS,
        ParamSpec::number("delay_s", "Pause per number", 3.0, 0.0, 10.0)
            .unit("s")
            .help("The sleep after each result."),
    ],
    program: square_cube,
    code: square_cube_code,
};

fn square_cube(params: &Params, mode: &ModeSpec) -> Program {
    let (numbers, delay) = (params.list("numbers"), params.num("delay_s"));
    let kind = if mode.pattern.is_processes() {
        "Process"
    } else {
        "Thread"
    };
    let func = |n: usize, what: &str, power: u32| {
        let steps = numbers
            .iter()
            .flat_map(|x| {
                [
                    Step::Sleep { seconds: delay },
                    Step::Print(format!("{what}: {}", x.pow(power))),
                ]
            })
            .collect();
        Func::new(what, format!("{kind}-{n} (calc_{what})"), steps)
    };
    Program {
        main: vec![
            Step::Start(0),
            Step::Start(1),
            Step::Join(0),
            Step::Join(1),
            Step::Print("Successes!".into()),
        ],
        funcs: vec![func(1, "square", 2), func(2, "cube", 3)],
        ..Program::default()
    }
}

/// The Python imports and the class that starts the function, for this mode.
fn header(mode: &ModeSpec) -> (&'static str, &'static str) {
    if mode.pattern.is_processes() {
        (
            "import multiprocessing\nimport time\n\n",
            "multiprocessing.Process",
        )
    } else {
        ("import threading\nimport time\n\n", "threading.Thread")
    }
}

fn square_cube_code(params: &Params, mode: &ModeSpec) -> Code {
    let (numbers, delay) = (params.list("numbers"), params.num("delay_s"));
    let (head, class) = header(mode);
    Code {
        python: format!(
            "{head}def calc_square(numbers):\n    for n in numbers:\n        time.sleep({d})\n        \
             print(\"square:\", n * n)\n\ndef calc_cube(numbers):\n    for n in numbers:\n        time.sleep({d})\n        \
             print(\"cube:\", n * n * n)\n\nif __name__ == \"__main__\":\n    arr = {l}\n    \
             p1 = {class}(target=calc_square, args=(arr,))\n    p2 = {class}(target=calc_cube, args=(arr,))\n    \
             p1.start()\n    p2.start()\n    p1.join()\n    p2.join()\n    print(\"Successes!\")\n",
            d = py(delay),
            l = list(&numbers)
        ),
        rust: format!(
            "use std::process::Command;\n\n// A process is another program: here the same binary, started again with\n\
             // an argument saying which function to run. It shares no memory with this one.\n\
             fn main() {{\n    if let Some(which) = std::env::args().nth(1) {{\n        \
             let power = if which == \"square\" {{ 2 }} else {{ 3 }};\n        for n in {l} {{\n            \
             std::thread::sleep(std::time::Duration::from_millis({ms}));\n            \
             println!(\"{{which}}: {{}}\", i64::pow(n, power));\n        }}\n        return;\n    }}\n    \
             let me = std::env::current_exe().unwrap();\n    let mut p1 = Command::new(&me).arg(\"square\").spawn().unwrap();\n    \
             let mut p2 = Command::new(&me).arg(\"cube\").spawn().unwrap();\n    p1.wait().unwrap();\n    \
             p2.wait().unwrap();\n    println!(\"Successes!\");\n}}\n",
            l = list(&numbers),
            ms = (delay * 1000.0).round()
        ),
    }
}

/// `global-not-shared`: a process gets a copy of the globals, not the original.
pub static GLOBAL_NOT_SHARED: Example = Example {
    id: "global-not-shared",
    title: "A process's globals are its own",
    group: "processes",
    lesson: "A function appends the squares of a list to a global list, results, and the main program \
             prints results after joining. In a thread, the append changes the one list the whole program \
             shares, so the main program sees the squares. In a process, the function appends to the \
             process's own copy of results, in its own memory: the process sees the squares, the main \
             program still sees an empty list. Nothing written in a process comes back unless it is sent.",
    modes: &[
        ModeSpec {
            id: "processes",
            title: "multiprocessing.Process: two memories",
            pattern: Pattern::Processes,
        },
        ModeSpec {
            id: "threads",
            title: "threading.Thread: one memory",
            pattern: Pattern::Threads,
        },
    ],
    params: &[
        NUMBERS,
        ParamSpec::number("delay_s", "Pause per number", 0.5, 0.0, 10.0)
            .unit("s")
            .help("The sleep after each append."),
    ],
    program: global_program,
    code: global_code,
};

fn global_program(params: &Params, mode: &ModeSpec) -> Program {
    let (numbers, delay) = (params.list("numbers"), params.num("delay_s"));
    let who = if mode.pattern.is_processes() {
        "the process"
    } else {
        "the thread"
    };
    let mut steps: Vec<Step> = numbers
        .iter()
        .flat_map(|x| {
            [
                Step::Append(x * x),
                Step::Print(format!("appended {}", x * x)),
                Step::Sleep { seconds: delay },
            ]
        })
        .collect();
    steps.push(Step::ShowGlobal(who.into()));
    let name = if mode.pattern.is_processes() {
        "Process-1"
    } else {
        "Thread-1"
    };
    Program {
        main: vec![
            Step::Start(0),
            Step::Join(0),
            Step::ShowGlobal("the main program".into()),
        ],
        funcs: vec![Func::new("square", format!("{name} (calc_square)"), steps)],
        ..Program::default()
    }
}

fn global_code(params: &Params, mode: &ModeSpec) -> Code {
    let (numbers, delay) = (params.list("numbers"), params.num("delay_s"));
    let who = if mode.pattern.is_processes() {
        "the process"
    } else {
        "the thread"
    };
    let (head, class) = header(mode);
    Code {
        python: format!(
            "{head}results = []\n\ndef calc_square(numbers):\n    for n in numbers:\n        results.append(n * n)\n        \
             time.sleep({d})\n    print(\"{who} sees results =\", results)\n\nif __name__ == \"__main__\":\n    \
             p = {class}(target=calc_square, args=({l},))\n    p.start()\n    p.join()\n    \
             print(\"the main program sees results =\", results)\n",
            d = py(delay),
            l = list(&numbers)
        ),
        rust: "// Rust makes the difference explicit: a thread may only touch shared data through a\n\
               // Mutex (or by moving it); a child process is a separate program and gets a copy.\n\
               use std::sync::Mutex;\n\nstatic RESULTS: Mutex<Vec<i64>> = Mutex::new(Vec::new());\n\n\
               fn main() {\n    std::thread::spawn(|| {\n        for n in [2, 3, 8, 9] {\n            \
               RESULTS.lock().unwrap().push(n * n);\n        }\n    })\n    .join()\n    .unwrap();\n    \
               println!(\"outside: {:?}\", RESULTS.lock().unwrap()); // the thread's squares\n}\n"
            .into(),
    }
}

/// `process-queue`: a process sends its results back through a queue.
pub static PROCESS_QUEUE: Example = Example {
    id: "process-queue",
    title: "Results come back through a queue",
    group: "processes",
    lesson: "Since a process can't write to the main program's memory, it sends its results instead: \
             multiprocessing.Queue pickles each item in the process, carries it across, and unpickles it \
             in the main program. The process puts each square; after join(), the main program drains the \
             queue with empty() and get() and prints 4, 9, 64, 81, in the order they were put.",
    modes: &[ModeSpec {
        id: "processes",
        title: "multiprocessing.Process + Queue",
        pattern: Pattern::Processes,
    }],
    params: &[
        NUMBERS,
        ParamSpec::number("delay_s", "Pause per number", 0.5, 0.0, 10.0)
            .unit("s")
            .help("The sleep after each put."),
    ],
    program: queue_program,
    code: queue_code,
};

fn queue_program(params: &Params, _mode: &ModeSpec) -> Program {
    let (numbers, delay) = (params.list("numbers"), params.num("delay_s"));
    let steps = numbers
        .iter()
        .flat_map(|x| {
            [
                Step::Put {
                    queue: 0,
                    item: x * x,
                },
                Step::Print(format!("put {}", x * x)),
                Step::Sleep { seconds: delay },
            ]
        })
        .collect();
    Program {
        main: vec![Step::Start(0), Step::Join(0), Step::Drain(0)],
        funcs: vec![Func::new("square", "Process-1 (calc_square)", steps)],
        queues: vec![0],
        ..Program::default()
    }
}

fn queue_code(params: &Params, _mode: &ModeSpec) -> Code {
    let (numbers, delay) = (params.list("numbers"), params.num("delay_s"));
    Code {
        python: format!(
            "import multiprocessing\nimport time\n\ndef calc_square(numbers, q):\n    for n in numbers:\n        \
             q.put(n * n)\n        time.sleep({d})\n\nif __name__ == \"__main__\":\n    q = multiprocessing.Queue()\n    \
             p = multiprocessing.Process(target=calc_square, args=({l}, q))\n    p.start()\n    p.join()\n    \
             while not q.empty():\n        print(q.get())\n",
            d = py(delay),
            l = list(&numbers)
        ),
        rust: format!(
            "use std::io::{{BufRead, BufReader, Write}};\nuse std::process::{{Command, Stdio}};\n\n\
             // Between processes, data crosses as bytes: here a pipe, one number per line.\nfn main() {{\n    \
             if std::env::args().nth(1).as_deref() == Some(\"child\") {{\n        for n in {l} {{\n            \
             println!(\"{{}}\", n * n);\n            std::io::stdout().flush().unwrap();\n        }}\n        return;\n    }}\n    \
             let me = std::env::current_exe().unwrap();\n    \
             let child = Command::new(me).arg(\"child\").stdout(Stdio::piped()).spawn().unwrap();\n    \
             for line in BufReader::new(child.stdout.unwrap()).lines() {{\n        println!(\"{{}}\", line.unwrap());\n    }}\n}}\n",
            l = list(&numbers)
        ),
    }
}

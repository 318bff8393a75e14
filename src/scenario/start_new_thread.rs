//! `start-new-thread`: the low-level `_thread` API starts threads but has no join.

use super::code::{list, ordinal};
use super::{Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "start-new-thread",
    title: "_thread.start_new_thread: threads without join",
    group: "threads",
    lesson: "Three threads each wait 1, 2 or 3 seconds between four \"running\" lines, so they would \
             finish after 4, 8 and 12 seconds. The low-level _thread module starts them but offers no \
             join(): the main thread reaches its end at once, the interpreter exits, and threads started \
             this way die with it, their work cut short. The threading module's Thread has join(), and \
             with it the main thread waits, so all three finish, 12 seconds in.",
    modes: &[
        ModeSpec {
            id: "threads",
            title: "_thread.start_new_thread: main ends first",
            pattern: Pattern::Threads,
        },
        ModeSpec {
            id: "threads-join",
            title: "threading.Thread + join(): main waits",
            pattern: Pattern::Threads,
        },
    ],
    params: &[
        ParamSpec::list("waits", "Waits", &[1.0, 2.0, 3.0], 0.0, 60.0, 8)
            .unit("s")
            .help("One thread per wait: the pause before each of its lines."),
        ParamSpec::integer("repeats", "Lines per thread", 4.0, 1.0, 20.0)
            .help("How many times each thread waits and prints."),
    ],
    program,
    code,
};

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let (waits, repeats) = (params.list("waits"), params.count("repeats"));
    let join = mode.id == "threads-join";
    let funcs: Vec<Func> = waits
        .iter()
        .enumerate()
        .map(|(i, wait)| {
            let name = format!("{} Thread", ordinal(i));
            let mut steps: Vec<Step> = (0..repeats)
                .flat_map(|_| {
                    [
                        Step::Sleep {
                            seconds: *wait as f64,
                        },
                        Step::Print(format!("running {name}")),
                    ]
                })
                .collect();
            steps.push(Step::Print(format!("{name} has finished")));
            Func {
                // The interpreter doesn't wait for _thread threads at exit: they behave as daemons.
                daemon: !join,
                ..Func::new(format!("t{}", i + 1), name, steps)
            }
        })
        .collect();
    let mut main: Vec<Step> = (0..funcs.len()).map(Step::Start).collect();
    if join {
        main.extend((0..funcs.len()).map(Step::Join));
    }
    main.push(Step::Print("main thread ends".into()));
    Program {
        main,
        funcs,
        ..Program::default()
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let (waits, repeats) = (params.list("waits"), params.count("repeats"));
    let body = format!(
        "def thread_test(name, wait):\n    for _ in range({repeats}):\n        time.sleep(wait)\n        \
         print(f\"running {{name}}\")\n    print(f\"{{name}} has finished\")\n\n"
    );
    let names: Vec<String> = (0..waits.len())
        .map(|i| format!("{} Thread", ordinal(i)))
        .collect();
    let (python, rust);
    if mode.id == "threads-join" {
        let mut p = format!("import threading\nimport time\n\n{body}threads = []\n");
        for (name, wait) in names.iter().zip(&waits) {
            p += &format!(
                "threads.append(threading.Thread(target=thread_test, args=(\"{name}\", {wait})))\n"
            );
        }
        p += "for t in threads:\n    t.start()\nfor t in threads:\n    t.join()\nprint(\"main thread ends\")\n";
        python = p;
        rust = format!(
            "use std::{{thread, time::Duration}};\n\nfn thread_test(name: String, wait: u64) {{\n    \
             for _ in 0..{repeats} {{\n        thread::sleep(Duration::from_secs(wait));\n        \
             println!(\"running {{name}}\");\n    }}\n    println!(\"{{name}} has finished\");\n}}\n\n\
             fn main() {{\n    let waits = {};\n    let names = [\"First\", \"Second\", \"Third\", \"Fourth\", \
             \"Fifth\", \"Sixth\", \"Seventh\", \"Eighth\"];\n    let handles: Vec<_> = waits\n        .into_iter()\n        \
             .zip(names)\n        .map(|(wait, n)| thread::spawn(move || thread_test(format!(\"{{n}} Thread\"), wait)))\n        \
             .collect();\n    for h in handles {{\n        h.join().unwrap();\n    }}\n    \
             println!(\"main thread ends\");\n}}\n",
            list(&waits)
        );
    } else {
        let mut p = format!("import _thread\nimport time\n\n{body}");
        for (name, wait) in names.iter().zip(&waits) {
            p += &format!("_thread.start_new_thread(thread_test, (\"{name}\", {wait}))\n");
        }
        p += "print(\"main thread ends\")\n# The program ends here, and the threads with it.\n";
        python = p;
        rust = format!(
            "use std::{{thread, time::Duration}};\n\nfn thread_test(name: String, wait: u64) {{\n    \
             for _ in 0..{repeats} {{\n        thread::sleep(Duration::from_secs(wait));\n        \
             println!(\"running {{name}}\");\n    }}\n    println!(\"{{name}} has finished\");\n}}\n\n\
             fn main() {{\n    for (i, wait) in {}.into_iter().enumerate() {{\n        \
             // Dropping the JoinHandle detaches the thread: nobody waits for it.\n        \
             thread::spawn(move || thread_test(format!(\"thread {{}}\", i + 1), wait));\n    }}\n    \
             println!(\"main thread ends\");\n    // Returning from main ends the process and every thread in it.\n}}\n",
            list(&waits)
        );
    }
    Code { python, rust }
}

//! `thread-inspector`: threading's introspection (active_count, enumerate, is_alive, daemon), live.

use super::code::{list, py, rs};
use super::{Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "thread-inspector",
    title: "Inspecting threads: active_count, enumerate, daemon",
    group: "threads",
    lesson: "The threading module can tell a program about its own threads: active_count() says how many \
             are alive, enumerate() lists them, current_thread() names the caller, is_alive() tells whether \
             one is still running, and daemon marks a thread the program won't wait for. Here the main \
             thread starts a few sleepers and looks at the list every so often: watch it shrink as each \
             one finishes. A daemon thread still asleep when the main thread is done is killed at exit \
             instead of being waited for.",
    modes: &[ModeSpec {
        id: "threads",
        title: "threading: main inspects its threads",
        pattern: Pattern::Threads,
    }],
    params: &[
        ParamSpec::list("sleeps", "Sleeps", &[1.0, 2.0, 4.0], 0.0, 60.0, 8)
            .unit("s")
            .help("One thread per value: how long it sleeps."),
        ParamSpec::toggle("daemon_last", "Last thread is a daemon", true)
            .help("A daemon is killed when the program ends instead of being waited for."),
        ParamSpec::number("interval_s", "Inspect every", 0.5, 0.05, 10.0)
            .unit("s")
            .help("How often the main thread prints active_count() and enumerate()."),
        ParamSpec::number("watch_s", "Main thread watches for", 3.0, 0.0, 60.0)
            .unit("s")
            .help("How long the main thread keeps inspecting before it ends."),
    ],
    program,
    code,
};

fn program(params: &Params, _mode: &ModeSpec) -> Program {
    let sleeps = params.list("sleeps");
    let (interval, watch) = (params.num("interval_s"), params.num("watch_s"));
    let n = sleeps.len();
    let funcs = sleeps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let name = format!("Thread-{}", i + 1);
            Func {
                daemon: params.flag("daemon_last") && i + 1 == n,
                ..Func::new(
                    format!("t{}", i + 1),
                    name.clone(),
                    vec![
                        Step::Sleep { seconds: *s as f64 },
                        Step::Print(format!("{name} woke up")),
                    ],
                )
            }
        })
        .collect();
    let mut main: Vec<Step> = (0..n).map(Step::Start).collect();
    // Inspections fall half an interval off the whole seconds, so none coincides with a thread's end.
    let mut t = interval / 2.0;
    main.push(Step::Sleep {
        seconds: interval / 2.0,
    });
    while t <= watch {
        main.push(Step::Inspect);
        main.push(Step::Sleep { seconds: interval });
        t += interval;
    }
    main.push(Step::Print("main thread ends".into()));
    Program {
        main,
        funcs,
        ..Program::default()
    }
}

fn code(params: &Params, _mode: &ModeSpec) -> Code {
    let sleeps = params.list("sleeps");
    let (interval, watch) = (params.num("interval_s"), params.num("watch_s"));
    let daemon = params.flag("daemon_last");
    let python = format!(
        "import threading\nimport time\n\ndef sleeper(seconds):\n    time.sleep(seconds)\n    \
         print(f\"{{threading.current_thread().name}} woke up\")\n\nsleeps = {l}\nthreads = []\n\
         for i, s in enumerate(sleeps):\n    t = threading.Thread(target=sleeper, args=(s,), name=f\"Thread-{{i + 1}}\")\n    \
         t.daemon = {d} and i == len(sleeps) - 1\n    t.start()\n    threads.append(t)\n\n\
         time.sleep({half})\nwatched = {half}\nwhile watched <= {w}:\n    names = [t.name for t in threading.enumerate()]\n    \
         print(f\"active_count() = {{threading.active_count()}}; enumerate() = {{names}}\")\n    \
         time.sleep({i})\n    watched += {i}\nprint(\"main thread ends\")\n",
        l = list(&sleeps),
        d = if daemon { "True" } else { "False" },
        half = py(interval / 2.0),
        w = py(watch),
        i = py(interval),
    );
    let rust = format!(
        "use std::sync::atomic::{{AtomicUsize, Ordering}};\nuse std::{{thread, time::Duration}};\n\n\
         // Rust keeps no registry of threads: a program that wants active_count() counts for itself.\n\
         static ALIVE: AtomicUsize = AtomicUsize::new(1); // the main thread\n\n\
         fn main() {{\n    let handles: Vec<_> = {l}\n        .into_iter()\n        .enumerate()\n        \
         .map(|(i, s)| {{\n            ALIVE.fetch_add(1, Ordering::SeqCst);\n            \
         thread::Builder::new()\n                .name(format!(\"Thread-{{}}\", i + 1))\n                \
         .spawn(move || {{\n                    thread::sleep(Duration::from_secs(s));\n                    \
         println!(\"{{}} woke up\", thread::current().name().unwrap());\n                    \
         ALIVE.fetch_sub(1, Ordering::SeqCst);\n                }})\n                .unwrap()\n        }})\n        \
         .collect();\n    thread::sleep(Duration::from_secs_f64({half}));\n    let mut watched = {half};\n    \
         while watched <= {w} {{\n        let alive: Vec<_> = handles.iter().filter(|h| !h.is_finished()).collect();\n        \
         println!(\"alive: {{}} ({{}} besides main)\", ALIVE.load(Ordering::SeqCst), alive.len());\n        \
         thread::sleep(Duration::from_secs_f64({i}));\n        watched += {i};\n    }}\n    \
         println!(\"main thread ends\");\n    // Rust has no daemon flag: every spawned thread is detached when main returns.\n}}\n",
        l = list(&sleeps),
        half = rs(interval / 2.0),
        w = rs(watch),
        i = rs(interval),
    );
    Code { python, rust }
}

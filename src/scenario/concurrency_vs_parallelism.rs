//! `concurrency-vs-parallelism`: taking turns on one thread against running at once on many.

use super::code::{py, rs};
use super::{Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "concurrency-vs-parallelism",
    title: "Concurrency against parallelism",
    group: "asyncio",
    lesson: "Each task computes a little, waits, and computes again. With asyncio all tasks share one \
             thread: their waits overlap, because a waiting coroutine hands the thread to the others, \
             but their computing can only take turns, and while one computes every other task stands \
             still, even one whose wait is over. That is concurrency: overlapping in time, one at a time. \
             On real threads (without a GIL) the computing overlaps too, as far as the machine has cores: \
             that is parallelism. Compare the lanes: asyncio's tasks are all on one thread.",
    modes: &[
        ModeSpec {
            id: "asyncio",
            title: "asyncio: tasks take turns on one thread",
            pattern: Pattern::Asyncio,
        },
        ModeSpec {
            id: "threads",
            title: "threads: tasks run at once on the cores",
            pattern: Pattern::Threads,
        },
    ],
    params: &[
        ParamSpec::integer("tasks", "Tasks", 4.0, 1.0, 16.0).help("How many tasks run."),
        ParamSpec::number("compute_s", "Compute", 0.5, 0.0, 10.0)
            .unit("s")
            .help("CPU work before and after each wait."),
        ParamSpec::number("wait_s", "Wait", 1.0, 0.0, 60.0)
            .unit("s")
            .help("The wait in the middle of each task."),
    ],
    program,
    code,
};

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let n = params.count("tasks");
    let (compute, wait) = (params.num("compute_s"), params.num("wait_s"));
    let funcs = (1..=n)
        .map(|i| {
            let name = match mode.pattern {
                Pattern::Asyncio => format!("Task-{}", i + 1),
                _ => format!("Thread-{i}"),
            };
            Func::new(
                format!("task{i}"),
                name,
                vec![
                    Step::Compute { seconds: compute },
                    Step::Sleep { seconds: wait },
                    Step::Compute { seconds: compute },
                    Step::Print(format!("task {i} done")),
                ],
            )
        })
        .collect();
    let mut main: Vec<Step> = (0..n).map(Step::Start).collect();
    if mode.pattern == Pattern::Asyncio {
        main.push(Step::JoinAll((0..n).collect()));
    } else {
        main.extend((0..n).map(Step::Join));
    }
    Program {
        main,
        funcs,
        ..Program::default()
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let n = params.count("tasks");
    let (c, w) = (params.num("compute_s"), params.num("wait_s"));
    let spin = "def compute(seconds):\n    end = time.perf_counter() + seconds\n    \
                while time.perf_counter() < end:\n        pass  # CPU-bound: the thread is busy\n\n";
    let (python, rust) = if mode.pattern == Pattern::Asyncio {
        (
            format!(
                "import asyncio\nimport time\n\n{spin}async def task(i):\n    compute({c})  # blocks the loop\n    \
                 await asyncio.sleep({w})  # lets the others run\n    compute({c})\n    print(f\"task {{i}} done\")\n\n\
                 async def main():\n    await asyncio.gather(*(task(i) for i in range(1, {n1})))\n\nasyncio.run(main())\n",
                c = py(c),
                w = py(w),
                n1 = n + 1
            ),
            format!(
                "use std::time::{{Duration, Instant}};\n\nfn compute(seconds: f64) {{\n    \
                 let end = Instant::now() + Duration::from_secs_f64(seconds);\n    \
                 while Instant::now() < end {{}} // blocks the whole event loop\n}}\n\n\
                 async fn task(i: usize) {{\n    compute({c});\n    \
                 tokio::time::sleep(Duration::from_secs_f64({w})).await;\n    compute({c});\n    \
                 println!(\"task {{i}} done\");\n}}\n\n#[tokio::main(flavor = \"current_thread\")]\n\
                 async fn main() {{\n    futures::future::join_all((1..={n}).map(task)).await;\n}}\n",
                c = rs(c),
                w = rs(w)
            ),
        )
    } else {
        (
            format!(
                "import threading\nimport time\n\n{spin}def task(i):\n    compute({c})\n    time.sleep({w})\n    \
                 compute({c})\n    print(f\"task {{i}} done\")\n\n\
                 # Parallel only without a GIL (free-threaded Python 3.13t+); with it, computing takes turns.\n\
                 threads = [threading.Thread(target=task, args=(i,)) for i in range(1, {n1})]\n\
                 for t in threads:\n    t.start()\nfor t in threads:\n    t.join()\n",
                c = py(c),
                w = py(w),
                n1 = n + 1
            ),
            format!(
                "use std::{{thread, time::{{Duration, Instant}}}};\n\nfn compute(seconds: f64) {{\n    \
                 let end = Instant::now() + Duration::from_secs_f64(seconds);\n    while Instant::now() < end {{}}\n}}\n\n\
                 fn main() {{\n    thread::scope(|s| {{\n        for i in 1..={n} {{\n            s.spawn(move || {{\n                \
                 compute({c});\n                thread::sleep(Duration::from_secs_f64({w}));\n                \
                 compute({c});\n                println!(\"task {{i}} done\");\n            }});\n        }}\n    }});\n}}\n",
                c = rs(c),
                w = rs(w)
            ),
        )
    };
    Code { python, rust }
}

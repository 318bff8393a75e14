//! `queue-worker`: a worker thread consumes a FIFO queue until a stop value arrives.

use super::code::{list, py, rs};
use super::{Code, Example, Func, Handler, ModeSpec, ParamSpec, Params, Pattern, Program, Step};
use std::sync::Arc;

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "queue-worker",
    title: "A worker thread and a queue",
    group: "pools and queues",
    lesson: "The main thread puts numbers into a queue.Queue, one every so often, as if a user typed them; \
             a worker thread takes them out in the same order (first in, first out), squares each one and \
             prints it. While the queue is empty the worker simply waits in get(). Each task_done() tells \
             the queue one item is finished, and q.join() in the main thread waits until every item put is \
             done. Then the main thread puts a 0, the signal to stop, and joins the worker. Forget \
             task_done() and q.join() waits forever: the run never ends until you press Stop.",
    modes: &[ModeSpec {
        id: "threads",
        title: "threading.Thread + queue.Queue",
        pattern: Pattern::Threads,
    }],
    params: &[
        ParamSpec::list("numbers", "Numbers", &[2.0, 3.0, 8.0, 9.0], -999.0, 999.0, 20)
            .help("What the main thread puts, in order (not 0: 0 is the stop signal it sends last)."),
        ParamSpec::number("put_every_s", "Put every", 0.5, 0.0, 10.0)
            .unit("s")
            .help("The main thread's pause after each put."),
        ParamSpec::number("work_s", "Work per item", 1.0, 0.0, 10.0)
            .unit("s")
            .help("How long the worker takes over each number."),
        ParamSpec::integer("maxsize", "maxsize", 0.0, 0.0, 20.0)
            .help("The queue's capacity; 0 is unbounded. A full queue blocks put()."),
        ParamSpec::toggle("task_done", "Worker calls task_done()", true)
            .help("Without it, q.join() never returns."),
    ],
    program,
    code,
};

fn program(params: &Params, _mode: &ModeSpec) -> Program {
    let numbers = params.list("numbers");
    let (every, work) = (params.num("put_every_s"), params.num("work_s"));
    let each = Handler(Arc::new(move |x: i64| {
        vec![
            Step::Sleep { seconds: work },
            Step::Print(format!("{x} squared is {}", x * x)),
        ]
    }));
    let worker = Func::new(
        "worker",
        "worker",
        vec![Step::Consume {
            queue: 0,
            stop: Some(0),
            task_done: params.flag("task_done"),
            each,
        }],
    );
    let mut main = vec![Step::Start(0)];
    for x in &numbers {
        main.push(Step::Print(format!("put {x}")));
        main.push(Step::Put { queue: 0, item: *x });
        main.push(Step::Sleep { seconds: every });
    }
    main.extend([
        Step::Print("q.join(): waiting for the worker".into()),
        Step::JoinQueue(0),
        Step::Print("all done; put 0 to stop the worker".into()),
        Step::Put { queue: 0, item: 0 },
        Step::Join(0),
        Step::Print("worker stopped".into()),
    ]);
    Program {
        main,
        funcs: vec![worker],
        queues: vec![params.count("maxsize")],
        ..Program::default()
    }
}

fn code(params: &Params, _mode: &ModeSpec) -> Code {
    let numbers = params.list("numbers");
    let (every, work) = (params.num("put_every_s"), params.num("work_s"));
    let maxsize = params.count("maxsize");
    let task_done = params.flag("task_done");
    let python = format!(
        "import queue\nimport threading\nimport time\n\nq = queue.Queue(maxsize={maxsize})\n\n\
         def worker():\n    while True:\n        x = q.get()\n        if x == 0:\n            break\n        \
         time.sleep({w})\n        print(f\"{{x}} squared is {{x * x}}\")\n{td}\n\
         t = threading.Thread(target=worker, name=\"worker\")\nt.start()\nfor x in {l}:\n    \
         print(f\"put {{x}}\")\n    q.put(x)\n    time.sleep({e})\nq.join()\nq.put(0)\nt.join()\n\
         print(\"worker stopped\")\n",
        w = py(work),
        e = py(every),
        l = list(&numbers),
        td = if task_done {
            "        q.task_done()\n"
        } else {
            "        # task_done() forgotten: q.join() below never returns\n"
        },
    );
    let rust = format!(
        "use std::sync::mpsc;\nuse std::{{thread, time::Duration}};\n\n\
         // A bounded channel is Rust's blocking FIFO queue; its end (dropping the sender) is the stop signal.\n\
         fn main() {{\n    let (tx, rx) = {chan};\n    let worker = thread::spawn(move || {{\n        \
         for x in rx {{\n            thread::sleep(Duration::from_secs_f64({w}));\n            \
         println!(\"{{x}} squared is {{}}\", x * x);\n        }}\n    }});\n    for x in {l} {{\n        \
         println!(\"put {{x}}\");\n        tx.send(x).unwrap();\n        \
         thread::sleep(Duration::from_secs_f64({e}));\n    }}\n    drop(tx); // no more items: the worker's loop ends\n    \
         worker.join().unwrap();\n    println!(\"worker stopped\");\n}}\n",
        chan = if maxsize == 0 {
            "mpsc::channel::<i64>()".to_string()
        } else {
            format!("mpsc::sync_channel::<i64>({maxsize})")
        },
        w = rs(work),
        e = rs(every),
        l = list(&numbers),
    );
    Code { python, rust }
}

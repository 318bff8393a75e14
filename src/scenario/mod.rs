//! What an example is: its lesson, its modes, its parameters, and the program it runs, written once and used
//! by the form (through the schema), the real run (`engine`), the prediction (`sim`) and the page's text.
//!
//! Adding an example is one file in this folder and one line in [`EXAMPLES`]; no JavaScript changes.

mod code;
mod concurrency_vs_parallelism;
mod cpu_vs_io;
mod image_downloader;
mod orders;
mod params;
mod pool_downloads;
mod pool_map_images;
mod processes;
mod queue_worker;
mod square_cube;
mod start_new_thread;
mod thread_inspector;
mod two_downloads;
mod two_threads;

pub use params::{fmt_num, InputError, ParamSpec, ParamType, ParamValue, Params};

use crate::trace::{digest, Event, Lane, RunRecord, Status};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// Every example, in the order the page lists them.
pub static EXAMPLES: &[&Example] = &[
    &two_threads::EXAMPLE,
    &square_cube::EXAMPLE,
    &start_new_thread::EXAMPLE,
    &thread_inspector::EXAMPLE,
    &queue_worker::EXAMPLE,
    &pool_downloads::EXAMPLE,
    &pool_map_images::EXAMPLE,
    &orders::EXAMPLE,
    &concurrency_vs_parallelism::EXAMPLE,
    &cpu_vs_io::EXAMPLE,
    &two_downloads::EXAMPLE,
    &image_downloader::EXAMPLE,
    &processes::PROCESSES,
    &processes::GLOBAL_NOT_SHARED,
    &processes::PROCESS_QUEUE,
];

/// The most threads (or tasks) one run may start, besides the main one.
pub const MAX_THREADS: usize = 64;

/// The time scale's limits: 1 = the tutorial's seconds, 0.1 = ten times faster.
pub const TIME_SCALE: ParamSpec = ParamSpec::number("timeScale", "Time scale", 1.0, 0.01, 10.0)
    .unit("x")
    .help("1 runs the tutorial's seconds; 0.1 runs ten times faster.");

/// One entry of the catalogue.
#[derive(Serialize)]
pub struct Example {
    /// Stable, lower-case, as in the catalogue (`orders`).
    pub id: &'static str,
    /// The page's heading.
    pub title: &'static str,
    /// The lesson group the page files it under.
    pub group: &'static str,
    /// The lesson, in a paragraph.
    pub lesson: &'static str,
    /// The modes it runs in, side by side; the first is the baseline.
    pub modes: &'static [ModeSpec],
    /// The form's fields.
    pub params: &'static [ParamSpec],
    /// Writes the program for the given parameters and mode.
    #[serde(skip)]
    pub program: fn(&Params, &ModeSpec) -> Program,
    /// Writes the tutorial's Python program and the same program in idiomatic Rust, for the page.
    #[serde(skip)]
    pub code: fn(&Params, &ModeSpec) -> Code,
}

/// The program of a request as source code, for the page to show beside the run.
#[derive(Clone, Debug, Serialize)]
pub struct Code {
    /// As the tutorial writes it in Python.
    pub python: String,
    /// The same program in idiomatic Rust (std threads, rayon, futures).
    pub rust: String,
}

/// One way of running an example's program.
#[derive(Serialize)]
pub struct ModeSpec {
    /// A short stable word (`sequential`, `asyncio`).
    pub id: &'static str,
    /// The heading of its timeline.
    pub title: &'static str,
    /// How its tasks are run.
    pub pattern: Pattern,
}

/// How a program's threads run: the concurrency pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// One thread: the main program calls its functions one after another.
    Sequential,
    /// Real threads, free to run in parallel up to the core count (Rust threads, free-threaded Python).
    Threads,
    /// Real threads that must hold one global interpreter lock to run Python code, as in CPython.
    ThreadsGil,
    /// Coroutines on one thread's event loop (`asyncio.run`): they switch only at awaits.
    Asyncio,
    /// `multiprocessing.Process`: each started function in a process of its own, a worker with its own
    /// wasm instance and memory, talking to the main program only by messages.
    Processes,
}

impl Pattern {
    /// Whether a started function is an asyncio task rather than a thread.
    pub fn is_asyncio(self) -> bool {
        self == Pattern::Asyncio
    }

    /// Whether threads must hold the GIL to run.
    pub fn has_gil(self) -> bool {
        self == Pattern::ThreadsGil
    }

    /// Whether a started function runs in a process of its own.
    pub fn is_processes(self) -> bool {
        self == Pattern::Processes
    }

    /// How a sleep step reads in this pattern's Python: the span's label.
    pub fn sleep_label(self, seconds: f64) -> String {
        match self {
            Pattern::Asyncio => format!("await asyncio.sleep({})", fmt_num(seconds)),
            _ => format!("time.sleep({})", fmt_num(seconds)),
        }
    }

    /// The label of a compute step's span.
    pub fn compute_label(self, seconds: f64) -> String {
        format!("compute {} s", fmt_num(seconds))
    }

    /// The label of a wait for `name` to end.
    pub fn join_label(self, name: &str) -> String {
        match self {
            Pattern::Asyncio => format!("await {name}"),
            _ => format!("{name}.join()"),
        }
    }
}

/// The steps of downloading a file of `mb` MB, printing each whole MB received as the tutorials do (a file
/// under 1 MB prints once, when it is done): a `Transfer` per MB, the first one after the latency.
pub fn download(file: &str, mb: f64, bandwidth: f64, latency: f64) -> Vec<Step> {
    let chunks = mb.ceil().max(1.0) as usize;
    let mut steps = Vec::new();
    for k in 1..=chunks {
        let size = (mb - (k - 1) as f64).min(1.0);
        steps.push(Step::Transfer {
            what: format!("{file}: MB {k} of {}", fmt_num(mb.ceil())),
            mb: size,
            bandwidth,
            latency: if k == 1 { latency } else { 0.0 },
        });
        steps.push(Step::Print(if mb < 1.0 {
            format!(
                "{file}: done ({} MB)",
                fmt_num((mb * 100.0).round() / 100.0)
            )
        } else {
            format!("{file}: {} MB received", fmt_num((k as f64).min(mb)))
        }));
    }
    steps
}

/// Bytes in a MB, as the tutorials count them.
pub const MB: f64 = 1_000_000.0;

/// The steps of downloading `mb` MB of `url` for real: one ranged request per MB, each followed by the
/// progress it really made. An empty `url` is the playground's own file of bytes.
pub fn fetch(file: &str, url: &str, mb: f64, bandwidth: f64, latency: f64) -> Vec<Step> {
    let total = (mb * MB).round() as u64;
    let chunks = total.div_ceil(MB as u64).max(1);
    let mut steps = Vec::new();
    for k in 0..chunks {
        let offset = k * MB as u64;
        steps.push(Step::Fetch {
            file: file.into(),
            url: url.into(),
            offset,
            len: (total - offset).min(MB as u64),
            bandwidth,
            latency: if k == 0 { latency } else { 0.0 },
        });
        steps.push(Step::Progress {
            file: file.into(),
            total,
        });
    }
    steps
}

/// What `Step::Progress` prints once `received` of `total` bytes have arrived.
pub fn progress_line(file: &str, received: u64, total: u64) -> String {
    let mb = |b: u64| fmt_num((b as f64 / MB * 100.0).round() / 100.0);
    if (total as f64) < MB {
        format!("{file}: done ({} MB)", mb(received))
    } else {
        format!("{file}: {} MB received", mb(received))
    }
}

/// The network parameter every download example has: simulated (the default) or real.
pub const NETWORK: ParamSpec = ParamSpec::choice("network", "Network", "simulated", &["simulated", "real"])
    .help("simulated follows the model below; real downloads for real (the playground's own file, or the address).");

/// The address a real download fetches.
pub const URL: ParamSpec = ParamSpec::url("url", "Address (real network)", 500)
    .help("Empty downloads the playground's own file; another server must allow it (CORS) and byte ranges.");

/// The download steps of a file: simulated or real, as the parameters say.
pub fn download_by(
    params: &Params,
    file: &str,
    mb: f64,
    bandwidth: f64,
    latency: f64,
) -> Vec<Step> {
    if params.choice("network") == "real" {
        fetch(file, &params.text("url"), mb, bandwidth, latency)
    } else {
        download(file, mb, bandwidth, latency)
    }
}

/// A small, fixed pseudo-random sequence (splitmix64), so that a seed in the parameters repeats a run.
pub struct Seeded(u64);

impl Seeded {
    /// The sequence for `seed`.
    pub fn new(seed: u64) -> Self {
        Seeded(seed)
    }

    /// The next number, uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        lo + (hi - lo) * (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Labels of queue waits, shared by the prediction and the real run.
pub mod labels {
    /// `q.get()` on an empty queue.
    pub const GET: &str = "q.get()";
    /// `q.join()` until every item is done.
    pub const JOIN: &str = "q.join()";
    /// `await asyncio.gather(...)`.
    pub const GATHER: &str = "await asyncio.gather(...)";
    /// Waiting for the GIL.
    pub const WAIT_GIL: &str = "waiting for the GIL";
    /// `pool.shutdown(wait=True)`.
    pub const SHUTDOWN: &str = "pool.shutdown(wait=True)";
    /// A process starting: a worker, a fresh wasm instance, the program rebuilt in it.
    pub const PROCESS_START: &str = "starting a process";
    /// A thread starting: a job handed to an idle worker that shares the memory.
    pub const THREAD_START: &str = "starting a thread";

    /// `q.put(x)` on a full queue.
    pub fn put(item: i64) -> String {
        format!("q.put({item})")
    }
}

/// A program: what the main thread does, the functions it starts or calls, the queues they share.
#[derive(Clone, Debug)]
pub struct Program {
    /// The GIL's switch interval in real ms (Python's default is 5): a thread holding the GIL gives it up
    /// after this long when another thread waits for it. It is not scaled: it is the interpreter's constant.
    pub switch_ms: f64,
    /// The main thread's (or `main()` coroutine's) steps.
    pub main: Vec<Step>,
    /// Functions that run as threads or tasks (`Start`) or are called (`Call`); indices are their ids.
    pub funcs: Vec<Func>,
    /// Queues, by index: each one's `maxsize` (0 is unbounded, as in Python).
    pub queues: Vec<usize>,
    /// Thread pools (`ThreadPoolExecutor`), by index: each one's `max_workers`.
    pub pools: Vec<usize>,
    /// The simulated network's shared link, in MB per tutorial second: transfers going at once share it
    /// fairly. 0 is unlimited: each connection gets its own bandwidth.
    pub link_mb_s: f64,
}

/// A function of the program, run as a thread, a task or a plain call.
#[derive(Clone, Debug)]
pub struct Func {
    /// The lane id: stable, lower-case.
    pub id: String,
    /// The name Python would show: a thread's name (`Thread-1`), a function's (`order_coffee`).
    pub name: String,
    /// A daemon thread is killed when the program ends instead of being waited for.
    pub daemon: bool,
    /// What it does, in order.
    pub steps: Vec<Step>,
}

impl Func {
    /// A function with an id, a name and steps; not a daemon.
    pub fn new(id: impl Into<String>, name: impl Into<String>, steps: Vec<Step>) -> Self {
        Func {
            id: id.into(),
            name: name.into(),
            daemon: false,
            steps,
        }
    }
}

/// What a worker loop does with each item it takes from a queue: the steps for that item.
#[derive(Clone)]
pub struct Handler(pub Arc<dyn Fn(i64) -> Vec<Step> + Send + Sync>);

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handler")
    }
}

/// One step of a function. Durations are in the tutorial's seconds; the run scales them.
#[derive(Clone, Debug)]
pub enum Step {
    /// Prints a line to the output log.
    Print(String),
    /// Waits: a blocking sleep in a thread, an awaited timer in a coroutine.
    Sleep {
        /// The tutorial's seconds.
        seconds: f64,
    },
    /// CPU-bound work that takes this long on one core of this machine (calibrated at start-up).
    Compute {
        /// The tutorial's seconds.
        seconds: f64,
    },
    /// Starts function `i` as a thread (`t.start()`) or a task (`asyncio.create_task`).
    Start(usize),
    /// Waits for function `i` to end (`t.join()`, `await task`).
    Join(usize),
    /// Waits for all of these functions to end at once: `await asyncio.gather(...)`.
    JoinAll(Vec<usize>),
    /// Calls function `i` on this thread; it draws on its own lane.
    Call(usize),
    /// `q.put(item)`: blocks while the queue is full.
    Put {
        /// Which queue.
        queue: usize,
        /// The item.
        item: i64,
    },
    /// A worker loop: `while True: x = q.get(); if x == stop: break; each(x); q.task_done()`.
    Consume {
        /// Which queue.
        queue: usize,
        /// The item that ends the loop (it is not passed to `each`, and gets no `task_done`).
        stop: Option<i64>,
        /// Whether the loop calls `task_done()` after each item; forgetting it makes `q.join()` wait forever.
        task_done: bool,
        /// The steps for one item.
        each: Handler,
    },
    /// `q.task_done()`.
    TaskDone(usize),
    /// `q.join()`: waits until every item put has been marked done.
    JoinQueue(usize),
    /// Prints `threading.active_count()` and the names of `threading.enumerate()`.
    Inspect,
    /// `pool.submit(f)`: function `func` runs on one of the pool's workers when one is free; its future is
    /// the function's id.
    Submit {
        /// Which pool.
        pool: usize,
        /// Which function.
        func: usize,
    },
    /// `future.result()`: waits for a submitted function, then prints what it returned, or the error it
    /// raised, re-raised here (the program goes on as if the caller caught it).
    Result(usize),
    /// `pool.shutdown(wait)`: with `wait`, blocks until every function submitted to the pool has ended.
    Shutdown {
        /// Which pool.
        pool: usize,
        /// Whether to wait.
        wait: bool,
    },
    /// Receives `mb` over the simulated network: first the `latency`, then the data at the connection's
    /// `bandwidth`, or its fair share of the program's shared link when that is smaller. I/O: a thread
    /// gives up the GIL while it waits on it.
    Transfer {
        /// What the span says (`pictures.zip: MB 3 of 5`).
        what: String,
        /// Megabytes.
        mb: f64,
        /// MB per tutorial second for this connection.
        bandwidth: f64,
        /// Tutorial seconds before the first byte.
        latency: f64,
    },
    /// Downloads bytes `offset .. offset + len` of `url` for real (a blocking request in a thread); the
    /// prediction treats it as a `Transfer` of the same size at `bandwidth` after `latency`.
    Fetch {
        /// The file it is part of, for progress and errors.
        file: String,
        /// The address; empty for the playground's own file of bytes.
        url: String,
        /// First byte.
        offset: u64,
        /// How many bytes.
        len: u64,
        /// For the prediction: MB per tutorial second.
        bandwidth: f64,
        /// For the prediction: tutorial seconds before the first byte.
        latency: f64,
    },
    /// Prints how much of `file` (of `total` bytes) has arrived: `file: 3 MB received`, or for a file under
    /// 1 MB, `file: done (0.4 MB)`. Counted from the bytes really received.
    Progress {
        /// The file.
        file: String,
        /// Its size in bytes.
        total: u64,
    },
    /// `results.append(x)` to the program's global list `results`: in a process, its own copy.
    Append(i64),
    /// Prints the global list as this thread or process sees it: `{who} sees results = [...]`.
    ShowGlobal(String),
    /// `while not q.empty(): print(q.get())`: prints what the queue holds now, without waiting.
    Drain(usize),
    /// `return value`: what `future.result()` gives.
    Return(i64),
    /// `raise RuntimeError(message)`: the function stops here. A thread prints the error; a pool keeps it
    /// for `future.result()` to re-raise.
    Raise(String),
}

/// A program that exercises every pool operation, for the tests of both the prediction and the engine:
/// five functions submitted to a pool of `workers`, sleeping 3, 1, 2, 1 and 1 s and returning their
/// number, the third raising instead; `shutdown(wait)`; then every `result()` in input order, as
/// `pool.map` yields them.
pub fn pool_demo(workers: usize, wait: bool) -> Program {
    let funcs = [3.0, 1.0, 2.0, 1.0, 1.0]
        .iter()
        .enumerate()
        .map(|(i, seconds)| {
            let last = if i == 2 {
                Step::Raise("RuntimeError: job3 failed".into())
            } else {
                Step::Return(i as i64 + 1)
            };
            let name = format!("job{}", i + 1);
            Func::new(
                name.clone(),
                name,
                vec![Step::Sleep { seconds: *seconds }, last],
            )
        })
        .collect();
    let mut main: Vec<Step> = (0..5).map(|func| Step::Submit { pool: 0, func }).collect();
    main.push(Step::Shutdown { pool: 0, wait });
    main.push(Step::Print("after shutdown".into()));
    main.extend((0..5).map(Step::Result));
    Program {
        main,
        funcs,
        pools: vec![workers],
        ..Program::default()
    }
}

/// What `future.result()` prints for a function named `name`.
pub fn result_line(name: &str, outcome: &Result<Option<i64>, String>) -> String {
    match outcome {
        Ok(Some(v)) => format!("{name}: result() = {v}"),
        Ok(None) => format!("{name}: result() = None"),
        Err(e) => format!("{name}: result() raised {e}"),
    }
}

/// What `Step::ShowGlobal` prints.
pub fn global_line(who: &str, results: &[i64]) -> String {
    let items: Vec<String> = results.iter().map(|x| x.to_string()).collect();
    format!("{who} sees results = [{}]", items.join(", "))
}

/// What a thread prints when its function raises, as Python's threading does.
pub fn exception_line(thread: &str, error: &str) -> String {
    format!("Exception in thread {thread}: {error}")
}

impl Default for Program {
    fn default() -> Self {
        Program {
            switch_ms: 5.0,
            main: Vec::new(),
            funcs: Vec::new(),
            queues: Vec::new(),
            pools: Vec::new(),
            link_mb_s: 0.0,
        }
    }
}

impl Program {
    fn any_step(&self, mut matches: impl FnMut(&Step) -> bool) -> bool {
        self.main.iter().any(&mut matches)
            || self.funcs.iter().any(|f| f.steps.iter().any(&mut matches))
    }

    /// Whether function `i` is called as a plain function in this program.
    fn is_called(&self, i: usize) -> bool {
        self.any_step(|s| matches!(s, Step::Call(j) if *j == i))
    }

    /// The pool function `i` is submitted to, if any.
    pub fn pool_of(&self, i: usize) -> Option<usize> {
        let mut pool = None;
        self.any_step(|s| match s {
            Step::Submit { pool: p, func } if *func == i => {
                pool = Some(*p);
                true
            }
            _ => false,
        });
        pool
    }

    /// The most threads the program can have at once besides the main one: one per `Start`, and each
    /// pool's workers.
    pub fn starts(&self) -> usize {
        let count = |steps: &[Step]| steps.iter().filter(|s| matches!(s, Step::Start(_))).count();
        count(&self.main)
            + self.funcs.iter().map(|f| count(&f.steps)).sum::<usize>()
            + self.pools.iter().sum::<usize>()
    }
}

/// A checked request to run one mode of one example.
#[derive(Clone, Debug)]
pub struct RunRequest {
    /// The example.
    pub example: &'static Example,
    /// The mode.
    pub mode: &'static ModeSpec,
    /// Every parameter, defaults filled in.
    pub params: Params,
    /// Real seconds per tutorial second.
    pub time_scale: f64,
}

impl std::fmt::Debug for Example {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Example({})", self.id)
    }
}

impl std::fmt::Debug for ModeSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mode({})", self.id)
    }
}

/// Finds an example by id.
pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().copied().find(|e| e.id == id)
}

impl Example {
    /// Finds one of this example's modes by id.
    pub fn mode(&self, id: &str) -> Option<&'static ModeSpec> {
        // The modes are 'static slices, so the found one is too.
        let modes: &'static [ModeSpec] = self.modes;
        modes.iter().find(|m| m.id == id)
    }
}

impl RunRequest {
    /// Parses `{example, mode, params, timeScale}` from JSON text. `mode` defaults to the example's first
    /// mode, `params` to the tutorial's values, `timeScale` to 1. Every problem found is returned.
    pub fn parse(json: &str) -> Result<Self, Vec<InputError>> {
        let value: Value = serde_json::from_str(json).map_err(|e| {
            vec![InputError::new(
                "request",
                &Value::String(json.to_string()),
                &format!("is not valid JSON ({e})"),
                "an object {example, mode, params, timeScale}".into(),
            )]
        })?;
        Self::from_value(&value)
    }

    /// As [`RunRequest::parse`], from a parsed value.
    pub fn from_value(value: &Value) -> Result<Self, Vec<InputError>> {
        let Some(obj) = value.as_object() else {
            return Err(vec![InputError::new(
                "request",
                value,
                "is not an object",
                "an object {example, mode, params, timeScale}".into(),
            )]);
        };
        let mut errors = Vec::new();
        for key in obj.keys() {
            if !["example", "mode", "params", "timeScale"].contains(&key.as_str()) {
                errors.push(InputError::new(
                    key,
                    &obj[key],
                    "is not a field of a run request",
                    "example, mode, params, timeScale".into(),
                ));
            }
        }
        let ids = || EXAMPLES.iter().map(|e| e.id).collect::<Vec<_>>().join(", ");
        let example = match obj.get("example") {
            Some(Value::String(id)) => example(id),
            _ => None,
        };
        let Some(example) = example else {
            let given = obj.get("example").cloned().unwrap_or(Value::Null);
            errors.push(InputError::new(
                "example",
                &given,
                "is not an example id",
                format!("one of {}", ids()),
            ));
            return Err(errors);
        };
        let mode = match obj.get("mode") {
            None | Some(Value::Null) => Some(&example.modes[0]),
            Some(Value::String(id)) => example.mode(id),
            Some(_) => None,
        };
        if mode.is_none() {
            let modes: Vec<_> = example.modes.iter().map(|m| m.id).collect();
            errors.push(InputError::new(
                "mode",
                &obj["mode"],
                &format!("is not a mode of example \"{}\"", example.id),
                format!("one of {}", modes.join(", ")),
            ));
        }
        let params = match obj.get("params") {
            None | Some(Value::Null) => Ok(Params::defaults(example.params)),
            Some(Value::Object(given)) => Params::parse(example.params, given, example.id),
            Some(other) => Err(vec![InputError::new(
                "params",
                other,
                "is not an object",
                "an object of parameter values, e.g. {\"coffee_s\": 1}".into(),
            )]),
        };
        let params = params.map_err(|e| errors.extend(e)).ok();
        let time_scale = match obj.get("timeScale") {
            None | Some(Value::Null) => Some(1.0),
            Some(v) => match TIME_SCALE.check("timeScale", v) {
                Ok(ParamValue::Num(x)) => Some(x),
                Ok(_) => None,
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        match (mode, params, time_scale) {
            (Some(mode), Some(params), Some(time_scale)) if errors.is_empty() => Ok(RunRequest {
                example,
                mode,
                params,
                time_scale,
            }),
            _ => Err(errors),
        }
    }

    /// The program this request runs.
    pub fn program(&self) -> Program {
        (self.example.program)(&self.params, self.mode)
    }
}

/// The catalogue as the JavaScript API's `examples()` returns it.
pub fn catalog_json() -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Catalog<'a> {
        examples: &'a [&'a Example],
        time_scale: ParamSpec,
    }
    serde_json::to_string(&Catalog {
        examples: EXAMPLES,
        time_scale: TIME_SCALE,
    })
    .expect("the catalogue serialises")
}

impl RunRequest {
    /// The lanes of a run of `program`: the main thread, one per function, and the GIL's when there is one.
    pub fn lanes(&self, program: &Program) -> Vec<Lane> {
        let pattern = self.mode.pattern;
        let main_thread = "MainThread".to_string();
        let mut lanes = vec![Lane {
            id: "main".into(),
            name: if pattern.is_asyncio() {
                "main()".into()
            } else {
                main_thread.clone()
            },
            kind: if pattern.is_asyncio() {
                "task"
            } else {
                "thread"
            }
            .into(),
            thread: main_thread.clone(),
        }];
        for (i, f) in program.funcs.iter().enumerate() {
            let (kind, thread) = if program.is_called(i) {
                ("call", main_thread.clone())
            } else if let Some(p) = program.pool_of(i) {
                ("pooled", format!("ThreadPoolExecutor-{p}"))
            } else if pattern.is_asyncio() {
                ("task", main_thread.clone())
            } else if pattern.is_processes() {
                ("process", f.name.clone())
            } else {
                ("thread", f.name.clone())
            };
            lanes.push(Lane {
                id: f.id.clone(),
                name: f.name.clone(),
                kind: kind.into(),
                thread,
            });
        }
        if pattern.has_gil() {
            lanes.push(Lane {
                id: "gil".into(),
                name: "GIL".into(),
                kind: "gil".into(),
                thread: String::new(),
            });
        }
        lanes
    }

    /// A step's duration in real ms at this request's time scale.
    pub fn real_ms(&self, seconds: f64) -> f64 {
        seconds * self.time_scale * 1000.0
    }

    /// The run record of this request from the events a run (or the prediction) recorded.
    pub fn record(
        &self,
        program: &Program,
        status: Status,
        wall_ms: f64,
        predicted_ms: f64,
        events: &[Event],
    ) -> RunRecord {
        let d = digest(events, wall_ms);
        RunRecord {
            example: self.example.id.into(),
            mode: self.mode.id.into(),
            params: serde_json::to_value(&self.params).expect("numbers serialise"),
            time_scale: self.time_scale,
            status,
            wall_ms,
            predicted_ms,
            lanes: self.lanes(program),
            spans: d.spans,
            output: d.output,
            threads: d.threads,
            queue_depth: d.queue_depth,
            simulated: false,
            stopped: None,
        }
    }
}

/// The source code of a request, for the page.
impl RunRequest {
    /// The tutorial's Python and the idiomatic Rust for this request's parameters and mode.
    pub fn code(&self) -> Code {
        (self.example.code)(&self.params, self.mode)
    }
}

/// Joins refusals into one message for an Error.
pub fn errors_message(errors: &[InputError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refuse(v: Value) -> String {
        errors_message(&RunRequest::from_value(&v).unwrap_err())
    }

    #[test]
    fn ids_are_unique_lower_case_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for e in EXAMPLES {
            assert!(seen.insert(e.id), "duplicate example id {}", e.id);
            assert!(e.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            for m in e.modes {
                let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
                assert!(m.id.chars().all(ok), "{}", m.id);
            }
            for p in e.params {
                assert!(p.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
                // Every default passes its own check, so an example can't ship a form that refuses itself.
                let default = serde_json::to_value(p.default).unwrap();
                assert!(
                    p.check(p.name, &default).is_ok(),
                    "{}: default {default}",
                    p.name
                );
            }
        }
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let r = RunRequest::from_value(&json!({"example": "orders"})).unwrap();
        assert_eq!(r.mode.id, "sequential");
        assert_eq!(r.time_scale, 1.0);
        assert_eq!(r.params.num("food_s"), 5.0);
    }

    #[test]
    fn bad_requests_are_refused_with_field_value_and_allowed() {
        assert!(refuse(json!({"example": "nope"}))
            .starts_with("example: \"nope\" is not an example id; allowed: one of two-threads, "));
        assert_eq!(
            refuse(json!({"example": "orders", "mode": "threads"})),
            "mode: \"threads\" is not a mode of example \"orders\"; allowed: one of sequential, asyncio"
        );
        assert_eq!(
            refuse(json!({"example": "orders", "timeScale": 0})),
            "timeScale: 0 is out of range; allowed: a number from 0.01 to 10 x"
        );
        assert!(refuse(json!({"example": "orders", "params": [1]}))
            .starts_with("params: [1] is not an object"));
        assert!(refuse(json!({"example": "orders", "colour": 1}))
            .starts_with("colour: 1 is not a field"));
        assert!(refuse(json!(3)).starts_with("request: 3 is not an object"));
        assert!(RunRequest::parse("{").is_err());
    }

    #[test]
    fn catalog_lists_schema_fields_the_api_promises() {
        let cat: Value = serde_json::from_str(&catalog_json()).unwrap();
        let orders = cat["examples"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == "orders")
            .unwrap();
        assert_eq!(orders["id"], "orders");
        assert_eq!(orders["modes"][1]["id"], "asyncio");
        let p = &orders["params"][0];
        for key in ["name", "type", "default", "min", "max", "unit", "help"] {
            assert!(p.get(key).is_some(), "schema lacks {key}");
        }
    }
}

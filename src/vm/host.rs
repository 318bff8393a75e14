//! The one interface between the VM and whatever drives it: time, waiting, spawning, output, processes.
//!
//! The VM never blocks. A Python thread runs until it must wait or its budget is spent, and
//! [`super::run`] returns a [`Stop`] saying why; the runtime (virtual time for the prediction, native
//! threads, or the browser's workers) does the waiting and calls `run` again. Blocking primitives are
//! futex-like: a native that cannot proceed returns a [`Block`] naming a [`Waitable`] and the generation it
//! saw; whoever changes the state bumps the generation and calls [`Host::notify`]; a runtime parks the
//! thread only while the generation is still the one seen, so no wake-up is ever lost, with or without a
//! GIL. After the wait the VM executes the same call again, which re-checks the state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::value::next_id;
use super::ThreadState;

/// Something threads can wait on: a lock, a thread's end, a queue's items, a process's exit.
#[derive(Debug)]
pub struct Waitable {
    /// Unique in the run (for runtimes' wait tables).
    pub id: u64,
    generation: AtomicU64,
}

impl Waitable {
    /// A new waitable at generation 0.
    pub fn new() -> Arc<Waitable> {
        Arc::new(Waitable {
            id: next_id(),
            generation: AtomicU64::new(0),
        })
    }

    /// The current generation: read it *before* checking the state a wait depends on.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Marks a change of the state: call before [`Host::notify`].
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// A real transfer (a byte range of a URL) a runtime carries out for a thread: answered once, from
/// whichever thread learns how it went, by [`Transfer::answer`] (which bumps `done`; the answerer then
/// has the runtime notify). The thread waits with [`Wait::Io`] on `done` until [`Transfer::result`] is
/// set.
#[derive(Debug)]
pub struct Transfer {
    /// Bumped when the transfer is answered.
    pub done: Arc<Waitable>,
    result: Mutex<Option<Result<u64, String>>>,
}

impl Transfer {
    /// A transfer not answered yet.
    pub fn new() -> Arc<Transfer> {
        Arc::new(Transfer {
            done: Waitable::new(),
            result: Mutex::new(None),
        })
    }

    /// A transfer answered at once (an error where the run has no real network).
    pub fn answered(result: Result<u64, String>) -> Arc<Transfer> {
        let t = Transfer::new();
        t.answer(result);
        t
    }

    /// Sets the outcome (the bytes received, or why none came) and bumps `done`; the first answer wins.
    /// Returns whether this call answered it: the caller must then notify the waiter through its host.
    pub fn answer(&self, result: Result<u64, String>) -> bool {
        let mut slot = self.result.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return false;
        }
        *slot = Some(result);
        drop(slot);
        self.done.bump();
        true
    }

    /// The outcome, once answered: read `done`'s generation *before* this.
    pub fn result(&self) -> Option<Result<u64, String>> {
        self.result
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// What [`Host::fetch`] answers where the run has no real network (the prediction, the tests).
pub const NO_REAL_NETWORK: &str = "real downloads are not available in this run";

/// Why [`super::run`] returned.
#[derive(Debug)]
pub enum Stop {
    /// The instruction budget is spent; the thread can go on at once (a GIL switch point).
    Budget,
    /// The thread must wait; see [`Block`].
    Block(Block),
    /// The thread has ended: its code returned or raised (an uncaught exception was already reported
    /// through [`Host::output`] and [`Host::uncaught`]).
    Finished,
}

/// A wait the runtime must carry out before resuming the thread.
#[derive(Debug, Clone)]
pub struct Block {
    /// What to wait for.
    pub wait: Wait,
    /// What the program is doing, for the timeline: the kind of wait and the user's line that waits.
    pub site: WaitSite,
}

/// What to wait for.
#[derive(Debug, Clone)]
pub enum Wait {
    /// Until the host clock reads `until` (seconds). `until <= now` just gives up the GIL (`sleep(0)`).
    Sleep {
        /// Absolute time on the host clock, seconds.
        until: f64,
    },
    /// Until `on`'s generation differs from `seen` (after a notify), or the host clock reads `until`.
    Wait {
        /// The waitable.
        on: Arc<Waitable>,
        /// Its generation when the state was found wanting.
        seen: u64,
        /// Deadline, if the wait has a timeout.
        until: Option<f64>,
    },
    /// Simulated or real I/O: `bytes` to receive over the runtime's network model, reported when done by
    /// bumping `done` (the runtime sets the result through its own channel).
    Io {
        /// Notified when the transfer ends.
        done: Arc<Waitable>,
        /// Its generation when the transfer started.
        seen: u64,
    },
}

/// What kind of wait a thread is in, for its timeline lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitKind {
    /// `time.sleep` / `asyncio.sleep` with nothing else to do.
    Sleep,
    /// `Lock.acquire`, `RLock.acquire`, `with lock:`.
    Lock,
    /// `Thread.join`.
    Join,
    /// `Queue.get/put/join`.
    Queue,
    /// `Event.wait`.
    Event,
    /// `Semaphore.acquire`.
    Semaphore,
    /// `Condition.wait`.
    Condition,
    /// `Barrier.wait`.
    Barrier,
    /// `Future.result`, `wait`, `as_completed`, executor shutdown.
    Future,
    /// `Process.join`, a multiprocessing queue.
    Process,
    /// Network transfer.
    Io,
    /// An event loop with nothing ready (asyncio).
    Idle,
}

/// Where and why a thread waits.
#[derive(Debug, Clone)]
pub struct WaitSite {
    /// The kind of wait.
    pub kind: WaitKind,
    /// The 1-based line of the user's program that waits (0 if none).
    pub line: u32,
}

/// Output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// `print`.
    Stdout,
    /// Tracebacks, `Exception in thread ...`.
    Stderr,
}

/// An uncaught exception, as tests compare it with CPython's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionReport {
    /// `ZeroDivisionError`.
    pub type_name: String,
    /// `division by zero` (the `str()` of the exception).
    pub message: String,
    /// The line in the user's program (`<main>`) where it was raised: the innermost traceback entry of
    /// the user's file.
    pub line: u32,
}

/// A value that crosses between processes: a copy, as pickling makes one.
#[derive(Debug, Clone, PartialEq)]
pub enum Portable {
    /// `None`.
    None,
    /// A bool.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A tuple.
    Tuple(Vec<Portable>),
    /// A list.
    List(Vec<Portable>),
    /// A dict, in order.
    Dict(Vec<(Portable, Portable)>),
    /// A set.
    Set(Vec<Portable>),
    /// A module-level function or class of `__main__` (or a prelude module), by qualified name: found
    /// again by name in the other process, as pickle does.
    Global {
        /// `__main__`, `threading`.
        module: String,
        /// `calc_square`.
        name: String,
    },
    /// An instance of a module-level class, as pickle copies one: its class by module and qualified
    /// name, and its attributes (rebuilt without calling `__init__`).
    Object {
        /// `__main__`.
        module: String,
        /// `Point`, `Outer.Inner`.
        class: String,
        /// Its attributes (`__dict__`), in order.
        state: Vec<(String, Portable)>,
    },
    /// A bound method of a copied object: the receiver crosses as a copy, the method by name.
    Method {
        /// The copied `self`.
        receiver: Box<Portable>,
        /// The method's name.
        name: String,
    },
    /// A `multiprocessing.Queue`: the host's channel id.
    Channel(u64),
    /// An exception, by class name and message (a result that raised in a process pool).
    Exception {
        /// Class name.
        type_name: String,
        /// `str()` of it.
        message: String,
    },
}

/// What a new process runs: the program's module again (as `__mp_main__`), then `target(*args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessSpec {
    /// The process's name (`Process-1`).
    pub name: String,
    /// The function to call, a `Portable::Global`.
    pub target: Portable,
    /// Its arguments, copied.
    pub args: Vec<Portable>,
    /// A daemonic process (`Process(daemon=True)`): terminated when the main program ends instead of
    /// waited for, as multiprocessing's atexit handler does.
    pub daemon: bool,
}

/// What drives the VM. One host per run (and per process of the run); shared by all its threads.
pub trait Host: Send + Sync {
    /// Seconds since the run started, on the run's clock (virtual seconds in the prediction).
    fn now(&self) -> f64;
    /// Seconds since the Unix epoch at the run's start, for `time.time()`.
    fn epoch(&self) -> f64;
    /// Cores the program may use (`os.cpu_count()`).
    fn cpu_count(&self) -> usize;
    /// A new Python thread, started and ready to run (`Thread.start()`).
    fn spawn(&self, thread: Box<ThreadState>);
    /// Some thread may now pass a wait on `w` (its generation was bumped).
    fn notify(&self, w: &Arc<Waitable>);
    /// Text written by a thread (`print`, tracebacks), and the line of the user's program that wrote it
    /// (none when it isn't running, as for a traceback after the unwinding).
    fn output(&self, thread: u64, stream: Stream, text: &str, line: Option<u32>);
    /// An uncaught exception ended a thread (`main` for the main program), for tests and records.
    fn uncaught(&self, thread: u64, main: bool, report: ExceptionReport);
    /// The switch interval changed (`sys.setswitchinterval`), seconds.
    fn set_switch_interval(&self, seconds: f64);
    /// The task or thread now running on `thread`, for lanes by task (asyncio: the task's name).
    fn task_switch(&self, thread: u64, task: Option<&str>) {
        let _ = (thread, task);
    }
    /// The queue `queue` (an identity, stable while it lives) holds `depth` items now, for the timeline's
    /// queue track.
    fn queue_depth(&self, queue: u64, depth: usize) {
        let _ = (queue, depth);
    }
    /// The asyncio task running on `thread` has suspended, awaiting a `kind` of thing at the user's
    /// `line` (0 if unknown): its lane shows that wait from the next [`Host::task_switch`] until it runs.
    fn task_wait(&self, thread: u64, kind: WaitKind, line: u32) {
        let _ = (thread, kind, line);
    }
    /// Thread `thread` is now called `name` (`t.name = ...` after it started), for its lane.
    fn thread_renamed(&self, thread: u64, name: &str) {
        let _ = (thread, name);
    }
    /// The program of this process ends by `SystemExit` (`sys.exit(n)`) with exit status `code` (None:
    /// 0, an int: itself, anything else: 1), as `Process._bootstrap` computes it; the process's exit code
    /// once its main thread has finished. Reported before that thread's [`Stop::Finished`].
    fn exit_status(&self, code: i32) {
        let _ = code;
    }
    /// Starts fetching bytes `offset .. offset + len` of `url` for real (empty: the playground's own file
    /// of bytes); the thread waits on the transfer's `done` until it is answered. By default, answered at
    /// once with [`NO_REAL_NETWORK`].
    fn fetch(&self, url: &str, offset: u64, len: u64) -> Arc<Transfer> {
        let _ = (url, offset, len);
        Transfer::answered(Err(NO_REAL_NETWORK.to_string()))
    }
    /// Whether the run's network is real (`network: "real"`): the `network` module then downloads for
    /// real through [`Host::fetch`] instead of simulating.
    fn network_real(&self) -> bool {
        false
    }
    /// Starts a process; returns its pid. `Err` with a message if processes can't run here.
    fn process_start(&self, spec: ProcessSpec) -> Result<u64, String>;
    /// The exit code of a process once it has ended.
    fn process_exitcode(&self, pid: u64) -> Option<i32>;
    /// Notified when the process ends.
    fn process_waitable(&self, pid: u64) -> Arc<Waitable>;
    /// Stops a process (`terminate()`).
    fn process_terminate(&self, pid: u64);
    /// A new cross-process channel (a `multiprocessing.Queue`).
    fn channel_new(&self) -> u64;
    /// Puts an item on a channel (never blocks: unbounded).
    fn channel_put(&self, channel: u64, item: Portable);
    /// Takes an item if there is one.
    fn channel_get(&self, channel: u64) -> Option<Portable>;
    /// Items waiting on a channel.
    fn channel_len(&self, channel: u64) -> usize;
    /// Notified when an item arrives on the channel.
    fn channel_waitable(&self, channel: u64) -> Arc<Waitable>;
}

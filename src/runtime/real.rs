//! The real runtime: every Python thread on a thread of its own, a real GIL, real time. One
//! implementation for every platform that has threads sharing memory: [`Platform`] says how to start a
//! thread and read the clock (`std::thread` and `Instant` natively, see [`super::native`]; elastic Web
//! Workers and `performance` in the browser, see `crate::web`).
//!
//! A thread runs the VM in chunks of [`CHUNK`] instructions. Under the GIL ([`RunOptions::gil`]) it holds
//! a per-process baton while it runs: after each chunk, if another thread has waited for the switch
//! interval (counted, as in CPython, from the later of when the holder took the GIL and when the first
//! waiter started waiting), the holder hands the baton over (FIFO) and queues for it again. A thread
//! always lets go of the GIL around a wait. Without the GIL threads just run.
//!
//! Waits follow the futex protocol of [`crate::vm::host`]: one run-wide mutex and condition variable;
//! a thread parks while the waitable's generation is the one it saw (and its deadline hasn't passed), and
//! [`Host::notify`] wakes every parked thread to re-check. Sleeps park on the same condition variable,
//! so ending the run interrupts them. When every thread of the run is parked with no deadline and no
//! generation has moved, nothing can ever wake them: the run stops with the same deadlock message as the
//! prediction.
//!
//! The run ends when the main thread finishes (after `threading._shutdown` joined the non-daemon
//! threads) and every child process has ended, or when it is stopped ([`Run::stop`]); the threads left
//! (daemons) are cancelled: the VM stops them at their next budget check, waits are woken. A cap on the
//! run's time ([`RunOptions::max_seconds`]) stops everything the same way, so a run never hangs.
//! While it runs, [`Run::events_since`] hands out its events (lanes, spans, prints) for a live view.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Duration;

use super::link::{ChildStart, Link};
use super::timeline::{wait_kind_label, LaneKind, SpanKind, State, TimelineBuilder};
use super::virtual_time::{vm_entry, DEFAULT_SWITCH_INTERVAL, MAIN_PID};
use super::{Channels, Outcome, ProcessRecord, RunOptions};
use crate::trace::{Event, Life};
use crate::vm::host::{
    Block, ExceptionReport, Host, Portable, ProcessSpec, Stop, Stream, Transfer, Wait, WaitKind,
    Waitable, NO_REAL_NETWORK,
};
use crate::vm::{Config, Interp, ThreadState};

/// What the real runtime needs of the platform it runs on.
pub trait Platform: Send + Sync + 'static {
    /// Seconds on a monotonic clock that every thread reads alike.
    fn now(&self) -> f64;
    /// Seconds since the Unix epoch now (`time.time()`).
    fn epoch(&self) -> f64;
    /// Runs `job` on a thread of its own, named `name` where the platform names threads.
    fn spawn(&self, name: &str, job: Box<dyn FnOnce() + Send>) -> Result<(), String>;
    /// Starts a real transfer (a run with `network: "real"`): the platform makes the request where it
    /// can (the browser's engine worker) and answers it from any thread with [`Fetch::answer`], which
    /// wakes the waiting Python thread. The run's end wakes that thread anyway (a Stop doesn't wait for
    /// an answer). By default, answered at once with an error.
    fn fetch(&self, fetch: Fetch) {
        fetch.answer(Err(format!(
            "{NO_REAL_NETWORK} (this platform has no network)"
        )));
    }
    /// Opens a link for a child process about to start (see [`super::link`]): an id the child finds
    /// it by, and the parent's view of it. By default, processes can't run here.
    fn open_link(&self) -> Result<(u32, Link), String> {
        Err("processes can't run on this platform".into())
    }
    /// Starts `start` as a process in a memory of its own, reaching its parent through link `slot`
    /// (it calls [`start_child`] there).
    fn spawn_process(&self, slot: u32, start: ChildStart) -> Result<(), String> {
        let _ = (slot, start);
        Err("processes can't run on this platform".into())
    }
    /// Link `slot` is no longer used (its child has ended).
    fn close_link(&self, slot: u32) {
        let _ = slot;
    }
}

/// A real transfer asked of the [`Platform`]: bytes `offset .. offset + len` of `url` (empty: the
/// playground's own file). Answer it once with [`Fetch::answer`]; one dropped unanswered answers an
/// error, so a lost request never leaves a thread waiting.
pub struct Fetch {
    /// The address as the program gave it (empty: the playground's own file).
    pub url: String,
    /// The first byte.
    pub offset: u64,
    /// How many bytes.
    pub len: u64,
    transfer: Arc<Transfer>,
    world: Weak<World>,
    /// For a child process's download, made by its parent: passes the answer down its link.
    relay: Option<Relay>,
}

/// What passes a download's answer on to the child process that asked for it.
type Relay = Box<dyn Fn(&Result<u64, String>) + Send + Sync>;

impl Fetch {
    /// Sets the outcome (the bytes received, or why none came) and wakes the thread waiting for it. Later
    /// answers are ignored.
    pub fn answer(&self, result: Result<u64, String>) {
        if let Some(relay) = &self.relay {
            relay(&result);
        }
        if self.transfer.answer(result) {
            if let Some(world) = self.world.upgrade() {
                world.notify();
            }
        }
    }

    /// Whether it has been answered.
    pub fn answered(&self) -> bool {
        self.transfer.result().is_some()
    }
}

impl Drop for Fetch {
    fn drop(&mut self) {
        self.answer(Err("the request was dropped without an answer".into()));
    }
}

/// Instructions a thread runs between two looks at the clock, the GIL and cancellation.
pub const CHUNK: u64 = 1000;

/// A parked thread re-checks its waitable at least this often, so a missing notify shows as a delay,
/// never as a hang.
const RECHECK: Duration = Duration::from_secs(1);

/// How long the end of a run waits for cancelled threads to stop before leaving them behind.
const GRACE_S: f64 = 2.0;

/// What [`Run::stop`] gives as the reason a run ended.
pub const STOPPED: &str = "stopped";

mod processes;
pub use processes::{start_child, ChildRun};
use processes::{Recorder, Uplink};

/// A run that has started: its events can be read while it runs, it can be stopped, and
/// [`Run::wait`] blocks until it has ended.
pub struct Run {
    world: Arc<World>,
}

/// Compiles `source` and starts its main thread; errors if it doesn't compile (nothing ran).
pub fn start(
    source: &str,
    opts: &RunOptions,
    platform: Arc<dyn Platform>,
) -> Result<Run, Vec<crate::python::SyntaxError>> {
    let code = crate::python::compile(source, "<main>")?;
    let world = World::new(opts, platform, source, MAIN_PID, None);
    world.lock().timeline = Recorder::Local(TimelineBuilder::with_source(source));
    let config = Config {
        seed: opts.seed,
        pid: MAIN_PID,
        ..Config::default()
    };
    let (host, interp) = world.own_process(config, false);
    let main = vm_entry::start_main(&interp, code);
    world.start();
    host.start_thread(interp, Box::new(main), true);
    Ok(Run { world })
}

impl Run {
    /// Blocks until the run has ended (or passed its cap, or was stopped), stops what is left and
    /// returns what it did.
    pub fn wait(&self) -> Outcome {
        self.world.wait_for_end();
        self.world.outcome()
    }

    /// Ends the run now: every thread stops at its next budget check or wake-up. The reason it gives
    /// is [`STOPPED`].
    pub fn stop(&self) {
        let mut state = self.world.lock();
        self.world.end(&mut state, Some(STOPPED.to_string()));
        drop(state);
        self.world.stop.store(true, Ordering::SeqCst);
        self.world.wake_gils();
    }

    /// The events recorded from `*cursor` on, moving the cursor past them.
    pub fn events_since(&self, cursor: &mut usize) -> Vec<Event> {
        let state = self.world.lock();
        let events = state.timeline.events();
        // Once the run's outcome is made its events move there: the cursor stays where it was.
        let from = (*cursor).min(events.len());
        *cursor = events.len().max(*cursor);
        events[from..].to_vec()
    }

    /// Where every live thread is now: its lane (the task's lane while an asyncio task runs) and the
    /// program's line, for the editor's live marks. Up to date within a thousand instructions.
    pub fn current_lines(&self) -> Vec<(String, u32)> {
        let state = self.world.lock();
        let mut lines = World::lines(&state);
        // Child processes say where their threads are (in the parent's lanes).
        lines.extend(state.remote_lines.values().flatten().copied());
        lines.sort_unstable();
        lines
            .into_iter()
            .map(|(lane, line)| (super::timeline::lane_id(lane), line))
            .collect()
    }

    /// The run's time zero on the platform's clock, seconds.
    pub fn t0(&self) -> f64 {
        self.world.start()
    }

    /// Whether the run has ended.
    pub fn ended(&self) -> bool {
        self.world.lock().ended.is_some()
    }
}

/// The program the prediction's cost per unit (`vm::interp::Work::cost`) is measured with
/// (`native::calibrate`, the page's start-up): half its time in loops of int arithmetic on locals, as
/// the lessons' CPU-bound tasks, half in calls, methods, attributes, lists and builtins, each in
/// ordinary measure (no big list summed, no formatting: one instruction doing much work would weigh on
/// the cost of all the others).
pub const CALIBRATION_PROGRAM: &str = "\
class Counter:
    def __init__(self):
        self.count = 0

    def add(self, k):
        self.count += k


def countdown(n):
    while n > 0:
        n -= 1


def loop(n):
    total = 0
    for k in range(n):
        total += k % 7
    return total


def square(x):
    return x * x


def mixed(n):
    c = Counter()
    out = []
    total = 0
    for i in range(n):
        c.add(square(i % 10))
        out.append(i)
        total += len(out)
    return total + c.count


for _ in range(20):
    countdown(15000)
    loop(15000)
    mixed(1000)
";

/// Nanoseconds per unit of cost (`vm::interp::Work::cost`, a simple instruction's) for `program` run on
/// the calling thread, timed on `platform`'s clock: the prediction's `ns_per_instruction`
/// (`native::calibrate`, and the page's at start-up).
pub fn measure_ns_per_instruction(program: &str, platform: Arc<dyn Platform>) -> f64 {
    match measure_work(program, platform) {
        Some((seconds, _, work)) if work.cost() > 0 && seconds > 0.0 => {
            seconds * 1e9 / work.cost() as f64
        }
        _ => super::virtual_time::DEFAULT_NS_PER_INSTRUCTION,
    }
}

/// `program` run to its end on the calling thread (single-threaded, no GIL): the seconds it took on
/// `platform`'s clock, its instructions and the work they did; `None` if it doesn't compile.
pub fn measure_work(
    program: &str,
    platform: Arc<dyn Platform>,
) -> Option<(f64, u64, crate::vm::interp::Work)> {
    let code = crate::python::compile(program, "<calibration>").ok()?;
    let opts = RunOptions {
        gil: false,
        ..RunOptions::default()
    };
    let world = World::new(&opts, platform.clone(), program, MAIN_PID, None);
    let host = world.new_host(MAIN_PID);
    let interp = Interp::new(host.clone(), Config::default());
    host.bind(&interp);
    let mut thread = vm_entry::start_main(&interp, code);
    let started = platform.now();
    while let Stop::Budget = vm_entry::run(&interp, &mut thread, 1_000_000) {}
    Some((platform.now() - started, thread.instructions, thread.work))
}

/// A per-process GIL: a baton handed over in FIFO order.
struct Gil {
    clock: Arc<dyn Platform>,
    state: Mutex<GilState>,
    cv: Condvar,
    /// Threads queued for it (a lock-free first look after every chunk).
    waiting: AtomicUsize,
}

struct GilState {
    holder: Option<u64>,
    held_since: f64,
    queue: VecDeque<(u64, f64)>,
}

impl Gil {
    fn new(clock: Arc<dyn Platform>) -> Gil {
        let now = clock.now();
        Gil {
            clock,
            state: Mutex::new(GilState {
                holder: None,
                held_since: now,
                queue: VecDeque::new(),
            }),
            cv: Condvar::new(),
            waiting: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, GilState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the GIL for thread `who` if nobody holds it or waits for it.
    fn try_acquire(&self, who: u64) -> bool {
        let mut s = self.lock();
        if s.holder.is_none() && s.queue.is_empty() {
            s.holder = Some(who);
            s.held_since = self.clock.now();
            return true;
        }
        false
    }

    /// Takes the GIL for thread `who`, after the threads queued before it.
    fn acquire(&self, who: u64) {
        let mut s = self.lock();
        if s.holder.is_none() && s.queue.is_empty() {
            s.holder = Some(who);
            s.held_since = self.clock.now();
            return;
        }
        s.queue.push_back((who, self.clock.now()));
        self.waiting.fetch_add(1, Ordering::SeqCst);
        loop {
            if s.holder.is_none() && s.queue.front().is_some_and(|(q, _)| *q == who) {
                s.queue.pop_front();
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                s.holder = Some(who);
                s.held_since = self.clock.now();
                return;
            }
            s = self.cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn release(&self) {
        let mut s = self.lock();
        s.holder = None;
        drop(s);
        self.cv.notify_all();
    }

    /// Whether the holder should hand over: a waiter has waited a switch interval.
    fn should_drop(&self, interval: f64) -> bool {
        if self.waiting.load(Ordering::SeqCst) == 0 {
            return false;
        }
        let s = self.lock();
        match s.queue.front() {
            Some((_, since)) => {
                let from = (*since).max(s.held_since);
                self.clock.now() - from >= interval
            }
            None => false,
        }
    }
}

/// A process of the run as the world sees it: the record both runtimes keep, and what stops it.
struct NProc {
    record: ProcessRecord,
    interp: Weak<Interp>,
    host: Weak<NHost>,
    /// A child process running in a memory of its own: the link to it (in the parent's world).
    remote: Option<Link>,
    /// How many times the parent told that child something changed.
    changes_sent: u64,
    /// What the child last said: all its threads are parked for good (having heard of that many
    /// changes), with their waits' labels.
    stuck: Option<(u64, Vec<String>)>,
}

impl NProc {
    fn new(name: &str, interp: &Arc<Interp>, host: &Arc<NHost>, daemon: bool) -> NProc {
        NProc {
            record: ProcessRecord::new(name, daemon),
            interp: Arc::downgrade(interp),
            host: Arc::downgrade(host),
            remote: None,
            changes_sent: 0,
            stuck: None,
        }
    }

    /// Stops the process (`terminate()`): its interpreter is cancelled, so its threads stop at their next
    /// budget check or wake-up; its exit code is set when its main thread has stopped (a child in a
    /// memory of its own is told, and says its exit code when it has stopped).
    fn terminate(&mut self) {
        if self.record.exitcode.is_none() {
            self.record.terminated = true;
            if let Some(interp) = self.interp.upgrade() {
                interp.cancelled.store(true, Ordering::SeqCst);
            }
            if let Some(link) = &self.remote {
                link.down
                    .write(&super::link::encode_down(&super::link::Down::Terminate));
            }
        }
    }

    /// The run is over: the process stops now, whatever it was doing.
    fn cancel(&self) {
        if let Some(interp) = self.interp.upgrade() {
            interp.cancelled.store(true, Ordering::SeqCst);
        }
        if let Some(link) = &self.remote {
            link.down
                .write(&super::link::encode_down(&super::link::Down::Stop));
        }
    }

    /// A child in a memory of its own that hasn't ended: it may yet wake a thread of this world.
    fn remote_running(&self) -> bool {
        self.remote.is_some() && self.record.exitcode.is_none()
    }
}

/// A thread parked with no deadline, for deadlock detection and its message.
struct Parked {
    key: (u64, u64),
    on: Arc<Waitable>,
    seen: u64,
    label: String,
}

struct NState {
    stdout: String,
    stderr: String,
    exception: Option<ExceptionReport>,
    thread_exceptions: Vec<ExceptionReport>,
    timeline: Recorder,
    lanes: HashMap<(u64, u64), u32>,
    active: HashMap<(u64, u64), u32>,
    task_lanes: HashMap<(u64, u64, String), u32>,
    /// Per thread: what the asyncio task that just suspended awaits, for its lane.
    task_waits: HashMap<(u64, u64), State>,
    processes: BTreeMap<u64, NProc>,
    next_pid: u64,
    channels: Channels,
    /// Python threads started and not ended, all processes together.
    alive: usize,
    /// Lines printed so far (stdout and stderr).
    lines: usize,
    /// Threads whose body ended with an uncaught exception.
    raised: Vec<(u64, u64)>,
    /// Per live thread: the user's line it is at, stored by the thread after every chunk.
    current: HashMap<(u64, u64), Arc<AtomicU32>>,
    parked: Vec<Parked>,
    /// Per child process in a memory of its own: where its threads are, in this world's lanes.
    remote_lines: BTreeMap<u64, Vec<(u32, u32)>>,
    /// In a child process: the parent's changes it had heard of when it last said it was stuck.
    stuck_said: Option<u64>,
    /// The run is over (the main process and its children ended, a deadlock, the cap): when, and why
    /// if early.
    ended: Option<(f64, Option<String>)>,
}

/// One run: what every host and thread of it shares.
pub(super) struct World {
    /// The run's time zero on the platform's clock: set when the main thread starts, so the
    /// interpreter's own start-up is not part of the program's time (the prediction's clock starts at
    /// the program's first instruction).
    start: OnceLock<f64>,
    platform: Arc<dyn Platform>,
    epoch: f64,
    opts: RunOptions,
    /// The program's text, which a child process compiles again.
    source: Arc<str>,
    /// This world's own process: the main program ([`MAIN_PID`]), or the child process it runs.
    root: u64,
    /// In a child process: its link to the run's parent world, which keeps the run-wide state.
    uplink: Option<Arc<Uplink>>,
    state: Mutex<NState>,
    /// Every wait, sleep and the run's end park on this.
    cv: Condvar,
    /// Set when the run ends: waits return, threads stop.
    stop: AtomicBool,
    /// Threads parked on `cv` (or about to park): a notify with none skips the lock.
    parked: AtomicUsize,
    /// Hosts of every process, to cancel their GIL waits at the end.
    gils: Mutex<Vec<Arc<Gil>>>,
}

impl World {
    pub(super) fn new(
        opts: &RunOptions,
        platform: Arc<dyn Platform>,
        source: &str,
        root: u64,
        uplink: Option<Arc<Uplink>>,
    ) -> Arc<World> {
        let epoch = platform.epoch();
        Arc::new(World {
            start: OnceLock::new(),
            platform,
            epoch,
            opts: RunOptions {
                cores: opts.cores.max(1),
                ..opts.clone()
            },
            source: source.into(),
            root,
            uplink,
            state: Mutex::new(NState {
                stdout: String::new(),
                stderr: String::new(),
                exception: None,
                thread_exceptions: Vec::new(),
                timeline: Recorder::default(),
                lanes: HashMap::new(),
                active: HashMap::new(),
                task_lanes: HashMap::new(),
                task_waits: HashMap::new(),
                processes: BTreeMap::new(),
                next_pid: MAIN_PID + 1,
                channels: Channels::default(),
                alive: 0,
                lines: 0,
                raised: Vec::new(),
                current: HashMap::new(),
                parked: Vec::new(),
                remote_lines: BTreeMap::new(),
                stuck_said: None,
                ended: None,
            }),
            cv: Condvar::new(),
            stop: AtomicBool::new(false),
            parked: AtomicUsize::new(0),
            gils: Mutex::new(Vec::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, NState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes every parked thread to re-check its waitable (after a generation was bumped).
    fn notify(&self) {
        // A waiter counts itself in `parked` before it checks the generation (all SeqCst), so if the
        // count reads 0 here, any later waiter sees the bump made before this notify and won't park.
        if self.parked.load(Ordering::SeqCst) == 0 {
            return;
        }
        // Taking the lock orders this after a parking waiter's check of the generation.
        let _state = self.lock();
        self.cv.notify_all();
    }

    fn start(&self) -> f64 {
        *self.start.get_or_init(|| self.platform.now())
    }

    /// [`RunOptions::time_scale`], kept sane.
    fn scale(&self) -> f64 {
        let scale = self.opts.time_scale;
        if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        }
    }

    /// Real seconds since the run's start.
    fn elapsed(&self) -> f64 {
        match self.start.get() {
            Some(start) => (self.platform.now() - start).max(0.0),
            None => 0.0,
        }
    }

    /// This world's own process (the main program, or the child it runs): its host and interpreter,
    /// entered in the process table.
    fn own_process(self: &Arc<World>, config: Config, daemon: bool) -> (Arc<NHost>, Arc<Interp>) {
        let host = self.new_host(self.root);
        let name = config.process_name.clone();
        let interp = Interp::new(host.clone(), config);
        host.bind(&interp);
        self.lock()
            .processes
            .insert(self.root, NProc::new(&name, &interp, &host, daemon));
        (host, interp)
    }

    pub(super) fn new_host(self: &Arc<World>, pid: u64) -> Arc<NHost> {
        let gil = self
            .opts
            .gil
            .then(|| Arc::new(Gil::new(self.platform.clone())));
        if let Some(gil) = &gil {
            self.gils
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(gil.clone());
        }
        Arc::new(NHost {
            world: self.clone(),
            pid,
            interp: OnceLock::new(),
            gil,
            gil_lane: OnceLock::new(),
            switch_interval: AtomicU64::new(DEFAULT_SWITCH_INTERVAL.to_bits()),
        })
    }

    /// Ends the run at `t` (the first reason wins).
    fn end(&self, state: &mut NState, why: Option<String>) {
        if state.ended.is_none() {
            state.ended = Some((self.elapsed(), why));
        }
        self.cv.notify_all();
    }

    /// Blocks the caller until the run ends or passes the cap, then stops every thread.
    /// Wakes every thread queued for a GIL, so a cancelled one notices (call without the state lock).
    fn wake_gils(&self) {
        for gil in self.gils.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            gil.cv.notify_all();
        }
    }

    fn wait_for_end(&self) {
        let cap = self.opts.max_seconds.clamp(0.0, 1e6);
        let mut state = self.lock();
        while state.ended.is_none() {
            let elapsed = self.platform.now() - self.start();
            if elapsed >= cap {
                let why = format!(
                    "the program ran longer than ThreadLab's limit of {} s",
                    self.opts.max_seconds
                );
                self.end(&mut state, Some(why));
                break;
            }
            state = self
                .cv
                .wait_timeout(state, Duration::from_secs_f64(cap - elapsed))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        // Stop everything still running: daemons, a capped or deadlocked program, child processes.
        self.stop.store(true, Ordering::SeqCst);
        for p in state.processes.values() {
            p.cancel();
        }
        self.cv.notify_all();
        drop(state);
        self.wake_gils();
        // A thread still running after the grace is left behind: it stops at its next budget check.
        let deadline = self.platform.now() + GRACE_S;
        let mut state = self.lock();
        while state.alive > 0 && self.platform.now() < deadline {
            state = self
                .cv
                .wait_timeout(state, Duration::from_millis(10))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn outcome(&self) -> Outcome {
        let mut state = self.lock();
        let (end, stopped) = state.ended.clone().unwrap_or((self.elapsed(), None));
        let (timeline, events) = std::mem::take(&mut state.timeline).finish(end);
        Outcome {
            stdout: std::mem::take(&mut state.stdout),
            stderr: std::mem::take(&mut state.stderr),
            syntax_errors: Vec::new(),
            exception: state.exception.take(),
            thread_exceptions: std::mem::take(&mut state.thread_exceptions),
            elapsed_s: end,
            stopped,
            timeline,
            events,
        }
    }

    fn show(&self, state: &mut NState, key: (u64, u64), s: Option<State>) {
        let t = self.elapsed();
        if let Some(&lane) = state.active.get(&key) {
            state.timeline.set(lane, t, s);
        }
    }

    /// A thread ended: the ones left may all be parked for good.
    fn check_deadlock_after_exit(&self, state: &mut NState) {
        if !state.parked.is_empty() {
            self.check_deadlock(state);
        }
    }

    /// After a thread parked with no deadline: if every live thread of the run is parked so, with
    /// its generation unchanged, nothing can wake any of them.
    ///
    /// A child process in a memory of its own says when all its threads are so ([`Self::stuck`]); the
    /// parent then counts it as parked too, if it has heard of every change the parent told it of (see
    /// `processes`). A child never ends the run itself.
    fn check_deadlock(&self, state: &mut NState) {
        if self.uplink.is_some() {
            return self.report_stuck(state);
        }
        let remote: Vec<&NProc> = state
            .processes
            .values()
            .filter(|p| p.remote_running())
            .collect();
        if state.parked.len() < state.alive || (state.alive == 0 && remote.is_empty()) {
            return;
        }
        if state.parked.iter().any(|p| p.on.generation() != p.seen) {
            return;
        }
        let mut stuck_children = Vec::new();
        for p in remote {
            match &p.stuck {
                Some((epoch, labels)) if *epoch == p.changes_sent => stuck_children.extend(labels),
                _ => return,
            }
        }
        let mut labels = World::parked_labels(state);
        labels.extend(stuck_children.into_iter().cloned());
        self.end(state, Some(format!("deadlock: {}", labels.join(", "))));
    }

    /// The labels of the parked threads' waits, by process and thread.
    fn parked_labels(state: &NState) -> Vec<String> {
        let mut labels: Vec<(u64, u64, String)> = state
            .parked
            .iter()
            .map(|p| (p.key.0, p.key.1, p.label.clone()))
            .collect();
        labels.sort();
        labels.into_iter().map(|(_, _, l)| l).collect()
    }

    /// Whether every live thread of this world is parked with no deadline and nothing has changed since:
    /// the labels of their waits if so.
    fn stuck(state: &NState) -> Option<Vec<String>> {
        let parked = state.alive > 0 && state.parked.len() >= state.alive;
        if !parked || state.parked.iter().any(|p| p.on.generation() != p.seen) {
            return None;
        }
        Some(World::parked_labels(state))
    }
}

/// The host of one process of a real run.
pub(super) struct NHost {
    world: Arc<World>,
    pid: u64,
    interp: OnceLock<Weak<Interp>>,
    gil: Option<Arc<Gil>>,
    gil_lane: OnceLock<u32>,
    switch_interval: AtomicU64,
}

impl NHost {
    pub(super) fn bind(&self, interp: &Arc<Interp>) {
        let _ = self.interp.set(Arc::downgrade(interp));
    }

    fn key(&self, ident: u64) -> (u64, u64) {
        (self.pid, ident)
    }

    fn cancelled(&self, interp: &Interp) -> bool {
        self.world.stop.load(Ordering::SeqCst) || interp.cancelled.load(Ordering::SeqCst)
    }

    fn process_name(&self) -> String {
        self.world
            .lock()
            .processes
            .get(&self.pid)
            .map(|p| p.record.name.clone())
            .unwrap_or_default()
    }

    /// A lane for a new thread (and the process's GIL lane with its first thread); the thread counts as
    /// alive from now.
    fn register(&self, thread: &ThreadState, first: bool) {
        let proc_name = self.process_name();
        let mut state = self.world.lock();
        let lane = state
            .timeline
            .thread_lane(self.pid, first, &proc_name, &thread.name);
        state.lanes.insert(self.key(thread.ident), lane);
        state.active.insert(self.key(thread.ident), lane);
        state.current.insert(
            self.key(thread.ident),
            Arc::new(AtomicU32::new(thread.line)),
        );
        let t = self.world.elapsed();
        state.timeline.life(lane, Life::Started, thread.daemon, t);
        if first && self.gil.is_some() {
            let label = if self.pid == MAIN_PID {
                "GIL".to_string()
            } else {
                format!("{proc_name} GIL")
            };
            let gil_lane = state.timeline.lane(&label, LaneKind::Gil);
            let _ = self.gil_lane.set(gil_lane);
        }
        state.alive += 1;
    }

    /// Starts a platform thread running `thread` on `interp`.
    fn start_thread(self: &Arc<NHost>, interp: Arc<Interp>, thread: Box<ThreadState>, first: bool) {
        self.register(&thread, first);
        let host = self.clone();
        let name = thread.name.clone();
        let spawned = self.world.platform.spawn(
            &name,
            Box::new(move || host.thread_main(interp, thread, first)),
        );
        if let Err(e) = spawned {
            let mut state = self.world.lock();
            state.alive -= 1;
            state
                .stderr
                .push_str(&format!("can't start a thread: {e}\n"));
        }
    }

    fn show(&self, ident: u64, s: Option<State>) {
        let mut state = self.world.lock();
        self.world.show(&mut state, self.key(ident), s);
    }

    fn show_gil(&self, holder: Option<u64>) {
        let Some(&lane) = self.gil_lane.get() else {
            return;
        };
        let t = self.world.elapsed();
        let mut state = self.world.lock();
        let s = holder
            .and_then(|h| state.lanes.get(&self.key(h)).copied())
            .map(|l| State {
                holder: Some(l),
                ..State::new(SpanKind::Running, 0)
            });
        state.timeline.set(lane, t, s);
    }

    fn take_gil(&self, ident: u64, line: u32) {
        if let Some(gil) = &self.gil {
            if !gil.try_acquire(ident) {
                self.show(ident, Some(State::new(SpanKind::GilWait, line)));
                gil.acquire(ident);
            }
            self.show_gil(Some(ident));
        }
        self.show(ident, Some(State::new(SpanKind::Running, line)));
    }

    /// Lets go of the GIL; the thread's lane shows `next` from before the release, so under the GIL
    /// no two threads' running spans overlap.
    fn drop_gil(&self, ident: u64, next: Option<State>) {
        self.show(ident, next);
        if let Some(gil) = &self.gil {
            self.show_gil(None);
            gil.release();
        }
    }

    /// The life of one Python thread on its OS thread.
    fn thread_main(
        self: Arc<NHost>,
        interp: Arc<Interp>,
        mut thread: Box<ThreadState>,
        first: bool,
    ) {
        let ident = thread.ident;
        let line = self
            .world
            .lock()
            .current
            .get(&self.key(ident))
            .cloned()
            .unwrap_or_default();
        // Whether the thread stops because the run (or its process) was stopped, not by its own end.
        let mut killed;
        'life: loop {
            self.take_gil(ident, thread.line);
            let stop = loop {
                // A run that starts cancelled ends the thread where it is.
                killed = self.cancelled(&interp);
                let stop = vm_entry::run(&interp, &mut thread, CHUNK);
                line.store(thread.line, Ordering::Relaxed);
                if !matches!(stop, Stop::Budget) {
                    break stop;
                }
                if self.cancelled(&interp) {
                    killed = true;
                    break Stop::Finished;
                }
                let interval = f64::from_bits(self.switch_interval.load(Ordering::Relaxed));
                if self.gil.as_ref().is_some_and(|g| g.should_drop(interval)) {
                    self.drop_gil(ident, Some(State::new(SpanKind::GilWait, thread.line)));
                    self.take_gil(ident, thread.line);
                }
            };
            let next = match &stop {
                Stop::Block(block) => Some(wait_state(block, thread.line)),
                _ => None,
            };
            self.drop_gil(ident, next);
            match stop {
                Stop::Block(block) => {
                    if !self.wait(&interp, ident, block, thread.line) {
                        killed = true;
                        break 'life;
                    }
                }
                Stop::Finished | Stop::Budget => break 'life,
            }
        }
        let mut state = self.world.lock();
        self.world.show(&mut state, self.key(ident), None);
        if let Some(&lane) = state.lanes.get(&self.key(ident)) {
            let life = if killed {
                Life::Killed
            } else if state.raised.contains(&self.key(ident)) {
                Life::Raised
            } else {
                Life::Finished
            };
            let t = self.world.elapsed();
            state.timeline.life(lane, life, thread.daemon, t);
        }
        state.current.remove(&self.key(ident));
        state.alive = state.alive.saturating_sub(1);
        if first {
            self.process_ended(&mut state, &interp);
        } else {
            self.world.check_deadlock_after_exit(&mut state);
        }
        self.world.cv.notify_all();
        drop(state);
        if first && self.pid == MAIN_PID {
            // Daemonic children were just terminated: wake their threads queued for a GIL.
            self.world.wake_gils();
        }
    }

    /// This process's main thread has ended: its daemon threads are cancelled, its exit code set, joiners
    /// woken. When it is the main program, its daemonic child processes are terminated (multiprocessing's
    /// atexit handler) and the run ends when no child process is left.
    fn process_ended(&self, state: &mut NState, interp: &Interp) {
        interp.cancelled.store(true, Ordering::SeqCst);
        if let Some(p) = state.processes.get_mut(&self.pid) {
            p.record.end();
        }
        if self.pid == MAIN_PID {
            for p in state.processes.values_mut().filter(|p| p.record.daemon) {
                p.terminate();
            }
        }
        self.world.changed(state);
        self.world.end_if_done(state);
    }

    /// Carries out a wait (its span already shows); false if the run is being stopped.
    fn wait(&self, interp: &Interp, ident: u64, block: Block, line: u32) -> bool {
        let State { kind, line, .. } = wait_state(&block, line);
        // A transfer is answered from outside the run: a thread waiting for one is never deadlocked.
        let io = matches!(block.wait, Wait::Io { .. });
        let (on, until) = match block.wait {
            Wait::Sleep { until } => {
                let until = until * self.world.scale();
                if until <= self.world.elapsed() {
                    // `sleep(0)`: the GIL was dropped; queue for it again behind any waiter.
                    return !self.cancelled(interp);
                }
                (None, Some(until))
            }
            Wait::Wait { on, seen, until } => {
                (Some((on, seen)), until.map(|u| u * self.world.scale()))
            }
            Wait::Io { done, seen } => (Some((done, seen)), None),
        };
        let key = self.key(ident);
        let mut state = self.world.lock();
        self.world.parked.fetch_add(1, Ordering::SeqCst);
        if let (Some((w, seen)), None, false) = (&on, until, io) {
            let label = self.park_label(&state, ident, kind, line);
            state.parked.push(Parked {
                key,
                on: w.clone(),
                seen: *seen,
                label,
            });
            self.world.check_deadlock(&mut state);
        }
        loop {
            if self.cancelled(interp) {
                break;
            }
            if on.as_ref().is_some_and(|(w, seen)| w.generation() != *seen) {
                break;
            }
            let mut timeout = RECHECK;
            if let Some(until) = until {
                let left = until - self.world.elapsed();
                if left <= 0.0 {
                    break;
                }
                timeout = timeout.min(Duration::from_secs_f64(left));
            }
            state = self
                .world
                .cv
                .wait_timeout(state, timeout)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        self.world.parked.fetch_sub(1, Ordering::SeqCst);
        state.parked.retain(|p| p.key != key);
        // A child process that said it was stuck isn't any more.
        self.world.report_stuck(&mut state);
        !self.cancelled(interp)
    }

    fn park_label(&self, state: &NState, ident: u64, kind: SpanKind, line: u32) -> String {
        let name = state
            .lanes
            .get(&self.key(ident))
            .map(|&l| state.timeline.lane_name(l))
            .unwrap_or_default();
        let what = match kind {
            SpanKind::Wait(k) => wait_kind_label(k),
            SpanKind::Io => "io",
            _ => "sleep",
        };
        if line > 0 {
            format!("{name} waits at line {line} ({what})")
        } else {
            format!("{name} waits ({what})")
        }
    }
}

/// The span a wait shows: its kind and the user's line (the thread's line if the site has none).
fn wait_state(block: &Block, line: u32) -> State {
    let line = if block.site.line > 0 {
        block.site.line
    } else {
        line
    };
    let kind = match &block.wait {
        Wait::Sleep { .. } => SpanKind::Sleep,
        Wait::Io { .. } => SpanKind::Io,
        Wait::Wait { .. } => SpanKind::of_wait(block.site.kind),
    };
    State::new(kind, line)
}

impl Host for NHost {
    fn now(&self) -> f64 {
        self.world.elapsed() / self.world.scale()
    }

    fn epoch(&self) -> f64 {
        self.world.epoch
    }

    fn cpu_count(&self) -> usize {
        self.world.opts.cores
    }

    fn spawn(&self, thread: Box<ThreadState>) {
        let Some(interp) = self.interp.get().and_then(Weak::upgrade) else {
            return;
        };
        let me = {
            let state = self.world.lock();
            state
                .processes
                .get(&self.pid)
                .and_then(|p| p.host.upgrade())
        };
        if let Some(me) = me {
            me.start_thread(interp, thread, false);
        }
    }

    fn notify(&self, _w: &Arc<Waitable>) {
        self.world.notify();
    }

    fn fetch(&self, url: &str, offset: u64, len: u64) -> Arc<Transfer> {
        if !self.world.opts.network_real {
            return Transfer::answered(Err(NO_REAL_NETWORK.to_string()));
        }
        if self.world.stop.load(Ordering::SeqCst) {
            return Transfer::answered(Err("the run was stopped".into()));
        }
        if let Some(up) = &self.world.uplink {
            // Only the parent's platform downloads (in the browser, the engine worker's `fetch()`).
            return up.fetch(url, offset, len);
        }
        let transfer = Transfer::new();
        self.world.platform.fetch(Fetch {
            url: url.to_string(),
            offset,
            len,
            transfer: transfer.clone(),
            world: Arc::downgrade(&self.world),
            relay: None,
        });
        transfer
    }

    fn network_real(&self) -> bool {
        self.world.opts.network_real
    }

    fn output(&self, thread: u64, stream: Stream, text: &str, line: Option<u32>) {
        let t = self.world.elapsed();
        let mut state = self.world.lock();
        if state.ended.is_some() {
            // A daemon thread printing after the end: CPython's exit would have killed it by now.
            return;
        }
        let lane = state.active.get(&self.key(thread)).copied();
        let err = stream == Stream::Stderr;
        if let Some(up) = &self.world.uplink {
            up.send(&super::link::Up::Output {
                lane,
                err,
                text: text.to_string(),
                t,
                line,
            });
            return;
        }
        self.world
            .record_output(&mut state, lane, err, text, t, line);
    }

    fn uncaught(&self, thread: u64, main: bool, report: ExceptionReport) {
        let mut state = self.world.lock();
        if state.ended.is_some() {
            return;
        }
        state.raised.push(self.key(thread));
        if main && self.pid == MAIN_PID {
            state.exception = Some(report);
        } else {
            if main {
                if let Some(p) = state.processes.get_mut(&self.pid) {
                    p.record.failed = true;
                }
            }
            match &self.world.uplink {
                Some(up) => up.send(&super::link::Up::Uncaught { main, report }),
                None => state.thread_exceptions.push(report),
            }
        }
    }

    fn set_switch_interval(&self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            self.switch_interval
                .store(seconds.to_bits(), Ordering::Relaxed);
        }
    }

    fn task_switch(&self, thread: u64, task: Option<&str>) {
        let t = self.world.elapsed();
        let key = self.key(thread);
        let mut state = self.world.lock();
        let Some(&base) = state.lanes.get(&key) else {
            return;
        };
        let target = match task {
            None => base,
            Some(name) => {
                let k = (self.pid, thread, name.to_string());
                match state.task_lanes.get(&k) {
                    Some(&lane) => lane,
                    None => {
                        let lane = state.timeline.task_lane(name, base);
                        state.task_lanes.insert(k, lane);
                        lane
                    }
                }
            }
        };
        let old = state.active.insert(key, target).unwrap_or(base);
        let parting = state.task_waits.remove(&key);
        state.timeline.switch(old, target, t, parting);
    }

    fn queue_depth(&self, queue: u64, depth: usize) {
        let t = self.world.elapsed();
        self.world.lock().timeline.depth(queue, depth, t);
    }

    fn task_wait(&self, thread: u64, kind: WaitKind, line: u32) {
        let s = State::new(SpanKind::of_wait(kind), line);
        self.world.lock().task_waits.insert(self.key(thread), s);
    }

    fn thread_renamed(&self, thread: u64, name: &str) {
        let process = self.process_name();
        let mut state = self.world.lock();
        if let Some(&lane) = state.lanes.get(&self.key(thread)) {
            state.timeline.rename_thread(lane, self.pid, &process, name);
        }
    }

    fn exit_status(&self, code: i32) {
        if let Some(p) = self.world.lock().processes.get_mut(&self.pid) {
            p.record.status = Some(code);
        }
    }

    fn process_start(&self, spec: ProcessSpec) -> Result<u64, String> {
        match &self.world.uplink {
            Some(up) => up.process_start(&self.world, spec),
            None => self.world.start_process(spec),
        }
    }

    fn process_exitcode(&self, pid: u64) -> Option<i32> {
        if let Some(up) = &self.world.uplink {
            return up.process_exitcode(&self.world, pid);
        }
        self.world
            .lock()
            .processes
            .get(&pid)
            .and_then(|p| p.record.exitcode)
    }

    fn process_waitable(&self, pid: u64) -> Arc<Waitable> {
        if let Some(up) = &self.world.uplink {
            return up.waitable(pid);
        }
        let state = self.world.lock();
        state
            .processes
            .get(&pid)
            .map(|p| p.record.waitable.clone())
            .unwrap_or_else(Waitable::new)
    }

    fn process_terminate(&self, pid: u64) {
        if let Some(up) = &self.world.uplink {
            return up.send(&super::link::Up::ProcessTerminate(pid));
        }
        self.world.terminate(pid);
    }

    fn channel_new(&self) -> u64 {
        match &self.world.uplink {
            Some(up) => up.channel_new(&self.world),
            None => self.world.lock().channels.open(),
        }
    }

    fn channel_put(&self, channel: u64, item: Portable) {
        match &self.world.uplink {
            Some(up) => up.send(&super::link::Up::ChannelPut { channel, item }),
            None => self.world.channel_put(channel, item),
        }
    }

    fn channel_get(&self, channel: u64) -> Option<Portable> {
        match &self.world.uplink {
            Some(up) => up.channel_get(&self.world, channel),
            None => self.world.channel_get(channel),
        }
    }

    fn channel_len(&self, channel: u64) -> usize {
        match &self.world.uplink {
            Some(up) => up.channel_len(&self.world, channel),
            None => self.world.lock().channels.len(channel),
        }
    }

    fn channel_waitable(&self, channel: u64) -> Arc<Waitable> {
        match &self.world.uplink {
            // Channels and processes number apart in the proxies: a channel's key has the top bit set.
            Some(up) => up.waitable(channel | 1 << 63),
            None => self.world.lock().channels.waitable(channel),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::runtime::native::NativePlatform;

    #[test]
    fn the_gil_is_handed_over_in_fifo_order_after_the_switch_interval() {
        let clock: Arc<dyn Platform> = Arc::new(NativePlatform);
        let gil = Arc::new(Gil::new(clock.clone()));
        assert!(gil.try_acquire(1));
        assert!(!gil.should_drop(0.001), "nobody waits");
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        // Before any waiter queues: the switch interval counts from the first waiter's arrival, which is
        // later than this, so at least the interval must pass between here and the hand-over.
        let waited = clock.now();
        for who in [2u64, 3] {
            let (theirs, order) = (gil.clone(), order.clone());
            handles.push(
                std::thread::Builder::new()
                    .spawn(move || {
                        theirs.acquire(who);
                        order.lock().unwrap().push(who);
                        theirs.release();
                    })
                    .unwrap(),
            );
            // Queue 2 before 3.
            while gil.waiting.load(Ordering::SeqCst) < (who - 1) as usize {
                std::hint::spin_loop();
            }
        }
        while !gil.should_drop(0.005) {
            std::hint::spin_loop();
        }
        assert!(clock.now() - waited >= 0.004);
        gil.release();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![2, 3]);
        assert!(gil.try_acquire(1));
    }
}

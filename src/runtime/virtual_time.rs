//! The prediction: the VM driven in virtual time by a deterministic discrete-event scheduler on one OS thread.
//!
//! The world has a virtual clock, `cores` cores and, per process, a GIL (when [`RunOptions::gil`]). Every
//! Python thread is in one of these states: queued for its process's GIL, queued for a core, on a core
//! (it runs next at its `resume_at`), blocked (on a [`Waitable`] and/or until a deadline) or done. The
//! scheduler repeatedly takes the earliest event: a timer (a sleep or a timeout ends, a process finishes
//! starting) or the next *chunk* of a thread on a core, which it runs for real with [`interp::run`] and
//! charges its instructions' cost (`vm::interp::Work::cost`, in units of a simple instruction) ×
//! `ns_per_instruction` of virtual time. Chunks are short (a quantum of about a thousand instructions,
//! and never much past the next timer, the GIL's switch deadline or the OS's time slice), so threads on
//! different cores interleave finely and `time.perf_counter()` (the chunk's start time) is precise to a
//! few tens of microseconds.
//!
//! The GIL follows CPython's "new GIL": a thread that wants it while another holds it waits; the holder
//! drops it at the switch interval (5 ms, `sys.setswitchinterval`), counted from the later of when it
//! took the GIL and when the first waiter started waiting, or as soon as it blocks; waiters get it in FIFO
//! order (CPython leaves the order to the OS; FIFO keeps the prediction deterministic). Without a GIL up
//! to `cores` threads run at once; more than that share the cores round-robin in 5 ms slices, as an OS
//! would. Processes run in parallel on the same cores, each with its own interpreter and GIL.
//!
//! When nothing can run the clock jumps to the next deadline, so a program that mostly sleeps is predicted
//! in milliseconds. When nothing can run and no deadline is pending while the main thread is still
//! waiting, the run stops with a deadlock message naming every waiting thread, its line and what it waits
//! for. The same program with the same options always gives the same output and timeline: nothing here
//! reads a real clock or depends on the order of a hash map.
//!
//! [`interp::run`]: crate::vm::interp

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use super::timeline::{LaneKind, SpanKind, State, TimelineBuilder};
use super::{Channels, Outcome, ProcessRecord, RunOptions};
use crate::python::bytecode::Code;
use crate::trace::Life;
use crate::vm::host::{
    Block, ExceptionReport, Host, Portable, ProcessSpec, Stop, Stream, Wait, WaitKind, Waitable,
};
use crate::vm::{Config, Interp, ThreadState};

/// The interpreter's entry points this runtime (and the native one) drives.
pub(super) mod vm_entry {
    pub use crate::vm::interp::{run, run_free_threaded, start_main, start_process_main};
}

/// Virtual nanoseconds a unit of VM work (`vm::interp::Work::cost`) costs when the caller passes no
/// calibration: about what [`super::native::calibrate`] measures for the native VM in a release build on
/// the development machine (2 cores, 2026-12: 3.2 to 4 ns), fixed so that tests and predictions repeat
/// exactly.
pub const DEFAULT_NS_PER_INSTRUCTION: f64 = 3.5;

/// The pid of the program's own process (`os.getpid()` in the main process).
pub const MAIN_PID: u64 = 1;

/// `time.time()` at the start of a predicted run: 2026-01-01 00:00:00 UTC, fixed so predictions repeat.
pub const PREDICTED_EPOCH: f64 = 1_767_225_600.0;

/// CPython's default switch interval (`sys.getswitchinterval()`), seconds.
pub const DEFAULT_SWITCH_INTERVAL: f64 = 0.005;

/// Tuning of the prediction beyond [`RunOptions`].
#[derive(Debug, Clone)]
pub struct PredictOptions {
    /// Virtual nanoseconds per unit of VM work, a simple instruction's (`vm::interp::Work::cost`;
    /// calibrate with [`super::native::calibrate`]).
    pub ns_per_instruction: f64,
    /// Most instructions a thread runs before the scheduler looks at the other threads again.
    pub quantum: u64,
    /// Instructions (all threads and processes together) after which the run is stopped.
    pub max_instructions: u64,
    /// Virtual seconds a process takes to start ([`super::PROCESS_START_S`] by default).
    pub process_start_s: f64,
    /// The OS's time slice when more threads want to run than there are cores, seconds.
    pub os_slice_s: f64,
}

impl Default for PredictOptions {
    #[optimize(size)]
    fn default() -> Self {
        PredictOptions {
            ns_per_instruction: DEFAULT_NS_PER_INSTRUCTION,
            quantum: 1000,
            max_instructions: 200_000_000,
            process_start_s: super::PROCESS_START_S,
            os_slice_s: 0.005,
        }
    }
}

/// Predicts a run of `source`: its output, exceptions, elapsed virtual time and timeline, with the
/// default cost per instruction.
#[optimize(size)]
pub fn run(source: &str, opts: &RunOptions) -> Outcome {
    run_with(source, opts, &PredictOptions::default())
}

/// [`run`] with explicit tuning (a calibrated cost per instruction, caps).
#[optimize(size)]
pub fn run_with(source: &str, opts: &RunOptions, predict: &PredictOptions) -> Outcome {
    let code = match crate::python::compile(source, "<main>") {
        Ok(code) => code,
        Err(errors) => {
            return Outcome {
                syntax_errors: errors,
                ..Outcome::default()
            }
        }
    };
    let mut sim = Sim::new(opts, predict);
    sim.shared.lock().timeline = TimelineBuilder::with_source(source);
    let seed = opts.seed;
    let process_code = code.clone();
    sim.starter = Some(Box::new(
        move |shared: &Arc<Shared>, pid: u64, spec: &ProcessSpec| {
            let host = VHost::new(shared.clone(), pid);
            let config = Config {
                main_name: "__mp_main__".into(),
                pid,
                process_name: spec.name.clone(),
                seed: seed.wrapping_add(pid),
                ..Config::default()
            };
            let interp = Interp::new(host.clone(), config);
            host.bind(&interp);
            let state = vm_entry::start_process_main(
                &interp,
                process_code.clone(),
                spec.target.clone(),
                spec.args.clone(),
            );
            Ok(VmThread::boxed(interp, state, shared.gil))
        },
    ));
    let host = VHost::new(sim.shared.clone(), MAIN_PID);
    let config = Config {
        seed,
        pid: MAIN_PID,
        ..Config::default()
    };
    let interp = Interp::new(host.clone(), config);
    host.bind(&interp);
    let main = start_main_thread(&interp, code, opts.gil);
    sim.start_process(MAIN_PID, "MainProcess", main, 0.0);
    sim.run()
}

#[optimize(size)]
fn start_main_thread(
    interp: &Arc<Interp>,
    code: Arc<Code>,
    gil: bool,
) -> (Meta, Box<dyn SimThread>) {
    VmThread::boxed(interp.clone(), vm_entry::start_main(interp, code), gil)
}

/// What the scheduler needs of a thread: run it for a budget, and read its counters. The VM's threads
/// ([`VmThread`]) implement it; the scheduler's own tests use scripted threads.
pub(super) trait SimThread: Send {
    /// Runs up to `budget` instructions.
    fn run(&mut self, budget: u64) -> Stop;
    /// Instructions executed so far.
    fn instructions(&self) -> u64;
    /// Their cost so far, in units of [`PredictOptions::ns_per_instruction`] ([`Work::cost`]): one per
    /// instruction unless the thread knows better.
    ///
    /// [`Work::cost`]: crate::vm::interp::Work::cost
    fn cost(&self) -> u64 {
        self.instructions()
    }
    /// The user's line it is at.
    fn line(&self) -> u32;
}

/// Who a thread is.
#[derive(Debug, Clone)]
pub(super) struct Meta {
    pub ident: u64,
    pub name: String,
    pub daemon: bool,
}

impl Meta {
    #[optimize(size)]
    pub(super) fn of(state: &ThreadState) -> Meta {
        Meta {
            ident: state.ident,
            name: state.name.clone(),
            daemon: state.daemon,
        }
    }
}

/// A Python thread of the VM.
struct VmThread {
    interp: Arc<Interp>,
    state: Box<ThreadState>,
    gil: bool,
}

impl VmThread {
    #[optimize(size)]
    fn boxed(interp: Arc<Interp>, state: ThreadState, gil: bool) -> (Meta, Box<dyn SimThread>) {
        (
            Meta::of(&state),
            Box::new(VmThread {
                interp,
                state: Box::new(state),
                gil,
            }),
        )
    }
}

impl SimThread for VmThread {
    #[optimize(size)]
    fn run(&mut self, budget: u64) -> Stop {
        if self.gil {
            vm_entry::run(&self.interp, &mut self.state, budget)
        } else {
            vm_entry::run_free_threaded(&self.interp, &mut self.state, budget)
        }
    }

    #[optimize(size)]
    fn instructions(&self) -> u64 {
        self.state.instructions
    }

    fn cost(&self) -> u64 {
        self.state.work.cost()
    }

    #[optimize(size)]
    fn line(&self) -> u32 {
        self.state.line
    }
}

/// Makes a process's first thread from its spec (the VM: a new interpreter running `__mp_main__`).
type Starter =
    Box<dyn FnMut(&Arc<Shared>, u64, &ProcessSpec) -> Result<(Meta, Box<dyn SimThread>), String>>;

/// What threads change while they run (through their [`Host`]), read by the scheduler between chunks.
pub(super) struct Shared {
    world: Mutex<World>,
    /// Threads take turns under a GIL: they may be switched only where CPython 3.11 can switch (the VM's
    /// `run`); without one they interleave at any instruction (`run_free_threaded`), as real parallel
    /// threads do.
    gil: bool,
    /// The time scale: the program's clock reads the world's divided by it.
    scale: f64,
}

struct World {
    now: f64,
    cores: usize,
    stdout: String,
    stderr: String,
    exception: Option<ExceptionReport>,
    thread_exceptions: Vec<ExceptionReport>,
    timeline: TimelineBuilder,
    /// Each thread's own lane, by (pid, ident).
    lanes: BTreeMap<(u64, u64), u32>,
    /// The lane a thread's spans go to now (an asyncio task's lane while the task runs).
    active: BTreeMap<(u64, u64), u32>,
    /// Task lanes by (pid, ident, task name).
    task_lanes: BTreeMap<(u64, u64, String), u32>,
    /// Per thread: what the asyncio task that just suspended awaits, for its lane.
    task_waits: BTreeMap<(u64, u64), State>,
    /// Lines printed so far (stdout and stderr).
    lines: usize,
    /// Threads whose body ended with an uncaught exception.
    raised: Vec<(u64, u64)>,
    /// Why the run must stop now, when it passed a cap outside the scheduler's sight (output).
    over_cap: Option<String>,
    /// A task switch happened during the current chunk.
    task_switched: bool,
    spawned: Vec<(u64, Meta, Box<dyn SimThread>)>,
    process_requests: Vec<(u64, ProcessSpec)>,
    terminations: Vec<u64>,
    switch_intervals: Vec<(u64, f64)>,
    processes: BTreeMap<u64, ProcessRecord>,
    next_pid: u64,
    channels: Channels,
}

impl Shared {
    #[optimize(size)]
    fn new(cores: usize, gil: bool, scale: f64) -> Arc<Shared> {
        Arc::new(Shared {
            gil,
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            },
            world: Mutex::new(World {
                now: 0.0,
                cores,
                stdout: String::new(),
                stderr: String::new(),
                exception: None,
                thread_exceptions: Vec::new(),
                timeline: TimelineBuilder::new(),
                lanes: BTreeMap::new(),
                active: BTreeMap::new(),
                task_lanes: BTreeMap::new(),
                task_waits: BTreeMap::new(),
                lines: 0,
                raised: Vec::new(),
                over_cap: None,
                task_switched: false,
                spawned: Vec::new(),
                process_requests: Vec::new(),
                terminations: Vec::new(),
                switch_intervals: Vec::new(),
                processes: BTreeMap::new(),
                next_pid: MAIN_PID + 1,
                channels: Channels::default(),
            }),
        })
    }

    #[optimize(size)]
    fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new thread of process `pid`, ready now (`Thread.start()`).
    #[optimize(size)]
    pub(super) fn spawn(&self, pid: u64, meta: Meta, body: Box<dyn SimThread>) {
        self.lock().spawned.push((pid, meta, body));
    }

    #[optimize(size)]
    fn output(&self, pid: u64, ident: u64, stream: Stream, text: &str, line: Option<u32>) {
        let mut w = self.lock();
        if w.over_cap.is_some() {
            return;
        }
        w.lines += text.matches('\n').count();
        if w.lines > super::MAX_OUTPUT_LINES {
            w.over_cap = Some(super::output_cap_message());
            return;
        }
        match stream {
            Stream::Stdout => w.stdout.push_str(text),
            Stream::Stderr => w.stderr.push_str(text),
        }
        if let Some(lane) = w.active.get(&(pid, ident)).copied() {
            let now = w.now;
            match stream {
                Stream::Stdout => w.timeline.mark(lane, now, text, line),
                Stream::Stderr => w.timeline.mark_err(lane, now, text, line),
            }
        }
    }

    #[optimize(size)]
    fn uncaught(&self, pid: u64, ident: u64, main: bool, report: ExceptionReport) {
        let mut w = self.lock();
        w.raised.push((pid, ident));
        if main && pid == MAIN_PID {
            w.exception = Some(report);
        } else {
            if main {
                if let Some(p) = w.processes.get_mut(&pid) {
                    p.failed = true;
                }
            }
            w.thread_exceptions.push(report);
        }
    }

    #[optimize(size)]
    fn task_switch(&self, pid: u64, ident: u64, task: Option<&str>) {
        let mut w = self.lock();
        let Some(&base) = w.lanes.get(&(pid, ident)) else {
            return;
        };
        let target = match task {
            None => base,
            Some(name) => {
                let key = (pid, ident, name.to_string());
                match w.task_lanes.get(&key) {
                    Some(&lane) => lane,
                    None => {
                        let lane = w.timeline.task_lane(name, base);
                        w.task_lanes.insert(key, lane);
                        lane
                    }
                }
            }
        };
        w.task_switched = true;
        let old = w.active.insert((pid, ident), target).unwrap_or(base);
        let parting = w.task_waits.remove(&(pid, ident));
        let now = w.now;
        w.timeline.switch(old, target, now, parting);
    }

    #[optimize(size)]
    fn task_wait(&self, pid: u64, ident: u64, kind: WaitKind, line: u32) {
        let state = State::new(SpanKind::of_wait(kind), line);
        self.lock().task_waits.insert((pid, ident), state);
    }

    #[optimize(size)]
    fn thread_renamed(&self, pid: u64, ident: u64, name: &str) {
        let mut w = self.lock();
        let process = w
            .processes
            .get(&pid)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        if let Some(&lane) = w.lanes.get(&(pid, ident)) {
            w.timeline.rename_thread(lane, pid, &process, name);
        }
    }

    #[optimize(size)]
    fn process_start(&self, spec: ProcessSpec) -> Result<u64, String> {
        let mut w = self.lock();
        // The main program is a process too.
        if w.processes.len() > super::MAX_PROCESSES {
            return Err(super::process_cap_message());
        }
        let pid = w.next_pid;
        w.next_pid += 1;
        w.processes
            .insert(pid, ProcessRecord::new(&spec.name, spec.daemon));
        w.process_requests.push((pid, spec));
        Ok(pid)
    }
}

/// The [`Host`] of one process of a predicted run.
struct VHost {
    shared: Arc<Shared>,
    pid: u64,
    interp: OnceLock<Weak<Interp>>,
}

impl VHost {
    #[optimize(size)]
    fn new(shared: Arc<Shared>, pid: u64) -> Arc<VHost> {
        Arc::new(VHost {
            shared,
            pid,
            interp: OnceLock::new(),
        })
    }

    /// Ties the host to its interpreter, which threads spawned through it run on.
    #[optimize(size)]
    fn bind(&self, interp: &Arc<Interp>) {
        let _ = self.interp.set(Arc::downgrade(interp));
    }
}

impl Host for VHost {
    #[optimize(size)]
    fn now(&self) -> f64 {
        self.shared.lock().now / self.shared.scale
    }

    #[optimize(size)]
    fn epoch(&self) -> f64 {
        PREDICTED_EPOCH
    }

    #[optimize(size)]
    fn cpu_count(&self) -> usize {
        self.shared.lock().cores
    }

    #[optimize(size)]
    fn spawn(&self, thread: Box<ThreadState>) {
        let Some(interp) = self.interp.get().and_then(Weak::upgrade) else {
            return;
        };
        let meta = Meta::of(&thread);
        self.shared.spawn(
            self.pid,
            meta,
            Box::new(VmThread {
                interp,
                state: thread,
                gil: self.shared.gil,
            }),
        );
    }

    #[optimize(size)]
    fn notify(&self, _w: &Arc<Waitable>) {
        // The scheduler compares every blocked thread's generation with the one it saw after each chunk,
        // so a notify needs no bookkeeping here.
    }

    #[optimize(size)]
    fn output(&self, thread: u64, stream: Stream, text: &str, line: Option<u32>) {
        self.shared.output(self.pid, thread, stream, text, line);
    }

    #[optimize(size)]
    fn uncaught(&self, thread: u64, main: bool, report: ExceptionReport) {
        self.shared.uncaught(self.pid, thread, main, report);
    }

    #[optimize(size)]
    fn set_switch_interval(&self, seconds: f64) {
        self.shared
            .lock()
            .switch_intervals
            .push((self.pid, seconds));
    }

    #[optimize(size)]
    fn task_switch(&self, thread: u64, task: Option<&str>) {
        self.shared.task_switch(self.pid, thread, task);
    }

    #[optimize(size)]
    fn task_wait(&self, thread: u64, kind: WaitKind, line: u32) {
        self.shared.task_wait(self.pid, thread, kind, line);
    }

    #[optimize(size)]
    fn queue_depth(&self, queue: u64, depth: usize) {
        let mut w = self.shared.lock();
        let now = w.now;
        w.timeline.depth(queue, depth, now);
    }

    #[optimize(size)]
    fn thread_renamed(&self, thread: u64, name: &str) {
        self.shared.thread_renamed(self.pid, thread, name);
    }

    #[optimize(size)]
    fn exit_status(&self, code: i32) {
        if let Some(p) = self.shared.lock().processes.get_mut(&self.pid) {
            p.status = Some(code);
        }
    }

    #[optimize(size)]
    fn process_start(&self, spec: ProcessSpec) -> Result<u64, String> {
        self.shared.process_start(spec)
    }

    #[optimize(size)]
    fn process_exitcode(&self, pid: u64) -> Option<i32> {
        self.shared
            .lock()
            .processes
            .get(&pid)
            .and_then(|p| p.exitcode)
    }

    #[optimize(size)]
    fn process_waitable(&self, pid: u64) -> Arc<Waitable> {
        let w = self.shared.lock();
        w.processes
            .get(&pid)
            .map(|p| p.waitable.clone())
            .unwrap_or_else(Waitable::new)
    }

    #[optimize(size)]
    fn process_terminate(&self, pid: u64) {
        self.shared.lock().terminations.push(pid);
    }

    #[optimize(size)]
    fn channel_new(&self) -> u64 {
        self.shared.lock().channels.open()
    }

    #[optimize(size)]
    fn channel_put(&self, channel: u64, item: Portable) {
        self.shared.lock().channels.put(channel, item);
    }

    #[optimize(size)]
    fn channel_get(&self, channel: u64) -> Option<Portable> {
        self.shared.lock().channels.get(channel)
    }

    #[optimize(size)]
    fn channel_len(&self, channel: u64) -> usize {
        self.shared.lock().channels.len(channel)
    }

    #[optimize(size)]
    fn channel_waitable(&self, channel: u64) -> Arc<Waitable> {
        self.shared.lock().channels.waitable(channel)
    }
}

/// Where a thread is in the scheduler.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TState {
    /// Ready, queued for its process's GIL.
    GilQueue,
    /// Ready (holding the GIL if its process has one), queued for a core.
    CoreQueue,
    /// On a core: runs its next chunk at `resume_at`; got the core at `core_since`.
    OnCore { resume_at: f64, core_since: f64 },
    /// Waiting; see [`SThread::block`].
    Blocked,
    /// Ended (or dropped).
    Done,
}

/// What a blocked thread waits for.
struct Blocked {
    on: Option<(Arc<Waitable>, u64)>,
    until: Option<f64>,
    kind: SpanKind,
    line: u32,
    since: f64,
}

struct SThread {
    body: Option<Box<dyn SimThread>>,
    pid: u64,
    meta: Meta,
    state: TState,
    block: Option<Blocked>,
    /// The time of its last change of state: its lane never goes back in time.
    last: f64,
    /// Its next chunk's most instructions: short after an asyncio task switch (a switch inside a chunk
    /// is dated at the chunk's start, so short chunks keep task lanes' spans close to the truth), then
    /// doubling back to [`PredictOptions::quantum`].
    quantum: u64,
}

struct Gil {
    holder: Option<usize>,
    held_since: f64,
    /// Threads waiting for it, with when they started waiting.
    queue: VecDeque<(usize, f64)>,
    lane: Option<u32>,
}

struct Proc {
    name: String,
    gil: Option<Gil>,
    switch_interval: f64,
    main: usize,
    alive: bool,
}

/// The scheduler: threads, GILs, cores and the virtual clock.
pub(super) struct Sim {
    pub(super) shared: Arc<Shared>,
    starter: Option<Starter>,
    opts: RunOptions,
    predict: PredictOptions,
    threads: Vec<SThread>,
    procs: BTreeMap<u64, Proc>,
    /// Eligible threads waiting for a core, in order.
    core_queue: VecDeque<usize>,
    /// Threads on a core.
    on_cores: usize,
    /// Blocked threads in the order they blocked (wake-ups go in that order).
    blocked: Vec<usize>,
    /// Processes starting: (ready at, pid, spec).
    starting: Vec<(f64, u64, ProcessSpec)>,
    now: f64,
    instructions: u64,
    stopped: Option<String>,
    end: Option<f64>,
}

const EPS: f64 = 1e-12;

/// A thread's quantum right after an asyncio task switch, instructions.
const TASK_QUANTUM: u64 = 32;

impl Sim {
    #[optimize(size)]
    pub(super) fn new(opts: &RunOptions, predict: &PredictOptions) -> Sim {
        let cores = opts.cores.max(1);
        Sim {
            shared: Shared::new(cores, opts.gil, opts.time_scale),
            starter: None,
            opts: RunOptions {
                cores,
                ..opts.clone()
            },
            predict: predict.clone(),
            threads: Vec::new(),
            procs: BTreeMap::new(),
            core_queue: VecDeque::new(),
            on_cores: 0,
            blocked: Vec::new(),
            starting: Vec::new(),
            now: 0.0,
            instructions: 0,
            stopped: None,
            end: None,
        }
    }

    #[optimize(size)]
    fn spi(&self) -> f64 {
        self.predict.ns_per_instruction.max(1e-3) * 1e-9
    }

    /// Starts process `pid` with its first thread at `t`.
    #[optimize(size)]
    pub(super) fn start_process(
        &mut self,
        pid: u64,
        name: &str,
        (meta, body): (Meta, Box<dyn SimThread>),
        t: f64,
    ) {
        let tid = self.threads.len();
        {
            let mut w = self.shared.lock();
            w.processes
                .entry(pid)
                .or_insert_with(|| ProcessRecord::new(name, false));
        }
        let gil_lane = self.opts.gil.then_some(());
        self.procs.insert(
            pid,
            Proc {
                name: name.to_string(),
                gil: gil_lane.map(|_| Gil {
                    holder: None,
                    held_since: 0.0,
                    queue: VecDeque::new(),
                    lane: None,
                }),
                switch_interval: DEFAULT_SWITCH_INTERVAL,
                main: tid,
                alive: true,
            },
        );
        self.add_thread(pid, meta, body, t);
        if self.opts.gil {
            let label = if pid == MAIN_PID {
                "GIL".to_string()
            } else {
                format!("{name} GIL")
            };
            let lane = self.shared.lock().timeline.lane(&label, LaneKind::Gil);
            if let Some(gil) = self.procs.get_mut(&pid).and_then(|p| p.gil.as_mut()) {
                gil.lane = Some(lane);
            }
        }
        self.make_ready(tid, t);
    }

    #[optimize(size)]
    fn add_thread(&mut self, pid: u64, meta: Meta, body: Box<dyn SimThread>, t: f64) -> usize {
        let tid = self.threads.len();
        let proc_name = self
            .procs
            .get(&pid)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let first = self.procs.get(&pid).is_some_and(|p| p.main == tid);
        {
            let mut w = self.shared.lock();
            let lane = w.timeline.thread_lane(pid, first, &proc_name, &meta.name);
            w.lanes.insert((pid, meta.ident), lane);
            w.active.insert((pid, meta.ident), lane);
            w.timeline.life(lane, Life::Started, meta.daemon, t);
        }
        self.threads.push(SThread {
            body: Some(body),
            pid,
            meta,
            state: TState::Done,
            block: None,
            last: t,
            quantum: self.predict.quantum.max(1),
        });
        tid
    }

    /// Shows thread `tid`'s lane in `state` from `t` (clamped to the lane's last change).
    #[optimize(size)]
    fn show(&mut self, tid: usize, t: f64, state: Option<State>) -> f64 {
        let th = &mut self.threads[tid];
        let t = t.max(th.last);
        th.last = t;
        let key = (th.pid, th.meta.ident);
        let mut w = self.shared.lock();
        if let Some(&lane) = w.active.get(&key) {
            w.timeline.set(lane, t, state);
        }
        t
    }

    #[optimize(size)]
    fn line(&self, tid: usize) -> u32 {
        self.threads[tid].body.as_ref().map_or(0, |b| b.line())
    }

    #[optimize(size)]
    fn show_gil(&mut self, pid: u64, t: f64) {
        let Some(gil) = self.procs.get(&pid).and_then(|p| p.gil.as_ref()) else {
            return;
        };
        let Some(lane) = gil.lane else {
            return;
        };
        let holder = gil.holder;
        let mut w = self.shared.lock();
        let state = holder.and_then(|h| {
            let th = &self.threads[h];
            w.lanes.get(&(th.pid, th.meta.ident)).map(|&l| State {
                holder: Some(l),
                ..State::new(SpanKind::Running, 0)
            })
        });
        w.timeline.set(lane, t, state);
    }

    /// Thread `tid` can run from `t`: it asks for the GIL (if any), then for a core.
    #[optimize(size)]
    fn make_ready(&mut self, tid: usize, t: f64) {
        let t = t.max(self.threads[tid].last);
        self.threads[tid].block = None;
        let pid = self.threads[tid].pid;
        let line = self.line(tid);
        let queued = match self.procs.get_mut(&pid).and_then(|p| p.gil.as_mut()) {
            None => false,
            Some(gil) if gil.holder.is_none() => {
                gil.holder = Some(tid);
                gil.held_since = t;
                false
            }
            Some(gil) => {
                gil.queue.push_back((tid, t));
                true
            }
        };
        if queued {
            self.threads[tid].state = TState::GilQueue;
            self.show(tid, t, Some(State::new(SpanKind::GilWait, line)));
        } else {
            self.show_gil(pid, t);
            self.want_core(tid, t);
        }
    }

    #[optimize(size)]
    fn want_core(&mut self, tid: usize, t: f64) {
        let line = self.line(tid);
        if self.on_cores < self.opts.cores {
            self.on_cores += 1;
            let t = self.show(tid, t, Some(State::new(SpanKind::Running, line)));
            self.threads[tid].state = TState::OnCore {
                resume_at: t,
                core_since: t,
            };
        } else {
            self.threads[tid].state = TState::CoreQueue;
            self.core_queue.push_back(tid);
            self.show(tid, t, Some(State::new(SpanKind::Ready, line)));
        }
    }

    /// Thread `tid` leaves its core at `t`; the next thread queued for a core takes it.
    #[optimize(size)]
    fn leave_core(&mut self, tid: usize, t: f64) {
        if matches!(self.threads[tid].state, TState::OnCore { .. }) {
            self.on_cores -= 1;
            self.threads[tid].state = TState::Done;
        }
        if let Some(next) = self.core_queue.pop_front() {
            self.want_core(next, t);
        }
    }

    /// Thread `tid` lets go of its process's GIL at `t`; the first waiter takes it.
    #[optimize(size)]
    fn release_gil(&mut self, tid: usize, t: f64) {
        let pid = self.threads[tid].pid;
        let Some(gil) = self.procs.get_mut(&pid).and_then(|p| p.gil.as_mut()) else {
            return;
        };
        if gil.holder != Some(tid) {
            gil.queue.retain(|(q, _)| *q != tid);
            return;
        }
        gil.holder = None;
        let next = gil.queue.pop_front();
        if let Some((next, _)) = next {
            gil.holder = Some(next);
            gil.held_since = t;
        }
        self.show_gil(pid, t);
        if let Some((next, _)) = next {
            self.want_core(next, t);
        }
    }

    /// When the GIL holder `tid` must drop the GIL for a waiter (CPython's drop request), if anyone waits.
    #[optimize(size)]
    fn gil_drop_at(&self, tid: usize) -> Option<f64> {
        let p = self.procs.get(&self.threads[tid].pid)?;
        let gil = p.gil.as_ref()?;
        if gil.holder != Some(tid) {
            return None;
        }
        let (_, since) = gil.queue.front()?;
        Some(gil.held_since.max(*since) + p.switch_interval)
    }

    /// The earliest pending timer: a blocked thread's deadline or a process finishing its start.
    #[optimize(size)]
    fn next_timer(&self) -> Option<f64> {
        let waits = self
            .blocked
            .iter()
            .filter_map(|&tid| self.threads[tid].block.as_ref().and_then(|b| b.until));
        let starts = self.starting.iter().map(|(t, _, _)| *t);
        waits.chain(starts).min_by(f64::total_cmp)
    }

    /// The thread on a core that runs next: earliest `resume_at`, then lowest id.
    #[optimize(size)]
    fn next_chunk(&self) -> Option<(usize, f64, f64)> {
        let mut best: Option<(usize, f64, f64)> = None;
        for (tid, th) in self.threads.iter().enumerate() {
            if let TState::OnCore {
                resume_at,
                core_since,
            } = th.state
            {
                if best.is_none_or(|(_, r, _)| resume_at < r) {
                    best = Some((tid, resume_at, core_since));
                }
            }
        }
        best
    }

    /// Runs the world until the main process ends, the run deadlocks, or a cap stops it.
    #[optimize(size)]
    pub(super) fn run(mut self) -> Outcome {
        loop {
            self.absorb(self.now);
            if self.end.is_some() {
                break;
            }
            let chunk = self.next_chunk();
            let timer = self.next_timer();
            let next = match (chunk, timer) {
                (Some((_, r, _)), Some(t)) => r.min(t),
                (Some((_, r, _)), None) => r,
                (None, Some(t)) => t,
                (None, None) => {
                    self.stopped = Some(self.deadlock_message());
                    self.end = Some(self.now);
                    break;
                }
            };
            if next > self.opts.max_seconds {
                self.now = self.now.max(self.opts.max_seconds);
                self.stopped = Some(format!(
                    "the program ran longer than ThreadLab's limit of {} s (predicted time)",
                    self.opts.max_seconds
                ));
                self.end = Some(self.now);
                break;
            }
            match (chunk, timer) {
                (_, Some(t)) if chunk.is_none_or(|(_, r, _)| t <= r) => self.fire_timers(t),
                (Some((tid, resume_at, core_since)), _) => self.step(tid, resume_at, core_since),
                _ => unreachable!("a next event exists"),
            }
            if let Some(why) = self.shared.lock().over_cap.take() {
                self.stopped = Some(why);
                self.end = Some(self.now);
                break;
            }
            if self.instructions > self.predict.max_instructions {
                self.stopped = Some(format!(
                    "the program ran more than ThreadLab's limit of {} million instructions",
                    self.predict.max_instructions / 1_000_000
                ));
                self.end = Some(self.now);
                break;
            }
        }
        self.finish()
    }

    /// Every thread still waiting, for a deadlock message.
    #[optimize(size)]
    fn deadlock_message(&self) -> String {
        let mut parts = Vec::new();
        // By process and thread identity, as the native runtime lists them.
        let mut blocked = self.blocked.clone();
        blocked.sort_by_key(|&tid| (self.threads[tid].pid, self.threads[tid].meta.ident));
        for tid in blocked {
            let th = &self.threads[tid];
            let Some(b) = &th.block else {
                continue;
            };
            // The thread's lane is named as the native runtime's messages name it (and follows renames).
            let name = {
                let w = self.shared.lock();
                w.lanes
                    .get(&(th.pid, th.meta.ident))
                    .and_then(|&l| w.timeline.lanes().get(l as usize))
                    .map(|l| l.name.clone())
                    .unwrap_or_else(|| th.meta.name.clone())
            };
            let what = match b.kind {
                SpanKind::Wait(k) => super::timeline::wait_kind_label(k),
                SpanKind::Io => "io",
                SpanKind::Sleep => "sleep",
                _ => "wait",
            };
            if b.line > 0 {
                parts.push(format!("{name} waits at line {} ({what})", b.line));
            } else {
                parts.push(format!("{name} waits ({what})"));
            }
        }
        format!("deadlock: {}", parts.join(", "))
    }

    #[optimize(size)]
    fn fire_timers(&mut self, t: f64) {
        self.now = self.now.max(t);
        self.shared.lock().now = self.now;
        let due: Vec<usize> = self
            .blocked
            .iter()
            .copied()
            .filter(|&tid| {
                self.threads[tid]
                    .block
                    .as_ref()
                    .and_then(|b| b.until)
                    .is_some_and(|u| u <= t + EPS)
            })
            .collect();
        for tid in due {
            self.wake(tid, t);
        }
        let (ready, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.starting)
            .into_iter()
            .partition(|(at, _, _)| *at <= t + EPS);
        self.starting = later;
        for (_, pid, spec) in ready {
            self.begin_process(pid, spec, t);
        }
    }

    #[optimize(size)]
    fn begin_process(&mut self, pid: u64, spec: ProcessSpec, t: f64) {
        let shared = self.shared.clone();
        let made = match self.starter.as_mut() {
            Some(starter) => starter(&shared, pid, &spec),
            None => Err("processes can't start here".to_string()),
        };
        match made {
            Ok(first) => self.start_process(pid, &spec.name, first, t),
            Err(message) => {
                let mut w = self.shared.lock();
                w.stderr
                    .push_str(&format!("Process {}: {message}\n", spec.name));
                if let Some(p) = w.processes.get_mut(&pid) {
                    p.failed = true;
                    p.end();
                }
            }
        }
    }

    #[optimize(size)]
    fn wake(&mut self, tid: usize, t: f64) {
        self.blocked.retain(|&b| b != tid);
        let since = self.threads[tid].block.as_ref().map_or(t, |b| b.since);
        self.make_ready(tid, t.max(since));
    }

    /// Budget for the next chunk of `tid` at `t`: the quantum, but never past the GIL's drop deadline,
    /// the OS slice (if threads wait for a core) or the next timer.
    #[optimize(size)]
    fn budget(&self, tid: usize, t: f64, core_since: f64) -> u64 {
        let spi = self.spi();
        let mut until = f64::INFINITY;
        if let Some(drop_at) = self.gil_drop_at(tid) {
            until = until.min(drop_at);
        }
        if !self.core_queue.is_empty() {
            until = until.min(core_since + self.predict.os_slice_s);
        }
        if let Some(timer) = self.next_timer() {
            until = until.min(timer);
        }
        let mut budget = self.threads[tid].quantum.max(1);
        if until.is_finite() {
            // Instructions cost units at the thread's rate so far (a loop of fused instructions costs
            // less than one unit each, calls more), so the chunk ends near `until`.
            let rate = match &self.threads[tid].body {
                Some(body) if body.instructions() > 0 => {
                    (body.cost() as f64 / body.instructions() as f64).clamp(0.1, 100.0)
                }
                _ => 1.0,
            };
            let fit = ((until - t) / (spi * rate)).ceil();
            if fit < budget as f64 {
                budget = fit.max(1.0) as u64;
            }
        }
        budget
    }

    /// Whether `tid` (on a core at `t`) must give way: to a GIL waiter or to a thread waiting for a core.
    #[optimize(size)]
    fn preempt(&mut self, tid: usize, t: f64, core_since: f64) -> bool {
        if self.gil_drop_at(tid).is_some_and(|d| t + EPS >= d) {
            self.leave_core(tid, t);
            self.release_gil(tid, t);
            self.make_ready(tid, t);
            return true;
        }
        if !self.core_queue.is_empty() && t + EPS >= core_since + self.predict.os_slice_s {
            self.leave_core(tid, t);
            self.want_core(tid, t);
            return true;
        }
        false
    }

    #[optimize(size)]
    fn step(&mut self, tid: usize, t: f64, core_since: f64) {
        self.now = self.now.max(t);
        self.shared.lock().now = t;
        if self.preempt(tid, t, core_since) {
            return;
        }
        let budget = self.budget(tid, t, core_since);
        let Some(mut body) = self.threads[tid].body.take() else {
            self.leave_core(tid, t);
            return;
        };
        let (before, cost_before) = (body.instructions(), body.cost());
        let stop = body.run(budget);
        let mut used = body.instructions().saturating_sub(before);
        let mut cost = body.cost().saturating_sub(cost_before);
        if matches!(stop, Stop::Budget) {
            // Time must pass, or a thread that makes no progress would spin forever.
            used = used.max(1);
            cost = cost.max(1);
        }
        self.threads[tid].body = Some(body);
        self.instructions += used;
        let switched = std::mem::take(&mut self.shared.lock().task_switched);
        let full = self.predict.quantum.max(1);
        let quantum = &mut self.threads[tid].quantum;
        *quantum = if switched {
            TASK_QUANTUM.min(full)
        } else {
            quantum.saturating_mul(2).min(full)
        };
        let te = t + cost as f64 * self.spi();
        match stop {
            Stop::Budget => {
                self.threads[tid].state = TState::OnCore {
                    resume_at: te,
                    core_since,
                };
                self.absorb(te);
                if let TState::OnCore { .. } = self.threads[tid].state {
                    self.preempt(tid, te, core_since);
                }
            }
            Stop::Block(block) => {
                self.leave_core(tid, te);
                self.release_gil(tid, te);
                self.block(tid, block, t, te);
                self.absorb(te);
            }
            Stop::Finished => {
                self.leave_core(tid, te);
                self.release_gil(tid, te);
                self.thread_done(tid, te);
                self.absorb(te);
            }
        }
    }

    /// Thread `tid` blocks at `t`, at the end of a chunk that started at `start`.
    #[optimize(size)]
    fn block(&mut self, tid: usize, block: Block, start: f64, t: f64) {
        let line = if block.site.line > 0 {
            block.site.line
        } else {
            self.line(tid)
        };
        // The native computed its deadline from `host.now()`, which reads the chunk's start all chunk
        // long; the call that blocks is the chunk's last, made at `t`, so the deadline moves by the
        // chunk's length. (A retry after a wake-up is its chunk's first call: the shift is nil.)
        let shift = t - start;
        let (on, until, kind) = match block.wait {
            Wait::Sleep { until } => (None, Some(until), SpanKind::Sleep),
            Wait::Wait { on, seen, until } => {
                (Some((on, seen)), until, SpanKind::of_wait(block.site.kind))
            }
            Wait::Io { done, seen } => (Some((done, seen)), None, SpanKind::Io),
        };
        // Deadlines are on the program's clock, which goes `scale` times as fast as the world's.
        let until = until.map(|u| u * self.shared.scale + shift);
        let passed = on.as_ref().is_some_and(|(w, seen)| w.generation() != *seen);
        let due = until.is_some_and(|u| u <= t + EPS);
        if passed || due {
            self.make_ready(tid, t);
            return;
        }
        let t = self.show(tid, t, Some(State::new(kind, line)));
        self.threads[tid].state = TState::Blocked;
        self.threads[tid].block = Some(Blocked {
            on,
            until,
            kind,
            line,
            since: t,
        });
        self.blocked.push(tid);
    }

    /// Records thread `tid`'s end on its lane.
    #[optimize(size)]
    fn life(&mut self, tid: usize, life: Life, t: f64) {
        let th = &self.threads[tid];
        let key = (th.pid, th.meta.ident);
        let mut w = self.shared.lock();
        if let Some(&lane) = w.lanes.get(&key) {
            w.timeline.life(lane, life, th.meta.daemon, t);
        }
    }

    #[optimize(size)]
    fn thread_done(&mut self, tid: usize, t: f64) {
        self.threads[tid].state = TState::Done;
        self.threads[tid].block = None;
        let t = self.show(tid, t, None);
        let th = &self.threads[tid];
        let raised = self.shared.lock().raised.contains(&(th.pid, th.meta.ident));
        let life = if raised { Life::Raised } else { Life::Finished };
        self.life(tid, life, t);
        self.threads[tid].body = None;
        let pid = self.threads[tid].pid;
        if self.procs.get(&pid).is_some_and(|p| p.main == tid) {
            self.process_done(pid, t, false);
        }
    }

    /// Process `pid` ends at `t` (its main thread finished, or it was terminated): its other threads
    /// are dropped.
    #[optimize(size)]
    fn process_done(&mut self, pid: u64, t: f64, terminated: bool) {
        let Some(p) = self.procs.get_mut(&pid) else {
            return;
        };
        if !p.alive {
            return;
        }
        p.alive = false;
        for tid in 0..self.threads.len() {
            if self.threads[tid].pid != pid || self.threads[tid].state == TState::Done {
                continue;
            }
            if matches!(self.threads[tid].state, TState::OnCore { .. }) {
                self.leave_core(tid, t);
            }
            self.core_queue.retain(|&q| q != tid);
            self.blocked.retain(|&b| b != tid);
            self.threads[tid].state = TState::Done;
            self.threads[tid].block = None;
            self.threads[tid].body = None;
            let t = self.show(tid, t, None);
            self.life(tid, Life::Killed, t);
        }
        if let Some(gil) = self.procs.get_mut(&pid).and_then(|p| p.gil.as_mut()) {
            gil.holder = None;
            gil.queue.clear();
        }
        self.show_gil(pid, t);
        {
            let mut w = self.shared.lock();
            if let Some(info) = w.processes.get_mut(&pid) {
                info.terminated |= terminated;
                info.end();
            }
        }
        if pid == MAIN_PID {
            self.terminate_daemons(t);
        }
        let children_alive = self.procs.values().any(|p| p.alive) || !self.starting.is_empty();
        let main_alive = self.procs.get(&MAIN_PID).is_some_and(|p| p.alive);
        if !main_alive && !children_alive {
            self.now = self.now.max(t);
            self.end = Some(self.now);
        }
    }

    /// Process `pid` is terminated at `t` (`terminate()`: exit code -15), running or still starting.
    #[optimize(size)]
    fn terminate(&mut self, pid: u64, t: f64) {
        if self.procs.contains_key(&pid) {
            self.process_done(pid, t, true);
        } else if let Some(i) = self.starting.iter().position(|(_, p, _)| *p == pid) {
            self.starting.remove(i);
            if let Some(info) = self.shared.lock().processes.get_mut(&pid) {
                info.terminated = true;
                info.end();
            }
        }
    }

    /// The main program has ended: its daemonic child processes are terminated, as multiprocessing's
    /// atexit handler does (the others are waited for).
    #[optimize(size)]
    fn terminate_daemons(&mut self, t: f64) {
        let daemons: Vec<u64> = self
            .shared
            .lock()
            .processes
            .iter()
            .filter(|(&pid, p)| pid != MAIN_PID && p.daemon && p.exitcode.is_none())
            .map(|(&pid, _)| pid)
            .collect();
        for pid in daemons {
            self.terminate(pid, t);
        }
    }

    /// Takes in what threads did through their hosts during a chunk that ended at `t`, and wakes the
    /// threads whose waitables changed.
    #[optimize(size)]
    fn absorb(&mut self, t: f64) {
        let (spawned, requests, terminations, intervals) = {
            let mut w = self.shared.lock();
            (
                std::mem::take(&mut w.spawned),
                std::mem::take(&mut w.process_requests),
                std::mem::take(&mut w.terminations),
                std::mem::take(&mut w.switch_intervals),
            )
        };
        for (pid, seconds) in intervals {
            if let Some(p) = self.procs.get_mut(&pid) {
                p.switch_interval = if seconds.is_finite() && seconds > 0.0 {
                    seconds
                } else {
                    p.switch_interval
                };
            }
        }
        for (pid, meta, body) in spawned {
            if !self.procs.get(&pid).is_some_and(|p| p.alive) {
                // Started just before its process ended (a `_thread` thread as the program exits): it
                // gets its lane, as in a real run, and is killed at once.
                let tid = self.add_thread(pid, meta, body, t);
                self.threads[tid].body = None;
                self.life(tid, Life::Killed, t);
                continue;
            }
            let tid = self.add_thread(pid, meta, body, t);
            self.make_ready(tid, t);
        }
        for (pid, spec) in requests {
            self.starting
                .push((t + self.predict.process_start_s, pid, spec));
        }
        for pid in terminations {
            self.terminate(pid, t);
        }
        let woken: Vec<usize> = self
            .blocked
            .iter()
            .copied()
            .filter(|&tid| {
                self.threads[tid]
                    .block
                    .as_ref()
                    .and_then(|b| b.on.as_ref())
                    .is_some_and(|(w, seen)| w.generation() != *seen)
            })
            .collect();
        for tid in woken {
            self.wake(tid, t);
        }
    }

    #[optimize(size)]
    fn finish(mut self) -> Outcome {
        let end = self.end.unwrap_or(self.now);
        let stopped = self.stopped.take();
        for tid in 0..self.threads.len() {
            if self.threads[tid].state != TState::Done {
                self.life(tid, Life::Killed, end);
            }
        }
        let shared = self.shared.clone();
        // Dropping the scheduler drops every thread still alive (daemons) and the interpreters.
        drop(self);
        let mut w = shared.lock();
        let (timeline, events) = std::mem::take(&mut w.timeline).finish(end);
        Outcome {
            stdout: std::mem::take(&mut w.stdout),
            stderr: std::mem::take(&mut w.stderr),
            syntax_errors: Vec::new(),
            exception: w.exception.take(),
            thread_exceptions: std::mem::take(&mut w.thread_exceptions),
            elapsed_s: end,
            stopped,
            timeline,
            events,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    use super::super::timeline::{render_text, Timeline};
    use super::super::PROCESS_START_S;
    use super::*;
    use crate::vm::host::WaitSite;

    /// A lock as the VM's natives implement one: state, a waitable, and Block when taken.
    #[derive(Default)]
    struct FakeLock {
        held: AtomicBool,
        w: OnceLock<Arc<Waitable>>,
    }

    impl FakeLock {
        fn w(&self) -> &Arc<Waitable> {
            self.w.get_or_init(Waitable::new)
        }
    }

    /// A thread's end, for joins.
    #[derive(Default)]
    struct Done {
        done: AtomicBool,
        w: OnceLock<Arc<Waitable>>,
    }

    impl Done {
        fn w(&self) -> &Arc<Waitable> {
            self.w.get_or_init(Waitable::new)
        }
    }

    #[derive(Clone)]
    enum Op {
        Compute(u64),
        Sleep(f64),
        Acquire(Arc<FakeLock>),
        Release(Arc<FakeLock>),
        Print(String),
        Spawn(&'static str, Vec<Op>, Arc<Done>),
        Join(Arc<Done>),
        /// Waits for a notify on the waitable for at most the timeout (an `Event.wait(timeout)`).
        WaitFor(Arc<Waitable>, f64),
        /// Starts a process running these ops; the pid goes in the cell.
        Process(Vec<Op>, Arc<AtomicU64>),
        /// The same, daemonic: terminated when the main program ends.
        DaemonProcess(Vec<Op>, Arc<AtomicU64>),
        JoinProcess(Arc<AtomicU64>),
        Loop(usize, Vec<Op>),
    }

    static IDENT: AtomicU64 = AtomicU64::new(100);

    struct Fake {
        shared: Arc<Shared>,
        pid: u64,
        ops: VecDeque<(u32, Op)>,
        instructions: u64,
        line: u32,
        done: Arc<Done>,
        /// The pending wait's deadline, between a Block and its retry.
        until: Option<f64>,
        /// Scripts of processes this thread starts, by pid (handed to the scheduler's starter).
        scripts: Arc<Mutex<BTreeMap<u64, Vec<Op>>>>,
        ident: u64,
    }

    fn numbered(ops: Vec<Op>, first: u32) -> VecDeque<(u32, Op)> {
        ops.into_iter()
            .enumerate()
            .map(|(i, op)| (first + i as u32, op))
            .collect()
    }

    impl Fake {
        fn new(
            shared: &Arc<Shared>,
            pid: u64,
            ops: Vec<Op>,
            done: Arc<Done>,
            scripts: &Arc<Mutex<BTreeMap<u64, Vec<Op>>>>,
        ) -> Fake {
            Fake {
                shared: shared.clone(),
                pid,
                ops: numbered(ops, 1),
                instructions: 0,
                line: 0,
                done,
                until: None,
                scripts: scripts.clone(),
                ident: 1,
            }
        }

        fn now(&self) -> f64 {
            self.shared.lock().now
        }

        fn block(&mut self, wait: Wait, kind: WaitKind) -> Stop {
            Stop::Block(Block {
                wait,
                site: WaitSite {
                    kind,
                    line: self.line,
                },
            })
        }
    }

    impl SimThread for Fake {
        fn run(&mut self, budget: u64) -> Stop {
            let mut left = budget;
            loop {
                let Some((line, op)) = self.ops.front_mut() else {
                    self.done.done.store(true, Ordering::SeqCst);
                    self.done.w().bump();
                    return Stop::Finished;
                };
                self.line = *line;
                if let Op::Compute(n) = op {
                    let k = (*n).min(left);
                    *n -= k;
                    left -= k;
                    self.instructions += k;
                    if *n == 0 {
                        self.ops.pop_front();
                    }
                    if left == 0 {
                        return Stop::Budget;
                    }
                    continue;
                }
                if left == 0 {
                    return Stop::Budget;
                }
                left -= 1;
                self.instructions += 1;
                let (line, op) = self.ops.pop_front().unwrap();
                let daemon = matches!(op, Op::DaemonProcess(..));
                match op {
                    Op::Compute(_) => unreachable!(),
                    Op::Sleep(s) => {
                        if self.until.take().is_none() {
                            let until = self.now() + s;
                            self.until = Some(until);
                            self.ops.push_front((line, Op::Sleep(s)));
                            return self.block(Wait::Sleep { until }, WaitKind::Sleep);
                        }
                    }
                    Op::Acquire(lock) => {
                        let seen = lock.w().generation();
                        if lock.held.swap(true, Ordering::SeqCst) {
                            let w = lock.w().clone();
                            self.ops.push_front((line, Op::Acquire(lock)));
                            return self.block(
                                Wait::Wait {
                                    on: w,
                                    seen,
                                    until: None,
                                },
                                WaitKind::Lock,
                            );
                        }
                    }
                    Op::Release(lock) => {
                        lock.held.store(false, Ordering::SeqCst);
                        lock.w().bump();
                    }
                    Op::Print(text) => {
                        self.shared.output(
                            self.pid,
                            self.ident,
                            Stream::Stdout,
                            &format!("{text}\n"),
                            None,
                        );
                    }
                    Op::Spawn(name, ops, done) => {
                        let ident = IDENT.fetch_add(1, Ordering::Relaxed);
                        let mut fake =
                            Fake::new(&self.shared, self.pid, vec![], done, &self.scripts);
                        fake.ops = numbered(ops, 100 * line);
                        fake.ident = ident;
                        let meta = Meta {
                            ident,
                            name: name.to_string(),
                            daemon: false,
                        };
                        self.shared.spawn(self.pid, meta, Box::new(fake));
                    }
                    Op::Join(done) => {
                        let seen = done.w().generation();
                        if !done.done.load(Ordering::SeqCst) {
                            let w = done.w().clone();
                            self.ops.push_front((line, Op::Join(done)));
                            return self.block(
                                Wait::Wait {
                                    on: w,
                                    seen,
                                    until: None,
                                },
                                WaitKind::Join,
                            );
                        }
                    }
                    Op::WaitFor(w, timeout) => {
                        let until = match self.until.take() {
                            None => self.now() + timeout,
                            Some(u) => u,
                        };
                        if self.now() < until && w.generation() == 0 {
                            self.until = Some(until);
                            self.ops.push_front((line, Op::WaitFor(w.clone(), timeout)));
                            return self.block(
                                Wait::Wait {
                                    on: w,
                                    seen: 0,
                                    until: Some(until),
                                },
                                WaitKind::Event,
                            );
                        }
                    }
                    Op::Process(ops, cell) | Op::DaemonProcess(ops, cell) => {
                        let pid = self
                            .shared
                            .process_start(ProcessSpec {
                                name: format!("Process-{}", self.scripts.lock().unwrap().len() + 1),
                                target: Portable::None,
                                args: vec![],
                                daemon,
                            })
                            .expect("under the cap on processes");
                        self.scripts.lock().unwrap().insert(pid, ops);
                        cell.store(pid, Ordering::SeqCst);
                    }
                    Op::JoinProcess(cell) => {
                        let pid = cell.load(Ordering::SeqCst);
                        let (w, code) = {
                            let world = self.shared.lock();
                            let p = &world.processes[&pid];
                            (p.waitable.clone(), p.exitcode)
                        };
                        let seen = w.generation();
                        if code.is_none() {
                            self.ops.push_front((line, Op::JoinProcess(cell)));
                            return self.block(
                                Wait::Wait {
                                    on: w,
                                    seen,
                                    until: None,
                                },
                                WaitKind::Process,
                            );
                        }
                    }
                    Op::Loop(n, body) => {
                        if n > 0 {
                            let copy = body.clone();
                            self.ops.push_front((line, Op::Loop(n - 1, body)));
                            for op in copy.into_iter().rev() {
                                self.ops.push_front((line, op));
                            }
                        }
                    }
                }
            }
        }

        fn instructions(&self) -> u64 {
            self.instructions
        }

        fn line(&self) -> u32 {
            self.line
        }
    }

    /// Runs `main` as the main thread's script under `opts` at 1 µs per instruction (so 1000
    /// instructions are 1 ms).
    fn predict(opts: RunOptions, main: Vec<Op>) -> Outcome {
        let predict = PredictOptions {
            ns_per_instruction: 1000.0,
            ..PredictOptions::default()
        };
        let mut sim = Sim::new(&opts, &predict);
        let scripts = Arc::new(Mutex::new(BTreeMap::new()));
        let for_starter = scripts.clone();
        sim.starter = Some(Box::new(
            move |shared: &Arc<Shared>, pid: u64, _spec: &ProcessSpec| {
                let ops = for_starter.lock().unwrap().remove(&pid).unwrap_or_default();
                let fake = Fake::new(shared, pid, ops, Arc::default(), &for_starter);
                let meta = Meta {
                    ident: 1,
                    name: "MainThread".into(),
                    daemon: false,
                };
                Ok((meta, Box::new(fake) as Box<dyn SimThread>))
            },
        ));
        let fake = Fake::new(&sim.shared, MAIN_PID, main, Arc::default(), &scripts);
        let meta = Meta {
            ident: 1,
            name: "MainThread".into(),
            daemon: false,
        };
        sim.start_process(MAIN_PID, "MainProcess", (meta, Box::new(fake)), 0.0);
        sim.run()
    }

    fn gil(on: bool, cores: usize) -> RunOptions {
        RunOptions {
            gil: on,
            cores,
            ..RunOptions::default()
        }
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn lane<'a>(t: &'a Timeline, name: &str) -> &'a super::super::timeline::Lane {
        t.lane(name)
            .unwrap_or_else(|| panic!("no lane {name}:\n{}", render_text(t, 60)))
    }

    #[test]
    fn two_sleeping_threads_take_the_longer_sleep() {
        let (a, b) = (Arc::new(Done::default()), Arc::new(Done::default()));
        let out = predict(
            RunOptions::default(),
            vec![
                Op::Spawn(
                    "Thread-1",
                    vec![Op::Sleep(0.1), Op::Print("a".into())],
                    a.clone(),
                ),
                Op::Spawn(
                    "Thread-2",
                    vec![Op::Sleep(0.2), Op::Print("b".into())],
                    b.clone(),
                ),
                Op::Join(a),
                Op::Join(b),
                Op::Print("done".into()),
            ],
        );
        let text = render_text(&out.timeline, 60);
        assert_eq!(out.stdout, "a\nb\ndone\n", "{text}");
        assert!(
            close(out.elapsed_s, 0.2, 0.0001),
            "{} {text}",
            out.elapsed_s
        );
        assert_eq!(out.stopped, None);
        let t1 = lane(&out.timeline, "Thread-1");
        assert!(
            t1.spans.iter().any(|s| s.kind == SpanKind::Sleep
                && s.line == 100
                && close(s.end_s - s.start_s, 0.1, 1e-4)),
            "{text}"
        );
        let main = lane(&out.timeline, "MainThread");
        assert!(
            main.spans
                .iter()
                .any(|s| s.kind == SpanKind::Wait(WaitKind::Join) && s.line == 3),
            "{text}"
        );
        assert_eq!(out.timeline.marks.len(), 3);
        assert!(close(out.timeline.marks[0].t_s, 0.1, 1e-4));
    }

    fn two_cpu_threads(opts: RunOptions) -> Outcome {
        let (a, b) = (Arc::new(Done::default()), Arc::new(Done::default()));
        // 100_000 instructions at 1 µs: 0.1 s of CPU each.
        predict(
            opts,
            vec![
                Op::Spawn("Thread-1", vec![Op::Compute(100_000)], a.clone()),
                Op::Spawn("Thread-2", vec![Op::Compute(100_000)], b.clone()),
                Op::Join(a),
                Op::Join(b),
            ],
        )
    }

    #[test]
    fn the_gil_serialises_cpu_bound_threads_in_switch_intervals() {
        let out = two_cpu_threads(gil(true, 2));
        let text = render_text(&out.timeline, 80);
        assert!(close(out.elapsed_s, 0.2, 0.001), "{} {text}", out.elapsed_s);
        let t1 = lane(&out.timeline, "Thread-1");
        let running = t1.total(|k| k == SpanKind::Running);
        let waiting = t1.total(|k| k == SpanKind::GilWait);
        assert!(close(running, 0.1, 0.001), "{running} {text}");
        assert!(waiting > 0.09, "{waiting} {text}");
        // Turns of 5 ms: about 20 running spans each.
        let turns = t1
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Running)
            .count();
        assert!((18..=22).contains(&turns), "{turns} {text}");
        assert!(
            t1.spans
                .iter()
                .filter(|s| s.kind == SpanKind::Running)
                .all(|s| s.end_s - s.start_s <= 0.0051),
            "{text}"
        );
        let gil_lane = lane(&out.timeline, "GIL");
        assert!(gil_lane.spans.len() >= 38, "{text}");
    }

    #[test]
    fn without_the_gil_two_cores_run_two_threads_at_once() {
        let out = two_cpu_threads(gil(false, 2));
        assert!(close(out.elapsed_s, 0.1, 0.001), "{}", out.elapsed_s);
        assert!(out.timeline.lane("GIL").is_none());
        let one_core = two_cpu_threads(gil(false, 1));
        assert!(
            close(one_core.elapsed_s, 0.2, 0.001),
            "{}",
            one_core.elapsed_s
        );
        let t1 = lane(&one_core.timeline, "Thread-1");
        assert!(t1.total(|k| k == SpanKind::Ready) > 0.09);
    }

    #[test]
    fn a_thread_woken_from_sleep_waits_for_the_gil_up_to_the_switch_interval() {
        let (cpu, io) = (Arc::new(Done::default()), Arc::new(Done::default()));
        let out = predict(
            RunOptions::default(),
            vec![
                Op::Spawn("cpu", vec![Op::Compute(200_000)], cpu.clone()),
                Op::Spawn(
                    "io",
                    vec![Op::Loop(10, vec![Op::Sleep(0.001), Op::Compute(10)])],
                    io.clone(),
                ),
                Op::Join(cpu),
                Op::Join(io),
            ],
        );
        let text = render_text(&out.timeline, 80);
        let io_lane = lane(&out.timeline, "io");
        // Each wake-up waits for the CPU thread's switch interval: ten sleeps of 1 ms take about 60 ms.
        let waits: Vec<f64> = io_lane
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::GilWait)
            .map(|s| s.end_s - s.start_s)
            .collect();
        assert!(waits.len() >= 9, "{text}");
        assert!(
            waits.iter().skip(1).all(|w| close(*w, 0.005, 0.0002)),
            "{waits:?} {text}"
        );
        assert!(
            close(out.elapsed_s, 0.2 + 0.0002, 0.001),
            "{} {text}",
            out.elapsed_s
        );
    }

    #[test]
    fn a_lock_passes_between_threads() {
        let lock = Arc::new(FakeLock::default());
        let a = Arc::new(Done::default());
        let out = predict(
            RunOptions::default(),
            vec![
                Op::Acquire(lock.clone()),
                Op::Spawn(
                    "Thread-1",
                    vec![
                        Op::Acquire(lock.clone()),
                        Op::Print("got it".into()),
                        Op::Release(lock.clone()),
                    ],
                    a.clone(),
                ),
                Op::Sleep(0.05),
                Op::Print("releasing".into()),
                Op::Release(lock.clone()),
                Op::Join(a),
            ],
        );
        let text = render_text(&out.timeline, 60);
        assert_eq!(out.stdout, "releasing\ngot it\n", "{text}");
        let t1 = lane(&out.timeline, "Thread-1");
        let lock_wait = t1
            .spans
            .iter()
            .find(|s| s.kind == SpanKind::Wait(WaitKind::Lock))
            .expect(&text);
        assert_eq!(lock_wait.line, 200);
        assert!(close(lock_wait.end_s, 0.05, 0.0001), "{text}");
    }

    #[test]
    fn a_deadlock_names_every_waiting_thread_and_line() {
        let lock = Arc::new(FakeLock::default());
        let a = Arc::new(Done::default());
        let out = predict(
            RunOptions::default(),
            vec![
                Op::Acquire(lock.clone()),
                Op::Spawn(
                    "Thread-1",
                    vec![Op::Compute(10), Op::Acquire(lock.clone())],
                    a.clone(),
                ),
                Op::Join(a),
            ],
        );
        assert_eq!(
            out.stopped.as_deref(),
            Some("deadlock: MainThread waits at line 3 (join), Thread-1 waits at line 201 (lock)")
        );
        assert!(out.elapsed_s < 0.001);
    }

    #[test]
    fn a_timeout_passes_the_clock_to_it() {
        let never = Waitable::new();
        let out = predict(
            RunOptions::default(),
            vec![Op::WaitFor(never, 0.3), Op::Print("timed out".into())],
        );
        assert_eq!(out.stdout, "timed out\n");
        assert!(close(out.elapsed_s, 0.3, 0.0001), "{}", out.elapsed_s);
        assert_eq!(out.stopped, None);
    }

    #[test]
    fn daemon_threads_left_running_do_not_hold_up_the_end() {
        let out = predict(
            RunOptions::default(),
            vec![
                Op::Spawn("sleeper", vec![Op::Sleep(100.0)], Arc::default()),
                Op::Spawn("spinner", vec![Op::Compute(u64::MAX)], Arc::default()),
                Op::Sleep(0.01),
                Op::Print("bye".into()),
            ],
        );
        assert_eq!(out.stdout, "bye\n");
        assert_eq!(out.stopped, None);
        assert!(close(out.elapsed_s, 0.01, 0.006), "{}", out.elapsed_s);
        let spinner = lane(&out.timeline, "spinner");
        assert!(spinner.spans.last().unwrap().end_s <= out.elapsed_s + 1e-9);
    }

    #[test]
    fn caps_stop_runaway_programs() {
        let slept = predict(
            RunOptions {
                max_seconds: 2.0,
                ..RunOptions::default()
            },
            vec![Op::Sleep(5.0)],
        );
        assert!(
            slept.stopped.as_deref().unwrap().contains("limit of 2 s"),
            "{:?}",
            slept.stopped
        );
        assert!(close(slept.elapsed_s, 2.0, 1e-9));
        let spun = predict(
            RunOptions {
                max_seconds: 1000.0,
                ..RunOptions::default()
            },
            vec![Op::Compute(u64::MAX)],
        );
        assert!(
            spun.stopped.as_deref().unwrap().contains("instructions"),
            "{:?}",
            spun.stopped
        );
    }

    #[test]
    fn a_thousand_sleeps_are_predicted_quickly_and_identically() {
        let program = || {
            let a = Arc::new(Done::default());
            vec![
                Op::Spawn(
                    "Thread-1",
                    vec![Op::Loop(1000, vec![Op::Sleep(0.01), Op::Compute(50)])],
                    a.clone(),
                ),
                Op::Loop(500, vec![Op::Sleep(0.013), Op::Print("tick".into())]),
                Op::Join(a),
            ]
        };
        #[allow(clippy::disallowed_methods)] // a native test timing the prediction itself
        let started = std::time::Instant::now();
        let first = predict(RunOptions::default(), program());
        let took = started.elapsed();
        assert!(took.as_millis() < 100, "{took:?}");
        // Each turn also costs the loop's and the sleep's own instructions: about 3 µs.
        assert!(
            close(first.elapsed_s, 1000.0 * (0.01 + 50e-6 + 3e-6), 0.001),
            "{}",
            first.elapsed_s
        );
        let second = predict(RunOptions::default(), program());
        assert_eq!(first.stdout, second.stdout);
        assert_eq!(first.elapsed_s, second.elapsed_s);
        assert_eq!(first.timeline, second.timeline);
    }

    #[test]
    fn processes_run_in_parallel_each_with_its_gil() {
        let (p1, p2) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let out = predict(
            gil(true, 2),
            vec![
                Op::Process(
                    vec![Op::Compute(100_000), Op::Print("p1".into())],
                    p1.clone(),
                ),
                Op::Process(
                    vec![Op::Compute(100_000), Op::Print("p2".into())],
                    p2.clone(),
                ),
                Op::JoinProcess(p1),
                Op::JoinProcess(p2),
                Op::Print("joined".into()),
            ],
        );
        let text = render_text(&out.timeline, 60);
        assert_eq!(out.stdout, "p1\np2\njoined\n", "{text}");
        // Start cost plus 0.1 s of CPU, in parallel on two cores.
        assert!(
            close(out.elapsed_s, PROCESS_START_S + 0.1, 0.001),
            "{} {text}",
            out.elapsed_s
        );
        let lane1 = lane(&out.timeline, "Process-1");
        assert_eq!(lane1.kind, LaneKind::Process);
        assert!(
            close(lane1.spans[0].start_s, PROCESS_START_S, 1e-4),
            "{text}"
        );
        // Two processes on one core share it.
        let (q1, q2) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let one = predict(
            gil(true, 1),
            vec![
                Op::Process(vec![Op::Compute(100_000)], q1.clone()),
                Op::Process(vec![Op::Compute(100_000)], q2.clone()),
                Op::JoinProcess(q1),
                Op::JoinProcess(q2),
            ],
        );
        assert!(
            close(one.elapsed_s, PROCESS_START_S + 0.2, 0.002),
            "{}",
            one.elapsed_s
        );
    }

    #[test]
    fn daemonic_processes_are_terminated_when_the_main_program_ends() {
        let out = predict(
            gil(true, 2),
            vec![
                Op::DaemonProcess(vec![Op::Sleep(100.0)], Arc::default()),
                Op::Process(
                    vec![Op::Sleep(0.2), Op::Print("waited for".into())],
                    Arc::default(),
                ),
                Op::Sleep(0.1),
                Op::Print("main done".into()),
            ],
        );
        let text = render_text(&out.timeline, 60);
        assert_eq!(out.stdout, "main done\nwaited for\n", "{text}");
        assert_eq!(out.stopped, None);
        // The non-daemonic child is waited for (start cost and its sleep); the daemon is not.
        assert!(
            close(out.elapsed_s, PROCESS_START_S + 0.2, 0.001),
            "{}",
            out.elapsed_s
        );
        let daemon_lane = lane(&out.timeline, "Process-1");
        let ended = daemon_lane.spans.last().map_or(0.0, |s| s.end_s);
        assert!(close(ended, 0.1, 0.001), "{ended} {text}");
    }
}

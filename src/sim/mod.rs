//! The prediction: a program run in virtual time with its pattern's semantics, on a machine with a given
//! number of cores. It yields the same events as a real run, so the page draws both the same way.
//!
//! - Threads run whenever they are ready; computing threads share the cores (each gets `min(1, cores/n)`
//!   of one), or, under the GIL, share one core's worth between them.
//! - asyncio runs one coroutine at a time from a FIFO ready queue; a coroutine runs until it awaits, and a
//!   compute step never yields, so timers that fall due meanwhile fire late.
//! - Timers with the same deadline fire in the order they were set; simultaneous events are otherwise
//!   taken in a fixed order, so a prediction is one of the orders a real run may print.
//! - The program ends when the main thread has returned and every non-daemon thread has ended (asyncio:
//!   when `main()` returns); threads still running then are killed.

use crate::scenario::{
    exception_line, labels, result_line, InputError, Pattern, Program, RunRequest, Step,
};
use crate::trace::{Event, EventLog, Life, RunRecord, SpanKind, Status};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What starting a process costs, in real ms: measured by the engine on this machine (its running
/// average), 80 until the first process has started.
static PROCESS_START_MS: AtomicU64 = AtomicU64::new(0x4054_0000_0000_0000); // 80.0

/// The cost of starting a process the prediction assumes, in real ms.
pub fn process_start_ms() -> f64 {
    f64::from_bits(PROCESS_START_MS.load(Ordering::SeqCst))
}

/// Sets the cost of starting a process, as measured.
pub fn set_process_start_ms(ms: f64) {
    PROCESS_START_MS.store(ms.to_bits(), Ordering::SeqCst);
}

/// The predicted run record of a request on a machine with `cores` cores.
pub fn predict(request: &RunRequest, cores: usize) -> RunRecord {
    let program = request.program();
    let (events, end, status) = simulate(request, &program, cores);
    request.record(&program, status, end, end, &events)
}

/// The predicted events, total (ms at the request's time scale) and how the program ends.
pub fn simulate(
    request: &RunRequest,
    program: &Program,
    cores: usize,
) -> (Vec<Event>, f64, Status) {
    let mut sim = Sim::new(request, program, cores.max(1));
    let status = sim.run();
    (sim.out.events, sim.now, status)
}

struct Frame {
    steps: Rc<Vec<Step>>,
    pc: usize,
    lane: String,
}

enum Wait {
    Running,
    Sleep,
    Compute {
        left: f64,
    },
    /// Latency left (ms), then data left (MB) at this connection's bandwidth (MB per real ms).
    Transfer {
        latency: f64,
        left: f64,
        bandwidth: f64,
    },
    /// For these functions to end (by function index).
    Join(Vec<usize>),
    /// For every function submitted to the pool to end.
    Shutdown(usize),
    Get(usize),
    Put(usize, i64),
    QueueJoin(usize),
}

struct Actor {
    name: String,
    lane: String,
    frames: Vec<Frame>,
    wait: Wait,
    span: Option<u32>,
    done: bool,
    daemon: bool,
    /// The function it runs (None for main).
    func: Option<usize>,
    /// The pool whose worker runs it.
    pool: Option<usize>,
    returned: Option<i64>,
    raised: Option<String>,
    /// Whose memory it writes globals to: 0 for the main program's, its own index for a process.
    memory: usize,
    /// Bytes of each file fetched so far.
    received: std::collections::HashMap<String, u64>,
}

/// A function's future.
#[derive(Clone)]
enum Future {
    NotStarted,
    Queued,
    Running,
    Done(Result<Option<i64>, String>),
}

struct Pool {
    workers: usize,
    running: usize,
    queue: VecDeque<usize>,
}

struct Queue {
    items: VecDeque<i64>,
    unfinished: usize,
    maxsize: usize,
}

struct Sim<'a> {
    request: &'a RunRequest,
    program: &'a Program,
    pattern: Pattern,
    cores: usize,
    now: f64,
    actors: Vec<Actor>,
    /// Function i's future.
    futures: Vec<Future>,
    pools: Vec<Pool>,
    ready: VecDeque<usize>,
    timers: BinaryHeap<Reverse<(u64, u64, usize)>>,
    seq: u64,
    queues: Vec<Queue>,
    /// The global list `results`, per memory (index 0: the main program's).
    globals: std::collections::HashMap<usize, Vec<i64>>,
    out: EventLog,
    /// Megabytes downloaded so far (simulated transfers and real fetches alike).
    downloaded_mb: f64,
    /// Events a real run records that the prediction doesn't: GIL hand-overs (see `advance`).
    gil_events: f64,
}

impl<'a> Sim<'a> {
    fn new(request: &'a RunRequest, program: &'a Program, cores: usize) -> Self {
        let main = Actor {
            name: "MainThread".into(),
            lane: "main".into(),
            frames: vec![Frame {
                steps: Rc::new(program.main.clone()),
                pc: 0,
                lane: "main".into(),
            }],
            wait: Wait::Running,
            span: None,
            done: false,
            daemon: false,
            func: None,
            pool: None,
            returned: None,
            raised: None,
            memory: 0,
            received: Default::default(),
        };
        Sim {
            request,
            program,
            pattern: request.mode.pattern,
            cores,
            now: 0.0,
            actors: vec![main],
            futures: vec![Future::NotStarted; program.funcs.len()],
            pools: program
                .pools
                .iter()
                .map(|&workers| Pool {
                    workers,
                    running: 0,
                    queue: VecDeque::new(),
                })
                .collect(),
            ready: VecDeque::from([0]),
            timers: BinaryHeap::new(),
            seq: 0,
            queues: program
                .queues
                .iter()
                .map(|&maxsize| Queue {
                    items: VecDeque::new(),
                    unfinished: 0,
                    maxsize,
                })
                .collect(),
            globals: Default::default(),
            out: EventLog::default(),
            downloaded_mb: 0.0,
            gil_events: 0.0,
        }
    }

    fn run(&mut self) -> Status {
        // Without limits nothing can be over them.
        self.run_within(usize::MAX, f64::INFINITY, f64::INFINITY)
            .unwrap_or(Status::Deadlocked)
    }

    /// Runs to the end, or until the events recorded pass `max_events`, the time `max_ms` or the
    /// downloads `max_mb`.
    fn run_within(&mut self, max_events: usize, max_ms: f64, max_mb: f64) -> Result<Status, Over> {
        loop {
            while let Some(a) = self.ready.pop_front() {
                self.step(a);
            }
            if self.out.events.len() as f64 + self.gil_events > max_events as f64 {
                return Err(Over::Events);
            }
            if self.downloaded_mb > max_mb {
                return Err(Over::Downloads);
            }
            let main_done = self.actors[0].done;
            let others_done = self.actors[1..].iter().all(|a| a.done || a.daemon)
                && self.pools.iter().all(|p| p.queue.is_empty());
            if main_done && (self.pattern.is_asyncio() || others_done) {
                self.kill_the_rest();
                return Ok(Status::Completed);
            }
            if !self.advance() {
                return Ok(Status::Deadlocked);
            }
            if self.now > max_ms {
                return Err(Over::Time);
            }
        }
    }

    /// Moves time to the next timer or compute completion and readies whoever it wakes. False when
    /// nothing can ever wake: every live thread waits on something that won't come.
    fn advance(&mut self) -> bool {
        let computing: Vec<usize> = (0..self.actors.len())
            .filter(|&a| matches!(self.actors[a].wait, Wait::Compute { .. }))
            .collect();
        let rate = match computing.len() {
            0 => 0.0,
            n if self.pattern.has_gil() => 1.0 / n as f64,
            n => (self.cores as f64 / n as f64).min(1.0),
        };
        let next_compute = computing
            .iter()
            .filter_map(|&a| match self.actors[a].wait {
                Wait::Compute { left } => Some(self.now + left / rate),
                _ => None,
            })
            .fold(f64::INFINITY, f64::min);
        let next_timer = self
            .timers
            .peek()
            .map_or(f64::INFINITY, |Reverse((ns, _, _))| *ns as f64 / 1e6);
        // The network: connections past their latency share the link fairly, each capped by its own
        // bandwidth (the link in MB per real ms).
        let link = self.program.link_mb_s / (self.request.time_scale * 1000.0);
        let sending = self
            .actors
            .iter()
            .filter(|x| matches!(x.wait, Wait::Transfer { latency, .. } if latency <= 0.0))
            .count();
        let rate_of = |bandwidth: f64| {
            if link > 0.0 && sending > 0 {
                bandwidth.min(link / sending as f64)
            } else {
                bandwidth
            }
        };
        let next_transfer = self
            .actors
            .iter()
            .filter_map(|x| match x.wait {
                Wait::Transfer { latency, .. } if latency > 0.0 => Some(self.now + latency),
                Wait::Transfer {
                    left, bandwidth, ..
                } => Some(self.now + left / rate_of(bandwidth)),
                _ => None,
            })
            .fold(f64::INFINITY, f64::min);
        let next = next_compute.min(next_timer).min(next_transfer);
        if !next.is_finite() {
            return false;
        }
        let dt = (next - self.now).max(0.0);
        self.now = next.max(self.now);
        // The prediction shares the GIL as a fluid; a real run hands it over every switch interval while
        // two threads or more compute, each hand-over four events (the holder's span ends and the next
        // begins, a wait ends and another begins). Counted for the cap on steps.
        if self.pattern.has_gil() && computing.len() > 1 {
            self.gil_events += dt / self.program.switch_ms.max(0.01) * 4.0;
        }
        // Hours into a run, a leftover below half of `now`'s ulp would never move time: it counts as done.
        let now = self.now;
        let negligible = |ms: f64| now + ms <= now;
        for &a in &computing {
            if let Wait::Compute { left } = &mut self.actors[a].wait {
                *left -= rate * dt;
                if *left <= 1e-6 || negligible(*left / rate) {
                    self.wake(a);
                }
            }
        }
        for a in 0..self.actors.len() {
            let Wait::Transfer {
                latency,
                left,
                bandwidth,
            } = &mut self.actors[a].wait
            else {
                continue;
            };
            if *latency > 0.0 {
                *latency -= dt;
                if *latency <= 1e-9 || negligible(*latency) {
                    *latency = 0.0;
                }
            } else {
                *left -= rate_of(*bandwidth) * dt;
            }
            if *latency <= 0.0 && (*left <= 1e-9 || negligible(*left / rate_of(*bandwidth))) {
                self.wake(a);
            }
        }
        while let Some(Reverse((ns, _, a))) = self.timers.peek().copied() {
            if ns as f64 / 1e6 > self.now + 1e-9 {
                break;
            }
            self.timers.pop();
            self.wake(a);
        }
        true
    }

    fn wake(&mut self, a: usize) {
        if let Some(span) = self.actors[a].span.take() {
            self.out.end(span, self.now);
        }
        self.actors[a].wait = Wait::Running;
        self.ready.push_back(a);
    }

    fn block(&mut self, a: usize, lane: &str, label: String, kind: SpanKind, wait: Wait) {
        self.actors[a].span = Some(self.out.begin(lane, label, kind, self.now));
        self.actors[a].wait = wait;
    }

    /// Runs actor `a` until it blocks or ends.
    fn step(&mut self, a: usize) {
        loop {
            let Some(frame) = self.actors[a].frames.last_mut() else {
                self.finish(a);
                return;
            };
            let Some(step) = frame.steps.get(frame.pc).cloned() else {
                self.actors[a].frames.pop();
                continue;
            };
            frame.pc += 1;
            let lane = frame.lane.clone();
            match step {
                Step::Print(text) => self.out.print(&lane, &text, self.now),
                Step::Sleep { seconds } => {
                    let until = self.now + self.request.real_ms(seconds);
                    let label = self.pattern.sleep_label(seconds);
                    self.block(a, &lane, label, SpanKind::Sleep, Wait::Sleep);
                    self.timers
                        .push(Reverse(((until * 1e6).round() as u64, self.seq, a)));
                    self.seq += 1;
                    return;
                }
                Step::Compute { seconds } => {
                    let ms = self.request.real_ms(seconds);
                    if ms <= 0.0 {
                        continue;
                    }
                    let label = self.pattern.compute_label(seconds);
                    if self.pattern.is_asyncio() {
                        // Never yields: the whole loop, every other task with it, waits.
                        let span = self.out.begin(&lane, label, SpanKind::Compute, self.now);
                        self.now += ms;
                        self.out.end(span, self.now);
                    } else {
                        self.block(
                            a,
                            &lane,
                            label,
                            SpanKind::Compute,
                            Wait::Compute { left: ms },
                        );
                        return;
                    }
                }
                Step::Start(i) => self.start(i, None),
                Step::Submit { pool, func } => {
                    let p = &mut self.pools[pool];
                    if p.running < p.workers {
                        self.start(func, Some(pool));
                    } else {
                        p.queue.push_back(func);
                        self.futures[func] = Future::Queued;
                    }
                }
                Step::Result(i) => {
                    if let Future::Done(outcome) = &self.futures[i] {
                        let line = result_line(&self.program.funcs[i].name, outcome);
                        self.out.print(&lane, &line, self.now);
                    } else if !self.pending(&[i]).is_empty() {
                        // Print the result once the wait is over.
                        self.rewind(a);
                        let label = format!("{}.result()", self.program.funcs[i].name);
                        self.block(a, &lane, label, SpanKind::WaitJoin, Wait::Join(vec![i]));
                        return;
                    }
                }
                Step::Shutdown { pool, wait } => {
                    if wait && !self.pool_idle(pool) {
                        let label = labels::SHUTDOWN.to_string();
                        self.block(a, &lane, label, SpanKind::WaitJoin, Wait::Shutdown(pool));
                        return;
                    }
                }
                Step::Transfer {
                    what,
                    mb,
                    bandwidth,
                    latency,
                } => {
                    self.downloaded_mb += mb;
                    let wait = Wait::Transfer {
                        latency: self.request.real_ms(latency),
                        left: mb,
                        bandwidth: bandwidth / self.request.real_ms(1.0),
                    };
                    self.block(a, &lane, what, SpanKind::Io, wait);
                    return;
                }
                Step::Fetch {
                    file,
                    len,
                    bandwidth,
                    latency,
                    ..
                } => {
                    // Predicted as the model's transfer of the same bytes.
                    *self.actors[a].received.entry(file.clone()).or_default() += len;
                    self.downloaded_mb += len as f64 / crate::scenario::MB;
                    let wait = Wait::Transfer {
                        latency: self.request.real_ms(latency),
                        left: len as f64 / crate::scenario::MB,
                        bandwidth: bandwidth / self.request.real_ms(1.0),
                    };
                    self.block(a, &lane, format!("GET {file}"), SpanKind::Io, wait);
                    return;
                }
                Step::Progress { file, total } => {
                    let got = self.actors[a].received.get(&file).copied().unwrap_or(0);
                    self.out.print(
                        &lane,
                        &crate::scenario::progress_line(&file, got, total),
                        self.now,
                    );
                }
                Step::Append(x) => {
                    let memory = self.actors[a].memory;
                    self.globals.entry(memory).or_default().push(x);
                }
                Step::ShowGlobal(who) => {
                    let memory = self.actors[a].memory;
                    let seen = self.globals.get(&memory).cloned().unwrap_or_default();
                    self.out
                        .print(&lane, &crate::scenario::global_line(&who, &seen), self.now);
                }
                Step::Drain(queue) => {
                    while let Some(item) = self.queues[queue].items.pop_front() {
                        let depth = self.queues[queue].items.len();
                        self.out.depth(queue, depth, self.now);
                        self.out.print(&lane, &item.to_string(), self.now);
                    }
                }
                Step::Return(v) => self.actors[a].returned = Some(v),
                Step::Raise(error) => {
                    let actor = &mut self.actors[a];
                    if actor.pool.is_none() && actor.func.is_some() {
                        let line = exception_line(&actor.name, &error);
                        self.out.print(&lane, &line, self.now);
                    }
                    let actor = &mut self.actors[a];
                    actor.raised = Some(error);
                    actor.frames.clear();
                }
                Step::Call(i) => {
                    let f = &self.program.funcs[i];
                    let frame = Frame {
                        steps: Rc::new(f.steps.clone()),
                        pc: 0,
                        lane: f.id.clone(),
                    };
                    self.actors[a].frames.push(frame);
                }
                Step::Join(i) => {
                    if !self.pending(&[i]).is_empty() {
                        let label = self.pattern.join_label(&self.program.funcs[i].name);
                        self.block(a, &lane, label, SpanKind::WaitJoin, Wait::Join(vec![i]));
                        return;
                    }
                }
                Step::JoinAll(ref fs) => {
                    let pending = self.pending(fs);
                    if !pending.is_empty() {
                        let label = labels::GATHER.to_string();
                        self.block(a, &lane, label, SpanKind::WaitJoin, Wait::Join(pending));
                        return;
                    }
                }
                Step::Put { queue, item } => {
                    let q = &self.queues[queue];
                    if q.maxsize > 0 && q.items.len() >= q.maxsize {
                        let label = labels::put(item);
                        self.block(a, &lane, label, SpanKind::WaitQueue, Wait::Put(queue, item));
                        return;
                    }
                    self.put(queue, item);
                }
                Step::Consume {
                    queue,
                    stop,
                    task_done,
                    ref each,
                } => {
                    let Some(item) = self.queues[queue].items.pop_front() else {
                        // Come back to this step when an item arrives.
                        self.rewind(a);
                        let label = labels::GET.to_string();
                        self.block(a, &lane, label, SpanKind::WaitQueue, Wait::Get(queue));
                        return;
                    };
                    let depth = self.queues[queue].items.len();
                    self.out.depth(queue, depth, self.now);
                    self.unblock_putter(queue);
                    if Some(item) == stop {
                        continue;
                    }
                    self.rewind(a);
                    let mut steps = (each.0)(item);
                    if task_done {
                        steps.push(Step::TaskDone(queue));
                    }
                    self.actors[a].frames.push(Frame {
                        steps: Rc::new(steps),
                        pc: 0,
                        lane,
                    });
                }
                Step::TaskDone(queue) => {
                    let q = &mut self.queues[queue];
                    q.unfinished = q.unfinished.saturating_sub(1);
                    if q.unfinished == 0 {
                        let waiting: Vec<usize> = (0..self.actors.len())
                            .filter(|&b| matches!(self.actors[b].wait, Wait::QueueJoin(q) if q == queue))
                            .collect();
                        waiting.into_iter().for_each(|b| self.wake(b));
                    }
                }
                Step::JoinQueue(queue) => {
                    if self.queues[queue].unfinished > 0 {
                        let label = labels::JOIN.to_string();
                        self.block(a, &lane, label, SpanKind::WaitQueue, Wait::QueueJoin(queue));
                        return;
                    }
                }
                Step::Inspect => {
                    let alive: Vec<&str> = self
                        .actors
                        .iter()
                        .filter(|x| !x.done)
                        .map(|x| x.name.as_str())
                        .collect();
                    self.out.print(&lane, &inspect_line(&alive), self.now);
                }
            }
        }
    }

    /// Those of functions `fs` that were started or submitted and have not ended.
    fn pending(&self, fs: &[usize]) -> Vec<usize> {
        fs.iter()
            .copied()
            .filter(|&i| matches!(self.futures[i], Future::Queued | Future::Running))
            .collect()
    }

    fn pool_idle(&self, pool: usize) -> bool {
        self.pools[pool].running == 0 && self.pools[pool].queue.is_empty()
    }

    /// Starts function `i` as a thread or task, or on a worker of `pool`.
    fn start(&mut self, i: usize, pool: Option<usize>) {
        let f = &self.program.funcs[i];
        self.actors.push(Actor {
            name: f.name.clone(),
            lane: f.id.clone(),
            frames: vec![Frame {
                steps: Rc::new(f.steps.clone()),
                pc: 0,
                lane: f.id.clone(),
            }],
            wait: Wait::Running,
            span: None,
            done: false,
            daemon: f.daemon,
            func: Some(i),
            pool,
            returned: None,
            raised: None,
            memory: 0,
            received: Default::default(),
        });
        let b = self.actors.len() - 1;
        if let Some(p) = pool {
            self.pools[p].running += 1;
        }
        self.futures[i] = Future::Running;
        self.out.life(&f.id, Life::Started, f.daemon, self.now);
        if self.pattern.is_processes() {
            // A process has a memory of its own, and takes a while to start.
            self.actors[b].memory = b;
            let lane = f.id.clone();
            let until = self.now + process_start_ms();
            self.block(
                b,
                &lane,
                labels::PROCESS_START.into(),
                SpanKind::Start,
                Wait::Sleep,
            );
            self.timers
                .push(Reverse(((until * 1e6).round() as u64, self.seq, b)));
            self.seq += 1;
        } else {
            self.ready.push_back(b);
        }
    }

    fn rewind(&mut self, a: usize) {
        if let Some(frame) = self.actors[a].frames.last_mut() {
            frame.pc -= 1;
        }
    }

    fn put(&mut self, queue: usize, item: i64) {
        let q = &mut self.queues[queue];
        q.items.push_back(item);
        q.unfinished += 1;
        let depth = q.items.len();
        self.out.depth(queue, depth, self.now);
        // The first getter in line takes it.
        let getter = (0..self.actors.len())
            .filter(|&b| matches!(self.actors[b].wait, Wait::Get(q) if q == queue))
            .min_by_key(|&b| self.actors[b].span);
        if let Some(b) = getter {
            self.wake(b);
        }
    }

    /// A slot freed: the first producer blocked on a full queue puts its item now.
    fn unblock_putter(&mut self, queue: usize) {
        let putter = (0..self.actors.len())
            .filter(|&b| matches!(self.actors[b].wait, Wait::Put(q, _) if q == queue))
            .min_by_key(|&b| self.actors[b].span);
        if let Some(b) = putter {
            if let Wait::Put(_, item) = self.actors[b].wait {
                self.wake(b);
                self.put(queue, item);
            }
        }
    }

    fn finish(&mut self, a: usize) {
        self.actors[a].done = true;
        let Some(func) = self.actors[a].func else {
            return;
        };
        let actor = &self.actors[a];
        let (lane, daemon, pool) = (actor.lane.clone(), actor.daemon, actor.pool);
        self.futures[func] = Future::Done(match &actor.raised {
            Some(e) => Err(e.clone()),
            None => Ok(actor.returned),
        });
        if self.pattern.is_processes() {
            let line = format!("{}: exitcode = 0", self.actors[a].name);
            self.out.print(&lane, &line, self.now);
        }
        let life = if self.actors[a].raised.is_some() {
            Life::Raised
        } else {
            Life::Finished
        };
        self.out.life(&lane, life, daemon, self.now);
        if let Some(p) = pool {
            self.pools[p].running -= 1;
            if let Some(next) = self.pools[p].queue.pop_front() {
                self.start(next, Some(p));
            }
        }
        let waiting: Vec<usize> = (0..self.actors.len())
            .filter(|&b| match &self.actors[b].wait {
                Wait::Join(on) => on.contains(&func),
                Wait::Shutdown(p) => Some(*p) == pool,
                _ => false,
            })
            .collect();
        for b in waiting {
            let wake = match &mut self.actors[b].wait {
                Wait::Join(on) => {
                    on.retain(|&x| x != func);
                    on.is_empty()
                }
                Wait::Shutdown(p) => {
                    let p = *p;
                    self.pools[p].running == 0 && self.pools[p].queue.is_empty()
                }
                _ => false,
            };
            if wake {
                self.wake(b);
            }
        }
    }

    fn kill_the_rest(&mut self) {
        for a in 1..self.actors.len() {
            if !self.actors[a].done {
                if let Some(span) = self.actors[a].span.take() {
                    self.out.end(span, self.now);
                }
                self.actors[a].done = true;
                let (lane, daemon) = (self.actors[a].lane.clone(), self.actors[a].daemon);
                self.out.life(&lane, Life::Killed, daemon, self.now);
            }
        }
    }
}

/// What one run may use at most. A request over any cap is refused before anything starts, with a message
/// naming the cap ([`admit`]); README.md lists them. The parameters' own limits keep most runs far below;
/// the caps bound what combinations of them could reach (a GIL handed over every 0.5 ms for 32 threads of
/// 30 s, 200 images of 10 MB, three 60 s waits at ten times the tutorial's seconds).
pub mod caps {
    /// Threads a program starts, its pools' workers included, besides the main thread.
    pub const THREADS: usize = 64;
    /// Processes a program starts: each is a worker with a wasm instance and a memory of its own.
    pub const PROCESSES: usize = 8;
    /// asyncio tasks a program creates.
    pub const TASKS: usize = 64;
    /// Steps a run takes, counted as the events its prediction records (spans begun and ended, lines
    /// printed, threads started and ended): what the page must receive and draw.
    pub const STEPS: usize = 50_000;
    /// How long a run may take, in seconds of real time (after the time scale).
    pub const RUN_S: f64 = 600.0;
    /// Megabytes a run may download, simulated or real.
    pub const DOWNLOAD_MB: f64 = 1000.0;
}

/// Why a capped simulation stopped.
enum Over {
    Events,
    Time,
    Downloads,
}

/// Checks a request against the [`caps`] before it runs, by counting its program's threads, processes
/// and tasks and predicting it (stopping the prediction as soon as it passes a cap, so even a huge request
/// is refused at once). The error names the cap, what the request would need, and what is allowed; an
/// admitted request comes with its prediction ([`predict`]'s record), made on the way.
pub fn admit(request: &RunRequest, cores: usize) -> Result<RunRecord, InputError> {
    let program = request.program();
    let lanes = request.lanes(&program);
    let count = |kind: &str| lanes.iter().filter(|l| l.kind == kind).count();
    let refuse = |cap: &str, would: String, allowed: String| {
        Err(InputError {
            field: format!("caps.{cap}"),
            value: would,
            problem: format!("is over the cap on {cap} per run"),
            allowed,
        })
    };
    let processes = count("process");
    if processes > caps::PROCESSES {
        let would = format!("{processes} processes");
        return refuse(
            "processes",
            would,
            format!("at most {} processes", caps::PROCESSES),
        );
    }
    let threads = program.starts().saturating_sub(processes);
    if threads > caps::THREADS {
        let would = format!("{threads} threads");
        return refuse(
            "threads",
            would,
            format!("at most {} threads", caps::THREADS),
        );
    }
    let tasks = count("task");
    if tasks > caps::TASKS {
        let would = format!("{tasks} tasks");
        return refuse(
            "tasks",
            would,
            format!("at most {} asyncio tasks", caps::TASKS),
        );
    }
    let mut sim = Sim::new(request, &program, cores.max(1));
    match sim.run_within(caps::STEPS, caps::RUN_S * 1000.0, caps::DOWNLOAD_MB) {
        Err(Over::Events) => refuse(
            "steps",
            format!("more than {} steps", caps::STEPS),
            format!(
                "at most {} steps (spans begun and ended, lines printed)",
                caps::STEPS
            ),
        ),
        Err(Over::Time) => refuse(
            "time",
            format!("more than {} s", caps::RUN_S),
            format!(
                "at most {} s of real time (lower the time scale or the durations)",
                caps::RUN_S
            ),
        ),
        Err(Over::Downloads) => refuse(
            "downloads",
            format!("more than {} MB", caps::DOWNLOAD_MB),
            format!("at most {} MB downloaded", caps::DOWNLOAD_MB),
        ),
        Ok(status) => {
            let (end, events) = (sim.now, &sim.out.events);
            Ok(request.record(&program, status, end, end, events))
        }
    }
}

/// A prediction played back in real time: what a page runs instead when it can't share memory between
/// threads (no cross-origin isolation). It hands out the predicted events as their time comes, so the page
/// draws them exactly as it draws a real run's, and its record says `simulated`.
pub struct Playback {
    request: RunRequest,
    program: Program,
    /// The predicted events, by time (stable, so simultaneous events keep the prediction's order).
    events: Vec<Event>,
    /// How many have been handed out.
    given: usize,
    end: f64,
    status: Status,
}

impl Playback {
    /// Predicts `request` on `cores` cores, ready to play from 0 ms.
    pub fn new(request: RunRequest, cores: usize) -> Playback {
        let program = request.program();
        let (mut events, end, status) = simulate(&request, &program, cores);
        events.sort_by(|a, b| a.t().total_cmp(&b.t()));
        Playback {
            request,
            program,
            events,
            given: 0,
            end,
            status,
        }
    }

    /// When the playback ends, in ms from its start; `None` when the program never ends by itself (a
    /// `q.join()` whose `task_done()` never comes): like a real run, it then waits until it is stopped.
    pub fn end_ms(&self) -> Option<f64> {
        (self.status == Status::Completed).then_some(self.end)
    }

    /// The events due by `at` ms that were not handed out yet.
    pub fn due(&mut self, at: f64) -> Vec<Event> {
        let due = self.events[self.given..].partition_point(|e| e.t() <= at);
        let out = self.events[self.given..self.given + due].to_vec();
        self.given += due;
        out
    }

    /// The record: of the whole prediction when it completed, or, `cancelled` at `at` ms, of what had been
    /// played by then (spans still open end there).
    pub fn record(&self, cancelled_at: Option<f64>) -> RunRecord {
        let (status, wall, events) = match cancelled_at {
            Some(at) => {
                let played = self.events.partition_point(|e| e.t() <= at);
                (Status::Cancelled, at, &self.events[..played])
            }
            None => (self.status, self.end, &self.events[..]),
        };
        let mut record = self
            .request
            .record(&self.program, status, wall, self.end, events);
        record.simulated = true;
        record
    }
}

/// What `Step::Inspect` prints, given the names of the live threads (main first).
pub fn inspect_line(alive: &[&str]) -> String {
    format!(
        "active_count() = {}; enumerate() = [{}]",
        alive.len(),
        alive.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Predicts on a machine of two cores, this project's.
    fn run(request: serde_json::Value) -> RunRecord {
        predict(&RunRequest::from_value(&request).unwrap(), 2)
    }

    fn lines(record: &RunRecord) -> Vec<&str> {
        record.output.iter().map(|l| l.text.as_str()).collect()
    }

    fn total(example: &str, mode: &str, params: serde_json::Value) -> f64 {
        let r = run(json!({"example": example, "mode": mode, "params": params}));
        assert_eq!(r.status, Status::Completed, "{example} {mode}");
        (r.wall_ms * 1000.0).round() / 1000.0
    }

    fn refusal(request: serde_json::Value) -> String {
        let request = RunRequest::from_value(&request).unwrap();
        let e = admit(&request, 2).unwrap_err();
        format!(
            "{}: {} {}; allowed: {}",
            e.field, e.value, e.problem, e.allowed
        )
    }

    #[test]
    fn every_example_with_its_defaults_is_within_the_caps() {
        for ex in crate::scenario::EXAMPLES {
            for mode in ex.modes {
                let request = json!({"example": ex.id, "mode": mode.id, "timeScale": 1});
                let request = RunRequest::from_value(&request).unwrap();
                let admitted = admit(&request, 2).map(|_| ());
                assert_eq!(admitted, Ok(()), "{} {}", ex.id, mode.id);
            }
        }
    }

    #[test]
    fn a_run_over_a_cap_is_refused_naming_the_cap() {
        let processes =
            json!({"example": "cpu-vs-io", "mode": "processes", "params": {"tasks": 12}});
        assert_eq!(
            refusal(processes),
            "caps.processes: 12 processes is over the cap on processes per run; allowed: at most 8 processes"
        );
        // 32 threads of 1 s under a GIL handed over every 0.5 ms: 64 000 hand-overs.
        let gil = json!({"example": "cpu-vs-io", "mode": "threads-gil",
            "params": {"tasks": 32, "seconds": 1, "switch_interval_ms": 0.5}});
        assert!(refusal(gil).starts_with("caps.steps: more than 50000 steps"));
        let slow = json!({"example": "orders", "mode": "sequential", "timeScale": 10,
            "params": {"coffee_s": 60, "food_s": 60, "cake_s": 60}});
        assert!(refusal(slow).starts_with("caps.time: more than 600 s"));
        let big = json!({"example": "image-downloader", "mode": "queue",
            "params": {"images": 200, "min_mb": 10, "max_mb": 10, "bandwidth_mb_s": 1000}});
        assert_eq!(
            refusal(big),
            "caps.downloads: more than 1000 MB is over the cap on downloads per run; allowed: at most 1000 MB downloaded"
        );
    }

    #[test]
    fn a_pooled_download_that_raises_comes_back_through_its_future() {
        let r = run(json!({"example": "pool-downloads", "mode": "pool",
            "params": {"drop_after_mb": 4}}));
        assert_eq!(r.status, Status::Completed);
        let out = lines(&r);
        assert!(out.contains(&"music.zip: 4 MB received"));
        assert!(!out.contains(&"music.zip: 5 MB received"));
        // The other download and the pool go on; main re-raises the error from result().
        assert!(out.contains(&"pictures.zip: 5 MB received"));
        let tail = &out[out.len() - 3..];
        assert_eq!(
            tail,
            [
                "download(pictures): result() = None",
                "download(music): result() raised ConnectionError: connection reset after 4 MB",
                "all downloads done"
            ]
        );
        let music = r.threads.iter().find(|t| t.lane == "music").unwrap();
        assert_eq!(music.end, Some(Life::Raised));
    }

    #[test]
    fn a_playback_hands_out_the_prediction_as_its_time_comes() {
        let request =
            RunRequest::from_value(&json!({"example": "orders", "mode": "asyncio"})).unwrap();
        let mut play = Playback::new(request, 2);
        assert_eq!(play.end_ms(), Some(5000.0));
        let first = play.due(0.0);
        assert!(!first.is_empty() && first.iter().all(|e| e.t() == 0.0));
        let middle = play.due(2500.0);
        assert!(middle.iter().all(|e| e.t() > 0.0 && e.t() <= 2500.0));
        assert!(play.due(2500.0).is_empty(), "nothing is handed out twice");
        let rest = play.due(f64::INFINITY);
        assert!(rest.iter().all(|e| e.t() > 2500.0));

        let done = play.record(None);
        assert!(done.simulated);
        assert_eq!((done.status, done.wall_ms), (Status::Completed, 5000.0));
        assert_eq!(done.output.len(), 6);

        // Stopped at 2.5 s: three orders and the coffee (1 s); cake (3 s) and food (5 s) are cut there.
        let stopped = play.record(Some(2500.0));
        assert_eq!(
            (stopped.status, stopped.wall_ms),
            (Status::Cancelled, 2500.0)
        );
        assert_eq!(stopped.output.len(), 4);
        assert!(stopped.spans.iter().all(|s| s.end_ms <= 2500.0));
    }

    #[test]
    fn a_playback_of_a_program_that_never_ends_waits_to_be_stopped() {
        let request = RunRequest::from_value(
            &json!({"example": "queue-worker", "mode": "threads", "params": {"task_done": false}}),
        )
        .unwrap();
        assert_eq!(Playback::new(request, 2).end_ms(), None);
    }

    #[test]
    fn sequential_orders_take_the_sum_of_the_waits() {
        let r = run(json!({"example": "orders", "mode": "sequential"}));
        assert_eq!(r.wall_ms, 9000.0);
        assert_eq!(
            lines(&r),
            [
                "ordered coffee",
                "received coffee",
                "ordered food",
                "received food",
                "ordered cake",
                "received cake"
            ]
        );
        // A staircase: each call's wait starts when the previous one ends.
        assert_eq!(r.spans[1].start_ms, r.spans[0].end_ms);
        assert_eq!(r.lanes[1].kind, "call");
    }

    #[test]
    fn gathered_orders_take_the_longest_wait_and_arrive_by_duration() {
        let r = run(json!({"example": "orders", "mode": "asyncio"}));
        assert_eq!(r.wall_ms, 5000.0);
        assert_eq!(
            lines(&r),
            [
                "ordered coffee",
                "ordered food",
                "ordered cake",
                "received coffee",
                "received cake",
                "received food"
            ]
        );
        assert!(r.spans.iter().all(|s| s.start_ms == 0.0));
        let sleeps: Vec<_> = r
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Sleep)
            .collect();
        assert_eq!(sleeps[0].label, "await asyncio.sleep(1)");
        let gather = r.spans.iter().find(|s| s.lane == "main").unwrap();
        assert_eq!(
            (gather.label.as_str(), gather.end_ms),
            ("await asyncio.gather(...)", 5000.0)
        );
    }

    #[test]
    fn time_scale_and_parameters_change_the_arithmetic() {
        let r = run(json!({"example": "orders", "mode": "sequential", "timeScale": 0.1}));
        assert!((r.wall_ms - 900.0).abs() < 1e-9);
        let r = run(json!({"example": "orders", "mode": "asyncio",
                           "params": {"coffee_s": 7, "food_s": 2, "cake_s": 0}}));
        assert_eq!(r.wall_ms, 7000.0);
        assert_eq!(
            lines(&r)[3..],
            ["received cake", "received food", "received coffee"]
        );
    }

    #[test]
    fn equal_deadlines_fire_in_the_order_they_were_set() {
        let r = run(json!({"example": "orders", "mode": "asyncio",
                           "params": {"coffee_s": 2, "food_s": 2, "cake_s": 2}}));
        assert_eq!(
            lines(&r)[3..],
            ["received coffee", "received food", "received cake"]
        );
    }

    #[test]
    fn square_cube_takes_8_s_in_turn_and_4_s_in_threads() {
        assert_eq!(total("square-cube", "sequential", json!({})), 8000.0);
        assert_eq!(total("square-cube", "threads", json!({})), 4000.0);
        let r = run(json!({"example": "square-cube", "mode": "threads"}));
        assert_eq!(
            lines(&r)[..4],
            [
                "square: 2^2 = 4",
                "cube: 2^3 = 8",
                "square: 3^2 = 9",
                "cube: 3^3 = 27"
            ]
        );
    }

    #[test]
    fn start_new_thread_finishes_at_4_8_12_s_with_join_and_dies_without() {
        let r = run(json!({"example": "start-new-thread", "mode": "threads-join"}));
        assert_eq!(r.wall_ms, 12000.0);
        let ends: Vec<_> = r.threads.iter().map(|t| t.end_ms.unwrap()).collect();
        assert_eq!(ends, [4000.0, 8000.0, 12000.0]);
        assert!(r.threads.iter().all(|t| t.end == Some(Life::Finished)));

        let r = run(json!({"example": "start-new-thread", "mode": "threads"}));
        assert_eq!(r.wall_ms, 0.0);
        assert!(r.threads.iter().all(|t| t.end == Some(Life::Killed)));
        assert_eq!(lines(&r), ["main thread ends"]);
    }

    #[test]
    fn two_threads_interleave_and_join_decides_where_main_prints() {
        let r = run(json!({"example": "two-threads", "mode": "threads"}));
        assert_eq!(
            lines(&r)[..3],
            ["Thread-1: 1", "Thread-2: 1", "Thread-1: 2"]
        );
        assert_eq!(lines(&r).last(), Some(&"main thread here"));
        assert_eq!(r.wall_ms, 500.0);

        let r =
            run(json!({"example": "two-threads", "mode": "threads", "params": {"join": false}}));
        let main_at = lines(&r)
            .iter()
            .position(|l| *l == "main thread here")
            .unwrap();
        assert!(
            main_at < 3,
            "main prints before the counting is over, at line {main_at}"
        );
        // Not daemons: the program still waits for them.
        assert_eq!(r.wall_ms, 500.0);
        assert_eq!(total("two-threads", "sequential", json!({})), 1000.0);
    }

    #[test]
    fn cpu_bound_threads_gain_nothing_under_the_gil_and_cores_without_it() {
        let cpu = json!({"work": "cpu"});
        assert_eq!(total("cpu-vs-io", "sequential", cpu.clone()), 4000.0);
        assert_eq!(total("cpu-vs-io", "threads-gil", cpu.clone()), 4000.0);
        assert_eq!(total("cpu-vs-io", "threads", cpu), 2000.0);
        let io = json!({"work": "io"});
        assert_eq!(total("cpu-vs-io", "sequential", io.clone()), 4000.0);
        assert_eq!(total("cpu-vs-io", "threads-gil", io.clone()), 1000.0);
        assert_eq!(total("cpu-vs-io", "threads", io), 1000.0);
        let r = run(json!({"example": "cpu-vs-io", "mode": "threads-gil"}));
        assert!(r.lanes.iter().any(|l| l.kind == "gil"));
    }

    #[test]
    fn asyncio_overlaps_waits_only_and_threads_overlap_computing_too() {
        // 4 tasks of 0.5 s compute, 1 s wait, 0.5 s compute; 2 cores.
        assert_eq!(
            total("concurrency-vs-parallelism", "asyncio", json!({})),
            4000.0
        );
        assert_eq!(
            total("concurrency-vs-parallelism", "threads", json!({})),
            3000.0
        );
        let r = run(json!({"example": "concurrency-vs-parallelism", "mode": "asyncio"}));
        // The first task's wait ended at 1.5 s but it could only run when the loop was free, at 2 s.
        let first_wait = r
            .spans
            .iter()
            .find(|s| s.lane == "task1" && s.kind == SpanKind::Sleep)
            .unwrap();
        assert_eq!((first_wait.start_ms, first_wait.end_ms), (500.0, 2000.0));
        assert!(r
            .lanes
            .iter()
            .skip(1)
            .all(|l| l.kind == "task" && l.thread == "MainThread"));
    }

    #[test]
    fn the_queue_worker_squares_in_fifo_order_and_stops_on_zero() {
        let r = run(json!({"example": "queue-worker", "mode": "threads"}));
        assert_eq!(r.status, Status::Completed);
        let squares: Vec<_> = lines(&r)
            .into_iter()
            .filter(|l| l.contains("squared"))
            .collect();
        assert_eq!(
            squares,
            [
                "2 squared is 4",
                "3 squared is 9",
                "8 squared is 64",
                "9 squared is 81"
            ]
        );
        assert_eq!(lines(&r).last(), Some(&"worker stopped"));
        // Puts every 0.5 s, 1 s of work each: the last item is done at 0.5 + 4 * 1 = 4.5 s... plus the
        // wait before the first: the worker starts on 2 at once, so the 4th ends at 4 s.
        assert_eq!(r.wall_ms, 4000.0);
        assert!(r.queue_depth.iter().any(|d| d.depth >= 1));
    }

    #[test]
    fn a_forgotten_task_done_deadlocks_the_prediction() {
        let r = run(
            json!({"example": "queue-worker", "mode": "threads", "params": {"task_done": false}}),
        );
        assert_eq!(r.status, Status::Deadlocked);
        let join = r.spans.iter().find(|s| s.label == "q.join()").unwrap();
        assert_eq!(join.end_ms, r.wall_ms);
    }

    #[test]
    fn a_bounded_queue_blocks_the_producer() {
        let r = run(json!({"example": "queue-worker", "mode": "threads",
                           "params": {"maxsize": 1, "put_every_s": 0}}));
        assert!(r
            .spans
            .iter()
            .any(|s| s.label.starts_with("q.put(") && s.end_ms > s.start_ms));
        assert_eq!(r.status, Status::Completed);
    }

    #[test]
    fn the_inspector_sees_threads_end_and_the_daemon_killed() {
        let r = run(json!({"example": "thread-inspector", "mode": "threads"}));
        let inspections: Vec<_> = lines(&r)
            .into_iter()
            .filter(|l| l.starts_with("active_count"))
            .collect();
        assert_eq!(
            inspections[0],
            "active_count() = 4; enumerate() = [MainThread, Thread-1, Thread-2, Thread-3]"
        );
        assert!(inspections
            .last()
            .unwrap()
            .starts_with("active_count() = 2"));
        let daemon = r.threads.iter().find(|t| t.daemon).unwrap();
        assert_eq!(daemon.end, Some(Life::Killed));
    }

    #[test]
    fn a_pool_runs_at_most_max_workers_and_results_come_in_input_order() {
        let request =
            RunRequest::from_value(&json!({"example": "cpu-vs-io", "mode": "threads"})).unwrap();
        let (events, end, status) = simulate(&request, &crate::scenario::pool_demo(2, true), 2);
        assert_eq!(status, Status::Completed);
        let r = request.record(
            &crate::scenario::pool_demo(2, true),
            status,
            end,
            end,
            &events,
        );
        // 2 workers: job1 (3 s) | job2 (1 s), job3 (2 s) at 1 s, job4 at 3 s, job5 at 3 s: ends at 4 s.
        assert_eq!(r.wall_ms, 4000.0);
        let sleeps: Vec<_> = r
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Sleep)
            .collect();
        for s in &sleeps {
            let at_once = sleeps
                .iter()
                .filter(|o| o.start_ms <= s.start_ms && s.start_ms < o.end_ms)
                .count();
            assert!(at_once <= 2, "{} at once at {}", at_once, s.start_ms);
        }
        assert_eq!(
            lines(&r),
            [
                "after shutdown",
                "job1: result() = 1",
                "job2: result() = 2",
                "job3: result() raised RuntimeError: job3 failed",
                "job4: result() = 4",
                "job5: result() = 5"
            ]
        );
        assert_eq!(r.lanes[1].kind, "pooled");

        // shutdown(wait=False) returns at once; result() then waits for each in turn.
        let (events, end, _) = simulate(&request, &crate::scenario::pool_demo(1, false), 2);
        let r = request.record(
            &crate::scenario::pool_demo(1, false),
            Status::Completed,
            end,
            end,
            &events,
        );
        assert_eq!(r.wall_ms, 8000.0); // one worker: 3 + 1 + 2 + 1 + 1
        assert_eq!(r.output[0].at_ms, 0.0);
        assert_eq!(r.output[0].text, "after shutdown");
    }

    #[test]
    fn two_downloads_take_10_s_in_threads_and_15_s_in_turn() {
        assert_eq!(total("two-downloads", "threads", json!({})), 10000.0);
        assert_eq!(total("two-downloads", "sequential", json!({})), 15000.0);
        assert_eq!(total("pool-downloads", "pool", json!({})), 10000.0);
        assert_eq!(total("pool-downloads", "pool-1", json!({})), 15000.0);
        let r = run(json!({"example": "two-downloads", "mode": "threads"}));
        let music: Vec<_> = lines(&r)
            .into_iter()
            .filter(|l| l.starts_with("music"))
            .collect();
        assert_eq!(music.len(), 10);
        assert_eq!(music[9], "music.zip: 10 MB received");
        // Per MB, as the tutorial prints: both files' first MB arrive at 1 s.
        assert_eq!(r.output[0].at_ms, 1000.0);
        assert_eq!(r.output[1].at_ms, 1000.0);
    }

    #[test]
    fn a_shared_link_halves_each_connection_and_stops_threads_helping() {
        let r =
            run(json!({"example": "two-downloads", "mode": "threads", "params": {"link_mb_s": 1}}));
        // Both share 1 MB/s: 0.5 each until pictures is done at 10 s, then music alone at 1 MB/s.
        let first = r
            .output
            .iter()
            .find(|l| l.text == "pictures.zip: 1 MB received")
            .unwrap();
        assert_eq!(first.at_ms, 2000.0);
        assert_eq!(r.wall_ms, 15000.0);
        let latency = total("two-downloads", "threads", json!({"latency_s": 0.5}));
        assert_eq!(latency, 10500.0);
    }

    #[test]
    fn pool_map_images_take_8_6_s_in_turn_and_3_3_s_with_three_workers() {
        assert_eq!(total("pool-map-images", "sequential", json!({})), 8600.0);
        assert_eq!(total("pool-map-images", "pool", json!({})), 3300.0);
        let r = run(json!({"example": "pool-map-images", "mode": "pool"}));
        let results: Vec<_> = lines(&r)
            .into_iter()
            .filter(|l| l.contains("result()"))
            .collect();
        assert_eq!(results[0], "download(image1): result() = 2000");
        assert_eq!(results[4], "download(image5): result() = 800");
    }

    #[test]
    fn eight_queue_workers_make_the_image_downloader_several_times_faster() {
        let seq = total("image-downloader", "sequential", json!({}));
        let queue = total("image-downloader", "queue", json!({}));
        let speedup = seq / queue;
        assert!((3.5..8.0).contains(&speedup), "{seq} / {queue} = {speedup}");
        let r = run(json!({"example": "image-downloader", "mode": "queue", "params": {"seed": 7}}));
        let again =
            run(json!({"example": "image-downloader", "mode": "queue", "params": {"seed": 7}}));
        assert_eq!(lines(&r), lines(&again), "a seed repeats a run");
        let stuck = run(
            json!({"example": "image-downloader", "mode": "queue", "params": {"task_done": false}}),
        );
        assert_eq!(stuck.status, Status::Deadlocked);
    }

    #[test]
    fn processes_run_in_parallel_with_their_own_memory_and_send_results_back() {
        set_process_start_ms(80.0);
        let r = run(json!({"example": "processes", "mode": "processes"}));
        assert_eq!(r.wall_ms, 12080.0); // 4 numbers × 3 s, side by side, after the start
        assert!(r
            .spans
            .iter()
            .any(|s| s.kind == SpanKind::Start && s.end_ms == 80.0));
        assert!(r.lanes.iter().skip(1).all(|l| l.kind == "process"));
        let r = run(json!({"example": "global-not-shared", "mode": "processes"}));
        assert_eq!(
            lines(&r).last(),
            Some(&"the main program sees results = []")
        );
        assert!(lines(&r).contains(&"the process sees results = [4, 9, 64, 81]"));
        let r = run(json!({"example": "global-not-shared", "mode": "threads"}));
        assert_eq!(
            lines(&r).last(),
            Some(&"the main program sees results = [4, 9, 64, 81]")
        );
        let r = run(json!({"example": "process-queue", "mode": "processes"}));
        assert_eq!(
            lines(&r)[4..],
            [
                "Process-1 (calc_square): exitcode = 0",
                "4",
                "9",
                "64",
                "81"
            ]
        );
        assert_eq!(
            total("cpu-vs-io", "processes", json!({"work": "cpu"})),
            2080.0
        );
    }

    #[test]
    fn the_chrome_trace_names_processes_and_threads_and_never_overlaps_a_track() {
        let r = run(json!({"example": "processes", "mode": "processes"}));
        let trace = crate::trace::chrome_trace(&r);
        let events = trace["traceEvents"].as_array().unwrap();
        let names: Vec<_> = events
            .iter()
            .filter(|e| e["name"] == "process_name")
            .map(|e| e["args"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "ThreadLab: processes (processes)",
                "Process-1 (calc_square)",
                "Process-2 (calc_cube)"
            ]
        );
        let mut by_track: std::collections::HashMap<(u64, u64), Vec<(f64, f64)>> =
            Default::default();
        for e in events.iter().filter(|e| e["ph"] == "X") {
            let key = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
            let (ts, dur) = (e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap());
            by_track.entry(key).or_default().push((ts, ts + dur));
        }
        for spans in by_track.values_mut() {
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert!(
                spans.windows(2).all(|w| w[0].1 <= w[1].0),
                "overlap in {spans:?}"
            );
        }
        assert!(events
            .iter()
            .any(|e| e["ph"] == "i" && e["name"] == "square: 4"));
        // asyncio tasks get a track each, named with the thread they share.
        let r = run(json!({"example": "orders", "mode": "asyncio"}));
        let trace = crate::trace::chrome_trace(&r);
        let threads: Vec<_> = trace["traceEvents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["name"] == "thread_name")
            .map(|e| e["args"]["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(threads[1], "order_coffee (on MainThread)");
    }

    #[test]
    fn every_example_and_mode_predicts_a_finite_run() {
        for e in crate::scenario::EXAMPLES {
            for m in e.modes {
                let r = run(json!({"example": e.id, "mode": m.id}));
                assert!(r.wall_ms.is_finite(), "{} {}", e.id, m.id);
                assert!(!r.lanes.is_empty());
                let code = RunRequest::from_value(&json!({"example": e.id, "mode": m.id}))
                    .unwrap()
                    .code();
                assert!(
                    code.python.contains("print") && code.rust.contains("fn main"),
                    "{} {}",
                    e.id,
                    m.id
                );
            }
        }
    }
}

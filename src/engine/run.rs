//! One run of one mode: the program executed for real, every step recorded on the shared clock.
//!
//! - Sequential and threaded patterns: the main thread and every thread it starts are jobs on elastic
//!   workers (`threads`), each a real Web Worker that truly blocks in its sleeps, joins and queue waits;
//!   computing threads really share the cores. Under the GIL they also take turns on one lock (`gil`).
//! - asyncio: the whole program is one job: an event loop (`asyncio`) on one worker.
//!
//! The engine worker only awaits the end through `completion`, so its own event loop stays free.

use super::cancel::{wait_until, CancelToken, Stop};
use super::gil::{Gil, Holder};
use super::queue::BlockingQueue;
use super::recorder::Recorder;
use super::{asyncio, completion, compute, net, process, threads};
use crate::scenario::{exception_line, labels, result_line, Pattern, Program, RunRequest, Step};
use crate::sim;
use crate::trace::{Life, RunRecord, SpanKind, Status};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The machine's core count, as the page's `navigator.hardwareConcurrency` says; the prediction uses it.
static CORES: AtomicUsize = AtomicUsize::new(2);

/// Sets the core count the predictions assume.
pub fn set_cores(cores: usize) {
    CORES.store(cores.max(1), Ordering::SeqCst);
}

/// The core count the predictions assume.
pub fn cores() -> usize {
    CORES.load(Ordering::SeqCst)
}

/// Elastic workers a request needs at once: the main thread, and one per thread it may start.
pub fn threads_needed(request: &RunRequest) -> usize {
    let program = request.program();
    match request.mode.pattern {
        Pattern::Asyncio => 1,
        // Processes are workers of their own, started by the engine worker.
        Pattern::Processes => 1 + program.pools.iter().sum::<usize>(),
        _ => 1 + program.starts(),
    }
}

/// Everything the threads of one run share.
pub struct Runtime {
    /// What runs.
    pub request: RunRequest,
    /// Its program.
    pub program: Program,
    /// Where every thread records.
    pub recorder: Arc<Recorder>,
    /// Seen by every wait and compute slice.
    pub token: CancelToken,
    gil: Option<Gil>,
    queues: Vec<BlockingQueue>,
    /// `ThreadPoolExecutor`s: a rayon pool each, of exactly `max_workers` threads, built for this run on
    /// elastic workers (the global pool can't be resized, so every run gets its own).
    pools: Vec<rayon::ThreadPool>,
    /// Per function: its future.
    slots: Mutex<Vec<Slot>>,
    ended: Condvar,
    /// Transfers past their latency right now: they share the simulated network's link.
    sending: AtomicUsize,
    /// Processes to start, for the engine worker: (function, its start span); closed at the end.
    pub process_requests: completion::Mailbox<(usize, u32)>,
    /// Real downloads for the engine worker to make: (id, address, first byte, length); closed at the end.
    pub fetch_requests: completion::Mailbox<(u32, String, u64, u64)>,
    /// Their answers by id: bytes received, or why none came.
    fetch_replies: Mutex<std::collections::HashMap<u32, Result<u64, String>>>,
    fetch_answered: Condvar,
    next_fetch: std::sync::atomic::AtomicU32,
}

/// A function's future: started (or submitted), ended, and what it gave.
#[derive(Clone, Default)]
struct Slot {
    started: bool,
    ended: bool,
    outcome: Option<Result<Option<i64>, String>>,
}

impl Slot {
    fn pending(&self) -> bool {
        self.started && !self.ended
    }
}

/// A thread as the runtime knows it.
struct Me {
    holder: Holder,
    daemon: bool,
    /// What the function returned, for `future.result()`.
    returned: Cell<Option<i64>>,
    /// Real downloads: bytes received per file, and the files that failed (the rest of such a file is
    /// skipped, and the thread goes on).
    received: RefCell<std::collections::HashMap<String, u64>>,
    failed: RefCell<std::collections::HashSet<String>>,
}

impl Me {
    fn new(id: usize, name: &str, daemon: bool) -> Self {
        Me {
            holder: (id, name.into()),
            daemon,
            returned: Cell::new(None),
            received: RefCell::default(),
            failed: RefCell::default(),
        }
    }
}

/// A run in progress, owned by the engine worker.
pub struct Run {
    /// Shared with the run's threads.
    pub rt: Arc<Runtime>,
    /// The prediction for the same request.
    pub predicted: RunRecord,
}

impl Run {
    /// Starts `request` now; the caller has made [`threads_needed`] workers idle. The returned future ends
    /// with the run, whether it completed or was cancelled.
    pub fn start(
        request: RunRequest,
        t0: f64,
    ) -> (Rc<Run>, impl std::future::Future<Output = RunRecord>) {
        let program = request.program();
        Self::start_program(request, program, t0)
    }

    /// As [`Run::start`], with a program written by hand rather than by the request's example (tests).
    pub fn start_program(
        request: RunRequest,
        program: Program,
        t0: f64,
    ) -> (Rc<Run>, impl std::future::Future<Output = RunRecord>) {
        let (events, end, status) = sim::simulate(&request, &program, cores());
        let predicted = request.record(&program, status, end, end, &events);
        let recorder = Arc::new(Recorder::new(t0));
        let gil = request
            .mode
            .pattern
            .has_gil()
            .then(|| Gil::new(program.switch_ms, recorder.clone()));
        let queues = program
            .queues
            .iter()
            .enumerate()
            .map(|(i, &maxsize)| BlockingQueue::new(i, maxsize))
            .collect();
        let slots = Mutex::new(vec![Slot::default(); program.funcs.len()]);
        let pools = program
            .pools
            .iter()
            .enumerate()
            .map(|(p, &workers)| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(workers)
                    .thread_name(move |i| format!("ThreadPoolExecutor-{p}_{i}"))
                    .spawn_handler(|thread| {
                        threads::spawn(move || thread.run());
                        Ok(())
                    })
                    .build()
                    .expect("the elastic workers for the pool are idle")
            })
            .collect();
        let rt = Arc::new(Runtime {
            request,
            program,
            recorder,
            token: CancelToken::default(),
            gil,
            queues,
            pools,
            slots,
            ended: Condvar::new(),
            sending: AtomicUsize::new(0),
            process_requests: completion::Mailbox::default(),
            fetch_requests: completion::Mailbox::default(),
            fetch_replies: Mutex::default(),
            fetch_answered: Condvar::new(),
            next_fetch: Default::default(),
        });
        // The main program's global `results` starts empty every run.
        process::RESULTS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        let (done, finished) = completion::channel::<f64>();
        let job_rt = rt.clone();
        if rt.request.mode.pattern.is_asyncio() {
            threads::spawn(move || asyncio::run(job_rt, done));
        } else {
            threads::spawn(move || main_thread(job_rt, done));
        }
        let run = Rc::new(Run { rt, predicted });
        let this = run.clone();
        let record = async move {
            let end_ms = finished.await;
            let rt = &this.rt;
            let status = if rt.token.is_cancelled() {
                Status::Cancelled
            } else {
                Status::Completed
            };
            rt.request.record(
                &rt.program,
                status,
                end_ms,
                this.predicted.wall_ms,
                &rt.recorder.all(),
            )
        };
        (run, record)
    }

    /// Cancels every thread of the run; its future then ends with status `cancelled`.
    pub fn cancel(&self) {
        self.rt.token.cancel();
    }
}

/// The main thread: its steps, then Python's exit (wait for non-daemon threads, kill the daemons).
fn main_thread(rt: Arc<Runtime>, done: completion::Sender<f64>) {
    let me = Me::new(0, "MainThread", false);
    let ran = rt
        .acquire(&me, "main")
        .and_then(|()| rt.steps(&me, &rt.program.main, "main"));
    rt.release(&me);
    if ran.is_ok() {
        // threading._shutdown: the interpreter waits for every non-daemon thread.
        let funcs = &rt.program.funcs;
        let _ = wait_until(&rt.slots, &rt.ended, &rt.token, false, |slots| {
            slots
                .iter()
                .zip(funcs)
                .all(|(slot, f)| f.daemon || !slot.pending())
        });
    }
    let end = rt.recorder.now();
    rt.token.exit();
    rt.settle();
    rt.process_requests.send(None);
    rt.fetch_requests.send(None);
    done.send(end);
}

impl Runtime {
    fn acquire(&self, me: &Me, lane: &str) -> Result<(), Stop> {
        match &self.gil {
            Some(gil) => gil.acquire(&me.holder, lane, &self.token, me.daemon),
            None => Ok(()),
        }
    }

    fn release(&self, me: &Me) {
        if let Some(gil) = &self.gil {
            gil.release(me.holder.0);
        }
    }

    /// A blocking wait, recorded as a span on `lane`, with the GIL given up for its length.
    fn wait<T>(
        &self,
        me: &Me,
        lane: &str,
        label: String,
        kind: SpanKind,
        wait: impl FnOnce() -> Result<T, Stop>,
    ) -> Result<T, Stop> {
        self.release(me);
        let span = self.recorder.begin(lane, label, kind);
        let result = wait();
        self.recorder.end(span);
        let value = result?;
        self.acquire(me, lane)?;
        Ok(value)
    }

    /// Gets bytes `offset .. offset + len` of `url` for real, blocking this thread until they arrive, the
    /// request fails or the run is stopped. The request itself is the engine worker's (see
    /// `RunHandle::next_fetch_request`): there it can be aborted, so a server that never answers holds
    /// up a Stop no longer than any other wait. Returns the bytes received, or why none came.
    fn fetch(
        &self,
        me: &Me,
        url: &str,
        offset: u64,
        len: u64,
    ) -> Result<Result<u64, String>, Stop> {
        let url = match net::resolve(url) {
            Ok(url) => url,
            Err(e) => return Ok(Err(e)),
        };
        let id = self.next_fetch.fetch_add(1, Ordering::SeqCst);
        self.fetch_requests.send(Some((id, url, offset, len)));
        let mut answer = None;
        wait_until(
            &self.fetch_replies,
            &self.fetch_answered,
            &self.token,
            me.daemon,
            |replies| {
                answer = replies.remove(&id);
                answer.is_some()
            },
        )?;
        Ok(answer.expect("the wait ends on an answer"))
    }

    /// The engine worker's answer to fetch `id`.
    pub fn fetch_answered(&self, id: u32, answer: Result<u64, String>) {
        let mut replies = self.fetch_replies.lock().unwrap_or_else(|e| e.into_inner());
        replies.insert(id, answer);
        drop(replies);
        self.fetch_answered.notify_all();
    }

    /// Waits (briefly, whatever the token says) until every started thread has stopped, so that no thread
    /// of this run is alive when its end is reported.
    fn settle(&self) {
        // Processes aren't threads of this memory: the engine worker terminates their workers.
        if self.request.mode.pattern.is_processes() {
            return;
        }
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        for _ in 0..200 {
            if slots.iter().all(|slot| !slot.pending()) {
                return;
            }
            slots = self
                .ended
                .wait_timeout(slots, Duration::from_millis(5))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// A connection's rate now, in MB per real ms: its bandwidth, or its fair share of the link when
    /// that is smaller (re-read every slice, so rates follow connections coming and going).
    pub fn rate(&self, bandwidth: f64) -> f64 {
        let per_ms = self.request.real_ms(1.0);
        let own = bandwidth / per_ms;
        let sending = self.sending.load(Ordering::SeqCst).max(1) as f64;
        match self.program.link_mb_s {
            link if link > 0.0 => own.min(link / per_ms / sending),
            _ => own,
        }
    }

    /// Receives `mb` on this thread: the latency, then slices of at most 20 ms at the current rate,
    /// each slice counted by the time it really took, so the error doesn't add up.
    fn transfer(&self, mb: f64, bandwidth: f64, latency: f64, daemon: bool) -> Result<(), Stop> {
        self.token.sleep(self.request.real_ms(latency), daemon)?;
        self.sending.fetch_add(1, Ordering::SeqCst);
        let mut left = mb;
        let mut last = self.recorder.now();
        let result = loop {
            if left <= 1e-9 {
                break Ok(());
            }
            let rate = self.rate(bandwidth);
            if let Err(stop) = self.token.sleep((left / rate).min(20.0), daemon) {
                break Err(stop);
            }
            let now = self.recorder.now();
            left -= rate * (now - last);
            last = now;
        };
        self.sending.fetch_sub(1, Ordering::SeqCst);
        result
    }

    /// When span `span` of this run began.
    pub fn recorder_span_start(&self, span: u32) -> Option<f64> {
        self.recorder.span_start(span)
    }

    /// A process said it runs: its start span ends; the measured cost feeds the prediction.
    pub fn process_started(&self, span: u32, t: f64) {
        self.recorder.end_at(span, t);
    }

    /// A process ended with `code`: its exit status is logged on its lane, and `join` returns.
    pub fn process_exited(&self, i: usize, t: f64, code: i32) {
        let f = &self.program.funcs[i];
        self.recorder.ingest(
            crate::trace::Event::Print {
                lane: f.id.clone(),
                text: format!("{}: exitcode = {code}", f.name),
                t,
                err: false,
            },
            &mut Default::default(),
        );
        self.recorder.ingest(
            crate::trace::Event::Thread {
                lane: f.id.clone(),
                life: Life::Finished,
                daemon: f.daemon,
                t,
            },
            &mut Default::default(),
        );
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots[i].ended = true;
        slots[i].outcome = Some(Ok(None));
        drop(slots);
        self.ended.notify_all();
    }

    /// An item a process put arrives in the main program's queue.
    pub fn process_put(&self, queue: usize, item: i64) {
        if let Some(q) = self.queues.get(queue) {
            let _ = q.put(item, &self.recorder, &self.token, false);
        }
    }

    fn all_ended(&self, funcs: &[usize]) -> bool {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        funcs.iter().all(|&i| !slots[i].pending())
    }

    /// Starts function `i` as a thread (`pool` None) or submits it to a pool.
    fn start(self: &Arc<Self>, i: usize, pool: Option<usize>) {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())[i].started = true;
        // A thread or process is alive once start() returns, as Python's is_alive() says; recording it
        // here, in the caller, also keeps threads listed in the order they were started. A pooled task
        // lives from when a worker takes it.
        let f = &self.program.funcs[i];
        if pool.is_none() {
            self.recorder.life(&f.id, Life::Started, f.daemon);
        }
        if pool.is_none() && self.request.mode.pattern.is_processes() {
            let span = self
                .recorder
                .begin(&f.id, labels::PROCESS_START.into(), SpanKind::Start);
            self.process_requests.send(Some((i, span)));
            return;
        }
        // A thread's start is drawn too, for contrast with a process's: from start() to its first step.
        let started = pool.is_none().then(|| {
            self.recorder
                .begin(&f.id, labels::THREAD_START.into(), SpanKind::Start)
        });
        let rt = self.clone();
        let body = move || {
            if let Some(span) = started {
                rt.recorder.end(span);
            }
            rt.run_function(i, pool.is_some())
        };
        match pool {
            // FIFO, as ThreadPoolExecutor's work queue: the first submitted runs first.
            Some(p) => self.pools[p].spawn_fifo(body),
            None => threads::spawn(body),
        }
    }

    /// Function `i`'s thread, from its start to its end: a plain thread, or a pool worker's task.
    fn run_function(self: &Arc<Self>, i: usize, pooled: bool) {
        let f = &self.program.funcs[i];
        if pooled {
            self.recorder.life(&f.id, Life::Started, f.daemon);
        }
        let me = Me::new(i + 1, &f.name, f.daemon);
        let ran = self
            .acquire(&me, &f.id)
            .and_then(|()| self.steps(&me, &f.steps, &f.id));
        self.release(&me);
        let (life, outcome) = match ran {
            Ok(()) => (Life::Finished, Ok(me.returned.get())),
            Err(Stop::Raised(error)) => {
                // A thread's error is printed by threading; a pool keeps it for result() to re-raise.
                if !pooled {
                    self.recorder.print(&f.id, &exception_line(&f.name, &error));
                }
                (Life::Raised, Err(error))
            }
            Err(stop) => (Life::Killed, Err(format!("{stop:?}"))),
        };
        self.recorder.life(&f.id, life, f.daemon);
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots[i].ended = true;
        slots[i].outcome = Some(outcome);
        drop(slots);
        self.ended.notify_all();
    }

    /// Runs steps on this thread, drawing on `lane`.
    fn steps(self: &Arc<Self>, me: &Me, steps: &[Step], lane: &str) -> Result<(), Stop> {
        let pattern = self.request.mode.pattern;
        let (token, rec) = (&self.token, &self.recorder);
        for step in steps {
            token.check(me.daemon)?;
            match step {
                Step::Print(text) => rec.print(lane, text),
                Step::Sleep { seconds } => {
                    let ms = self.request.real_ms(*seconds);
                    let label = pattern.sleep_label(*seconds);
                    self.wait(me, lane, label, SpanKind::Sleep, || {
                        token.sleep(ms, me.daemon)
                    })?;
                }
                Step::Compute { seconds } => {
                    let ms = self.request.real_ms(*seconds);
                    let span = rec.begin(lane, pattern.compute_label(*seconds), SpanKind::Compute);
                    let stopped = RefCell::new(None);
                    compute::work(ms, || {
                        let ok = token.check(me.daemon).and_then(|()| match &self.gil {
                            Some(gil) => gil.maybe_switch(&me.holder, lane, token, me.daemon),
                            None => Ok(()),
                        });
                        ok.map_err(|e| *stopped.borrow_mut() = Some(e)).is_ok()
                    });
                    rec.end(span);
                    if let Some(stop) = stopped.take() {
                        return Err(stop);
                    }
                }
                Step::Start(i) => self.start(*i, None),
                Step::Submit { pool, func } => self.start(*func, Some(*pool)),
                Step::Result(i) => {
                    let name = &self.program.funcs[*i].name;
                    if !self.all_ended(&[*i]) {
                        let label = format!("{name}.result()");
                        self.wait(me, lane, label, SpanKind::WaitJoin, || {
                            wait_until(&self.slots, &self.ended, token, me.daemon, |s| {
                                !s[*i].pending()
                            })
                        })?;
                    }
                    let outcome = self.slots.lock().unwrap_or_else(|e| e.into_inner())[*i]
                        .outcome
                        .clone();
                    if let Some(outcome) = outcome {
                        rec.print(lane, &result_line(name, &outcome));
                    }
                }
                Step::Shutdown { pool, wait } => {
                    let mine: Vec<usize> = (0..self.program.funcs.len())
                        .filter(|&i| self.program.pool_of(i) == Some(*pool))
                        .collect();
                    if *wait && !self.all_ended(&mine) {
                        self.wait(
                            me,
                            lane,
                            labels::SHUTDOWN.into(),
                            SpanKind::WaitJoin,
                            || {
                                wait_until(&self.slots, &self.ended, token, me.daemon, |s| {
                                    mine.iter().all(|&i| !s[i].pending())
                                })
                            },
                        )?;
                    }
                }
                Step::Transfer {
                    what,
                    mb,
                    bandwidth,
                    latency,
                } => {
                    self.wait(me, lane, what.clone(), SpanKind::Io, || {
                        self.transfer(*mb, *bandwidth, *latency, me.daemon)
                    })?;
                }
                Step::Fetch {
                    file,
                    url,
                    offset,
                    len,
                    ..
                } => {
                    if me.failed.borrow().contains(file) {
                        continue;
                    }
                    let label = format!("GET {file}");
                    let got = self.wait(me, lane, label, SpanKind::Io, || {
                        self.fetch(me, url, *offset, *len)
                    })?;
                    match got {
                        Ok(bytes) => {
                            *me.received.borrow_mut().entry(file.clone()).or_default() += bytes
                        }
                        Err(error) => {
                            rec.print(lane, &format!("{file}: download failed: {error}"));
                            me.failed.borrow_mut().insert(file.clone());
                        }
                    }
                }
                Step::Progress { file, total } => {
                    if !me.failed.borrow().contains(file) {
                        let got = me.received.borrow().get(file).copied().unwrap_or(0);
                        rec.print(lane, &crate::scenario::progress_line(file, got, *total));
                    }
                }
                Step::Append(x) => process::RESULTS
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(*x),
                Step::ShowGlobal(who) => {
                    let seen = process::RESULTS
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .clone();
                    rec.print(lane, &crate::scenario::global_line(who, &seen));
                }
                Step::Drain(queue) => {
                    while let Some(item) = self.queues[*queue].try_get(rec) {
                        rec.print(lane, &item.to_string());
                    }
                }
                Step::Return(v) => me.returned.set(Some(*v)),
                Step::Raise(error) => return Err(Stop::Raised(error.clone())),
                Step::Join(i) => self.join(me, lane, &[*i])?,
                Step::JoinAll(fs) => self.join(me, lane, fs)?,
                Step::Call(i) => {
                    let f = &self.program.funcs[*i];
                    self.steps(me, &f.steps, &f.id)?;
                }
                Step::Put { queue, item } => {
                    let q = &self.queues[*queue];
                    if q.full() {
                        let label = labels::put(*item);
                        self.wait(me, lane, label, SpanKind::WaitQueue, || {
                            q.put(*item, rec, token, me.daemon)
                        })?;
                    } else {
                        q.put(*item, rec, token, me.daemon)?;
                    }
                }
                Step::Consume {
                    queue,
                    stop,
                    task_done,
                    each,
                } => {
                    let q = &self.queues[*queue];
                    loop {
                        let item = if q.empty() {
                            self.wait(me, lane, labels::GET.into(), SpanKind::WaitQueue, || {
                                q.get(rec, token, me.daemon)
                            })?
                        } else {
                            q.get(rec, token, me.daemon)?
                        };
                        if Some(item) == *stop {
                            break;
                        }
                        self.steps(me, &(each.0)(item), lane)?;
                        if *task_done {
                            q.task_done();
                        }
                    }
                }
                Step::TaskDone(queue) => self.queues[*queue].task_done(),
                Step::JoinQueue(queue) => {
                    let q = &self.queues[*queue];
                    if !q.all_done() {
                        self.wait(me, lane, labels::JOIN.into(), SpanKind::WaitQueue, || {
                            q.join(token, me.daemon)
                        })?;
                    }
                }
                Step::Inspect => {
                    let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    let mut alive = vec!["MainThread"];
                    for (f, slot) in self.program.funcs.iter().zip(slots) {
                        if slot.pending() {
                            alive.push(&f.name);
                        }
                    }
                    rec.print(lane, &sim::inspect_line(&alive));
                }
            }
        }
        Ok(())
    }

    fn join(self: &Arc<Self>, me: &Me, lane: &str, funcs: &[usize]) -> Result<(), Stop> {
        if self.all_ended(funcs) {
            return Ok(());
        }
        let label = match funcs {
            [i] => self
                .request
                .mode
                .pattern
                .join_label(&self.program.funcs[*i].name),
            _ => labels::GATHER.into(),
        };
        self.wait(me, lane, label, SpanKind::WaitJoin, || {
            wait_until(&self.slots, &self.ended, &self.token, me.daemon, |slots| {
                funcs.iter().all(|&i| !slots[i].pending())
            })
        })
    }
}

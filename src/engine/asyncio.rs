//! asyncio: the whole program as futures on one worker's event loop, as `asyncio.run(main())` runs it.
//!
//! The loop is a small executor with asyncio's rules: ready tasks run first in, first out, each until it
//! awaits; `create_task` queues a task that runs when the creator next awaits; a timer wakes its task at
//! its deadline (equal deadlines in the order they were set); a compute step never yields, so it blocks
//! the loop and every other task with it. The loop sleeps for real between timers on its own worker, so a
//! cancel wakes it at once and the engine worker stays free.
//!
//! Tasks are woken by the loop itself (timers, task ends), never from another thread, so futures are
//! polled with a no-op waker and scheduling is explicit.

use super::cancel::Stop;
use super::clock::now_ms;
use super::run::Runtime;
use super::{completion, compute};
use crate::scenario::{labels, Step};
use crate::sim;
use crate::trace::{Life, SpanKind};
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

type Task = Pin<Box<dyn Future<Output = ()>>>;

#[derive(Default)]
struct Loop {
    ready: VecDeque<usize>,
    /// (deadline in ns on the shared clock, order set, task).
    timers: BinaryHeap<Reverse<(u64, u64, usize)>>,
    seq: u64,
    current: usize,
    done: Vec<bool>,
    created: Vec<Task>,
    /// Tasks waiting for others: (waiter, the tasks it waits for).
    waiting: Vec<(usize, Vec<usize>)>,
    /// Function index → task id, once created.
    task_of: Vec<Option<usize>>,
    /// Task id → its lane (None for main).
    lanes: Vec<Option<String>>,
}

thread_local! {
    static LOOP: RefCell<Loop> = RefCell::default();
}

fn with<T>(f: impl FnOnce(&mut Loop) -> T) -> T {
    LOOP.with(|l| f(&mut l.borrow_mut()))
}

/// `await asyncio.sleep`: ready at its deadline.
struct Sleep {
    deadline: f64,
    set: bool,
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.set && now_ms() >= self.deadline - 0.01 {
            return Poll::Ready(());
        }
        if !self.set {
            self.set = true;
            let deadline = (self.deadline * 1e6) as u64;
            with(|l| {
                let seq = l.seq;
                l.seq += 1;
                l.timers.push(Reverse((deadline, seq, l.current)));
            });
        }
        Poll::Pending
    }
}

/// `await task` or `await asyncio.gather(...)`: ready when every one of the tasks is done.
struct Await {
    tasks: Vec<usize>,
}

impl Future for Await {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        with(|l| {
            if self.tasks.iter().all(|&t| l.done[t]) {
                Poll::Ready(())
            } else {
                let me = l.current;
                l.waiting.push((me, self.tasks.clone()));
                Poll::Pending
            }
        })
    }
}

/// `asyncio.create_task`: the task runs once the creator awaits.
fn create_task(lane: Option<String>, task: Task) -> usize {
    with(|l| {
        let id = l.done.len();
        l.done.push(false);
        l.lanes.push(lane);
        l.created.push(task);
        l.ready.push_back(id);
        id
    })
}

/// Runs the program's `main()` coroutine to its end, then reports the end time.
pub fn run(rt: Arc<Runtime>, done: completion::Sender<f64>) {
    with(|l| {
        *l = Loop {
            task_of: vec![None; rt.program.funcs.len()],
            ..Loop::default()
        }
    });
    let main_rt = rt.clone();
    let main: Task = Box::pin(async move {
        let _ = coroutine(main_rt.clone(), main_rt.program.main.clone(), "main".into()).await;
    });
    let mut tasks: Vec<Option<Task>> = Vec::new();
    create_task(None, main);
    let waker = Waker::noop();
    loop {
        // Adopt the tasks created since the last turn (already queued as ready, in order).
        let created: Vec<Task> = with(|l| l.created.drain(..).collect());
        tasks.extend(created.into_iter().map(Some));
        let Some(id) = with(|l| l.ready.pop_front()) else {
            if with(|l| l.done[0]) || rt.token.is_cancelled() {
                break;
            }
            // Nothing ready: sleep until the next timer, or, with none, until cancelled (a task awaits
            // something that will never come).
            let next = with(|l| l.timers.peek().map(|Reverse((ns, _, _))| *ns as f64 / 1e6));
            if rt
                .token
                .sleep_until(next.unwrap_or(f64::INFINITY), false)
                .is_err()
            {
                break;
            }
            with(|l| {
                while let Some(&Reverse((ns, _, t))) = l.timers.peek() {
                    if ns as f64 / 1e6 > now_ms() {
                        break;
                    }
                    l.timers.pop();
                    l.ready.push_back(t);
                }
            });
            continue;
        };
        let Some(mut task) = tasks[id].take() else {
            continue;
        };
        with(|l| l.current = id);
        match task.as_mut().poll(&mut Context::from_waker(waker)) {
            Poll::Ready(()) => with(|l| {
                l.done[id] = true;
                let done = &l.done;
                let (wake, keep): (Vec<_>, Vec<_>) = l
                    .waiting
                    .drain(..)
                    .partition(|(_, on)| on.iter().all(|&t| done[t]));
                l.waiting = keep;
                l.ready.extend(wake.into_iter().map(|(w, _)| w));
            }),
            Poll::Pending => tasks[id] = Some(task),
        }
        if with(|l| l.done[0]) {
            break;
        }
    }
    let end = rt.recorder.now();
    // asyncio.run cancels the tasks still pending when main() returns.
    let left: Vec<String> = with(|l| {
        (0..l.done.len())
            .filter(|&t| !l.done[t])
            .filter_map(|t| l.lanes[t].clone())
            .collect()
    });
    for lane in left {
        rt.recorder.life(&lane, Life::Killed, false);
    }
    drop(tasks);
    with(|l| *l = Loop::default());
    done.send(end);
}

/// One coroutine: a function's steps, awaiting where Python would.
fn coroutine(
    rt: Arc<Runtime>,
    steps: Vec<Step>,
    lane: String,
) -> Pin<Box<dyn Future<Output = Result<(), Stop>>>> {
    Box::pin(async move {
        let pattern = rt.request.mode.pattern;
        let rec = rt.recorder.clone();
        for step in steps {
            rt.token.check(false)?;
            match step {
                Step::Print(text) => rec.print(&lane, &text),
                Step::Sleep { seconds } => {
                    let span = rec.begin(&lane, pattern.sleep_label(seconds), SpanKind::Sleep);
                    Sleep {
                        deadline: now_ms() + rt.request.real_ms(seconds),
                        set: false,
                    }
                    .await;
                    rec.end(span);
                }
                Step::Compute { seconds } => {
                    // Runs to its end without yielding: the loop, and every other task, waits.
                    let span = rec.begin(&lane, pattern.compute_label(seconds), SpanKind::Compute);
                    let token = &rt.token;
                    compute::work(rt.request.real_ms(seconds), || token.check(false).is_ok());
                    rec.end(span);
                }
                Step::Start(i) => {
                    let f = &rt.program.funcs[i];
                    rec.life(&f.id, Life::Started, false);
                    let (task_rt, id) = (rt.clone(), f.id.clone());
                    let task = create_task(
                        Some(f.id.clone()),
                        Box::pin(async move {
                            let steps = task_rt.program.funcs[i].steps.clone();
                            // A task that raised has ended too; one cancelled with the run has not.
                            let ran = coroutine(task_rt.clone(), steps, id.clone()).await;
                            match ran {
                                Err(Stop::Cancelled) => {}
                                Err(Stop::Raised(_)) => {
                                    task_rt.recorder.life(&id, Life::Raised, false)
                                }
                                _ => task_rt.recorder.life(&id, Life::Finished, false),
                            }
                        }),
                    );
                    with(|l| l.task_of[i] = Some(task));
                }
                Step::Join(i) => await_tasks(&rt, &lane, &[i]).await,
                Step::JoinAll(fs) => await_tasks(&rt, &lane, &fs).await,
                Step::Call(i) => {
                    let f = &rt.program.funcs[i];
                    coroutine(rt.clone(), f.steps.clone(), f.id.clone()).await?;
                }
                Step::Inspect => {
                    let alive = with(|l| (0..l.done.len()).filter(|&t| !l.done[t]).count());
                    let names = vec!["MainThread"; 1];
                    rec.print(
                        &lane,
                        &format!("{} (tasks alive: {alive})", sim::inspect_line(&names)),
                    );
                }
                Step::Transfer {
                    what,
                    mb,
                    bandwidth,
                    latency,
                } => {
                    // The same network as the threads', awaited in slices instead of blocked on.
                    let span = rec.begin(&lane, what, SpanKind::Io);
                    Sleep {
                        deadline: now_ms() + rt.request.real_ms(latency),
                        set: false,
                    }
                    .await;
                    let mut left = mb;
                    while left > 1e-9 {
                        rt.token.check(false)?;
                        let rate = rt.rate(bandwidth);
                        let start = now_ms();
                        Sleep {
                            deadline: start + (left / rate).min(20.0),
                            set: false,
                        }
                        .await;
                        left -= rate * (now_ms() - start);
                    }
                    rec.end(span);
                }
                Step::Return(_) => {}
                Step::Raise(error) => return Err(Stop::Raised(error)),
                // No example puts a queue.Queue or a thread pool in a coroutine: either would block the
                // loop. Say so rather than pretend.
                Step::Put { .. }
                | Step::Consume { .. }
                | Step::TaskDone(_)
                | Step::JoinQueue(_)
                | Step::Submit { .. }
                | Step::Result(_)
                | Step::Shutdown { .. }
                | Step::Append(_)
                | Step::ShowGlobal(_)
                | Step::Drain(_)
                | Step::Fetch { .. }
                | Step::Progress { .. } => {
                    rec.print(
                        &lane,
                        "(a blocking queue or pool would block the event loop)",
                    );
                }
            }
        }
        Ok(())
    })
}

async fn await_tasks(rt: &Runtime, lane: &str, funcs: &[usize]) {
    let tasks: Vec<usize> = with(|l| funcs.iter().filter_map(|&i| l.task_of[i]).collect());
    if with(|l| tasks.iter().all(|&t| l.done[t])) {
        return;
    }
    let label = match funcs {
        [i] => rt
            .request
            .mode
            .pattern
            .join_label(&rt.program.funcs[*i].name),
        _ => labels::GATHER.into(),
    };
    let span = rt.recorder.begin(lane, label, SpanKind::WaitJoin);
    Await { tasks }.await;
    rt.recorder.end(span);
}

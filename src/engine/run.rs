//! One run of one mode: the program's tasks executed for real, every step recorded on the shared clock.
//!
//! - Sequential: the calls run one after another on a rayon pool thread, which really blocks in its sleeps
//!   (`Atomics.wait`); the engine worker only awaits the end, so it keeps answering the page.
//! - Asyncio: each task is a future spawned on the engine worker's own event loop, in the order
//!   `asyncio.gather` starts them; they switch only at awaits, and a sleep is a `setTimeout`.

use super::cancel::{CancelToken, Cancelled, Timers};
use super::completion;
use super::recorder::Recorder;
use crate::scenario::{Pattern, Program, RunRequest, Step, Task};
use crate::sim;
use crate::trace::{RunRecord, SpanKind, Status};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

/// A run in progress, owned by the engine worker.
pub struct Run {
    /// What runs.
    pub request: Arc<RunRequest>,
    /// Its program, written once from the request.
    pub program: Arc<Program>,
    /// The prediction for the same request.
    pub predicted: RunRecord,
    /// Where every thread records.
    pub recorder: Arc<Recorder>,
    /// Seen by every thread and timer of the run.
    pub token: CancelToken,
    /// The asyncio loop's timers (empty for other patterns).
    pub timers: Timers,
}

impl Run {
    /// Starts `request` now. The returned future ends with the run, whether it completed or was cancelled.
    pub fn start(
        request: RunRequest,
        t0: f64,
    ) -> (Rc<Run>, impl std::future::Future<Output = RunRecord>) {
        let program = Arc::new(request.program());
        let predicted = sim::predict(&request);
        let run = Rc::new(Run {
            request: Arc::new(request),
            program,
            predicted,
            recorder: Arc::new(Recorder::new(t0)),
            token: CancelToken::default(),
            timers: Timers::default(),
        });
        let (done, finished) = completion::channel::<f64>();
        match run.request.mode.pattern {
            Pattern::Sequential => run.spawn_sequential(done),
            Pattern::Asyncio => run.spawn_gather(done),
        }
        let this = run.clone();
        let record = async move {
            let end_ms = finished.await;
            let status = if this.token.is_cancelled() {
                Status::Cancelled
            } else {
                Status::Completed
            };
            this.request.record(
                &this.program,
                status,
                end_ms,
                this.predicted.wall_ms,
                &this.recorder.all(),
            )
        };
        (run, record)
    }

    /// Cancels every thread and timer of the run; its future then ends with status `cancelled`.
    pub fn cancel(&self) {
        self.token.cancel();
        self.timers.cancel();
    }

    fn spawn_sequential(&self, done: completion::Sender<f64>) {
        let (request, program) = (self.request.clone(), self.program.clone());
        let (recorder, token) = (self.recorder.clone(), self.token.clone());
        rayon::spawn(move || {
            for task in &program.tasks {
                if run_blocking(&request, task, &recorder, &token).is_err() {
                    break;
                }
            }
            done.send(recorder.now());
        });
    }

    fn spawn_gather(&self, done: completion::Sender<f64>) {
        let remaining = Rc::new(Cell::new(self.program.tasks.len()));
        let done = Rc::new(RefCell::new(Some(done)));
        if self.program.tasks.is_empty() {
            if let Some(done) = done.borrow_mut().take() {
                done.send(self.recorder.now());
            }
        }
        for i in 0..self.program.tasks.len() {
            let (request, program) = (self.request.clone(), self.program.clone());
            let (recorder, token, timers) = (
                self.recorder.clone(),
                self.token.clone(),
                self.timers.clone(),
            );
            let (remaining, done) = (remaining.clone(), done.clone());
            // spawn_local queues tasks in order, and each runs until its first await, as gather's do.
            wasm_bindgen_futures::spawn_local(async move {
                let task = &program.tasks[i];
                let _ = run_async(&request, task, &recorder, &token, &timers).await;
                remaining.set(remaining.get() - 1);
                if remaining.get() == 0 {
                    if let Some(done) = done.borrow_mut().take() {
                        done.send(recorder.now());
                    }
                }
            });
        }
    }
}

/// One task's steps on a blocking thread.
fn run_blocking(
    request: &RunRequest,
    task: &Task,
    recorder: &Recorder,
    token: &CancelToken,
) -> Result<(), Cancelled> {
    for step in &task.steps {
        if token.is_cancelled() {
            return Err(Cancelled);
        }
        match step {
            Step::Print(text) => recorder.print(&task.id, text),
            Step::Sleep { seconds } => {
                let label = request.mode.pattern.sleep_label(*seconds);
                let span = recorder.begin(&task.id, label, SpanKind::Sleep);
                let slept = token.sleep(request.real_ms(*seconds));
                recorder.end(span);
                slept?;
            }
        }
    }
    Ok(())
}

/// One task's steps as a coroutine on this thread's event loop.
async fn run_async(
    request: &RunRequest,
    task: &Task,
    recorder: &Recorder,
    token: &CancelToken,
    timers: &Timers,
) -> Result<(), Cancelled> {
    for step in &task.steps {
        if token.is_cancelled() {
            return Err(Cancelled);
        }
        match step {
            Step::Print(text) => recorder.print(&task.id, text),
            Step::Sleep { seconds } => {
                let label = request.mode.pattern.sleep_label(*seconds);
                let span = recorder.begin(&task.id, label, SpanKind::Sleep);
                let slept = timers.sleep(request.real_ms(*seconds), token).await;
                recorder.end(span);
                slept?;
            }
        }
    }
    Ok(())
}

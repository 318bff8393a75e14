//! What a run leaves behind: the events recorded while it runs (span begins and ends, printed lines), and
//! the run record built from them. The real run (`engine`) and the prediction (`sim`) both produce events,
//! so one builder makes both records.

use serde::Serialize;
use serde_json::Value;

/// What a span shows its lane doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpanKind {
    /// Waiting on a timer: `time.sleep` or `await asyncio.sleep`.
    Sleep,
    /// Waiting on the network: a download's latency and transfer.
    Io,
    /// Running CPU-bound code.
    Compute,
    /// A process being started: from `p.start()` to its first instruction.
    Start,
    /// Waiting for another thread or task to end: `t.join()`, `await task`.
    WaitJoin,
    /// Waiting on a queue: `q.get()` on an empty queue, `q.put()` on a full one, `q.join()`.
    WaitQueue,
    /// Ready to run Python code but waiting for the GIL.
    WaitGil,
    /// On the GIL lane: the GIL held by the thread the label names.
    Gil,
    /// Waiting for a lock: `lock.acquire()`, `with lock:`.
    WaitLock,
    /// Waiting for an event: `event.wait()`.
    WaitEvent,
    /// Waiting for a semaphore: `sem.acquire()`.
    WaitSemaphore,
    /// Waiting on a condition: `cond.wait()`.
    WaitCondition,
    /// Waiting at a barrier: `barrier.wait()`.
    WaitBarrier,
    /// Waiting for a future: `f.result()`, `wait()`, `as_completed()`, a pool's shutdown.
    WaitFuture,
    /// Waiting for a process: `p.join()`, a multiprocessing queue.
    WaitProcess,
    /// An asyncio event loop with no task ready: every task awaits.
    Idle,
    /// Ready to run (holding the GIL if there is one) but waiting for a free core: predictions only.
    Ready,
}

/// A thread's (or task's) life event, for `threading.enumerate()` and the page's thread list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Life {
    /// `start()` was called and it runs.
    Started,
    /// It returned.
    Finished,
    /// It raised an exception and ended there (a thread prints it; a pool keeps it for `result()`).
    Raised,
    /// The program ended while it ran (a daemon thread, or a task left when `asyncio.run` returned).
    Killed,
}

/// One thing that happened during a run, at `t` ms from the run's start.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "e", rename_all = "lowercase")]
pub enum Event {
    /// A span opens on a lane.
    Begin {
        /// Numbered from 0 in the order spans open.
        span: u32,
        /// The lane's id.
        lane: String,
        /// What the span shows, e.g. `time.sleep(1)`.
        label: String,
        /// Its kind.
        kind: SpanKind,
        /// When, in ms from the run's start.
        t: f64,
        /// The program's 1-based line it runs or waits at (absent when unknown).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
    },
    /// A span closes.
    End {
        /// The span that [`Event::Begin`] opened.
        span: u32,
        /// When, in ms from the run's start.
        t: f64,
    },
    /// A thread or task started or ended.
    Thread {
        /// The lane's id.
        lane: String,
        /// What happened.
        life: Life,
        /// Whether it is a daemon (killed at exit rather than waited for).
        daemon: bool,
        /// When, in ms from the run's start.
        t: f64,
    },
    /// A queue's depth changed.
    Depth {
        /// Which queue (index in the program).
        queue: usize,
        /// Items in it now.
        depth: usize,
        /// When, in ms from the run's start.
        t: f64,
    },
    /// A lane appears, or its name changes (the same id again): programs make lanes as they run.
    Lane {
        /// The lane.
        lane: Lane,
        /// When, in ms from the run's start.
        t: f64,
    },
    /// A lane printed a line.
    Print {
        /// The lane's id.
        lane: String,
        /// The line.
        text: String,
        /// When, in ms from the run's start.
        t: f64,
        /// Written to stderr (a traceback), not printed (absent when false).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        err: bool,
        /// The program's 1-based line that printed it (absent when unknown).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
    },
}

/// One row of a timeline.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Lane {
    /// Stable within the example (`coffee`).
    pub id: String,
    /// What Python would call it (`order_coffee`).
    pub name: String,
    /// `thread`, `call` (a plain function call), `task` (an asyncio task), `pooled`, `process`, `gil`.
    pub kind: String,
    /// The physical thread it runs on, as Python would name it (`MainThread`).
    pub thread: String,
}

/// A closed span of a lane.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// The lane's id.
    pub lane: String,
    /// What it shows.
    pub label: String,
    /// Its kind.
    pub kind: SpanKind,
    /// Start, ms from the run's start.
    pub start_ms: f64,
    /// End, ms from the run's start.
    pub end_ms: f64,
    /// The program's 1-based line that the span runs or waits at (absent when unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A printed line.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputLine {
    /// When, ms from the run's start.
    pub at_ms: f64,
    /// The lane that printed it.
    pub lane: String,
    /// The line.
    pub text: String,
    /// Written to stderr (a traceback), not printed (absent when false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub err: bool,
    /// The program's 1-based line that printed it (absent when unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// One thread's (or task's) life, for the thread inspector.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadLife {
    /// The lane's id.
    pub lane: String,
    /// Whether it is a daemon.
    pub daemon: bool,
    /// When it started, ms from the run's start.
    pub start_ms: f64,
    /// When it ended, if it did.
    pub end_ms: Option<f64>,
    /// How it ended, if it did.
    pub end: Option<Life>,
}

/// A queue's depth from a moment on.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepthSample {
    /// Which queue.
    pub queue: usize,
    /// When, ms from the run's start.
    pub at_ms: f64,
    /// Items in it.
    pub depth: usize,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The program ended.
    Completed,
    /// Stopped by `cancel()`, Stop, or a newer run.
    Cancelled,
    /// A prediction only: the program waits forever (a `q.join()` whose `task_done()` never comes);
    /// `wallMs` is when the last thread got stuck.
    Deadlocked,
    /// The program ended with an uncaught exception (its traceback is in `output`), or was stopped by a
    /// limit or a deadlock (`stopped` says which).
    Failed,
}

/// The run record that `threadlab.run()` resolves to.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    /// Example id.
    pub example: String,
    /// Mode id.
    pub mode: String,
    /// Every parameter, defaults filled in.
    pub params: Value,
    /// The time scale the run used.
    pub time_scale: f64,
    /// How it ended.
    pub status: Status,
    /// Measured (or, for a prediction, predicted) time from start to end, ms.
    pub wall_ms: f64,
    /// What the simulator predicts for the same request, ms.
    pub predicted_ms: f64,
    /// One per task.
    pub lanes: Vec<Lane>,
    /// Closed spans, in the order they opened.
    pub spans: Vec<Span>,
    /// Printed lines, in the order they were printed.
    pub output: Vec<OutputLine>,
    /// Threads and tasks that were started, with their lives.
    pub threads: Vec<ThreadLife>,
    /// Queue depths over time (empty when the program uses no queue).
    pub queue_depth: Vec<DepthSample>,
    /// The prediction played back in real time, not a real run: what a page that can't share memory
    /// between threads shows (absent from the JSON when false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub simulated: bool,
    /// Why the run ended before the program did: stopped, over a limit, a deadlock (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

/// Everything a run record holds that comes from its events.
#[derive(Debug, Default)]
pub struct Digest {
    /// Closed spans, in the order they opened.
    pub spans: Vec<Span>,
    /// Printed lines.
    pub output: Vec<OutputLine>,
    /// Thread lives.
    pub threads: Vec<ThreadLife>,
    /// Queue depths.
    pub queue_depth: Vec<DepthSample>,
}

/// Digests events: spans, output, thread lives, queue depths. Spans still open (a cancelled run) end at
/// `end_ms`.
#[optimize(size)]
pub fn digest(events: &[Event], end_ms: f64) -> Digest {
    let (spans, output) = spans_and_output(events, end_ms);
    let mut threads: Vec<ThreadLife> = Vec::new();
    let mut queue_depth = Vec::new();
    for event in events {
        match event {
            Event::Thread {
                lane,
                life,
                daemon,
                t,
            } => match life {
                Life::Started => threads.push(ThreadLife {
                    lane: lane.clone(),
                    daemon: *daemon,
                    start_ms: *t,
                    end_ms: None,
                    end: None,
                }),
                Life::Finished | Life::Raised | Life::Killed => {
                    if let Some(th) = threads.iter_mut().rev().find(|th| th.lane == *lane) {
                        th.end_ms = Some(*t);
                        th.end = Some(*life);
                    }
                }
            },
            Event::Depth { queue, depth, t } => queue_depth.push(DepthSample {
                queue: *queue,
                at_ms: *t,
                depth: *depth,
            }),
            _ => {}
        }
    }
    Digest {
        spans,
        output,
        threads,
        queue_depth,
    }
}

/// A run's events as they are recorded, with span ids handed out densely in opening order. Pure: the
/// prediction writes one directly in virtual time; the engine's recorder keeps one behind a lock and
/// stamps it from the shared clock.
#[derive(Debug, Default)]
pub struct EventLog {
    /// Every event so far.
    pub events: Vec<Event>,
    spans: u32,
}

impl Event {
    /// When it happened, in ms from the run's start.
    #[optimize(size)]
    pub fn t(&self) -> f64 {
        match self {
            Event::Begin { t, .. }
            | Event::End { t, .. }
            | Event::Thread { t, .. }
            | Event::Print { t, .. }
            | Event::Lane { t, .. }
            | Event::Depth { t, .. } => *t,
        }
    }
}

impl EventLog {
    /// Opens a span on `lane` at `t`; returns its id.
    #[optimize(size)]
    pub fn begin(&mut self, lane: &str, label: String, kind: SpanKind, t: f64) -> u32 {
        self.begin_at(lane, label, kind, t, None)
    }

    /// Opens a span on `lane` at `t` made by the program's `line`; returns its id.
    #[optimize(size)]
    pub fn begin_at(
        &mut self,
        lane: &str,
        label: String,
        kind: SpanKind,
        t: f64,
        line: Option<u32>,
    ) -> u32 {
        let span = self.spans;
        self.spans += 1;
        self.events.push(Event::Begin {
            span,
            lane: lane.into(),
            label,
            kind,
            t,
            line,
        });
        span
    }

    /// Announces `lane` (again, with a new name) at `t`.
    #[optimize(size)]
    pub fn lane(&mut self, lane: Lane, t: f64) {
        self.events.push(Event::Lane { lane, t });
    }

    /// Closes a span at `t`.
    #[optimize(size)]
    pub fn end(&mut self, span: u32, t: f64) {
        self.events.push(Event::End { span, t });
    }

    /// A printed line at `t`.
    #[optimize(size)]
    pub fn print(&mut self, lane: &str, text: &str, t: f64) {
        self.write(lane, text, t, false, None);
    }

    /// A line printed (`err` false) or written to stderr at `t` by the program's `line`.
    #[optimize(size)]
    pub fn write(&mut self, lane: &str, text: &str, t: f64, err: bool, line: Option<u32>) {
        self.events.push(Event::Print {
            lane: lane.into(),
            text: text.into(),
            t,
            err,
            line,
        });
    }

    /// A thread's or task's life event at `t`.
    #[optimize(size)]
    pub fn life(&mut self, lane: &str, life: Life, daemon: bool, t: f64) {
        self.events.push(Event::Thread {
            lane: lane.into(),
            life,
            daemon,
            t,
        });
    }

    /// A queue's new depth at `t`.
    #[optimize(size)]
    pub fn depth(&mut self, queue: usize, depth: usize, t: f64) {
        self.events.push(Event::Depth { queue, depth, t });
    }
}

/// Spans and output lines from a list of events. A span still open (a cancelled run) ends at `end_ms`.
#[optimize(size)]
pub fn spans_and_output(events: &[Event], end_ms: f64) -> (Vec<Span>, Vec<OutputLine>) {
    let mut spans: Vec<Span> = Vec::new();
    // Span ids are dense and in opening order, so a span's index in `spans` is found through `index`.
    let mut index = Vec::new();
    let mut output = Vec::new();
    for event in events {
        match event {
            Event::Begin {
                span,
                lane,
                label,
                kind,
                t,
                line,
            } => {
                let id = *span as usize;
                if index.len() <= id {
                    index.resize(id + 1, usize::MAX);
                }
                index[id] = spans.len();
                spans.push(Span {
                    lane: lane.clone(),
                    label: label.clone(),
                    kind: *kind,
                    start_ms: *t,
                    end_ms: f64::NAN,
                    line: *line,
                });
            }
            Event::End { span, t } => {
                if let Some(&i) = index.get(*span as usize) {
                    if let Some(s) = spans.get_mut(i) {
                        s.end_ms = *t;
                    }
                }
            }
            Event::Print {
                lane,
                text,
                t,
                err,
                line,
            } => output.push(OutputLine {
                at_ms: *t,
                lane: lane.clone(),
                text: text.clone(),
                err: *err,
                line: *line,
            }),
            Event::Thread { .. } | Event::Depth { .. } | Event::Lane { .. } => {}
        }
    }
    for s in &mut spans {
        if s.end_ms.is_nan() {
            s.end_ms = end_ms.max(s.start_ms);
        }
    }
    (spans, output)
}

/// The run as a Chrome trace (the JSON that Perfetto and `chrome://tracing` open): the main program is
/// process 1 and each `process` lane a process of its own; every lane is a thread (asyncio tasks get a
/// track each, though they share one thread); spans are complete events, printed lines instant events;
/// metadata events name every process and thread.
#[optimize(size)]
pub fn chrome_trace(record: &RunRecord) -> Value {
    use serde_json::json;
    let mut events = Vec::new();
    let mut pid_of = std::collections::HashMap::new();
    let mut tid_of = std::collections::HashMap::new();
    let title = format!("{} ({})", record.example, record.mode);
    events.push(
        json!({"name": "process_name", "ph": "M", "pid": 1, "tid": 0,
                       "args": {"name": format!("ThreadLab: {title}")}}),
    );
    let mut next_pid = 2;
    // Process lanes by name: a process's other lanes (`Process-1/Thread-1`, `Process-1 GIL`, its tasks)
    // go under its pid.
    let mut procs: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for (i, lane) in record.lanes.iter().enumerate() {
        let pid = if lane.kind == "process" {
            let pid = next_pid;
            next_pid += 1;
            procs.insert(lane.name.as_str(), pid);
            events.push(
                json!({"name": "process_name", "ph": "M", "pid": pid, "tid": 0,
                               "args": {"name": lane.name}}),
            );
            pid
        } else {
            let owner = match lane.kind.as_str() {
                "gil" => lane.name.strip_suffix(" GIL").unwrap_or(""),
                "task" | "call" => lane.thread.split('/').next().unwrap_or(""),
                _ => lane.name.split('/').next().unwrap_or(""),
            };
            procs.get(owner).copied().unwrap_or(1)
        };
        let tid = i as u64 + 1;
        let name = match lane.kind.as_str() {
            "task" | "call" => format!("{} (on {})", lane.name, lane.thread),
            _ => lane.name.clone(),
        };
        events.push(
            json!({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
                           "args": {"name": name}}),
        );
        events.push(
            json!({"name": "thread_sort_index", "ph": "M", "pid": pid, "tid": tid,
                           "args": {"sort_index": i}}),
        );
        pid_of.insert(lane.id.as_str(), pid);
        tid_of.insert(lane.id.as_str(), tid);
    }
    let us = |ms: f64| (ms * 1000.0).round();
    for s in &record.spans {
        let (Some(pid), Some(tid)) = (pid_of.get(s.lane.as_str()), tid_of.get(s.lane.as_str()))
        else {
            continue;
        };
        events.push(
            json!({"name": s.label, "cat": s.kind, "ph": "X", "pid": pid, "tid": tid,
                           "ts": us(s.start_ms), "dur": us(s.end_ms - s.start_ms).max(0.0)}),
        );
    }
    for line in &record.output {
        let (Some(pid), Some(tid)) = (
            pid_of.get(line.lane.as_str()),
            tid_of.get(line.lane.as_str()),
        ) else {
            continue;
        };
        events.push(
            json!({"name": line.text, "cat": "print", "ph": "i", "s": "t", "pid": pid, "tid": tid,
                           "ts": us(line.at_ms)}),
        );
    }
    json!({"traceEvents": events, "displayTimeUnit": "ms",
           "otherData": {"example": record.example, "mode": record.mode, "status": record.status,
                         "wallMs": record.wall_ms, "predictedMs": record.predicted_ms}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_spans_close_at_the_end_and_prints_keep_their_order() {
        let events = vec![
            Event::Begin {
                span: 0,
                lane: "a".into(),
                label: "sleep".into(),
                kind: SpanKind::Sleep,
                t: 1.0,
                line: None,
            },
            Event::Print {
                lane: "b".into(),
                text: "hi".into(),
                t: 2.0,
                err: false,
                line: Some(3),
            },
            Event::Begin {
                span: 1,
                lane: "b".into(),
                label: "sleep".into(),
                kind: SpanKind::Sleep,
                t: 2.0,
                line: None,
            },
            Event::End { span: 0, t: 3.0 },
        ];
        let (spans, output) = spans_and_output(&events, 10.0);
        assert_eq!((spans[0].start_ms, spans[0].end_ms), (1.0, 3.0));
        assert_eq!((spans[1].start_ms, spans[1].end_ms), (2.0, 10.0));
        assert_eq!(output[0].text, "hi");
    }

    #[test]
    fn a_chrome_trace_puts_each_process_lanes_under_its_pid() {
        let lane = |id: &str, name: &str, kind: &str, thread: &str| Lane {
            id: id.into(),
            name: name.into(),
            kind: kind.into(),
            thread: thread.into(),
        };
        let record = RunRecord {
            example: "e".into(),
            mode: "m".into(),
            params: Value::Null,
            time_scale: 1.0,
            status: Status::Completed,
            wall_ms: 1.0,
            predicted_ms: 1.0,
            lanes: vec![
                lane("l0", "MainThread", "thread", "MainThread"),
                lane("l1", "GIL", "gil", ""),
                lane("l2", "Process-1", "process", "Process-1"),
                lane("l3", "Process-1 GIL", "gil", ""),
                lane("l4", "Process-1/Thread-1", "thread", "Process-1/Thread-1"),
                lane("l5", "Task-1", "task", "Process-1"),
                lane("l6", "Thread-2", "thread", "Thread-2"),
            ],
            spans: Vec::new(),
            output: Vec::new(),
            threads: Vec::new(),
            queue_depth: Vec::new(),
            simulated: false,
            stopped: None,
        };
        let trace = chrome_trace(&record);
        let pids: Vec<(String, u64)> = trace["traceEvents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["name"] == "thread_name")
            .map(|e| {
                (
                    e["args"]["name"].as_str().unwrap().to_string(),
                    e["pid"].as_u64().unwrap(),
                )
            })
            .collect();
        let expected = [
            ("MainThread", 1),
            ("GIL", 1),
            ("Process-1", 2),
            ("Process-1 GIL", 2),
            ("Process-1/Thread-1", 2),
            ("Task-1 (on Process-1)", 2),
            ("Thread-2", 1),
        ];
        assert_eq!(
            pids,
            expected
                .iter()
                .map(|(n, p)| (n.to_string(), *p))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn events_serialise_in_the_shape_the_page_reads() {
        let e = Event::End { span: 3, t: 1.5 };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"e":"end","span":3,"t":1.5}"#
        );
    }
}

//! The inside of a process: a worker with its own wasm instance and its own memory runs one function of
//! the program and talks to the main program only by messages (posted to the engine worker, which
//! delivers them: events to the run's recorder, queue items to the run's queue, the exit to `join`).
//!
//! The process rebuilds the program from the same request (an example's program is a pure function of
//! its parameters), so only the request crosses, never memory. Its globals are its own: `results` in
//! here is a different list from the main program's, because it lives in a different memory.

use super::clock::now_ms;
use super::compute;
use crate::scenario::{global_line, RunRequest, Step};
use crate::trace::{Event, EventLog, SpanKind};
use serde::Deserialize;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

/// The program's global list `results`, in this wasm instance's memory.
pub static RESULTS: Mutex<Vec<i64>> = Mutex::new(Vec::new());

#[wasm_bindgen(inline_js = "export function postToParent(message) { self.postMessage(message); }")]
extern "C" {
    #[wasm_bindgen(js_name = postToParent)]
    fn post_to_parent(message: &JsValue);
}

/// What the engine worker hands a process.
#[derive(Deserialize)]
pub struct Spec {
    /// The run request, as JSON, to rebuild the program from.
    pub request: String,
    /// Which function to run.
    pub func: usize,
    /// The run's zero on the shared clock.
    pub t0: f64,
    /// The compute kernel's calibrated rate, so "1 s of compute" is the same here.
    pub rate: f64,
}

fn post(kind: &str, func: usize, payload: serde_json::Value) {
    let mut message = serde_json::json!({"type": kind, "func": func});
    if let (Some(m), serde_json::Value::Object(p)) = (message.as_object_mut(), payload) {
        m.extend(p);
    }
    post_to_parent(&JsValue::from_str(&message.to_string()));
}

/// The engine worker's stop flag for this process: a word of shared memory (not this instance's memory,
/// which nobody else sees) that becomes 1 when the run ends. Waits sleep on it, so a stop wakes them at
/// once and the process returns to its event loop, where `terminate()` ends it immediately (a worker
/// blocked in a wait is only forced to end about 2 s later).
struct StopFlag(js_sys::Int32Array);

impl StopFlag {
    fn stopped(&self) -> bool {
        js_sys::Atomics::load(&self.0, 0) != Ok(0)
    }

    /// Sleeps `ms`; false when stopped meanwhile.
    fn sleep(&self, ms: f64) -> bool {
        let deadline = now_ms() + ms;
        loop {
            if self.stopped() {
                return false;
            }
            let left = deadline - now_ms();
            if left <= 0.0 {
                return true;
            }
            // Wakes when the flag is set (notify) or the time is up.
            let _ = js_sys::Atomics::wait_with_timeout(&self.0, 0, 0, left);
        }
    }
}

/// Runs the process's function to its end, posting every event as it happens; returns early, posting
/// nothing more, when the engine worker sets `stop` (the run ended).
pub fn main(spec: Spec, stop: js_sys::Int32Array) -> Result<(), String> {
    let stop = StopFlag(stop);
    let request =
        RunRequest::parse(&spec.request).map_err(|e| crate::scenario::errors_message(&e))?;
    compute::set_rate(spec.rate);
    RESULTS.lock().unwrap_or_else(|e| e.into_inner()).clear();
    let program = request.program();
    let f = program.funcs.get(spec.func).ok_or("no such function")?;
    let (t0, func) = (spec.t0, spec.func);
    post(
        "threadlab:proc-started",
        func,
        serde_json::json!({"t": now_ms() - t0}),
    );
    let mut log = EventLog::default();
    let send = |log: &mut EventLog| {
        let events: Vec<Event> = std::mem::take(&mut log.events);
        post(
            "threadlab:proc-events",
            func,
            serde_json::json!({"events": events}),
        );
    };
    let lane = f.id.clone();
    let pattern = request.mode.pattern;
    let now = || now_ms() - t0;
    // A step that takes time: its span opens and is posted at once (the page draws it growing), the work
    // runs, the span closes. False when the run ended meanwhile: the process then stops where it is.
    let timed = |log: &mut EventLog, label: String, kind: SpanKind, work: &dyn Fn() -> bool| {
        let span = log.begin(&lane, label, kind, now());
        send(log);
        let done = work();
        if done {
            log.end(span, now());
        }
        done
    };
    for step in &f.steps {
        match step {
            Step::Print(text) => log.print(&lane, text, now()),
            Step::Sleep { seconds } => {
                let (label, ms) = (pattern.sleep_label(*seconds), request.real_ms(*seconds));
                if !timed(&mut log, label, SpanKind::Sleep, &|| stop.sleep(ms)) {
                    return Ok(());
                }
            }
            Step::Compute { seconds } => {
                let (label, ms) = (pattern.compute_label(*seconds), request.real_ms(*seconds));
                let work = || compute::work(ms, || !stop.stopped());
                if !timed(&mut log, label, SpanKind::Compute, &work) {
                    return Ok(());
                }
            }
            Step::Transfer {
                what,
                mb,
                bandwidth,
                latency,
            } => {
                let ms = request.real_ms(latency + mb / bandwidth);
                if !timed(&mut log, what.clone(), SpanKind::Io, &|| stop.sleep(ms)) {
                    return Ok(());
                }
            }
            Step::Append(x) => RESULTS.lock().unwrap_or_else(|e| e.into_inner()).push(*x),
            Step::ShowGlobal(who) => {
                let seen = RESULTS.lock().unwrap_or_else(|e| e.into_inner()).clone();
                log.print(&lane, &global_line(who, &seen), now());
            }
            Step::Put { queue, item } => {
                // Sent, not shared: the item is copied into a message, as multiprocessing pickles it.
                send(&mut log);
                post(
                    "threadlab:proc-put",
                    func,
                    serde_json::json!({"queue": queue, "item": item}),
                );
            }
            Step::Return(_) => {}
            other => log.print(
                &lane,
                &format!("({other:?} is not supported inside a process)"),
                now(),
            ),
        }
        send(&mut log);
    }
    post(
        "threadlab:proc-exit",
        func,
        serde_json::json!({"t": now_ms() - t0, "code": 0}),
    );
    Ok(())
}

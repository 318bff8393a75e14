//! The `#[wasm_bindgen]` surface that `www/engine-worker.js` and the elastic thread workers call, and nothing
//! else: JSON text in and out, errors as `JsError` with the message a person reads.

use crate::engine::run::{self, Run};
use crate::engine::{clock, compute, threads};
use crate::scenario::{self, errors_message, InputError, RunRequest};
use crate::sim;
use std::rc::Rc;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

pub use wasm_bindgen_rayon::init_thread_pool;

pub mod python;

/// The first panic of any thread, kept until the engine worker reports it to the page.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Installs the panic hook: a panic on any thread is logged and kept for [`take_panic`], so the page can
/// show it instead of leaving a run hanging. (The release build aborts on panic: the thread stops there.)
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("threadlab panicked: {message}").into());
        let mut slot = PANIC.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert(message);
    }));
}

/// The first panic since the last call, if any.
#[wasm_bindgen]
pub fn take_panic() -> Option<String> {
    PANIC.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// Sets the core count predictions assume (`navigator.hardwareConcurrency`), then measures how fast one
/// core computes, on every thread of the rayon pool at once and off the calling thread, so the engine
/// worker stays free meanwhile. Resolves to the kernel's iterations per ms: the fastest thread's, because
/// anything else running on the machine can only make a measurement slower, never faster. The engine
/// worker calls it at start-up and once more a few seconds later.
#[wasm_bindgen]
pub fn calibrate(cores: usize) -> js_sys::Promise {
    run::set_cores(cores);
    let (done, rate) = crate::engine::completion::channel::<f64>();
    rayon::spawn(move || {
        // Keep the best rate ever measured: a later calibration only ever corrects an early one that
        // ran before the browser had optimised the kernel.
        let before = compute::rate_if_known().unwrap_or(0.0);
        let rates = rayon::broadcast(|_| compute::calibrate(300.0));
        let best = rates.into_iter().fold(before, f64::max);
        compute::set_rate(best);
        done.send(best);
    });
    wasm_bindgen_futures::future_to_promise(async move { Ok(JsValue::from_f64(rate.await)) })
}

/// Sets the address real downloads resolve against (the engine worker's own).
#[wasm_bindgen]
pub fn set_base_url(url: &str) {
    crate::engine::net::set_base(url);
}

/// The catalogue: examples with modes and parameter schemas, and the time scale's limits.
#[wasm_bindgen]
pub fn catalog() -> String {
    scenario::catalog_json()
}

/// Every problem of a run request, as a JSON array of `{field, value, problem, allowed}` (empty when valid).
#[wasm_bindgen]
pub fn validate(request: &str) -> String {
    let errors = admitted(request).err().unwrap_or_default();
    to_json(&errors)
}

/// A request that parses and is within the caps of one run (`sim::caps`), with its prediction.
fn admitted(request: &str) -> Result<(RunRequest, crate::trace::RunRecord), Vec<InputError>> {
    let request = RunRequest::parse(request)?;
    let predicted = sim::admit(&request, run::cores()).map_err(|e| vec![e])?;
    Ok((request, predicted))
}

/// [`admitted`], its refusal as the error a person reads.
fn parse(request: &str) -> Result<(RunRequest, crate::trace::RunRecord), JsError> {
    admitted(request).map_err(|e| JsError::new(&errors_message(&e)))
}

/// The predicted run record of a request, as JSON.
#[wasm_bindgen]
pub fn predict(request: &str) -> Result<String, JsError> {
    // Checking the caps predicted it already.
    Ok(to_json(&parse(request)?.1))
}

/// A run record (JSON) as a Chrome trace (JSON) that Perfetto and `chrome://tracing` open.
#[wasm_bindgen]
pub fn chrome_trace(record: &str) -> Result<String, JsError> {
    let record: crate::trace::RunRecord = serde_json::from_str(record)
        .map_err(|e| JsError::new(&format!("not a run record: {e}")))?;
    Ok(to_json(&crate::trace::chrome_trace(&record)))
}

/// The request's program as the tutorial's Python and as idiomatic Rust: `{python, rust}` as JSON.
#[wasm_bindgen]
pub fn code(request: &str) -> Result<String, JsError> {
    // The program's text only: no cap applies to reading it.
    let request = RunRequest::parse(request).map_err(|e| JsError::new(&errors_message(&e)))?;
    Ok(to_json(&request.code()))
}

/// How many elastic workers must be idle before this request starts (0 for an invalid request, which
/// `start_run` then refuses).
#[wasm_bindgen]
pub fn threads_needed(request: &str) -> usize {
    admitted(request).map_or(0, |(r, _)| run::threads_needed(&r))
}

/// Starts elastic thread workers until `needed` are idle (see `engine::threads`).
#[wasm_bindgen]
pub fn ensure_threads(needed: usize) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        threads::ensure(needed).await?;
        Ok(JsValue::UNDEFINED)
    })
}

/// The compiled module, for a process worker to instantiate with a memory of its own.
#[wasm_bindgen]
pub fn thread_module() -> JsValue {
    wasm_bindgen::module()
}

/// The body of an elastic thread worker: serves jobs forever.
#[wasm_bindgen]
pub fn thread_worker_main() {
    threads::worker_main();
}

/// Now on the shared clock (ms since the Unix epoch).
#[wasm_bindgen]
pub fn now_ms() -> f64 {
    clock::now_ms()
}

/// Starts a run. Invalid requests are refused before anything starts. The caller has made
/// [`threads_needed`] workers idle.
#[wasm_bindgen]
pub fn start_run(request: &str) -> Result<RunHandle, JsError> {
    let json = request;
    let (request, _) = parse(request)?;
    let needed = run::threads_needed(&request);
    if threads::idle() < needed {
        return Err(JsError::new(&format!(
            "this run needs {needed} idle worker threads and {} are idle",
            threads::idle()
        )));
    }
    let (run, record) = Run::start(request, clock::now_ms());
    let promise = wasm_bindgen_futures::future_to_promise(async move {
        Ok(JsValue::from_str(&to_json(&record.await)))
    });
    Ok(RunHandle {
        run,
        promise,
        request: json.to_string(),
        process_ids: Default::default(),
    })
}

/// What the engine holds now: `{threadWorkers, idleThreadWorkers, wasmMemoryBytes}` as JSON (the
/// engine worker adds its process workers), for `threadlab.stats()` and the soak.
#[wasm_bindgen]
pub fn stats() -> String {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let bytes = memory
        .buffer()
        .unchecked_into::<js_sys::SharedArrayBuffer>()
        .byte_length();
    to_json(&serde_json::json!({
        "threadWorkers": threads::total(),
        "idleThreadWorkers": threads::idle(),
        "wasmMemoryBytes": bytes,
    }))
}

/// For the benchmark: what recording one event costs on this thread, in ns (the median of `rounds` rounds
/// of 1000 span begin/end pairs into a run's recorder, lock and clock read included).
#[wasm_bindgen]
pub fn measure_recording(rounds: u32) -> f64 {
    let mut per_event: Vec<f64> = (0..rounds.max(1))
        .map(|_| {
            let recorder = crate::engine::recorder::Recorder::new(clock::now_ms());
            let start = clock::now_ms();
            for i in 0..500 {
                let span = recorder.begin(
                    "bench",
                    format!("span {i}"),
                    crate::trace::SpanKind::Compute,
                );
                recorder.end(span);
            }
            (clock::now_ms() - start) * 1e6 / 1000.0
        })
        .collect();
    per_event.sort_by(f64::total_cmp);
    per_event[per_event.len() / 2]
}

/// Sets the core count predictions assume (`navigator.hardwareConcurrency`) without calibrating: for a page
/// that has no thread pool to calibrate on.
#[wasm_bindgen]
pub fn set_cores(cores: usize) {
    run::set_cores(cores);
}

/// Starts a simulated run: the prediction played back in real time from now, for a page that can't share
/// memory between threads. It has the shape of [`RunHandle`] (`info`, `drain`), and the engine worker ends
/// it with [`SimulatedRun::finish`].
#[wasm_bindgen]
pub fn simulate_run(request: &str) -> Result<SimulatedRun, JsError> {
    let (request, _) = parse(request)?;
    Ok(SimulatedRun {
        t0: clock::now_ms(),
        play: sim::Playback::new(request, run::cores()),
    })
}

/// A prediction being played back in real time (see [`simulate_run`]).
#[wasm_bindgen]
pub struct SimulatedRun {
    t0: f64,
    play: sim::Playback,
}

#[wasm_bindgen]
impl SimulatedRun {
    /// `{t0, lanes, predicted, simulated: true}` as JSON, as [`RunHandle::info`] gives for a real run.
    pub fn info(&self) -> String {
        let predicted = self.play.record(None);
        to_json(&serde_json::json!({
            "t0": self.t0,
            "lanes": predicted.lanes,
            "predicted": predicted,
            "simulated": true,
        }))
    }

    /// The events due by now and not yet drained, as a JSON array.
    pub fn drain(&mut self) -> String {
        to_json(&self.play.due(clock::now_ms() - self.t0))
    }

    /// When the playback ends, in ms from now (at least 0), or undefined when the program never ends by
    /// itself and waits to be stopped.
    pub fn remaining_ms(&self) -> Option<f64> {
        let left = self.play.end_ms()? - (clock::now_ms() - self.t0);
        Some(left.max(0.0))
    }

    /// Ends the playback: the rest of its events (all of them, or, `cancelled`, those due by now), then
    /// `{events, record}` as JSON.
    pub fn finish(&mut self, cancelled: bool) -> String {
        let at = if cancelled {
            Some(clock::now_ms() - self.t0)
        } else {
            None
        };
        let events = self.play.due(at.unwrap_or(f64::INFINITY));
        let record = self.play.record(at);
        to_json(&serde_json::json!({ "events": events, "record": record }))
    }
}

/// The body of a process worker: runs one function of the program in this (separate) instance.
#[wasm_bindgen]
pub fn process_main(spec: &str, stop: js_sys::Int32Array) -> Result<(), JsError> {
    let spec =
        serde_json::from_str(spec).map_err(|e| JsError::new(&format!("bad process spec: {e}")))?;
    crate::engine::process::main(spec, stop).map_err(|e| JsError::new(&e))
}

/// A run in progress, as JavaScript holds it.
#[wasm_bindgen]
pub struct RunHandle {
    run: Rc<Run>,
    promise: js_sys::Promise,
    /// The request as given, for the processes to rebuild the program from.
    request: String,
    /// Per process: its span ids to ours.
    process_ids:
        std::cell::RefCell<std::collections::HashMap<usize, std::collections::HashMap<u32, u32>>>,
}

#[wasm_bindgen]
impl RunHandle {
    /// Resolves to the run record (JSON text) when the run ends, completed or cancelled.
    pub fn promise(&self) -> js_sys::Promise {
        self.promise.clone()
    }

    /// `{t0, lanes, predicted}` as JSON: the run's zero on the shared clock, its lanes, its prediction.
    pub fn info(&self) -> String {
        let rt = &self.run.rt;
        to_json(&serde_json::json!({
            "t0": rt.recorder.t0(),
            "lanes": rt.request.lanes(&rt.program),
            "predicted": self.run.predicted,
        }))
    }

    /// The events recorded since the last call, as a JSON array.
    pub fn drain(&self) -> String {
        to_json(&self.run.rt.recorder.drain())
    }

    /// Ends the run: every thread's wait and compute stops, and the promise resolves with `cancelled`.
    pub fn cancel(&self) {
        self.run.cancel();
    }

    /// Resolves to the next process to start, as the JSON spec its worker takes, or to null when the run
    /// has ended. The process's start span id comes along as `span`.
    pub fn next_process_request(&self) -> js_sys::Promise {
        let rt = self.run.rt.clone();
        let request = self.request.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(match rt.process_requests.next().await {
                Some((func, span)) => JsValue::from_str(&to_json(&serde_json::json!({
                    "func": func,
                    "span": span,
                    "request": request,
                    "t0": rt.recorder.t0(),
                    "rate": compute::rate(),
                }))),
                None => JsValue::NULL,
            })
        })
    }

    /// Resolves to the next real download request, `{id, url, offset, len}` as JSON, or to null when the
    /// run has ended. The engine worker answers with [`RunHandle::fetch_done`].
    pub fn next_fetch_request(&self) -> js_sys::Promise {
        let rt = self.run.rt.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(match rt.fetch_requests.next().await {
                Some((id, url, offset, len)) => JsValue::from_str(&to_json(&serde_json::json!({
                    "id": id, "url": url, "offset": offset, "len": len,
                }))),
                None => JsValue::NULL,
            })
        })
    }

    /// The answer to download request `id`: the bytes received, or (non-empty `error`) why none came.
    pub fn fetch_done(&self, id: u32, bytes: f64, error: String) {
        let answer = if error.is_empty() {
            Ok(bytes.max(0.0) as u64)
        } else {
            Err(error)
        };
        self.run.rt.fetch_answered(id, answer);
    }

    /// A process runs: its start span (id `span`) ends at `t`.
    pub fn process_started(&self, span: u32, t: f64) {
        self.run.rt.process_started(span, t);
        let started = t - self.run.rt.recorder_span_start(span).unwrap_or(t);
        if started > 0.0 {
            // A running average, so the prediction follows this machine.
            let ms = 0.7 * sim::process_start_ms() + 0.3 * started;
            sim::set_process_start_ms(ms);
        }
    }

    /// Events a process recorded (JSON array), into this run's record.
    pub fn process_events(&self, func: usize, events: &str) -> Result<(), JsError> {
        let events: Vec<crate::trace::Event> =
            serde_json::from_str(events).map_err(|e| JsError::new(&e.to_string()))?;
        let mut ids = self.process_ids.borrow_mut();
        let ids = ids.entry(func).or_default();
        for event in events {
            self.run.rt.recorder.ingest(event, ids);
        }
        Ok(())
    }

    /// An item a process put in queue `queue`.
    pub fn process_put(&self, queue: usize, item: f64) {
        self.run.rt.process_put(queue, item as i64);
    }

    /// A process ended at `t` with exit status `code`.
    pub fn process_exit(&self, func: usize, t: f64, code: i32) {
        self.run.rt.process_exited(func, t, code);
    }
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("run data serialises")
}

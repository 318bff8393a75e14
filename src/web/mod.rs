//! The `#[wasm_bindgen]` surface that `www/engine-worker.js` and the elastic thread workers call, and nothing
//! else: JSON text in and out, errors as `JsError` with the message a person reads.

use crate::engine::{clock, threads};
use crate::examples::errors_message;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

pub use wasm_bindgen_rayon::init_thread_pool;

pub mod python;

/// The first panic of any thread, kept until the engine worker reports it to the page.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Installs the panic hook: a panic on any thread is logged and kept for [`take_panic`], so the page can
/// show it instead of leaving a run hanging. (The release build aborts on panic: the thread stops there.)
#[wasm_bindgen(start)]
#[optimize(size)]
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
#[optimize(size)]
pub fn take_panic() -> Option<String> {
    PANIC.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// Sets the core count predictions assume (`navigator.hardwareConcurrency`), then measures what a unit
/// of VM work costs here (the prediction's cost per unit, `vm::interp::Work::cost`), off the calling
/// thread on a pool thread, so the engine worker stays free meanwhile. Resolves to ns per unit: the best
/// timing of `runtime::real::CALIBRATION_PROGRAM` (about 30 ms a run), and the best ever measured.
///
/// The browser first runs the module's baseline code and swaps in optimised code once it is hot (in the
/// background): the first timings are 2 to 5 times the settled ones (18, 10, 7, then 4 ns in Chromium,
/// 2026-12). So the program runs again until its last three timings come within 10% of the best, for at
/// least `min_s` seconds and at most `max_s`. Other load only ever slows a run, hence the best. The
/// engine worker calls it at start-up, and once more, briefly, when the page has settled.
#[wasm_bindgen]
#[optimize(size)]
pub fn calibrate(cores: usize, min_s: f64, max_s: f64) -> js_sys::Promise {
    use crate::runtime::real::Platform;
    python::set_cores(cores);
    let (done, measured) = crate::engine::completion::channel::<f64>();
    rayon::spawn(move || {
        let platform = std::sync::Arc::new(crate::engine::platform::WebPlatform::default());
        let started = platform.now();
        let mut timings: Vec<f64> = Vec::new();
        let best = loop {
            timings.push(crate::runtime::real::measure_ns_per_instruction(
                crate::runtime::real::CALIBRATION_PROGRAM,
                platform.clone(),
            ));
            let best = timings.iter().copied().fold(f64::INFINITY, f64::min);
            let elapsed = platform.now() - started;
            let settled = timings.len() >= 3
                && timings[timings.len() - 3..]
                    .iter()
                    .all(|&t| t <= best * 1.1);
            if (settled && elapsed >= min_s) || elapsed >= max_s {
                break best;
            }
        };
        done.send(python::set_ns_per_instruction(best));
    });
    wasm_bindgen_futures::future_to_promise(async move { Ok(JsValue::from_f64(measured.await)) })
}

/// Sets the address real downloads resolve against (the engine worker's own).
#[wasm_bindgen]
#[optimize(size)]
pub fn set_base_url(url: &str) {
    crate::engine::net::set_base(url);
}

/// The catalogue: examples with modes and parameter schemas (declared in their programs), and the time
/// scale's limits.
#[wasm_bindgen]
#[optimize(size)]
pub fn catalog() -> String {
    crate::examples::catalogue_json()
}

/// Every problem of an example request, as a JSON array of `{field, value, problem, allowed}` (empty when
/// valid).
#[wasm_bindgen]
#[optimize(size)]
pub fn validate(request: &str) -> String {
    let errors = crate::examples::request::parse(request)
        .err()
        .unwrap_or_default();
    to_json(&errors)
}

/// The predicted run record of an example request, as JSON.
#[wasm_bindgen]
#[optimize(size)]
pub fn predict(request: &str) -> Result<String, JsError> {
    python::predict_example(request)
        .map(|record| to_json(&record))
        .map_err(|e| JsError::new(&e))
}

/// [`predict`] made on an elastic worker, off the engine worker's event loop: a promise of the record.
#[wasm_bindgen]
pub fn predict_async(request: String) -> js_sys::Promise {
    python::off_the_loop(move || python::predict_example(&request).map(|r| Some(to_json(&r))))
}

/// A run record (JSON) as a Chrome trace (JSON) that Perfetto and `chrome://tracing` open.
#[wasm_bindgen]
#[optimize(size)]
pub fn chrome_trace(record: &str) -> Result<String, JsError> {
    let record: crate::trace::RunRecord = serde_json::from_str(record)
        .map_err(|e| JsError::new(&format!("not a run record: {e}")))?;
    Ok(to_json(&crate::trace::chrome_trace(&record)))
}

/// An example request's program, the Python that runs and its Rust translation: `{python, rust}` as
/// JSON (`rust` is null for a mode without one).
#[wasm_bindgen]
#[optimize(size)]
pub fn code(request: &str) -> Result<String, JsError> {
    let r = python::example_request(request).map_err(|e| JsError::new(&e))?;
    let empty = serde_json::Map::new();
    let given = r.params.as_object().unwrap_or(&empty);
    let source = r
        .example
        .source(&r.mode.id, given)
        .map_err(|e| JsError::new(&errors_message(&e)))?;
    Ok(to_json(&source))
}

/// Starts elastic thread workers until `needed` are idle (see `engine::threads`).
#[wasm_bindgen]
#[optimize(size)]
pub fn ensure_threads(needed: usize) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        threads::ensure(needed).await?;
        Ok(JsValue::UNDEFINED)
    })
}

/// Makes `n` process workers warm (a new instance each, its first threads up), so that the processes of
/// the run about to start don't wait for a worker to start; resolves when they are (5 s at most).
#[wasm_bindgen]
pub fn warm_process_workers(n: usize) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        crate::engine::link::warm(n.min(crate::runtime::MAX_PROCESSES)).await;
        Ok(JsValue::UNDEFINED)
    })
}

/// Ends the warm process workers (the engine does this when no run is starting).
#[wasm_bindgen]
pub fn end_warm_process_workers() {
    crate::engine::link::end_warm();
}

/// The body of an elastic thread worker: serves jobs forever.
#[wasm_bindgen]
#[optimize(size)]
pub fn thread_worker_main() {
    threads::worker_main();
}

/// Now on the shared clock (ms since the Unix epoch).
#[wasm_bindgen]
#[optimize(size)]
pub fn now_ms() -> f64 {
    clock::now_ms()
}

/// What the engine holds now: `{threadWorkers, idleThreadWorkers, processWorkers, warmProcessWorkers,
/// wasmMemoryBytes}` as JSON, for `threadlab.stats()` and the soak (a run's process workers end with it;
/// warm ones, not yet given a process, once no run is starting).
#[wasm_bindgen]
#[optimize(size)]
pub fn stats() -> String {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let bytes = memory
        .buffer()
        .unchecked_into::<js_sys::SharedArrayBuffer>()
        .byte_length();
    to_json(&serde_json::json!({
        "threadWorkers": threads::total(),
        "idleThreadWorkers": threads::idle(),
        "processWorkers": crate::engine::link::LIVE.load(std::sync::atomic::Ordering::SeqCst),
        "warmProcessWorkers": crate::engine::link::WARMING.load(std::sync::atomic::Ordering::SeqCst),
        "wasmMemoryBytes": bytes,
    }))
}

/// Sets the core count predictions assume (`navigator.hardwareConcurrency`) without calibrating: for a page
/// that has no thread pool to calibrate on.
#[wasm_bindgen]
#[optimize(size)]
pub fn set_cores(cores: usize) {
    python::set_cores(cores);
}

#[optimize(size)]
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("run data serialises")
}

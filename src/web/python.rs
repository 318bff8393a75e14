//! The `#[wasm_bindgen]` surface for programs given as Python source: check a program, predict it, and
//! run it for real (its threads on elastic workers, `runtime::real` over `engine::platform`).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use wasm_bindgen::prelude::*;

use super::to_json;
use crate::engine::completion;
use crate::engine::platform::WebPlatform;
use crate::examples::{self, request::ExampleRequest};
use crate::runtime::real::{self, Run};
use crate::runtime::virtual_time::{self, PredictOptions};
use crate::runtime::{request, Outcome};

/// The cores predictions assume (0: not set, the default of `RunOptions`).
static CORES: AtomicUsize = AtomicUsize::new(0);
/// The measured cost of a VM instruction, ns (as f64 bits; 0: not measured).
static NS_PER_INSTRUCTION: AtomicU64 = AtomicU64::new(0);

/// Sets the cores predictions assume.
#[optimize(size)]
pub(crate) fn set_cores(cores: usize) {
    CORES.store(cores.clamp(1, 64), Ordering::Relaxed);
}

/// Keeps `ns` if it is the best measurement so far; returns the best.
#[optimize(size)]
pub(crate) fn set_ns_per_instruction(ns: f64) -> f64 {
    let best = match f64::from_bits(NS_PER_INSTRUCTION.load(Ordering::Relaxed)) {
        known if known > 0.0 && known <= ns => known,
        _ if ns.is_finite() && ns > 0.0 => ns,
        known => known,
    };
    NS_PER_INSTRUCTION.store(best.to_bits(), Ordering::Relaxed);
    best
}

/// What predictions charge per instruction: the measurement, or the default before there is one.
#[optimize(size)]
fn ns_per_instruction() -> f64 {
    match f64::from_bits(NS_PER_INSTRUCTION.load(Ordering::Relaxed)) {
        ns if ns > 0.0 => ns,
        _ => PredictOptions::default().ns_per_instruction,
    }
}

/// The problems that keep `source` from running, as a JSON array of `{line, column, message}` (empty
/// when it compiles): syntax errors, and what the subset leaves out, with what it supports.
#[wasm_bindgen]
#[optimize(size)]
pub fn check(source: &str) -> String {
    let errors = match crate::python::compile(source, "<main>") {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    };
    to_json(
        &errors
            .iter()
            .map(|e| serde_json::json!({"line": e.line, "column": e.column, "message": e.message}))
            .collect::<Vec<_>>(),
    )
}

/// What the playground needs of a program as it is typed, as JSON `{errors, params}`: `errors` are the
/// problems that keep it from running as the page runs it (syntax errors, what the subset leaves out, and
/// malformed `# param` declarations or values outside their limits), `{line, column, message}` sorted by
/// position; `params` are its well-formed declared parameters, each with the schema of the catalogue's
/// (`name, label, type, default, min, max, maxLen, options, unit, help`; `default` is the value written in
/// the source now) and the `line` it is declared on.
#[wasm_bindgen]
#[optimize(size)]
pub fn program(source: &str) -> String {
    let (params, mut errors) = examples::params::declared_leniently(source);
    if errors.is_empty() {
        // It parses: the rest of the front end may still refuse it.
        if let Err(more) = crate::python::compile(source, "<main>") {
            errors = more;
        }
    }
    errors.sort_by_key(|e| (e.line, e.column));
    let params: Vec<_> = params
        .iter()
        .map(|p| {
            let mut json = serde_json::to_value(p).unwrap_or_default();
            json["line"] = p.span.line.into();
            json
        })
        .collect();
    let errors: Vec<_> = errors
        .iter()
        .map(|e| serde_json::json!({"line": e.line, "column": e.column, "message": e.message}))
        .collect();
    to_json(&serde_json::json!({"errors": errors, "params": params}))
}

/// `source` with parameter `name` set to `value` (JSON: a number, a list, a toggle, a string, or the
/// field's text), its literal rewritten in place; or an error naming the field, the value, the problem
/// and what is allowed.
#[wasm_bindgen]
#[optimize(size)]
pub fn set_param(source: &str, name: &str, value: &str) -> Result<String, JsError> {
    let value: serde_json::Value = serde_json::from_str(value)
        .map_err(|e| js(format!("set_param: the value is not JSON ({e})")))?;
    examples::params::set(source, name, &value).map_err(|e| js(e.to_string()))
}

/// Reads a source request, or says which field is wrong. (Its program is compiled once, by the runtime
/// that runs it.)
#[optimize(size)]
fn parse(request: &str) -> Result<request::SourceRequest, String> {
    let mut r = request::parse(request)?;
    apply_cores(&mut r);
    Ok(r)
}

/// A program that doesn't compile, refused with its first error: `line L, column C: message`.
#[optimize(size)]
fn refused(errors: &[crate::python::SyntaxError]) -> String {
    errors.first().map(ToString::to_string).unwrap_or_default()
}

/// A message as the `Error` JavaScript gets.
fn js(message: String) -> JsError {
    JsError::new(&message)
}

/// Runs `job` on an elastic worker, never on the engine worker's event loop (which must stay free to
/// answer polls and relay Stop), and resolves with its text (null for none) or rejects with its message.
pub(crate) fn off_the_loop(
    job: impl FnOnce() -> Result<Option<String>, String> + Send + 'static,
) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        crate::engine::threads::ensure(1).await?;
        let (done, result) = completion::channel();
        crate::engine::threads::spawn(move || done.send(job()));
        match result.await {
            Ok(Some(text)) => Ok(JsValue::from_str(&text)),
            Ok(None) => Ok(JsValue::NULL),
            Err(e) => Err(js(e).into()),
        }
    })
}

/// The prediction of a source request within `max_instructions` (0: the prediction's own cap), as JSON
/// `{record, threads, processes}`: `record` is null if it needs more (the caller then predicts it fully
/// once the real run is over, so the prediction never delays a run's start nor competes with it for the
/// cores); `threads` and `processes` count the lanes it started within the budget either way.
#[wasm_bindgen]
#[optimize(size)]
pub fn predict_source(request: &str, max_instructions: f64) -> Result<String, JsError> {
    predict_source_text(request, max_instructions).map_err(js)
}

/// [`predict_source`] made on an elastic worker: a promise of the same JSON.
#[wasm_bindgen]
pub fn predict_source_async(request: String, max_instructions: f64) -> js_sys::Promise {
    off_the_loop(move || predict_source_text(&request, max_instructions).map(Some))
}

fn predict_source_text(request: &str, max_instructions: f64) -> Result<String, String> {
    let r = parse(request)?;
    let capped = max_instructions.is_finite() && max_instructions > 0.0;
    let budget = if capped {
        max_instructions as u64
    } else {
        PredictOptions::default().max_instructions
    };
    let (record, over) = predict_within(&r, budget)?;
    // Threads and processes it started within the budget, even when it needs more: the engine readies
    // workers for them before the run.
    let count = |kinds: &[&str]| {
        record
            .lanes
            .iter()
            .filter(|l| kinds.contains(&l.kind.as_str()))
            .count()
    };
    Ok(to_json(&serde_json::json!({
        "record": if capped && over { None } else { Some(&record) },
        "threads": count(&["thread", "process"]),
        "processes": count(&["process"]),
    })))
}

/// The prediction of `r` as a run record, or `None` if it needs more than `max_instructions` and
/// `capped` says to give up then (rather than record the stop); refused if it doesn't compile.
#[optimize(size)]
pub(crate) fn predicted(
    r: &request::SourceRequest,
    max_instructions: u64,
    capped: bool,
) -> Result<Option<crate::trace::RunRecord>, String> {
    let (record, over) = predict_within(r, max_instructions)?;
    Ok((!(capped && over)).then_some(record))
}

/// The prediction of `r` within `max_instructions`, and whether it needed more; refused if it doesn't
/// compile.
fn predict_within(
    r: &request::SourceRequest,
    max_instructions: u64,
) -> Result<(crate::trace::RunRecord, bool), String> {
    let predict = PredictOptions {
        max_instructions,
        ns_per_instruction: ns_per_instruction(),
        ..PredictOptions::default()
    };
    let out = virtual_time::run_with(&r.source, &r.options, &predict);
    if !out.syntax_errors.is_empty() {
        return Err(refused(&out.syntax_errors));
    }
    let over = out
        .stopped
        .as_deref()
        .is_some_and(|s| s.contains("instructions"));
    Ok((
        out.record(r.options.time_scale, out.elapsed_s * 1000.0),
        over,
    ))
}

/// Starts a program for real. The caller has made a few workers idle (`ensure_threads`); threads the
/// program starts beyond them are asked for through [`PythonRun::next_thread_request`].
#[wasm_bindgen]
#[optimize(size)]
pub fn start_source(request: &str) -> Result<PythonRun, JsError> {
    let r = parse(request).map_err(js)?;
    let platform = Arc::new(WebPlatform::default());
    let wants = platform.wants.clone();
    let net = platform.clone();
    let run = real::start(&r.source, &r.options, platform.clone()).map_err(|e| js(refused(&e)))?;
    let run = Arc::new(run);
    let cursor = Arc::new(AtomicUsize::new(0));
    // The run's end is awaited on a worker of its own, so this worker's event loop stays free.
    let (done, outcome) = completion::channel::<Outcome>();
    let waiting = run.clone();
    crate::engine::threads::spawn(move || done.send(waiting.wait()));
    crate::engine::link::serve_processes(platform.processes.clone());
    let (closing, seen) = (wants.clone(), cursor.clone());
    let time_scale = r.options.time_scale;
    let promise = wasm_bindgen_futures::future_to_promise(async move {
        let outcome = outcome.await;
        closing.send(None);
        net.close();
        let from = seen.load(Ordering::SeqCst).min(outcome.events.len());
        let record = outcome.record(time_scale, f64::NAN);
        Ok(JsValue::from_str(&to_json(&serde_json::json!({
            "events": &outcome.events[from..],
            "record": record,
        }))))
    });
    Ok(PythonRun {
        run,
        cursor,
        wants,
        promise,
        time_scale,
        events: Mutex::new(Vec::new()),
        platform,
    })
}

/// A program running for real, as JavaScript holds it.
#[wasm_bindgen]
pub struct PythonRun {
    run: Arc<Run>,
    cursor: Arc<AtomicUsize>,
    wants: Arc<completion::Mailbox<usize>>,
    promise: js_sys::Promise,
    time_scale: f64,
    /// Reused between drains.
    events: Mutex<Vec<crate::trace::Event>>,
    /// Its real downloads.
    platform: Arc<WebPlatform>,
}

#[wasm_bindgen]
impl PythonRun {
    /// Resolves to `{events, record}` (JSON text) when the run has ended: the events not drained yet,
    /// then the run record.
    #[optimize(size)]
    pub fn promise(&self) -> js_sys::Promise {
        self.promise.clone()
    }

    /// `{t0, lanes, timeScale}` as JSON: the run's zero on the shared clock (ms since the Unix epoch);
    /// lanes come as the program makes them, in the events.
    #[optimize(size)]
    pub fn info(&self) -> String {
        to_json(&serde_json::json!({
            "t0": self.run.t0() * 1000.0,
            "lanes": [],
            "timeScale": self.time_scale,
        }))
    }

    /// The events recorded since the last call, as a JSON array.
    #[optimize(size)]
    pub fn drain(&self) -> String {
        let mut cursor = self.cursor.load(Ordering::SeqCst);
        let events = self.run.events_since(&mut cursor);
        self.cursor.store(cursor, Ordering::SeqCst);
        let mut buffer = self.events.lock().unwrap_or_else(|e| e.into_inner());
        *buffer = events;
        to_json(&*buffer)
    }

    /// Where every live thread is now, `[{lane, line}]` as JSON (the lane of the task running, for an
    /// asyncio thread), for marking the running lines in the program.
    #[optimize(size)]
    pub fn lines(&self) -> String {
        let lines: Vec<_> = self
            .run
            .current_lines()
            .into_iter()
            .map(|(lane, line)| serde_json::json!({"lane": lane, "line": line}))
            .collect();
        to_json(&lines)
    }

    /// Stops the run: every thread stops at its next check (within a thousand instructions) or wakes
    /// from its wait; the promise resolves with status `cancelled`.
    #[optimize(size)]
    pub fn cancel(&self) {
        self.run.stop();
        // Its downloads end with it: the engine worker aborts the requests still going.
        self.platform.close();
    }

    /// Resolves to the next real download to make (`network: "real"`), `{id, url, offset, len}` as JSON
    /// (an absolute http(s) address and a byte range), or to null once the run has ended or was stopped
    /// (then abort the requests still going). Answer each with [`PythonRun::fetch_done`].
    #[optimize(size)]
    pub fn next_fetch_request(&self) -> js_sys::Promise {
        let fetches = self.platform.fetches.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(match fetches.next().await {
                Some((id, url, offset, len)) => JsValue::from_str(&to_json(&serde_json::json!({
                    "id": id, "url": url, "offset": offset, "len": len,
                }))),
                None => JsValue::NULL,
            })
        })
    }

    /// The answer to download `id`: the bytes received, or (a non-empty `error`) why none came. Wakes
    /// the Python thread waiting for it.
    #[optimize(size)]
    pub fn fetch_done(&self, id: u32, bytes: f64, error: String) {
        let answer = if error.is_empty() {
            Ok(bytes.max(0.0) as u64)
        } else {
            Err(error)
        };
        self.platform.answer(id, answer);
    }

    /// Resolves to how many more elastic workers the run needs now, or to null once it has ended.
    #[optimize(size)]
    pub fn next_thread_request(&self) -> js_sys::Promise {
        let wants = self.wants.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(match wants.next().await {
                Some(n) => JsValue::from_f64(n as f64),
                None => JsValue::NULL,
            })
        })
    }
}

/// An example's mode as the program it runs: `{request, example, mode, params, timeScale}` as JSON, where
/// `request` is the source request (`{source, timeScale, gil, seed}`) to start, or the refusal naming
/// every bad field.
#[wasm_bindgen]
#[optimize(size)]
pub fn example_source(request: &str) -> Result<String, JsError> {
    let r = example_request(request).map_err(js)?;
    Ok(to_json(&serde_json::json!({
        "request": r.source_json(),
        "example": r.example.id,
        "mode": r.mode.id,
        "params": r.params,
        "timeScale": r.run.options.time_scale,
    })))
}

/// Reads an example request, or refuses it with every problem in one message.
#[optimize(size)]
pub(crate) fn example_request(request: &str) -> Result<ExampleRequest, String> {
    let mut r = examples::request::parse(request).map_err(|e| examples::errors_message(&e))?;
    apply_cores(&mut r.run);
    Ok(r)
}

/// The page's core count into a request's options.
#[optimize(size)]
fn apply_cores(r: &mut request::SourceRequest) {
    let cores = CORES.load(Ordering::Relaxed);
    if cores > 0 {
        r.options.cores = cores;
    }
}

/// The predicted run record of an example request (the whole prediction, up to its cap), with the
/// example, mode and parameters filled in.
#[optimize(size)]
pub(crate) fn predict_example(request: &str) -> Result<crate::trace::RunRecord, String> {
    let r = example_request(request)?;
    let mut record = predicted(&r.run, PredictOptions::default().max_instructions, false)?
        .ok_or("the prediction stopped")?;
    record.example = r.example.id.to_string();
    record.mode = r.mode.id.clone();
    record.params = r.params;
    Ok(record)
}

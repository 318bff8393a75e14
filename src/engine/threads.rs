//! Elastic threads: Web Workers that share the module's memory, each running jobs one at a time, as many
//! as a run needs. A Python thread that sleeps needs a worker of its own, whatever the core count, so the
//! rayon pool (one thread per core, never resized) can't host them; these workers can.
//!
//! A worker is started from JavaScript ([`ensure`]): a module worker, made from a small script as a blob
//! (as wasm-bindgen-rayon starts its own), imports this module's JS by its URL, instantiates the wasm on
//! the same module and memory, and calls [`worker_main`], which never returns. Before a run starts, the
//! engine makes as many workers idle as the run needs (`run::threads_needed`), so a run only ever spawns
//! jobs onto idle workers: no job waits for a thread.

use super::clock::global;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
export function spawnThreadWorker(mainJS, module, memory, name) {
  const source = `
    self.addEventListener('message', async ({ data }) => {
      globalThis.threadlabArena = data.arena;
      const pkg = await import(data.mainJS);
      await pkg.default({ module_or_path: data.module, memory: data.memory });
      postMessage('threadlab:thread-ready');
      pkg.thread_worker_main();
    }, { once: true });`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module', name });
  return new Promise((resolve, reject) => {
    worker.addEventListener('message', () => { URL.revokeObjectURL(url); resolve(worker); }, { once: true });
    worker.addEventListener('error', (e) => reject(new Error(`a thread worker failed to start: ${e.message}`)));
    // The arena of links to child processes (src/engine/link.rs) goes to every thread of the instance.
    worker.postMessage({ mainJS, module, memory, arena: globalThis.threadlabArena });
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = spawnThreadWorker)]
    fn spawn_thread_worker(
        main_js: &JsValue,
        module: &JsValue,
        memory: &JsValue,
        name: &str,
    ) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The URL of this module's generated JS, which a new worker imports.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MAIN_JS: js_sys::JsString;
}

thread_local! {
    /// The workers started from this thread, kept referenced so the browser never collects them.
    static WORKERS: RefCell<Vec<JsValue>> = const { RefCell::new(Vec::new()) };
}

/// Starts workers until `needed` are idle; resolves when they are, or after 2 s (a run then refuses to
/// start, saying how many threads it lacks).
pub async fn ensure(needed: usize) -> Result<(), JsValue> {
    // Signed: jobs already queued for want of a worker (a Python thread started while none was idle)
    // count as workers missing too.
    let missing = (needed as isize - IDLE.load(Ordering::SeqCst)).max(0) as usize;
    // Made before the first worker starts, so that every worker gets it.
    super::link::arena_ensure();
    let main_js: JsValue = MAIN_JS.with(|url| url.clone()).into();
    let (module, memory) = (wasm_bindgen::module(), wasm_bindgen::memory());
    let starting: Vec<js_sys::Promise> = (0..missing)
        .map(|i| {
            let name = format!("threadlab-thread-{}", total() + i + 1);
            spawn_thread_worker(&main_js, &module, &memory, &name)
        })
        .collect();
    for promise in starting {
        let worker = JsFuture::from(promise).await?;
        WORKERS.with(|w| w.borrow_mut().push(worker));
    }
    // A worker says it is ready just before it enters its job loop: wait until it is there.
    for _ in 0..2000 {
        if idle() >= needed {
            break;
        }
        let tick = js_sys::Promise::new(&mut |resolve, _| {
            global().set_timeout(&resolve, 1.0);
        });
        JsFuture::from(tick).await?;
    }
    Ok(())
}

type Job = Box<dyn FnOnce() + Send>;

static JOBS: Mutex<VecDeque<Job>> = Mutex::new(VecDeque::new());
static WAKE: Condvar = Condvar::new();
/// Signed: a spawn counts its worker busy before the worker, finishing its previous job, counts itself idle.
static IDLE: AtomicIsize = AtomicIsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

/// The body of every elastic worker: take a job, run it, forever.
pub fn worker_main() {
    TOTAL.fetch_add(1, Ordering::SeqCst);
    loop {
        let job = {
            let mut jobs = JOBS.lock().unwrap_or_else(|e| e.into_inner());
            IDLE.fetch_add(1, Ordering::SeqCst);
            loop {
                if let Some(job) = jobs.pop_front() {
                    break job;
                }
                jobs = WAKE.wait(jobs).unwrap_or_else(|e| e.into_inner());
            }
        };
        job();
    }
}

/// Runs `job` on an idle worker. The caller has made sure one is idle (see the module's docs).
pub fn spawn(job: impl FnOnce() + Send + 'static) {
    // Counted as busy from now, so two spawns in a row don't both count the same idle worker.
    IDLE.fetch_sub(1, Ordering::SeqCst);
    JOBS.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push_back(Box::new(job));
    WAKE.notify_one();
}

/// Workers to start so that every queued job has one and `spare` are idle besides.
pub fn shortfall(spare: usize) -> usize {
    (spare as isize - IDLE.load(Ordering::SeqCst)).max(0) as usize
}

/// Workers waiting for a job.
pub fn idle() -> usize {
    IDLE.load(Ordering::SeqCst).max(0) as usize
}

/// Workers started so far.
pub fn total() -> usize {
    TOTAL.load(Ordering::SeqCst)
}

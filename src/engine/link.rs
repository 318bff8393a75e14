//! Links between a run and its child processes in the browser, and the workers those processes run in.
//!
//! A child process runs in a module worker of its own with a new instance of this wasm module, so a
//! memory of its own ([`spawn_process_worker`], [`process_worker_main`]): it compiles the program again
//! and runs its target there, on elastic thread workers it starts itself. Memories of two instances can't
//! see each other; what they share is the **arena**, one `SharedArrayBuffer` outside any wasm memory,
//! made by the engine worker and handed to every worker it (or a process worker) starts. The arena holds
//! [`SLOTS`] links of two rings each ([`WebRing`], the [`Ring`]s of `runtime::link`): byte pipes guarded
//! by `Atomics`, which any thread of either instance can write and one thread reads, blocking with
//! `Atomics.wait` (never on a page's main thread: only workers touch them).

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::platform::WebPlatform;
use super::{completion, threads};
use crate::runtime::link::{decode_start, encode_up, Link, Ring, Up};
use crate::runtime::real;

/// Links at once (each child process of a run holds one until it ends; a run has at most 8).
pub const SLOTS: u32 = 16;

#[wasm_bindgen(inline_js = r#"
const SLOTS = 16, CAP = 1 << 17, RING = 16 + CAP;
const views = new Map();
function ring(slot, dir) {
  const key = slot * 2 + dir;
  let v = views.get(key);
  if (!v) {
    const arena = globalThis.threadlabArena;
    if (!arena) throw new Error('no link arena in this worker');
    const offset = key * RING;
    v = { h: new Int32Array(arena, offset, 4), d: new Uint8Array(arena, offset + 16, CAP) };
    views.set(key, v);
  }
  return v;
}
export function arenaEnsure() {
  if (!globalThis.threadlabArena && typeof SharedArrayBuffer === 'function') {
    globalThis.threadlabArena = new SharedArrayBuffer(SLOTS * 2 * RING);
  }
  return !!globalThis.threadlabArena;
}
export function arena() { return globalThis.threadlabArena; }
export function ringReset(slot) {
  for (const dir of [0, 1]) { const { h } = ring(slot, dir); Atomics.store(h, 1, 0); Atomics.store(h, 2, 0); Atomics.store(h, 3, 0); Atomics.store(h, 0, 0); }
}
export function ringClose(slot, dir) {
  const { h } = ring(slot, dir);
  Atomics.store(h, 3, 1);
  Atomics.notify(h, 1); Atomics.notify(h, 2);
}
// Header: [0] writers' lock, [1] bytes written, [2] bytes read (both wrapping), [3] closed.
export function ringWrite(slot, dir, bytes) {
  const { h, d } = ring(slot, dir);
  while (Atomics.compareExchange(h, 0, 0, 1) !== 0) Atomics.wait(h, 0, 1, 5);
  try {
    const frame = new Uint8Array(4 + bytes.length);
    new DataView(frame.buffer).setUint32(0, bytes.length, true);
    frame.set(bytes, 4);
    let done = 0;
    while (done < frame.length) {
      if (Atomics.load(h, 3)) return false;
      const w = Atomics.load(h, 1), r = Atomics.load(h, 2);
      const space = CAP - ((w - r) >>> 0);
      if (space === 0) { Atomics.wait(h, 2, r, 50); continue; }
      const at = w & (CAP - 1);
      const n = Math.min(space, frame.length - done, CAP - at);
      d.set(frame.subarray(done, done + n), at);
      done += n;
      Atomics.store(h, 1, (w + n) | 0);
      Atomics.notify(h, 1);
    }
    return true;
  } finally {
    Atomics.store(h, 0, 0);
    Atomics.notify(h, 0, 1);
  }
}
function take(h, d, out, deadline) {
  let done = 0;
  while (done < out.length) {
    const w = Atomics.load(h, 1), r = Atomics.load(h, 2);
    const have = (w - r) >>> 0;
    if (have === 0) {
      if (Atomics.load(h, 3)) return false;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(h, 1, w, Math.min(left, 50));
      continue;
    }
    const at = r & (CAP - 1);
    const n = Math.min(have, out.length - done, CAP - at);
    out.set(d.subarray(at, at + n), done);
    done += n;
    Atomics.store(h, 2, (r + n) | 0);
    Atomics.notify(h, 2);
  }
  return true;
}
export function ringRead(slot, dir, timeoutMs) {
  const { h, d } = ring(slot, dir);
  const head = new Uint8Array(4);
  if (!take(h, d, head, performance.now() + timeoutMs)) return undefined;
  const body = new Uint8Array(new DataView(head.buffer).getUint32(0, true));
  // The writer holds its lock until the whole message is in: the rest comes (or the ring closes).
  return take(h, d, body, Infinity) ? body : undefined;
}
// A process worker starts in two steps: it instantiates the module (a memory of its own) and starts its
// first thread workers, then waits, warm, for the process to run; `startProcess` hands it one.
export function spawnProcessWorker(mainJS, module, name) {
  const source = `
    let pkg = null, waiting = null;
    const run = (d) => pkg.process_worker_main(d.slot, d.start);
    self.addEventListener('message', async ({ data }) => {
      if (data.mainJS) {
        globalThis.threadlabArena = data.arena;
        const loaded = await import(data.mainJS);
        await loaded.default({ module_or_path: data.module });
        await loaded.process_worker_ready();
        pkg = loaded;
        postMessage('threadlab:process-ready');
        if (waiting) run(waiting);
      } else if (pkg) run(data);
      else waiting = data;
    });`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module', name });
  worker.ready = new Promise((resolve) => {
    worker.addEventListener('message', () => { URL.revokeObjectURL(url); resolve(true); }, { once: true });
    worker.addEventListener('error', () => resolve(false), { once: true });
    setTimeout(() => resolve(false), 5000);
  });
  worker.addEventListener('error', (e) => {
    console.error(`process worker ${name}: ${e.message}`);
    // A process that could not start: its parent hears that it exited with code 1.
    if (worker.slot != null) try { ringWrite(worker.slot, 0, new Uint8Array([18, 2])); } catch {}
  });
  worker.postMessage({ mainJS, module, arena: globalThis.threadlabArena });
  return worker;
}
export function startProcess(worker, slot, start) {
  worker.slot = slot;
  // A copy: start is a view of this instance's memory, which the child can't see.
  worker.postMessage({ slot, start: start.slice() });
}
export function workerReady(worker) { return worker.ready; }
"#)]
extern "C" {
    /// Makes this worker's arena if it has none (the engine worker at start; a process worker gets its
    /// parent's). False where shared memory can't be made.
    #[wasm_bindgen(js_name = arenaEnsure)]
    pub fn arena_ensure() -> bool;
    /// This worker's arena (`undefined` if none), handed to the workers it starts.
    pub fn arena() -> JsValue;
    #[wasm_bindgen(js_name = ringReset)]
    fn ring_reset(slot: u32);
    #[wasm_bindgen(js_name = ringClose)]
    fn ring_close(slot: u32, dir: u32);
    #[wasm_bindgen(js_name = ringWrite)]
    fn ring_write(slot: u32, dir: u32, bytes: &[u8]) -> bool;
    #[wasm_bindgen(js_name = ringRead)]
    fn ring_read(slot: u32, dir: u32, timeout_ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = spawnProcessWorker)]
    fn spawn_process_worker_js(main_js: &JsValue, module: &JsValue, name: &str) -> web_sys::Worker;
    #[wasm_bindgen(js_name = startProcess)]
    fn start_process_js(worker: &web_sys::Worker, slot: u32, start: &[u8]);
    #[wasm_bindgen(js_name = workerReady)]
    fn worker_ready(worker: &web_sys::Worker) -> js_sys::Promise;
}

/// One direction of link `slot` in the arena: 0 up (child to parent), 1 down.
pub struct WebRing {
    slot: u32,
    dir: u32,
}

impl Ring for WebRing {
    fn write(&self, message: &[u8]) -> bool {
        ring_write(self.slot, self.dir, message)
    }

    fn read(&self, timeout_s: f64) -> Option<Vec<u8>> {
        let got = ring_read(self.slot, self.dir, timeout_s * 1000.0);
        got.dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec())
    }

    fn close(&self) {
        ring_close(self.slot, self.dir);
    }
}

/// Link `slot`'s two rings.
pub fn link(slot: u32) -> Link {
    Link {
        up: Arc::new(WebRing { slot, dir: 0 }),
        down: Arc::new(WebRing { slot, dir: 1 }),
    }
}

static USED: Mutex<u32> = Mutex::new(0);

/// A free slot, its rings emptied; `Err` when every slot is taken.
pub fn open() -> Result<(u32, Link), String> {
    let mut used = USED.lock().unwrap_or_else(|e| e.into_inner());
    let slot = (0..SLOTS)
        .find(|s| *used & (1 << s) == 0)
        .ok_or("too many processes at once")?;
    ring_reset(slot);
    *used |= 1 << slot;
    Ok((slot, link(slot)))
}

/// Slot `slot` is free again.
pub fn close(slot: u32) {
    *USED.lock().unwrap_or_else(|e| e.into_inner()) &= !(1 << slot);
}

#[wasm_bindgen]
extern "C" {
    /// The URL of this module's generated JS, which a process worker imports.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MAIN_JS: js_sys::JsString;
}

/// Process workers running a process of a run now (`threadlab.stats().processWorkers`).
pub static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Process workers started and not (yet) given a process: warm or warming
/// (`threadlab.stats().warmProcessWorkers`).
pub static WARMING: AtomicUsize = AtomicUsize::new(0);

/// Starts a run's child processes as it asks (`WebPlatform::processes`), each in a worker of its own, and
/// ends those workers (and their nested thread workers) when the run closes the mailbox. Call on the
/// engine worker.
pub fn serve_processes(processes: Arc<completion::Mailbox<(u32, Vec<u8>)>>) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut workers = Vec::new();
        while let Some((slot, start)) = processes.next().await {
            workers.push(spawn_process_worker(slot, &start));
        }
        for worker in workers {
            worker.terminate();
            LIVE.fetch_sub(1, Ordering::SeqCst);
        }
    });
}

/// Ends the warm process workers: the engine does this when no run is starting (they were warmed for
/// runs that have started, ended or were stopped before they started).
pub fn end_warm() {
    for worker in WARM.with(|w| std::mem::take(&mut *w.borrow_mut())) {
        worker.terminate();
        WARMING.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    /// Process workers started and not yet given a process (on the engine worker).
    static WARM: RefCell<Vec<web_sys::Worker>> = const { RefCell::new(Vec::new()) };
    /// How many have been started (for their names).
    static STARTED: Cell<usize> = const { Cell::new(0) };
}

/// A new process worker, warming up (on the engine worker, whose event loop is free: a worker can only be
/// started there), with a new instance of this module.
fn new_process_worker() -> web_sys::Worker {
    let main_js: JsValue = MAIN_JS.with(|url| url.clone()).into();
    let n = STARTED.with(|s| {
        s.set(s.get() + 1);
        s.get()
    });
    WARMING.fetch_add(1, Ordering::SeqCst);
    spawn_process_worker_js(
        &main_js,
        &wasm_bindgen::module(),
        &format!("threadlab-process-{n}"),
    )
}

/// Makes `n` process workers warm (their instance made, their first threads up), so a run's processes
/// start in about the time CPython's spawn takes rather than a worker's start-up: the engine does this
/// before a run whose prediction starts processes, as it starts thread workers. Waits 5 s at most.
pub async fn warm(n: usize) {
    let missing = n.saturating_sub(WARM.with(|w| w.borrow().len()));
    let fresh: Vec<web_sys::Worker> = (0..missing).map(|_| new_process_worker()).collect();
    for worker in &fresh {
        let _ = wasm_bindgen_futures::JsFuture::from(worker_ready(worker)).await;
    }
    WARM.with(|w| w.borrow_mut().extend(fresh));
}

/// Runs a child process in a process worker (a warm one if there is one): `start` is its
/// `ChildStart`'s bytes, `slot` its link.
pub fn spawn_process_worker(slot: u32, start: &[u8]) -> web_sys::Worker {
    let worker = WARM
        .with(|w| w.borrow_mut().pop())
        .unwrap_or_else(new_process_worker);
    WARMING.fetch_sub(1, Ordering::SeqCst);
    LIVE.fetch_add(1, Ordering::SeqCst);
    start_process_js(&worker, slot, start);
    worker
}

/// A process worker warming up: its first thread workers (its main thread, the reader of its link and
/// the thread that waits for its end; more as its program asks).
#[wasm_bindgen]
pub async fn process_worker_ready() -> Result<(), JsValue> {
    threads::ensure(3).await
}

/// The body of a process worker once warm, in its new instance: starts the child process of `start`
/// (bytes of a `ChildStart`) on link `slot` and serves it more thread workers until it has ended.
#[wasm_bindgen]
pub async fn process_worker_main(slot: u32, start: Vec<u8>) -> Result<(), JsValue> {
    let link = link(slot);
    let Ok(start) = decode_start(&start) else {
        link.up.write(&encode_up(&Up::Exited(1)));
        return Ok(());
    };
    let platform = Arc::new(WebPlatform::default());
    let Some(child) = real::start_child(start, platform.clone(), link) else {
        return Ok(());
    };
    let (done, ended) = completion::channel::<i32>();
    let wants = platform.wants.clone();
    threads::spawn(move || {
        done.send(child.wait());
        wants.send(None);
    });
    while let Some(more) = platform.wants.next().await {
        threads::ensure(more).await?;
    }
    ended.await;
    Ok(())
}

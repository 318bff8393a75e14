//! wasm-bindgen tests in headless Chromium, inside a dedicated worker as the page's engine runs: the shared
//! clock, the asyncio path, the blocking path on elastic threads, cancellation, and the Python core's front
//! end and prediction compiled to wasm.
#![cfg(target_arch = "wasm32")]

use serde_json::json;
use std::cell::Cell;
use threadlab::engine::{clock, run::Run};
use threadlab::scenario::{self, RunRequest};
use threadlab::trace::{RunRecord, SpanKind, Status};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

thread_local! {
    static POOL: Cell<bool> = const { Cell::new(false) };
}

/// The rayon pool starts once per wasm instance, as the page's engine worker starts it; the elastic
/// threads the runs need start as the page starts them.
async fn pool() {
    if !POOL.get() {
        JsFuture::from(threadlab::web::init_thread_pool(2))
            .await
            .expect("the thread pool starts");
        POOL.set(true);
    }
    JsFuture::from(threadlab::web::ensure_threads(3))
        .await
        .expect("elastic threads start");
}

async fn run(request: serde_json::Value) -> RunRecord {
    let request = RunRequest::from_value(&request).expect("a valid request");
    let (_run, record) = Run::start(request, clock::now_ms());
    record.await
}

fn texts(r: &RunRecord) -> Vec<&str> {
    r.output.iter().map(|l| l.text.as_str()).collect()
}

#[wasm_bindgen_test]
fn the_clock_is_wall_time_in_ms_and_never_goes_back() {
    let a = clock::now_ms();
    let date = js_sys::Date::now();
    let b = clock::now_ms();
    assert!(b >= a);
    // timeOrigin + now() and Date.now() count from the same epoch; they agree to within a few ms.
    assert!(
        (a - date).abs() < 50.0,
        "clock {a} against Date.now() {date}"
    );
}

#[wasm_bindgen_test]
async fn gathered_coroutines_overlap_on_one_threads_event_loop() {
    pool().await;
    let r = run(json!({"example": "orders", "mode": "asyncio", "timeScale": 0.05})).await;
    assert_eq!(r.status, Status::Completed);
    assert_eq!(
        texts(&r),
        [
            "ordered coffee",
            "ordered food",
            "ordered cake",
            "received coffee",
            "received cake",
            "received food"
        ]
    );
    assert!(
        (r.wall_ms - 250.0).abs() < 40.0,
        "250 ms predicted, {} measured",
        r.wall_ms
    );
}

#[wasm_bindgen_test]
async fn sequential_calls_block_a_worker_thread_on_the_same_clock() {
    pool().await;
    let before = clock::now_ms();
    let r = run(json!({"example": "orders", "mode": "sequential", "timeScale": 0.05})).await;
    assert_eq!(r.status, Status::Completed);
    assert_eq!(texts(&r)[..2], ["ordered coffee", "received coffee"]);
    assert!(
        (r.wall_ms - 450.0).abs() < 50.0,
        "450 ms predicted, {} measured",
        r.wall_ms
    );
    // Another worker stamped these; on a per-worker clock they would be off by the workers' start gap.
    let first = r.output[0].at_ms;
    assert!(
        (0.0..50.0).contains(&first),
        "first line at {first} ms from the start"
    );
    assert!(clock::now_ms() - before >= r.wall_ms);
}

#[wasm_bindgen_test]
async fn a_thread_pool_bounds_parallelism_and_futures_return_or_reraise() {
    pool().await;
    let request = RunRequest::from_value(
        &json!({"example": "cpu-vs-io", "mode": "threads", "timeScale": 0.05}),
    )
    .unwrap();
    let (_run, record) = Run::start_program(request, scenario::pool_demo(2, true), clock::now_ms());
    let r = record.await;
    assert_eq!(r.status, Status::Completed);
    // Never more than max_workers=2 at once, on a rayon pool built for the run.
    let sleeps: Vec<_> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Sleep)
        .collect();
    assert_eq!(sleeps.len(), 5);
    for s in &sleeps {
        let at_once = sleeps
            .iter()
            .filter(|o| o.start_ms <= s.start_ms + 1.0 && s.start_ms + 1.0 < o.end_ms)
            .count();
        assert!(at_once <= 2, "{at_once} tasks at once at {} ms", s.start_ms);
    }
    // shutdown(wait=True) waited for all; results in input order; the failure re-raised by result().
    assert_eq!(
        texts(&r),
        [
            "after shutdown",
            "job1: result() = 1",
            "job2: result() = 2",
            "job3: result() raised RuntimeError: job3 failed",
            "job4: result() = 4",
            "job5: result() = 5"
        ]
    );
    assert!(
        (r.wall_ms - 200.0).abs() < 40.0,
        "200 ms predicted, {} measured",
        r.wall_ms
    );
}

#[wasm_bindgen_test]
async fn cancel_wakes_sleeping_threads_and_timers_at_once() {
    pool().await;
    for mode in ["sequential", "asyncio"] {
        let request = RunRequest::from_value(&json!({"example": "orders", "mode": mode})).unwrap();
        let (run, record) = Run::start(request, clock::now_ms());
        let wait = js_sys::Promise::new(&mut |resolve, _| {
            clock::global().set_timeout(&resolve, 100.0);
        });
        JsFuture::from(wait).await.unwrap();
        run.cancel();
        let r = record.await;
        assert_eq!(r.status, Status::Cancelled, "{mode}");
        assert!(
            r.wall_ms < 300.0,
            "{mode}: cancelled after {} ms of a 9 s run",
            r.wall_ms
        );
        // Nothing after the cut: asyncio had placed all three orders, sequential only the first.
        let expected: &[&str] = match mode {
            "asyncio" => &["ordered coffee", "ordered food", "ordered cake"],
            _ => &["ordered coffee"],
        };
        assert_eq!(texts(&r), expected, "{mode}");
    }
}

/// The Python core in wasm: the front end refuses what it must with a line and column, and the prediction
/// runs a program with threads, a lock and a queue to the output CPython prints (recorded with python3).
#[wasm_bindgen_test]
fn the_python_prediction_runs_in_wasm() {
    use threadlab::runtime::{virtual_time, RunOptions};
    let errors = threadlab::python::compile("import numpy\n", "<main>").unwrap_err();
    // The column is the module name's.
    assert_eq!((errors[0].line, errors[0].column), (1, 8));
    assert!(errors[0].message.contains("threading"), "{}", errors[0]);

    let source = "import threading, queue, time\n\
                  q = queue.Queue()\n\
                  lock = threading.Lock()\n\
                  total = 0\n\
                  def worker(n):\n\
                  \x20   global total\n\
                  \x20   time.sleep(0.1 * n)\n\
                  \x20   with lock:\n\
                  \x20       total += n\n\
                  \x20   q.put(f'worker {n} done')\n\
                  threads = [threading.Thread(target=worker, args=(i,)) for i in range(1, 4)]\n\
                  for t in threads:\n\
                  \x20   t.start()\n\
                  for t in threads:\n\
                  \x20   t.join()\n\
                  while not q.empty():\n\
                  \x20   print(q.get())\n\
                  print('total', total)\n";
    let outcome = virtual_time::run(source, &RunOptions::default());
    assert_eq!(
        outcome.stdout,
        "worker 1 done\nworker 2 done\nworker 3 done\ntotal 6\n"
    );
    assert!(outcome.exception.is_none());
    assert!(
        (outcome.elapsed_s - 0.3).abs() < 0.01,
        "{}",
        outcome.elapsed_s
    );
}

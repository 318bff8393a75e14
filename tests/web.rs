//! wasm-bindgen tests in headless Chromium, inside a dedicated worker as the page's engine runs: the shared
//! clock, the asyncio path, the blocking path on elastic threads, and cancellation.
#![cfg(target_arch = "wasm32")]

use serde_json::json;
use std::cell::Cell;
use threadlab::engine::{clock, run::Run};
use threadlab::scenario::RunRequest;
use threadlab::trace::{RunRecord, Status};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

thread_local! {
    static POOL: Cell<bool> = const { Cell::new(false) };
}

/// The rayon pool starts once per wasm instance, as the page's engine worker starts it. The test runner
/// serves no `thread-worker.js`, so three of its threads are lent to the engine as elastic threads: they
/// run the same `worker_main` the page's thread workers run.
async fn pool() {
    if !POOL.get() {
        JsFuture::from(threadlab::web::init_thread_pool(5))
            .await
            .expect("the thread pool starts");
        for _ in 0..3 {
            rayon::spawn(threadlab::engine::threads::worker_main);
        }
        while threadlab::engine::threads::idle() < 3 {
            let tick = js_sys::Promise::new(&mut |resolve, _| {
                clock::global().set_timeout(&resolve, 5.0);
            });
            JsFuture::from(tick).await.unwrap();
        }
        POOL.set(true);
    }
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

//! wasm-bindgen tests in headless Chromium, inside a dedicated worker as the page's engine runs: the shared
//! clock, and the Python core's runtimes compiled to wasm — the real one on elastic workers (threads,
//! the GIL, asyncio, processes, Stop) and the prediction.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::sync::Arc;
use threadlab::engine::platform::WebPlatform;
use threadlab::engine::{clock, completion, threads};
use threadlab::runtime::{real, virtual_time, Outcome, RunOptions};
use threadlab::trace::{RunRecord, SpanKind, Status};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

thread_local! {
    static POOL: Cell<bool> = const { Cell::new(false) };
}

/// The rayon pool starts once per wasm instance, as the page's engine worker starts it; the elastic
/// threads the runs need start as the page starts them.
async fn pool(threads: usize) {
    if !POOL.get() {
        JsFuture::from(threadlab::web::init_thread_pool(2))
            .await
            .expect("the thread pool starts");
        POOL.set(true);
    }
    JsFuture::from(threadlab::web::ensure_threads(threads))
        .await
        .expect("elastic threads start");
}

/// Runs `source` for real on elastic workers, as the page does; `stop_after_ms` stops it.
async fn run_real(source: &str, opts: RunOptions, stop_after_ms: Option<f64>) -> (Outcome, f64) {
    pool(8).await;
    let platform = Arc::new(WebPlatform::default());
    threadlab::engine::link::serve_processes(platform.processes.clone());
    let run = Arc::new(real::start(source, &opts, platform.clone()).expect("the program compiles"));
    let (done, outcome) = completion::channel::<Outcome>();
    let waiting = run.clone();
    threads::spawn(move || {
        done.send(waiting.wait());
        // Its process workers end with it.
        platform.close();
    });
    let mut stopped_at = f64::NAN;
    if let Some(ms) = stop_after_ms {
        sleep_ms(ms).await;
        stopped_at = clock::now_ms();
        run.stop();
    }
    let outcome = outcome.await;
    (outcome, clock::now_ms() - stopped_at)
}

async fn sleep_ms(ms: f64) {
    let tick = js_sys::Promise::new(&mut |resolve, _| {
        clock::global().set_timeout(&resolve, ms);
    });
    JsFuture::from(tick).await.expect("a timer fires");
}

fn record(out: &Outcome) -> RunRecord {
    out.record(1.0, f64::NAN)
}

fn lane_spans<'a>(r: &'a RunRecord, name: &str, kind: SpanKind) -> Vec<&'a threadlab::trace::Span> {
    let id = r
        .lanes
        .iter()
        .find(|l| l.name == name)
        .map(|l| l.id.clone())
        .unwrap_or_default();
    r.spans
        .iter()
        .filter(|s| s.lane == id && s.kind == kind)
        .collect()
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
async fn threads_sleep_at_once_on_workers_and_their_spans_carry_their_lines() {
    let source = "import threading, time\n\
                  def worker(n):\n\
                  \x20   time.sleep(0.1 * n)\n\
                  \x20   print('done', n)\n\
                  ts = [threading.Thread(target=worker, args=(n,)) for n in (1, 2, 3)]\n\
                  for t in ts:\n\
                  \x20   t.start()\n\
                  for t in ts:\n\
                  \x20   t.join()\n";
    let (out, _) = run_real(source, RunOptions::default(), None).await;
    assert_eq!(out.stdout, "done 1\ndone 2\ndone 3\n");
    assert!((0.29..0.45).contains(&out.elapsed_s), "{}", out.elapsed_s);
    let r = record(&out);
    assert_eq!(r.status, Status::Completed);
    let sleep = lane_spans(&r, "Thread-3 (worker)", SpanKind::Sleep);
    assert_eq!(sleep[0].line, Some(3));
    assert_eq!(sleep[0].label, "time.sleep(0.1 * n)");
}

#[wasm_bindgen_test]
async fn under_the_gil_one_thread_runs_python_at_a_time_and_without_it_two_do() {
    let source = "import threading\n\
                  def count(n):\n\
                  \x20   while n > 0:\n\
                  \x20       n -= 1\n\
                  ts = [threading.Thread(target=count, args=(300000,)) for _ in range(2)]\n\
                  for t in ts:\n\
                  \x20   t.start()\n\
                  for t in ts:\n\
                  \x20   t.join()\n";
    let overlap = |r: &RunRecord| {
        let a = lane_spans(r, "Thread-1 (count)", SpanKind::Compute);
        let b = lane_spans(r, "Thread-2 (count)", SpanKind::Compute);
        a.iter()
            .flat_map(|x| {
                b.iter()
                    .map(move |y| (x.end_ms.min(y.end_ms) - x.start_ms.max(y.start_ms)).max(0.0))
            })
            .sum::<f64>()
    };
    let (gil, _) = run_real(source, RunOptions::default(), None).await;
    let r = record(&gil);
    assert!(
        overlap(&r) < 1.0,
        "running spans overlap under the GIL: {} ms",
        overlap(&r)
    );
    assert!(r.lanes.iter().any(|l| l.kind == "gil"));
    let free = RunOptions {
        gil: false,
        ..RunOptions::default()
    };
    let (out, _) = run_real(source, free, None).await;
    let r = record(&out);
    assert!(
        overlap(&r) > 0.3 * out.elapsed_s * 1000.0,
        "free-threaded runs overlap: {} of {} ms",
        overlap(&r),
        out.elapsed_s * 1000.0
    );
}

#[wasm_bindgen_test]
async fn asyncio_tasks_overlap_their_waits_on_one_thread() {
    let source = "import asyncio\n\
                  async def order(item, s):\n\
                  \x20   print('ordered', item)\n\
                  \x20   await asyncio.sleep(s)\n\
                  \x20   print('received', item)\n\
                  async def main():\n\
                  \x20   await asyncio.gather(order('coffee', 0.1), order('food', 0.3), order('cake', 0.2))\n\
                  asyncio.run(main())\n";
    let (out, _) = run_real(source, RunOptions::default(), None).await;
    assert_eq!(
        out.stdout,
        "ordered coffee\nordered food\nordered cake\nreceived coffee\nreceived cake\nreceived food\n"
    );
    let r = record(&out);
    // The three waits overlap (the whole run also includes importing asyncio, slow in a debug build).
    let sleeps: Vec<_> = ["Task-2", "Task-3", "Task-4"]
        .iter()
        .map(|task| lane_spans(&r, task, SpanKind::Sleep)[0])
        .collect();
    assert_eq!(sleeps[1].line, Some(4), "{:?}", r.spans);
    for (sleep, ms) in sleeps.iter().zip([100.0, 300.0, 200.0]) {
        assert!(
            (sleep.end_ms - sleep.start_ms - ms).abs() < 40.0,
            "{sleep:?}"
        );
        assert!(
            (sleep.start_ms - sleeps[0].start_ms).abs() < 20.0,
            "{sleep:?}"
        );
    }
    assert!(r
        .lanes
        .iter()
        .filter(|l| l.kind == "task")
        .all(|l| l.thread == "MainThread"));
}

#[wasm_bindgen_test]
async fn a_process_gets_a_copy_of_the_globals_and_hands_results_back() {
    let source = "import multiprocessing\n\
                  results = []\n\
                  def square(numbers, q):\n\
                  \x20   for n in numbers:\n\
                  \x20       results.append(n * n)\n\
                  \x20       q.put(n * n)\n\
                  if __name__ == '__main__':\n\
                  \x20   q = multiprocessing.Queue()\n\
                  \x20   p = multiprocessing.Process(target=square, args=([2, 3], q))\n\
                  \x20   p.start()\n\
                  \x20   p.join()\n\
                  \x20   print(results, q.get(), q.get(), p.exitcode)\n";
    let (out, _) = run_real(source, RunOptions::default(), None).await;
    assert_eq!(out.stdout, "[] 4 9 0\n", "{}", out.stderr);
}

#[wasm_bindgen_test]
async fn stop_ends_sleeps_loops_and_deadlocks_at_once() {
    let source = "import threading, time\n\
                  def spin():\n\
                  \x20   while True:\n\
                  \x20       pass\n\
                  threading.Thread(target=spin, daemon=True).start()\n\
                  threading.Thread(target=time.sleep, args=(60,)).start()\n\
                  lock = threading.Lock()\n\
                  lock.acquire()\n\
                  lock.acquire()\n";
    let (out, after_stop) = run_real(source, RunOptions::default(), Some(200.0)).await;
    assert_eq!(out.stopped.as_deref(), Some(real::STOPPED));
    assert!(after_stop < 100.0, "{after_stop} ms from stop to the end");
    assert_eq!(record(&out).status, Status::Cancelled);
}

/// The Python core in wasm: the front end refuses what it must with a line and column, and the prediction
/// runs a program with threads, a lock and a queue to the output CPython prints (recorded with python3).
#[wasm_bindgen_test]
fn the_python_prediction_runs_in_wasm() {
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

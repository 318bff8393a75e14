//! The two runtimes on real programs: the prediction (virtual time) and the native run (real threads)
//! agree on output and timing, detect deadlocks, respect the GIL, and always end.

// The native runtime (real threads) exists only off wasm.
#![cfg(not(target_arch = "wasm32"))]

use threadlab::runtime::timeline::{render_text, LaneKind, SpanKind, Timeline};
use threadlab::runtime::virtual_time::{self, PredictOptions};
use threadlab::runtime::{native, Outcome, RunOptions, PROCESS_START_S};
use threadlab::vm::host::WaitKind;

fn opts() -> RunOptions {
    RunOptions::default()
}

/// Native runs measure real time (and some tests time the prediction): one run at a time, so the tests
/// of this file don't slow each other down.
static REAL_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    REAL_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn predict(source: &str, opts: &RunOptions) -> Outcome {
    let _alone = one_at_a_time();
    let out = virtual_time::run(source, opts);
    assert!(out.syntax_errors.is_empty(), "{:?}", out.syntax_errors);
    out
}

fn real(source: &str, opts: &RunOptions) -> Outcome {
    let _alone = one_at_a_time();
    let out = native::run(source, opts);
    assert!(out.syntax_errors.is_empty(), "{:?}", out.syntax_errors);
    out
}

/// The outcome as a failure message: output, errors and the timeline drawn as text.
fn show(out: &Outcome) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}\nexception: {:?}\nthread exceptions: {:?}\nstopped: {:?}\nelapsed: {:.4} s\n{}",
        out.stdout,
        out.stderr,
        out.exception,
        out.thread_exceptions,
        out.stopped,
        out.elapsed_s,
        render_text(&out.timeline, 72)
    )
}

fn clean(out: &Outcome) {
    assert!(
        out.exception.is_none() && out.thread_exceptions.is_empty() && out.stopped.is_none(),
        "{}",
        show(out)
    );
}

/// Native timing is real: within 15% and 50 ms of the expected time.
fn near_real(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= expected * 0.15 + 0.05
}

fn spans(t: &Timeline, lane: &str, kind: SpanKind) -> Vec<(f64, f64, u32)> {
    t.lane(lane)
        .map(|l| {
            l.spans
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| (s.start_s, s.end_s, s.line))
                .collect()
        })
        .unwrap_or_default()
}

const TWO_SLEEPERS: &str = "\
import threading
import time

def worker(n):
    time.sleep(n)
    print('done', n)

t1 = threading.Thread(target=worker, args=(0.1,))
t2 = threading.Thread(target=worker, args=(0.2,))
t1.start()
t2.start()
t1.join()
t2.join()
print('all done')
";

#[test]
fn two_sleeping_threads_end_with_the_longer_sleep() {
    let p = predict(TWO_SLEEPERS, &opts());
    clean(&p);
    assert_eq!(p.stdout, "done 0.1\ndone 0.2\nall done\n", "{}", show(&p));
    assert!((p.elapsed_s - 0.2).abs() <= 0.001, "{}", show(&p));
    let sleeps = spans(&p.timeline, "Thread-1 (worker)", SpanKind::Sleep);
    assert_eq!(sleeps.len(), 1, "{}", show(&p));
    assert_eq!(sleeps[0].2, 5, "the sleep's line");
    let joins = spans(&p.timeline, "MainThread", SpanKind::Wait(WaitKind::Join));
    assert!(joins.iter().any(|j| j.2 == 12), "{}", show(&p));

    let r = real(TWO_SLEEPERS, &opts());
    clean(&r);
    assert_eq!(r.stdout, p.stdout);
    assert!(near_real(r.elapsed_s, 0.2), "{}", show(&r));
    assert!(
        r.timeline.lane("Thread-2 (worker)").is_some(),
        "{}",
        show(&r)
    );
}

const LOCK_HANDOVER: &str = "\
import threading
import time

lock = threading.Lock()

def worker():
    with lock:
        print('worker has the lock')

lock.acquire()
t = threading.Thread(target=worker)
t.start()
time.sleep(0.05)
print('main releases')
lock.release()
t.join()
";

#[test]
fn a_lock_is_handed_between_threads() {
    for (out, predicted) in [
        (predict(LOCK_HANDOVER, &opts()), true),
        (real(LOCK_HANDOVER, &opts()), false),
    ] {
        clean(&out);
        assert_eq!(
            out.stdout,
            "main releases\nworker has the lock\n",
            "{}",
            show(&out)
        );
        let waits = spans(
            &out.timeline,
            "Thread-1 (worker)",
            SpanKind::Wait(WaitKind::Lock),
        );
        assert_eq!(waits.len(), 1, "{}", show(&out));
        assert_eq!(waits[0].2, 7);
        let expected = 0.05;
        if predicted {
            assert!((waits[0].1 - expected).abs() < 0.001, "{}", show(&out));
        } else {
            assert!(near_real(waits[0].1, expected), "{}", show(&out));
        }
    }
}

const PRODUCER_CONSUMER: &str = "\
import queue
import threading
import time

q = queue.Queue()

def producer():
    for i in range(5):
        time.sleep(0.01)
        q.put(i)
    q.put(None)

def consumer():
    total = 0
    while True:
        item = q.get()
        if item is None:
            break
        total += item
        print('got', item)
    print('total', total)

threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
";

#[test]
fn a_queue_carries_items_from_producer_to_consumer() {
    let expected = "got 0\ngot 1\ngot 2\ngot 3\ngot 4\ntotal 10\n";
    let p = predict(PRODUCER_CONSUMER, &opts());
    clean(&p);
    assert_eq!(p.stdout, expected, "{}", show(&p));
    assert!((p.elapsed_s - 0.05).abs() < 0.002, "{}", show(&p));
    let waits = spans(
        &p.timeline,
        "Thread-2 (consumer)",
        SpanKind::Wait(WaitKind::Queue),
    );
    assert!(
        waits.len() >= 5 && waits.iter().all(|w| w.2 == 16),
        "{}",
        show(&p)
    );
    let r = real(PRODUCER_CONSUMER, &opts());
    clean(&r);
    assert_eq!(r.stdout, expected, "{}", show(&r));
    assert!(near_real(r.elapsed_s, 0.05), "{}", show(&r));
}

const DEADLOCK: &str = "\
import threading
import time

a = threading.Lock()
b = threading.Lock()

def one():
    with a:
        time.sleep(0.01)
        with b:
            print('one')

def two():
    with b:
        time.sleep(0.01)
        with a:
            print('two')

t1 = threading.Thread(target=one)
t2 = threading.Thread(target=two)
t1.start()
t2.start()
t1.join()
t2.join()
";

#[test]
fn a_deadlock_is_reported_with_every_waiting_thread() {
    let expected =
        "deadlock: MainThread waits at line 23 (join), Thread-1 (one) waits at line 10 (lock), \
                    Thread-2 (two) waits at line 16 (lock)";
    let p = predict(DEADLOCK, &opts());
    assert_eq!(p.stopped.as_deref(), Some(expected), "{}", show(&p));
    assert!((p.elapsed_s - 0.01).abs() < 0.001, "{}", show(&p));
    assert!(p.exception.is_none());
    let r = real(
        DEADLOCK,
        &RunOptions {
            max_seconds: 5.0,
            ..opts()
        },
    );
    assert_eq!(r.stopped.as_deref(), Some(expected), "{}", show(&r));
    assert!(r.elapsed_s < 1.0, "{}", show(&r));
}

const CPU: &str = "\
import threading

def count(n):
    while n > 0:
        n -= 1

N = 2000000
threads = [threading.Thread(target=count, args=(N,)) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
";

fn cpu(threads: usize) -> String {
    CPU.replace("THREADS", &threads.to_string())
}

#[test]
fn the_gil_makes_two_cpu_bound_threads_take_twice_as_long() {
    let gil = RunOptions { cores: 2, ..opts() };
    let free = RunOptions {
        gil: false,
        ..gil.clone()
    };
    let one = predict(&cpu(1), &gil);
    let two = predict(&cpu(2), &gil);
    let two_free = predict(&cpu(2), &free);
    for o in [&one, &two, &two_free] {
        clean(o);
    }
    let ratio = two.elapsed_s / one.elapsed_s;
    assert!((1.9..2.1).contains(&ratio), "GIL: {ratio}\n{}", show(&two));
    let ratio = two_free.elapsed_s / one.elapsed_s;
    assert!(
        (0.9..1.1).contains(&ratio),
        "no GIL: {ratio}\n{}",
        show(&two_free)
    );
    // Under the GIL the two threads take turns of the switch interval.
    let turns = spans(&two.timeline, "Thread-1 (count)", SpanKind::Running);
    let waits = spans(&two.timeline, "Thread-1 (count)", SpanKind::GilWait);
    assert!(turns.len() > 3 && waits.len() > 3, "{}", show(&two));
    assert!(turns.iter().all(|t| t.1 - t.0 <= 0.0051), "{}", show(&two));
    assert!(two.timeline.lane("GIL").is_some());
}

/// Two threads that each compute for 60 ms of real time (wall clock, waits for the GIL included): a
/// dozen switch intervals in a debug build and in an optimized one alike, where a count of iterations
/// would fit in one interval.
const CPU_FOR_A_WHILE: &str = "\
import threading
import time

def count():
    end = time.perf_counter() + 0.06
    n = 0
    while time.perf_counter() < end:
        n += 1

threads = [threading.Thread(target=count) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
";

#[test]
fn the_native_gil_serialises_cpu_bound_threads_too() {
    let out = real(CPU_FOR_A_WHILE, &RunOptions { cores: 2, ..opts() });
    clean(&out);
    // Real time on a shared machine is noisy, so this checks the GIL's shape, not a ratio: the threads
    // take turns (each runs several times and waits for the GIL in between) and never run at once.
    let one = spans(&out.timeline, "Thread-1 (count)", SpanKind::Running);
    let two = spans(&out.timeline, "Thread-2 (count)", SpanKind::Running);
    assert!(one.len() > 1 && two.len() > 1, "{}", show(&out));
    assert!(!spans(&out.timeline, "Thread-1 (count)", SpanKind::GilWait).is_empty());
    for a in &one {
        for b in &two {
            assert!(
                a.1 <= b.0 || b.1 <= a.0,
                "{a:?} overlaps {b:?}\n{}",
                show(&out)
            );
        }
    }
    let gil = out.timeline.lane("GIL").expect("a GIL lane");
    assert!(gil.spans.len() > 4, "{}", show(&out));
}

#[test]
fn a_prediction_repeats_exactly() {
    let program = "\
import random
import threading
import time

lock = threading.Lock()
log = []

def worker(i):
    for k in range(3):
        time.sleep(random.random() / 100)
        with lock:
            log.append((i, k))

random.seed(7)
threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(log)
";
    let a = predict(program, &opts());
    let b = predict(program, &opts());
    clean(&a);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stderr, b.stderr);
    assert_eq!(a.elapsed_s, b.elapsed_s);
    assert_eq!(a.timeline, b.timeline);
}

#[test]
fn a_thousand_sleeps_are_predicted_in_milliseconds() {
    let program = "\
import time
for i in range(1000):
    time.sleep(0.01)
print('slept')
";
    let (out, took) = {
        let _alone = one_at_a_time();
        #[allow(clippy::disallowed_methods)] // timing the prediction itself, natively
        let started = std::time::Instant::now();
        let out = virtual_time::run(program, &opts());
        (out, started.elapsed())
    };
    clean(&out);
    assert!((out.elapsed_s - 10.0).abs() < 0.1, "{}", out.elapsed_s);
    assert!(took.as_millis() < 100, "{took:?}");
    let sleep = spans(&out.timeline, "MainThread", SpanKind::Sleep);
    assert!(sleep.len() >= 1000 || sleep.iter().map(|s| s.1 - s.0).sum::<f64>() > 9.9);
}

const DAEMON: &str = "\
import threading
import time

def forever():
    while True:
        time.sleep(0.01)

def spin():
    while True:
        pass

threading.Thread(target=forever, daemon=True).start()
threading.Thread(target=spin, daemon=True).start()
time.sleep(0.05)
print('main ends')
";

#[test]
fn daemon_threads_left_running_do_not_hold_up_the_end() {
    let p = predict(DAEMON, &opts());
    clean(&p);
    assert_eq!(p.stdout, "main ends\n");
    // The spinning daemon holds the GIL for up to a switch interval when main's sleep ends.
    assert!(p.elapsed_s < 0.05 + 0.011, "{}", show(&p));
    let r = real(DAEMON, &opts());
    clean(&r);
    assert_eq!(r.stdout, "main ends\n");
    assert!(near_real(r.elapsed_s, 0.05), "{}", show(&r));
}

#[test]
fn a_runaway_program_is_stopped_by_the_cap() {
    let program = "while True:\n    pass\n";
    let capped = RunOptions {
        max_seconds: 0.3,
        ..opts()
    };
    let p = predict(program, &capped);
    assert!(
        p.stopped.as_deref().is_some_and(|s| s.contains("limit")),
        "{}",
        show(&p)
    );
    let r = real(program, &capped);
    assert!(
        r.stopped.as_deref().is_some_and(|s| s.contains("limit")),
        "{}",
        show(&r)
    );
    assert!(near_real(r.elapsed_s, 0.3), "{}", show(&r));
    let slept = predict("import time\ntime.sleep(100)\n", &capped);
    assert!(
        slept.stopped.is_some() && (slept.elapsed_s - 0.3).abs() < 1e-9,
        "{}",
        show(&slept)
    );
}

#[test]
fn uncaught_exceptions_are_reported_by_both_runtimes() {
    let program = "\
import threading

def bad():
    1 / 0

t = threading.Thread(target=bad)
t.start()
t.join()
x = {}
x['missing']
";
    for out in [predict(program, &opts()), real(program, &opts())] {
        assert_eq!(out.thread_exceptions.len(), 1, "{}", show(&out));
        assert_eq!(out.thread_exceptions[0].type_name, "ZeroDivisionError");
        assert_eq!(out.thread_exceptions[0].line, 4);
        let main = out.exception.as_ref().expect("main's exception");
        assert_eq!((main.type_name.as_str(), main.line), ("KeyError", 10));
        assert!(
            out.stderr.contains("Exception in thread Thread-1 (bad)"),
            "{}",
            show(&out)
        );
    }
}

#[test]
fn a_calibrated_prediction_is_close_to_the_real_run() {
    let ns = {
        let _alone = one_at_a_time();
        native::calibrate()
    };
    assert!(ns > 0.5 && ns < 5000.0, "{ns}");
    let tuned = PredictOptions {
        ns_per_instruction: ns,
        ..PredictOptions::default()
    };
    // The calibration's mix of work, shorter (one thread: under load, every hand-over between real
    // threads waits for the OS, which the prediction knows nothing about).
    let program = native::CALIBRATION_PROGRAM.replace("for _ in range(20)", "for _ in range(4)");
    let p = {
        let _alone = one_at_a_time();
        virtual_time::run_with(&program, &opts(), &tuned)
    };
    let r = real(&program, &opts());
    clean(&p);
    clean(&r);
    assert_eq!(p.stdout, r.stdout);
    // Debug builds (cargo test) are slow and noisy, and other tests run on the other cores: a loose bound.
    let ratio = p.elapsed_s / r.elapsed_s;
    assert!(
        (0.5..2.0).contains(&ratio),
        "predicted {} real {} ({ns} ns)",
        p.elapsed_s,
        r.elapsed_s
    );
}

const PROCESSES: &str = "\
import multiprocessing
import time

def work(n, q):
    time.sleep(0.1)
    q.put(n * n)

if __name__ == '__main__':
    q = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=work, args=(n, q)) for n in (2, 3)]
    for p in ps:
        p.start()
    got = sorted([q.get() for _ in ps])
    for p in ps:
        p.join()
    print(got, [p.exitcode for p in ps])
";

#[test]
fn processes_run_side_by_side_and_pass_values_through_queues() {
    let expected = "[4, 9] [0, 0]\n";
    let p = predict(PROCESSES, &opts());
    clean(&p);
    assert_eq!(p.stdout, expected, "{}", show(&p));
    // Each process starts in the prediction's cost of a spawn, then sleeps 0.1 s, in parallel.
    assert!(
        (p.elapsed_s - (PROCESS_START_S + 0.1)).abs() < 0.002,
        "{}",
        show(&p)
    );
    for name in ["Process-1", "Process-2"] {
        let sleeps = spans(&p.timeline, name, SpanKind::Sleep);
        assert!(
            sleeps.len() == 1 && sleeps[0].2 == 5,
            "{name}: {}",
            show(&p)
        );
    }
    let r = real(PROCESSES, &opts());
    clean(&r);
    assert_eq!(r.stdout, expected, "{}", show(&r));
    // Natively the processes pay their real start, a millisecond or so.
    assert!(near_real(r.elapsed_s, 0.1), "{}", show(&r));
}

const ASYNCIO: &str = "\
import asyncio

async def fetch(name, delay):
    await asyncio.sleep(delay)
    print('got', name)
    return name

async def main():
    print(await asyncio.gather(fetch('a', 0.1), fetch('b', 0.2)))

asyncio.run(main())
";

#[test]
fn asyncio_tasks_get_lanes_of_their_own() {
    let expected = "got a\ngot b\n['a', 'b']\n";
    for (out, predicted) in [
        (predict(ASYNCIO, &opts()), true),
        (real(ASYNCIO, &opts()), false),
    ] {
        clean(&out);
        assert_eq!(out.stdout, expected, "{}", show(&out));
        if predicted {
            assert!((out.elapsed_s - 0.2).abs() < 0.001, "{}", show(&out));
        } else {
            assert!(near_real(out.elapsed_s, 0.2), "{}", show(&out));
        }
        let tasks = out
            .timeline
            .lanes
            .iter()
            .filter(|l| l.kind == LaneKind::Task)
            .count();
        assert!(tasks >= 2, "{}", show(&out));
        // The prints come from the tasks' lanes.
        let a = &out.timeline.marks[0];
        assert_eq!(
            out.timeline.lanes[a.lane as usize].kind,
            LaneKind::Task,
            "{}",
            show(&out)
        );
        // A task resumed after its sleep runs from the line it awaited at (4), not from the event
        // loop's line (`asyncio.run(main())`, 11).
        let task = &out.timeline.lanes[a.lane as usize];
        let after = task
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Running && s.start_s > 0.05)
            .map(|s| s.line)
            .collect::<Vec<_>>();
        assert!(!after.is_empty(), "{}", show(&out));
        assert!(after.iter().all(|&l| l == 4), "{after:?} {}", show(&out));
    }
}

const PROCESS_DEADLOCK: &str = "\
import multiprocessing

def worker(q):
    q.get()

if __name__ == '__main__':
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=worker, args=(q,))
    p.start()
    p.join()
";

/// A deadlock across processes (the main program joins a process that waits for a queue nobody fills)
/// ends the real run as it ends the prediction, each naming both waits.
#[test]
fn a_deadlock_across_processes_ends_both_runtimes() {
    for out in [
        predict(PROCESS_DEADLOCK, &opts()),
        real(PROCESS_DEADLOCK, &opts()),
    ] {
        let stopped = out.stopped.clone().unwrap_or_default();
        assert!(stopped.starts_with("deadlock: "), "{}", show(&out));
        assert!(
            stopped.contains("MainThread waits at line 10"),
            "{}",
            show(&out)
        );
        assert!(
            stopped.contains("Process-1 waits at line 4"),
            "{}",
            show(&out)
        );
        assert!(out.elapsed_s < 5.0, "{}", show(&out));
    }
}

const RENAMED: &str = "\
import threading
import time

def worker():
    time.sleep(0.05)
    threading.current_thread().name = 'renamed inside'

t = threading.Thread(target=worker, name='first')
s = threading.Thread(target=time.sleep, args=(0.05,), name='second')
t.start()
s.start()
s.name = 'renamed outside'
threading.current_thread().name = 'Boss'
t.join()
s.join()
print(t.name, s.name)
";

/// A name set after the thread started (by the thread itself, by another thread, or the main thread's)
/// renames its lane in both runtimes.
#[test]
fn a_lane_follows_a_thread_renamed_after_it_started() {
    for out in [predict(RENAMED, &opts()), real(RENAMED, &opts())] {
        clean(&out);
        assert_eq!(
            out.stdout,
            "renamed inside renamed outside\n",
            "{}",
            show(&out)
        );
        let names: Vec<&str> = out
            .timeline
            .lanes
            .iter()
            .filter(|l| l.kind == LaneKind::Thread)
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Boss", "renamed inside", "renamed outside"],
            "{}",
            show(&out)
        );
    }
}

#[test]
fn a_time_scale_shortens_waits_but_the_program_reads_its_own_seconds() {
    let src = "import time, threading\n\
               t0 = time.perf_counter()\n\
               threading.Thread(target=time.sleep, args=(1,)).start()\n\
               time.sleep(2)\n\
               print(round(time.perf_counter() - t0, 1))\n";
    let scaled = RunOptions {
        time_scale: 0.1,
        ..opts()
    };
    for out in [predict(src, &scaled), real(src, &scaled)] {
        clean(&out);
        assert_eq!(out.stdout, "2.0\n", "{}", show(&out));
        assert!(near_real(out.elapsed_s, 0.2), "{}", show(&out));
    }
}

#[test]
fn both_runtimes_give_the_page_the_same_record() {
    let src = "import threading, time\n\
               def work():\n    time.sleep(0.1)\n    print('worker done')\n\
               t = threading.Thread(target=work)\n\
               t.start()\n\
               t.join()\n\
               print('main done')\n\
               1 / 0\n";
    for out in [predict(src, &opts()), real(src, &opts())] {
        let record = out.record(1.0, 100.0);
        assert_eq!(
            record.status,
            threadlab::trace::Status::Failed,
            "{}",
            show(&out)
        );
        let names: Vec<(&str, &str)> = record
            .lanes
            .iter()
            .map(|l| (l.name.as_str(), l.kind.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("MainThread", "thread"),
                ("GIL", "gil"),
                ("Thread-1 (work)", "thread")
            ],
            "{}",
            show(&out)
        );
        let join = record
            .spans
            .iter()
            .find(|s| s.kind == threadlab::trace::SpanKind::WaitJoin)
            .expect("main waits for the join");
        assert_eq!((join.line, join.label.as_str()), (Some(7), "t.join()"));
        let sleep = record
            .spans
            .iter()
            .find(|s| s.kind == threadlab::trace::SpanKind::Sleep)
            .expect("the worker sleeps");
        assert_eq!(sleep.label, "time.sleep(0.1)");
        assert!((sleep.end_ms - sleep.start_ms - 100.0).abs() < 30.0);
        let printed: Vec<(&str, bool)> = record
            .output
            .iter()
            .map(|o| (o.text.as_str(), o.err))
            .collect();
        assert_eq!(
            &printed[..2],
            [("worker done", false), ("main done", false)]
        );
        assert_eq!(
            printed.last(),
            Some(&("ZeroDivisionError: division by zero", true))
        );
        assert_eq!(record.threads.len(), 2);
    }
}

#[test]
fn a_run_is_capped_on_printed_lines_and_processes_in_both_runtimes() {
    let printing = "while True:\n    print('again')\n";
    for out in [predict(printing, &opts()), real(printing, &opts())] {
        let why = out.stopped.clone().unwrap_or_default();
        assert!(why.contains("10000 lines"), "{}", show(&out));
        assert!(out.stdout.lines().count() <= threadlab::runtime::MAX_OUTPUT_LINES);
    }
    let forking = "import multiprocessing\n\
                   def f():\n    pass\n\
                   if __name__ == '__main__':\n\
                   \x20   for i in range(10):\n\
                   \x20       multiprocessing.Process(target=f).start()\n";
    for out in [predict(forking, &opts()), real(forking, &opts())] {
        let e = out.exception.clone().expect("the ninth start raises");
        assert!(e.message.contains("at most 8 processes"), "{}", show(&out));
    }
}

#[test]
fn a_queues_depth_is_recorded_at_every_put_and_get_in_both_runtimes() {
    let src = "import queue, threading, time\n\
               q = queue.Queue()\n\
               def worker():\n\
               \x20   for _ in range(3):\n\
               \x20       q.get()\n\
               \x20       time.sleep(0.1)\n\
               t = threading.Thread(target=worker)\n\
               for n in range(3):\n\
               \x20   q.put(n)\n\
               t.start()\n\
               t.join()\n";
    for out in [predict(src, &opts()), real(src, &opts())] {
        clean(&out);
        let depths: Vec<usize> = out
            .record(1.0, 0.0)
            .queue_depth
            .iter()
            .map(|d| d.depth)
            .collect();
        assert_eq!(depths, [1, 2, 3, 2, 1, 0], "{}", show(&out));
    }
}

#[test]
fn a_thread_that_raised_ends_raised_in_both_runtimes() {
    let src = "import threading\n\
               def boom():\n    raise ValueError('boom')\n\
               t = threading.Thread(target=boom)\n\
               t.start()\n\
               t.join()\n";
    for out in [predict(src, &opts()), real(src, &opts())] {
        let r = out.record(1.0, 0.0);
        let ends: Vec<_> = r.threads.iter().map(|t| t.end).collect();
        use threadlab::trace::Life;
        assert_eq!(
            ends,
            [Some(Life::Finished), Some(Life::Raised)],
            "{}",
            show(&out)
        );
    }
}

#[test]
fn a_running_program_tells_where_each_thread_is() {
    use std::sync::Arc;
    use threadlab::runtime::native::NativePlatform;
    use threadlab::runtime::real;
    let src = "import threading, time\n\
               def worker():\n\
               \x20   time.sleep(0.3)\n\
               t = threading.Thread(target=worker)\n\
               t.start()\n\
               t.join()\n";
    let _alone = one_at_a_time();
    let run = real::start(src, &opts(), Arc::new(NativePlatform)).expect("it compiles");
    #[allow(clippy::disallowed_methods)]
    // the test waits, natively, for the program to reach its waits
    std::thread::sleep(std::time::Duration::from_millis(150));
    let lines: Vec<u32> = run.current_lines().into_iter().map(|(_, l)| l).collect();
    assert_eq!(lines, [6, 3], "main waits at its join, the worker sleeps");
    let out = run.wait();
    clean(&out);
    assert!(run.current_lines().is_empty());
}

/// Every printed line knows the line of the program that printed it, in both runtimes and across
/// processes (a child's output comes up its link), and a line begun with `end=""` keeps its first line.
#[test]
fn printed_lines_carry_the_line_that_printed_them() {
    let source = "import threading\nimport multiprocessing\n\ndef work():\n    print('in a thread')\n\ndef child():\n    print('in a process')\n\nif __name__ == '__main__':\n    print('a', end='')\n    print('b')\n    t = threading.Thread(target=work)\n    t.start()\n    t.join()\n    p = multiprocessing.Process(target=child)\n    p.start()\n    p.join()\n";
    for (name, out) in [
        ("prediction", predict(source, &opts())),
        ("real run", real(source, &opts())),
    ] {
        clean(&out);
        let lines: Vec<(String, Option<u32>)> = out
            .record(1.0, 0.0)
            .output
            .iter()
            .map(|o| (o.text.clone(), o.line))
            .collect();
        assert_eq!(
            lines,
            [
                ("ab".to_string(), Some(11)),
                ("in a thread".to_string(), Some(5)),
                ("in a process".to_string(), Some(8)),
            ],
            "{name}"
        );
    }
}

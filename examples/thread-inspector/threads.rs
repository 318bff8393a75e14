use std::sync::atomic::{AtomicUsize, Ordering};
use std::{thread, time::Duration};

const SLEEPS: &[f64] = &[1.0, 2.0, 4.0];
const DAEMON_LAST: bool = true;
const INTERVAL_S: f64 = 0.5;
const WATCH_S: f64 = 3.0;

// Rust keeps no registry of threads: a program that wants active_count() counts for itself.
static ALIVE: AtomicUsize = AtomicUsize::new(1); // the main thread

fn main() {
    println!("current thread: {}", thread::current().name().unwrap()); // "main"
    let handles: Vec<_> = SLEEPS
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            ALIVE.fetch_add(1, Ordering::SeqCst);
            thread::Builder::new()
                .name(format!("Thread-{}", i + 1))
                .spawn(move || {
                    thread::sleep(Duration::from_secs_f64(s));
                    println!("{} woke up", thread::current().name().unwrap());
                    ALIVE.fetch_sub(1, Ordering::SeqCst);
                })
                .unwrap()
        })
        .collect();
    thread::sleep(Duration::from_secs_f64(INTERVAL_S / 2.0));
    let mut watched = INTERVAL_S / 2.0;
    while watched <= WATCH_S {
        let names: Vec<_> = std::iter::once("main")
            .chain(
                handles
                    .iter()
                    .filter(|h| !h.is_finished())
                    .map(|h| h.thread().name().unwrap()),
            )
            .collect();
        println!("alive: {}; {:?}", ALIVE.load(Ordering::SeqCst), names);
        thread::sleep(Duration::from_secs_f64(INTERVAL_S));
        watched += INTERVAL_S;
    }
    let last = handles.len() - 1;
    for (i, h) in handles.iter().enumerate() {
        let daemon = DAEMON_LAST && i == last;
        println!(
            "{}: finished = {}, daemon = {daemon}",
            h.thread().name().unwrap(),
            h.is_finished()
        );
    }
    println!("main thread ends");
    // Rust has no daemon flag: every thread still running when main returns dies with it. Python waits
    // for the non-daemon ones, so join those.
    for (i, h) in handles.into_iter().enumerate() {
        if !(DAEMON_LAST && i == last) {
            h.join().unwrap();
        }
    }
}

use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

const TASKS: usize = 4;
const WORK: &str = "cpu";
const ITERATIONS: u64 = 4000000;
const SECONDS: f64 = 1.0;
const SWITCH_INTERVAL_MS: f64 = 5.0;

// Rust has no GIL. This Mutex plays CPython's: a thread holds it while it computes, hands it over every
// switch interval, and lets go of it while it sleeps.
static GIL: Mutex<()> = Mutex::new(());

fn switch(gil: MutexGuard<'static, ()>) -> MutexGuard<'static, ()> {
    drop(gil);
    thread::yield_now(); // give a waiting thread the chance to take it
    GIL.lock().unwrap()
}

fn task(i: usize) {
    let mut gil = GIL.lock().unwrap();
    if WORK == "cpu" {
        let interval = Duration::from_secs_f64(SWITCH_INTERVAL_MS / 1000.0);
        let mut since = Instant::now();
        let mut total: u64 = 0;
        for k in 0..ITERATIONS {
            total += k % 7; // computing: only while holding the GIL
            if k % 1024 == 0 && since.elapsed() >= interval {
                gil = switch(gil);
                since = Instant::now();
            }
        }
        std::hint::black_box(total);
    } else {
        drop(gil); // waiting: the GIL is released
        thread::sleep(Duration::from_secs_f64(SECONDS));
        gil = GIL.lock().unwrap();
    }
    println!("task {i} done");
    drop(gil);
}

fn main() {
    thread::scope(|s| {
        for i in 1..=TASKS {
            s.spawn(move || task(i));
        }
    });
}

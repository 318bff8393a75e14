use std::{thread, time::Duration};

const TASKS: usize = 4;
const ITERATIONS: u64 = 2000000;
const WAIT_S: f64 = 1.0;

fn compute(iterations: u64) -> u64 {
    let mut total = 0;
    for k in 0..iterations {
        total += k % 7; // CPU-bound: the thread is busy
    }
    std::hint::black_box(total)
}

fn task(i: usize) {
    compute(ITERATIONS);
    thread::sleep(Duration::from_secs_f64(WAIT_S));
    compute(ITERATIONS);
    println!("task {i} done");
}

fn main() {
    // Rust threads have no GIL: they compute at once, one per core.
    thread::scope(|s| {
        for i in 1..=TASKS {
            s.spawn(move || task(i));
        }
    });
}

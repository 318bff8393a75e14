use std::{thread, time::Duration};

const TASKS: usize = 4;
const WORK: &str = "cpu";
const ITERATIONS: u64 = 4000000;
const SECONDS: f64 = 1.0;

fn task(i: usize) {
    if WORK == "cpu" {
        let mut total: u64 = 0;
        for k in 0..ITERATIONS {
            total += k % 7; // computing, in parallel with the other threads
        }
        std::hint::black_box(total);
    } else {
        thread::sleep(Duration::from_secs_f64(SECONDS));
    }
    println!("task {i} done");
}

fn main() {
    // Rust threads have no GIL: they compute at once, one per core. One thread per task, as Python does.
    thread::scope(|s| {
        for i in 1..=TASKS {
            s.spawn(move || task(i));
        }
    });
}

use std::{thread, time::Duration};

const TASKS: usize = 4;
const WORK: &str = "cpu";
const ITERATIONS: u64 = 4000000;
const SECONDS: f64 = 1.0;

fn task(i: usize) {
    if WORK == "cpu" {
        let mut total: u64 = 0;
        for k in 0..ITERATIONS {
            total += k % 7; // computing
        }
        std::hint::black_box(total); // keeps the optimiser from skipping the loop
    } else {
        thread::sleep(Duration::from_secs_f64(SECONDS)); // waiting
    }
    println!("task {i} done");
}

fn main() {
    for i in 1..=TASKS {
        task(i);
    }
}

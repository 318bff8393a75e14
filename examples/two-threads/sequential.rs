use std::{thread, time::Duration};

const COUNT: u32 = 10;
const PAUSE_S: f64 = 0.05;

fn count_up(name: &str) {
    for i in 1..=COUNT {
        println!("{name}: {i}");
        thread::sleep(Duration::from_secs_f64(PAUSE_S));
    }
}

fn main() {
    count_up("Thread-1");
    count_up("Thread-2");
    println!("main thread here");
}

use std::{thread, time::Duration};

const COUNT: u32 = 10;
const PAUSE_S: f64 = 0.05;
const JOIN: bool = true;

fn count_up(name: &str) {
    for i in 1..=COUNT {
        println!("{name}: {i}");
        thread::sleep(Duration::from_secs_f64(PAUSE_S));
    }
}

fn main() {
    let t1 = thread::Builder::new()
        .name("Thread-1".into())
        .spawn(|| count_up("Thread-1"))
        .unwrap();
    let t2 = thread::Builder::new()
        .name("Thread-2".into())
        .spawn(|| count_up("Thread-2"))
        .unwrap();
    if !JOIN {
        // main goes on while they count
        println!("main thread here");
    }
    // Rust ends every thread when main returns; Python waits for non-daemon threads, so join either way.
    t1.join().unwrap();
    t2.join().unwrap();
    if JOIN {
        println!("main thread here");
    }
}

use std::sync::Mutex;
use std::{thread, time::Duration};

const NUMBERS: &[i64] = &[2, 3, 8, 9];
const DELAY_S: f64 = 0.5;

// A global that threads change must be behind a lock in Rust: one list, shared by every thread.
static RESULTS: Mutex<Vec<i64>> = Mutex::new(Vec::new());

fn calc_square(numbers: &[i64]) {
    for n in numbers {
        RESULTS.lock().unwrap().push(n * n);
        println!("appended {}", n * n);
        thread::sleep(Duration::from_secs_f64(DELAY_S));
    }
    println!("the thread sees results = {:?}", RESULTS.lock().unwrap());
}

fn main() {
    let p = thread::spawn(|| calc_square(NUMBERS));
    p.join().unwrap();
    let results = RESULTS.lock().unwrap(); // the thread's squares
    println!("the main program sees results = {results:?}");
}

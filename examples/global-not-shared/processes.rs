use std::process::Command;
use std::sync::Mutex;
use std::{thread, time::Duration};

const NUMBERS: &[i64] = &[2, 3, 8, 9];
const DELAY_S: f64 = 0.5;

// Every process has its own copy of this global, in its own memory.
static RESULTS: Mutex<Vec<i64>> = Mutex::new(Vec::new());

fn calc_square(numbers: &[i64]) {
    for n in numbers {
        RESULTS.lock().unwrap().push(n * n);
        println!("appended {}", n * n);
        thread::sleep(Duration::from_secs_f64(DELAY_S));
    }
    println!("the process sees results = {:?}", RESULTS.lock().unwrap());
}

// A process is another program: here the same binary, started again with an argument.
fn main() {
    if std::env::args().nth(1).as_deref() == Some("calc_square") {
        calc_square(NUMBERS);
        return;
    }
    let me = std::env::current_exe().unwrap();
    let mut p = Command::new(me).arg("calc_square").spawn().unwrap();
    p.wait().unwrap();
    let results = RESULTS.lock().unwrap(); // still empty
    println!("the main program sees results = {results:?}");
}

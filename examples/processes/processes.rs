use std::process::Command;
use std::{thread, time::Duration};

const NUMBERS: &[i64] = &[2, 3, 8, 9];
const DELAY_S: f64 = 3.0;

fn calc(which: &str, numbers: &[i64]) {
    let power = if which == "square" { 2 } else { 3 };
    for &n in numbers {
        thread::sleep(Duration::from_secs_f64(DELAY_S));
        println!("{which}: {}", n.pow(power));
    }
}

// A process is another program: here the same binary, started again with an argument saying which
// function to run. It shares no memory with this one.
fn main() {
    if let Some(which) = std::env::args().nth(1) {
        calc(&which, NUMBERS);
        return;
    }
    let me = std::env::current_exe().unwrap();
    let mut p1 = Command::new(&me).arg("square").spawn().unwrap();
    let mut p2 = Command::new(&me).arg("cube").spawn().unwrap();
    p1.wait().unwrap();
    p2.wait().unwrap();
    println!("Successes!");
}

use std::process::Command;
use std::{thread, time::Duration};

const TASKS: usize = 4;
const WORK: &str = "cpu";
const ITERATIONS: u64 = 4000000;
const SECONDS: f64 = 1.0;

fn task(i: usize) {
    if WORK == "cpu" {
        let mut total: u64 = 0;
        for k in 0..ITERATIONS {
            total += k % 7;
        }
        std::hint::black_box(total);
    } else {
        thread::sleep(Duration::from_secs_f64(SECONDS));
    }
    println!("task {i} done");
}

// A process is another program: here the same binary, started again with the number of its task.
// It shares no memory with this one.
fn main() {
    if let Some(i) = std::env::args().nth(1) {
        task(i.parse().unwrap());
        return;
    }
    let me = std::env::current_exe().unwrap();
    let mut children: Vec<_> = (1..=TASKS)
        .map(|i| Command::new(&me).arg(i.to_string()).spawn().unwrap())
        .collect();
    for child in &mut children {
        child.wait().unwrap();
    }
}

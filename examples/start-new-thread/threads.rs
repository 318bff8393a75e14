use std::{thread, time::Duration};

const WAITS: &[f64] = &[1.0, 2.0, 3.0];
const REPEATS: u32 = 4;

const ORDINALS: [&str; 8] = [
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
];

fn thread_test(name: String, wait: f64) {
    for _ in 0..REPEATS {
        thread::sleep(Duration::from_secs_f64(wait));
        println!("running {name}");
    }
    println!("{name} has finished");
}

fn main() {
    for (i, &wait) in WAITS.iter().enumerate() {
        let name = format!("{} Thread", ORDINALS[i]);
        // Dropping the JoinHandle detaches the thread: nobody waits for it.
        thread::spawn(move || thread_test(name, wait));
    }
    println!("main thread ends");
    // Returning from main ends the process and every thread in it.
}

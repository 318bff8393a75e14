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
    let handles: Vec<_> = WAITS
        .iter()
        .enumerate()
        .map(|(i, &wait)| {
            let name = format!("{} Thread", ORDINALS[i]);
            thread::Builder::new()
                .name(name.clone())
                .spawn(move || thread_test(name, wait))
                .unwrap()
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    println!("main thread ends");
}

use std::{thread, time::Duration};

const NUMBERS: &[i64] = &[2, 3, 8, 9];
const DELAY_S: f64 = 3.0;

fn calc_square(numbers: &[i64]) {
    for n in numbers {
        thread::sleep(Duration::from_secs_f64(DELAY_S));
        println!("square: {}", n * n);
    }
}

fn calc_cube(numbers: &[i64]) {
    for n in numbers {
        thread::sleep(Duration::from_secs_f64(DELAY_S));
        println!("cube: {}", n * n * n);
    }
}

fn main() {
    let p1 = thread::spawn(|| calc_square(NUMBERS));
    let p2 = thread::spawn(|| calc_cube(NUMBERS));
    p1.join().unwrap();
    p2.join().unwrap();
    println!("Successes!");
}

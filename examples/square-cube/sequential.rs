use std::{thread, time::Duration};

const NUMBERS: &[i64] = &[2, 3, 8, 9];
const DELAY_S: f64 = 1.0;

fn calc_square(numbers: &[i64]) {
    for n in numbers {
        println!("square: {n}^2 = {}", n * n);
        thread::sleep(Duration::from_secs_f64(DELAY_S));
    }
}

fn calc_cube(numbers: &[i64]) {
    for n in numbers {
        println!("cube: {n}^3 = {}", n * n * n);
        thread::sleep(Duration::from_secs_f64(DELAY_S));
    }
}

fn main() {
    calc_square(NUMBERS);
    calc_cube(NUMBERS);
}

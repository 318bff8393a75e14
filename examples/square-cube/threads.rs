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
    let numbers = NUMBERS.to_vec();
    // Scoped threads borrow the one list: nothing is copied. The scope joins both at its end.
    thread::scope(|s| {
        s.spawn(|| calc_square(&numbers));
        s.spawn(|| calc_cube(&numbers));
    });
}

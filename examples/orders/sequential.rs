use std::{thread, time::Duration};

const COFFEE_S: f64 = 1.0;
const FOOD_S: f64 = 5.0;
const CAKE_S: f64 = 3.0;

fn order(item: &str, seconds: f64) {
    println!("ordered {item}");
    thread::sleep(Duration::from_secs_f64(seconds));
    println!("received {item}");
}

fn main() {
    order("coffee", COFFEE_S);
    order("food", FOOD_S);
    order("cake", CAKE_S);
}

use std::time::Duration;

const COFFEE_S: f64 = 1.0;
const FOOD_S: f64 = 5.0;
const CAKE_S: f64 = 3.0;

async fn order(item: &str, seconds: f64) {
    println!("ordered {item}");
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    println!("received {item}");
}

// One thread, one event loop: the futures take turns at each .await.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    tokio::join!(
        order("coffee", COFFEE_S),
        order("food", FOOD_S),
        order("cake", CAKE_S),
    );
}

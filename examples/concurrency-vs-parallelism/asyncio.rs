use std::time::Duration;

const TASKS: usize = 4;
const ITERATIONS: u64 = 2000000;
const WAIT_S: f64 = 1.0;

fn compute(iterations: u64) -> u64 {
    let mut total = 0;
    for k in 0..iterations {
        total += k % 7; // CPU-bound: the thread is busy
    }
    std::hint::black_box(total)
}

async fn task(i: usize) {
    compute(ITERATIONS); // blocks the event loop: no other task runs meanwhile
    tokio::time::sleep(Duration::from_secs_f64(WAIT_S)).await; // lets the others run
    compute(ITERATIONS);
    println!("task {i} done");
}

// One thread, one event loop: the futures take turns at each .await.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let handles: Vec<_> = (1..=TASKS).map(|i| tokio::spawn(task(i))).collect();
    for h in handles {
        h.await.unwrap();
    }
}

use std::sync::mpsc;
use std::{thread, time::Duration};

const NUMBERS: &[i64] = &[2, 3, 8, 9];
const PUT_EVERY_S: f64 = 0.4;
const WORK_S: f64 = 1.0;
const MAXSIZE: usize = 0;

// A channel is Rust's blocking FIFO queue: sync_channel(n) blocks send() when n items wait (Python's
// maxsize), channel() never does. Rust has no task_done()/join() on a channel: the worker's loop ends when
// every sender is dropped, and joining the worker is how main knows every item was handled.
fn main() {
    let (tx, rx) = if MAXSIZE == 0 {
        let (tx, rx) = mpsc::channel::<i64>();
        (Sender::Unbounded(tx), rx)
    } else {
        let (tx, rx) = mpsc::sync_channel::<i64>(MAXSIZE);
        (Sender::Bounded(tx), rx)
    };
    let worker = thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            for x in rx {
                thread::sleep(Duration::from_secs_f64(WORK_S));
                println!("{x} squared is {}", x * x);
            }
        })
        .unwrap();
    for &x in NUMBERS {
        println!("put {x}");
        tx.send(x);
        thread::sleep(Duration::from_secs_f64(PUT_EVERY_S));
    }
    println!("q.join(): waiting for the worker");
    drop(tx); // no more items: the worker's loop ends once the channel is empty
    worker.join().unwrap();
    println!("all done; the worker stopped");
}

enum Sender {
    Unbounded(mpsc::Sender<i64>),
    Bounded(mpsc::SyncSender<i64>),
}

impl Sender {
    fn send(&self, x: i64) {
        match self {
            Sender::Unbounded(tx) => tx.send(x).unwrap(),
            Sender::Bounded(tx) => tx.send(x).unwrap(),
        }
    }
}

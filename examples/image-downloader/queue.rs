use rand::{rngs::StdRng, Rng, SeedableRng};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;

const IMAGES: usize = 30;
const WORKERS: usize = 8;
const MIN_MB: f64 = 0.05;
const MAX_MB: f64 = 0.5;
const SEED: u64 = 7;
const BANDWIDTH_MB_S: f64 = 0.5;
const LATENCY_S: f64 = 0.3;
const LINK_MB_S: f64 = 2.0;

fn download(link: &str, size_mb: f64) {
    network::download(size_mb, |_| {}); // waiting for the bytes
    println!("{link}: done ({size_mb} MB)");
}

/// The links and their sizes, drawn from the seed (as uniform() does, though not Python's numbers).
fn get_links() -> Vec<(String, f64)> {
    let mut rng = StdRng::seed_from_u64(SEED);
    (1..=IMAGES)
        .map(|i| {
            let size = MIN_MB + (MAX_MB - MIN_MB) * rng.gen_range(0.0..1.0);
            (format!("img-{i:02}.jpg"), (size * 100.0).round() / 100.0)
        })
        .collect()
}

fn main() {
    let links = get_links();
    let n = links.len();
    let (tx, rx) = mpsc::channel::<(String, f64)>();
    let rx = Arc::new(Mutex::new(rx)); // one queue, many workers
    let workers: Vec<_> = (1..=WORKERS)
        .map(|i| {
            let rx = Arc::clone(&rx);
            thread::Builder::new()
                .name(format!("DownloadWorker-{i}"))
                .spawn(move || loop {
                    let next = rx.lock().unwrap().recv(); // the lock is let go before the download
                    let Ok((link, size_mb)) = next else { break };
                    download(&link, size_mb);
                })
                .unwrap()
        })
        .collect();
    for link in links {
        tx.send(link).unwrap();
    }
    // A channel has no task_done()/join(): closing it ends each worker's loop once it is empty, and
    // joining the workers is how main knows every link is done.
    drop(tx);
    for w in workers {
        w.join().unwrap();
    }
    println!("{n} images downloaded");
}

/// The simulated network, as Python's network module: each download waits LATENCY_S, then receives at
/// BANDWIDTH_MB_S, or at its share of LINK_MB_S (0: no shared limit) while others receive too. (Python's
/// module changes the rate the instant a download starts or ends; this one looks once per MB.)
mod network {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::{thread, time::Duration};

    use super::{BANDWIDTH_MB_S, LATENCY_S, LINK_MB_S};

    /// How many downloads are receiving now.
    static RECEIVING: AtomicUsize = AtomicUsize::new(0);

    /// Downloads `size_mb` MB, calling `progress` with the MB received at each whole MB and at the end.
    pub fn download(size_mb: f64, mut progress: impl FnMut(f64)) {
        thread::sleep(Duration::from_secs_f64(LATENCY_S));
        RECEIVING.fetch_add(1, Ordering::SeqCst);
        let mut got = 0.0;
        loop {
            let step = (size_mb - got).min(1.0);
            let sharing = RECEIVING.load(Ordering::SeqCst) as f64;
            let rate = if LINK_MB_S > 0.0 {
                BANDWIDTH_MB_S.min(LINK_MB_S / sharing)
            } else {
                BANDWIDTH_MB_S
            };
            thread::sleep(Duration::from_secs_f64(step / rate)); // waiting for the next MB
            got += step;
            progress(got);
            if got >= size_mb {
                break;
            }
        }
        RECEIVING.fetch_sub(1, Ordering::SeqCst);
    }
}

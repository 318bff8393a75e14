use std::thread;

const PICTURES_MB: f64 = 5.0;
const MUSIC_MB: f64 = 10.0;
const BANDWIDTH_MB_S: f64 = 1.0;
const LATENCY_S: f64 = 0.0;
const LINK_MB_S: f64 = 0.0;

fn download(name: &str, size_mb: f64) {
    network::download(size_mb, |mb| println!("{name}: {mb} MB received"));
}

fn main() {
    let t1 = thread::spawn(|| download("pictures.zip", PICTURES_MB));
    let t2 = thread::spawn(|| download("music.zip", MUSIC_MB));
    t1.join().unwrap();
    t2.join().unwrap();
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

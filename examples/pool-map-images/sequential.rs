const SIZES_KB: &[u32] = &[2000, 1000, 1500, 800, 800];
const BANDWIDTH_MB_S: f64 = 1.0;
const LATENCY_S: f64 = 0.5;
const LINK_MB_S: f64 = 0.0;

/// Downloads image `i` (simulated), printing each MB received; returns what it got, in KB.
fn download(i: usize) -> u32 {
    let name = format!("image{}.jpg", i + 1);
    network::download(SIZES_KB[i] as f64 / 1000.0, |mb| {
        println!("{name}: {mb} MB received")
    });
    SIZES_KB[i]
}

fn main() {
    let url = |i: usize| format!("https://example.org/image{}.jpg", i + 1);
    for i in 0..SIZES_KB.len() {
        println!("{}: {} KB", url(i), download(i));
    }
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

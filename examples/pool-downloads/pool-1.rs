use rayon::ThreadPoolBuilder;

const PICTURES_MB: f64 = 5.0;
const MUSIC_MB: f64 = 10.0;
const BANDWIDTH_MB_S: f64 = 1.0;
const LATENCY_S: f64 = 0.0;
const LINK_MB_S: f64 = 0.0;
const DROP_AFTER_MB: u32 = 0;

/// Err if the connection drops (Python raises ConnectionResetError).
fn download(name: &str, size_mb: f64, fail_after_mb: Option<f64>) -> Result<(), String> {
    network::download(size_mb, fail_after_mb, |mb| {
        println!("{name}: {mb} MB received")
    })
}

fn main() {
    // rayon's pool has exactly num_threads workers, as max_workers.
    let pool = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let drop_after = (DROP_AFTER_MB > 0).then_some(DROP_AFTER_MB as f64);
    // join runs both on the pool and waits for both: submit() twice, then shutdown(wait=True).
    let (pictures, music) = pool.join(
        || download("pictures.zip", PICTURES_MB, None),
        || download("music.zip", MUSIC_MB, drop_after),
    );
    for (name, result) in [("pictures.zip", pictures), ("music.zip", music)] {
        match result {
            Ok(()) => println!("{name}: result() = None"),
            // The error came back from the worker, as result() raises it again.
            Err(e) => println!("{name}: result() raised {e}"),
        }
    }
    println!("all downloads done");
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

    /// Downloads `size_mb` MB, calling `progress` with the MB received at each whole MB and at the end;
    /// with `fail_after_mb` (under `size_mb`) the connection resets after that many MB.
    pub fn download(
        size_mb: f64,
        fail_after_mb: Option<f64>,
        mut progress: impl FnMut(f64),
    ) -> Result<(), String> {
        let failing = matches!(fail_after_mb, Some(n) if n < size_mb);
        let stop = if failing {
            fail_after_mb.unwrap()
        } else {
            size_mb
        };
        thread::sleep(Duration::from_secs_f64(LATENCY_S));
        if stop == 0.0 && !failing {
            progress(0.0);
        }
        RECEIVING.fetch_add(1, Ordering::SeqCst);
        let mut got = 0.0;
        while got < stop {
            let step = (stop - got).min(1.0);
            let sharing = RECEIVING.load(Ordering::SeqCst) as f64;
            let rate = if LINK_MB_S > 0.0 {
                BANDWIDTH_MB_S.min(LINK_MB_S / sharing)
            } else {
                BANDWIDTH_MB_S
            };
            thread::sleep(Duration::from_secs_f64(step / rate)); // waiting for the next MB
            got += step;
            progress(got);
        }
        RECEIVING.fetch_sub(1, Ordering::SeqCst);
        if failing {
            return Err(format!(
                "ConnectionResetError: connection reset after {stop} MB"
            ));
        }
        Ok(())
    }
}

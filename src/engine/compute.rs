//! CPU-bound work of a calibrated size: "1 s of compute" is as many iterations of a small integer kernel
//! as one thread of this machine does in a second, measured at start-up.

use super::clock::now_ms;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

/// Iterations per ms, as f64 bits; 0 until calibrated.
static RATE: AtomicU64 = AtomicU64::new(0);

pub use crate::kernel::kernel;

/// Measures this thread's speed for about `ms` (see [`crate::kernel::best_rate`]) and keeps the rate;
/// returns iterations per ms.
pub fn calibrate(ms: f64) -> f64 {
    let best = crate::kernel::best_rate(ms, now_ms);
    RATE.store(best.to_bits(), Ordering::SeqCst);
    best
}

/// Iterations per ms of one thread, calibrating first if nobody has.
pub fn rate() -> f64 {
    match f64::from_bits(RATE.load(Ordering::SeqCst)) {
        r if r > 0.0 => r,
        _ => calibrate(20.0),
    }
}

/// The rate, if it was measured.
pub fn rate_if_known() -> Option<f64> {
    Some(f64::from_bits(RATE.load(Ordering::SeqCst))).filter(|r| *r > 0.0)
}

/// Sets the rate.
pub fn set_rate(rate: f64) {
    RATE.store(rate.to_bits(), Ordering::SeqCst);
}

/// Does `ms` of work in slices of about half a millisecond, calling `between` after each slice; stops
/// early when it returns false. Returns whether the work was all done.
pub fn work(ms: f64, mut between: impl FnMut() -> bool) -> bool {
    let rate = rate();
    let total = (ms * rate).round() as u64;
    let slice = ((0.5 * rate) as u64).max(1);
    let mut done = 0;
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    while done < total {
        let n = slice.min(total - done);
        seed = kernel(n, seed);
        done += n;
        if !between() {
            return false;
        }
    }
    black_box(seed);
    true
}

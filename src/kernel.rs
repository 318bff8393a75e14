//! The compute step's kernel, and how its speed is measured. Pure, so the benchmark times the very same
//! code natively (`cargo bench --bench kernel`) and in wasm (`engine::compute`, the calibration).

use std::hint::black_box;

/// `iterations` rounds of xorshift, which no compiler can skip or vectorise away.
pub fn kernel(iterations: u64, seed: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..iterations {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = black_box(x);
    }
    x
}

/// This thread's best rate, in iterations per ms, over about `ms` of `now()` (a clock in ms).
///
/// Browsers first compile wasm with a quick baseline compiler and swap in optimised code later, between
/// calls (never inside a running loop), and the two differ about threefold. So the kernel is called in
/// batches of a few ms until the time is up, and the best rate, the optimised one, is kept. Anything else
/// running on the machine can only make a batch slower, never faster.
pub fn best_rate(ms: f64, now: impl Fn() -> f64) -> f64 {
    let started = now();
    let mut batch = 10_000u64;
    let mut best: f64 = 0.0;
    loop {
        let start = now();
        black_box(kernel(batch, 7));
        let took = now() - start;
        if took < 2.0 {
            batch *= 2;
            continue;
        }
        best = best.max(batch as f64 / took);
        if now() - started >= ms {
            return best;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn the_kernel_depends_on_every_iteration() {
        assert_ne!(kernel(1000, 7), kernel(1001, 7));
        assert_eq!(kernel(1000, 7), kernel(1000, 7));
    }

    #[test]
    fn the_best_rate_is_iterations_over_the_fastest_batch() {
        // A fake clock that advances 4 ms per reading: every batch "takes" 4 ms.
        let t = Cell::new(0.0);
        let now = || {
            t.set(t.get() + 4.0);
            t.get()
        };
        assert_eq!(best_rate(20.0, now), 10_000.0 / 4.0);
    }
}

//! The compute step's kernel natively, on one thread, measured exactly as the wasm calibration measures it
//! (`threadlab::kernel::best_rate`), so `tests/bench/bench.mjs` can set the two side by side.
//! Prints `{"iterationsPerMs": …, "ms": …}` as JSON. Run: `cargo bench --bench kernel`.

use std::time::Instant;

#[allow(clippy::disallowed_methods)] // a native benchmark's own clock: not a run's timestamp
fn main() {
    let origin = Instant::now();
    let now = || origin.elapsed().as_secs_f64() * 1000.0;
    let ms = 1000.0;
    // A warm-up as long as the browser's first calibration, then the measurement.
    threadlab::kernel::best_rate(300.0, now);
    let rate = threadlab::kernel::best_rate(ms, now);
    println!("{{\"iterationsPerMs\": {rate}, \"ms\": {ms}}}");
}

//! The one clock: `performance.timeOrigin + performance.now()`, in ms since the Unix epoch.
//!
//! Each worker's `performance.now()` counts from that worker's own `timeOrigin`, so raw `now()` values from
//! two workers can't be compared; adding the origin puts every thread on one axis. `Instant::now()` panics on
//! wasm32-unknown-unknown, which is why clippy.toml forbids it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `globalThis` of a window or a worker: both have `performance` and `setTimeout`.
    #[wasm_bindgen(js_name = Object)]
    pub type Global;
    #[wasm_bindgen(method, getter)]
    fn performance(this: &Global) -> web_sys::Performance;
    /// `setTimeout(f, ms)`; the id is a number in every host.
    #[wasm_bindgen(method, js_name = setTimeout)]
    pub fn set_timeout(this: &Global, f: &js_sys::Function, ms: f64) -> f64;
}

/// This thread's global scope.
pub fn global() -> Global {
    js_sys::global().unchecked_into()
}

/// Now, in ms since the Unix epoch, on the clock every worker shares.
pub fn now_ms() -> f64 {
    let perf = global().performance();
    perf.time_origin() + perf.now()
}

//! ThreadLab: the classic lessons of Python's concurrency tutorials (threads, pools, queues, asyncio,
//! processes, the GIL) run for real in the browser, drawn as live timing bars.
//!
//! The crate has two halves (see ARCHITECTURE.md):
//! - pure parts that build and test natively and never name a web crate: [`scenario`] (what an example
//!   is, its parameters and their validation), [`sim`] (the same program in virtual time: the prediction)
//!   [`trace`] (events, lanes, spans, output and the run record) and [`kernel`] (the compute step's work);
//! - the Python core, pure as well: [`python`] (the front end: source → checked syntax tree → bytecode),
//!   [`vm`] (the one interpreter) and [`runtime`] (what drives it: virtual time, native threads);
//! - wasm-only parts: `engine` (runs a scenario for real on worker threads and futures) and `web` (the
//!   `#[wasm_bindgen]` surface the page's engine worker calls).

pub mod examples;
pub mod kernel;
pub mod python;
pub mod runtime;
pub mod scenario;
pub mod sim;
pub mod trace;
pub mod vm;

#[cfg(target_arch = "wasm32")]
pub mod engine;
#[cfg(target_arch = "wasm32")]
pub mod web;

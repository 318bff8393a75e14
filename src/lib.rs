//! ThreadLab: the classic lessons of Python's concurrency tutorials (threads, pools, queues, asyncio,
//! processes, the GIL) run for real in the browser, drawn as live timing bars beside their prediction.
//! The program is the Python: one interpreter runs it, in virtual time for the prediction and on real
//! threads for the run.
//!
//! The crate's parts (see ARCHITECTURE.md):
//! - pure, built and tested natively, never naming a web crate: [`python`] (the front end: source →
//!   checked syntax tree → bytecode), [`vm`] (the one interpreter), [`runtime`] (what drives it: virtual
//!   time, real threads over a platform), [`trace`] (events, lanes, spans, output and the run record)
//!   and [`examples`] (the catalogue: `examples/<id>/`, the parameters their programs declare);
//! - wasm only: `engine` (what the browser gives the real runtime: elastic workers, the clock) and `web`
//!   (the `#[wasm_bindgen]` surface the page's engine worker calls).

// Code off the VM's hot path (the front end, the catalogue, the timeline and trace, the JSON surface) is
// optimised for size with `#[optimize(size)]`; the rest of the crate keeps the release profile's speed.
#![feature(optimize_attribute)]

pub mod examples;
pub mod python;
pub mod runtime;
pub mod trace;
pub mod vm;

#[cfg(target_arch = "wasm32")]
pub mod engine;
#[cfg(target_arch = "wasm32")]
pub mod web;

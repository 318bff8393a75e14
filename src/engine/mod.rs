//! Runs a scenario for real in the browser: threads on elastic Web Workers that share the wasm memory,
//! asyncio as futures on one worker's event loop, a real GIL, real queues, calibrated CPU work. Wasm only;
//! knows nothing of the page.

pub mod asyncio;
pub mod cancel;
pub mod clock;
pub mod completion;
pub mod compute;
pub mod gil;
pub mod net;
pub mod platform;
pub mod process;
pub mod queue;
pub mod recorder;
pub mod run;
pub mod threads;

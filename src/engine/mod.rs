//! Runs a scenario for real in the browser: plain calls on a blocking pool thread, asyncio coroutines as
//! futures on the engine worker's event loop. Wasm only; knows nothing of the page.

pub mod cancel;
pub mod clock;
pub mod completion;
pub mod recorder;
pub mod run;

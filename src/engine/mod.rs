//! What the browser gives the real runtime (`runtime::real`): elastic Web Workers that share the wasm
//! memory (Python threads run on them), the one clock every worker reads, hand-offs from workers to the
//! engine worker's event loop, and the real network's addresses. Wasm only; knows nothing of the page.

pub mod clock;
pub mod completion;
pub mod link;
pub mod net;
pub mod platform;
pub mod threads;

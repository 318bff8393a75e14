//! The import registry: which modules a program may import, which are written in Rust
//! ([`super::natives`]) and which in Python (the prelude, `src/vm/prelude/*.py`, embedded in the binary).
//!
//! The interpreter's `ImportName` asks [`native_module`] first, then [`prelude_source`] (compiling the
//! source with [`crate::python::compile_prelude`] and running it as the module's body), and raises
//! `ModuleNotFoundError` with [`not_found_message`] when neither knows the name.

use std::sync::Arc;

use super::value::{Flow, Module};
use super::Ctx;

/// The modules a user's program may import: the front end's list, which refuses the others before a
/// program runs (one list, so the check and the import system can't disagree).
pub const SUPPORTED: &[&str] = &crate::python::check::SUPPORTED_MODULES;

/// Builds a module written in Rust (`time`, `math`, `random`, `sys`, `os`, and the prelude's private
/// `_threadlab`); `None` if `name` isn't one.
#[optimize(size)]
pub fn native_module(ctx: &mut Ctx<'_>, name: &str) -> Option<Result<Arc<Module>, Flow>> {
    super::natives::build_module(ctx, name)
}

/// The Python source of a prelude module (`threading`, `queue`, ..., the package `concurrent` and its
/// `concurrent.futures`, `network`, the simulated (or real) downloads, and the package `urllib` and its
/// `urllib.request`, real downloads by address); `None` if `name` isn't one.
#[optimize(size)]
pub fn prelude_source(name: &str) -> Option<&'static str> {
    Some(match name {
        "threading" => include_str!("prelude/threading.py"),
        "_thread" => include_str!("prelude/_thread.py"),
        "queue" => include_str!("prelude/queue.py"),
        "concurrent" => "\"\"\"The concurrent package: see concurrent.futures.\"\"\"\n",
        "concurrent.futures" => include_str!("prelude/concurrent_futures.py"),
        "asyncio" => include_str!("prelude/asyncio.py"),
        "multiprocessing" => include_str!("prelude/multiprocessing.py"),
        "network" => include_str!("prelude/network.py"),
        "urllib" => "\"\"\"The urllib package: see urllib.request.\"\"\"\n",
        "urllib.request" => include_str!("prelude/urllib_request.py"),
        _ => return None,
    })
}

/// The file name tracebacks show for a prelude module's frames (`threading.py`,
/// `concurrent/futures.py`).
#[optimize(size)]
pub fn prelude_filename(name: &str) -> String {
    format!("{}.py", name.replace('.', "/"))
}

/// The message of `ModuleNotFoundError` for a module ThreadLab doesn't have.
#[optimize(size)]
pub fn not_found_message(name: &str) -> String {
    let (last, rest) = SUPPORTED.split_last().expect("the list is not empty");
    format!(
        "No module named '{name}': ThreadLab runs the modules {} and {last}",
        rest.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_lists_the_modules() {
        assert_eq!(
            not_found_message("numpy"),
            "No module named 'numpy': ThreadLab runs the modules threading, _thread, queue, \
             concurrent.futures, asyncio, multiprocessing, network, urllib.request, time, random, sys, os \
             and math"
        );
    }

    #[test]
    fn every_prelude_module_compiles() {
        for name in SUPPORTED.iter().chain(&["concurrent", "urllib"]) {
            if let Some(source) = prelude_source(name) {
                if let Err(errors) = crate::python::compile_prelude(source, &prelude_filename(name))
                {
                    panic!("{name}: {errors:?}");
                }
            }
        }
    }
}

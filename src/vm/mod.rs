//! The one interpreter of ThreadLab's Python: values and objects shared between real threads, heap frames,
//! builtins and the modules programs import. Pure Rust: it knows Python, not time or threads — a runtime
//! ([`host::Host`]) drives it.
//!
//! The shape: [`Interp`] is one interpreter (one per process of a run), shared by its threads;
//! [`ThreadState`] is one Python thread (its frames live on the heap, in [`frame::ExecState`]);
//! [`interp::run`] runs a thread until it must wait, spends its budget or ends, and says which
//! ([`host::Stop`]). Natives get a [`Ctx`]: the interpreter and the calling thread.

pub mod builtins;
pub mod format;
pub mod frame;
pub mod host;
pub mod interp;
pub mod memory;
pub mod methods;
pub mod modules;
pub mod natives;
pub mod ops;
pub mod types;
pub mod value;

#[cfg(test)]
pub(crate) mod testing;

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use host::Host;
use types::{ExcType, Types};
use value::{Flow, Lock, Module, Value};

/// Limits of one run, enforced by the VM with Python exceptions (`RecursionError`, `MemoryError`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Frames per thread before `RecursionError` (CPython's default recursion limit is 1000).
    pub max_depth: usize,
    /// Bytes of heap a run may hold beyond what the process held when its interpreter started, before
    /// `MemoryError` (checked before large allocations: see [`Interp::charge`]).
    pub max_memory: usize,
    /// Python threads alive at once before `RuntimeError: can't start new thread`.
    pub max_threads: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 1000,
            max_memory: 256 << 20,
            max_threads: 64,
        }
    }
}

/// How an interpreter starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// `__name__` of the program's module: `__main__`, or `__mp_main__` in a spawned process.
    pub main_name: String,
    /// This process's pid (`os.getpid()`).
    pub pid: u64,
    /// This process's name (`MainProcess`, `Process-1`).
    pub process_name: String,
    /// The seed of `random` (the run's seed, so runs and predictions repeat).
    pub seed: u64,
    /// Limits.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            main_name: "__main__".into(),
            pid: 1,
            process_name: "MainProcess".into(),
            seed: 0,
            limits: Limits::default(),
        }
    }
}

/// One interpreter: what every thread of one process shares.
pub struct Interp {
    /// The runtime driving it.
    pub host: Arc<dyn Host>,
    /// How it was started.
    pub config: Config,
    /// The builtin classes.
    pub types: Types,
    /// The builtins namespace (`print`, `len`, exception classes, ...). Filled once at start.
    pub builtins: value::Namespace,
    /// Imported modules by dotted name.
    pub modules: Lock<HashMap<Arc<str>, Arc<Module>>>,
    /// The program's module (`__main__`).
    pub main: Arc<Module>,
    /// The process's live heap when this interpreter started: the baseline of `config.limits.max_memory`.
    pub memory_base: usize,
    /// Next thread identity (`threading.get_ident()`), starting at 1.
    pub next_ident: AtomicU64,
    /// Python threads started and not yet finished.
    pub live_threads: AtomicUsize,
    /// Set by the runtime to stop every thread at its next budget check (Stop, a cap, the end of a
    /// run): `run` then returns `Finished` without running more Python.
    pub cancelled: AtomicBool,
    /// Per-interpreter state of modules written in Rust (random's generator, ...), by module name.
    pub extensions: Lock<HashMap<&'static str, Arc<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Interp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<interpreter {}>", self.config.process_name)
    }
}

impl Interp {
    /// A new interpreter driven by `host`.
    pub fn new(host: Arc<dyn Host>, config: Config) -> Arc<Interp> {
        let types = Types::new();
        let builtins = builtins::make(&types);
        let main = Arc::new(Module {
            name: Arc::from(config.main_name.as_str()),
            globals: Lock::new(Default::default()),
        });
        Arc::new(Interp {
            host,
            config,
            types,
            builtins,
            modules: Lock::new(Default::default()),
            main,
            memory_base: memory::live_bytes(),
            next_ident: AtomicU64::new(1),
            live_threads: AtomicUsize::new(0),
            cancelled: AtomicBool::new(false),
            extensions: Lock::new(Default::default()),
        })
    }

    /// Checks that allocating `bytes` more keeps the run within `config.limits.max_memory`:
    /// `Err(MemoryError)` otherwise. Callers check before building a large object (a repeat, a join, a
    /// list grown by another thousand items); what the run holds is measured ([`memory::live_bytes`]),
    /// so memory freed by the program counts again.
    pub fn charge(&self, bytes: usize) -> Result<(), Value> {
        let held = memory::live_bytes().saturating_sub(self.memory_base);
        if held.saturating_add(bytes) > self.config.limits.max_memory {
            Err(self.types.new_exception(
                ExcType::MemoryError,
                &format!(
                    "this program would hold more than ThreadLab's limit of {} MB",
                    self.config.limits.max_memory >> 20
                ),
            ))
        } else {
            Ok(())
        }
    }

    /// A new thread identity.
    pub fn new_ident(&self) -> u64 {
        self.next_ident.fetch_add(1, Ordering::Relaxed)
    }
}

/// How far a blocking native got before it had to wait; kept by the thread while the runtime waits and
/// given back to the native when the VM executes the same call again.
#[derive(Debug, Clone, Default)]
pub struct Retry {
    /// The native's own progress marker (0 on the first attempt).
    pub stage: u32,
    /// The deadline the native computed on the first attempt (host clock seconds), if it has a timeout.
    pub until: Option<f64>,
    /// Anything else the native must remember (a value it took, a count).
    pub value: Option<Value>,
}

/// One Python thread.
pub struct ThreadState {
    /// `threading.get_ident()`.
    pub ident: u64,
    /// Its name for lanes and messages (`MainThread`, `Thread-1 (worker)`); the Python-level
    /// `Thread.name` is kept by the threading module.
    pub name: String,
    /// Whether the program's exit kills it instead of waiting for it.
    pub daemon: bool,
    /// The main program's thread.
    pub is_main: bool,
    /// The pending blocking call's progress, if a call is being retried after a wait.
    pub retry: Option<Retry>,
    /// Instructions executed so far (the prediction charges time for them).
    pub instructions: u64,
    /// What those instructions cost, by kind: the prediction charges time for [`interp::Work::cost`].
    pub work: interp::Work,
    /// The 1-based line of the user's program the thread is at (0 before it starts), updated at every
    /// stop: for the editor's live marks and the timeline's labels.
    pub line: u32,
    /// The interpreter's own state of the thread: frames, handled exceptions, ...
    pub exec: frame::ExecState,
}

impl std::fmt::Debug for ThreadState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<thread {} {}>", self.ident, self.name)
    }
}

/// What a native function gets: the interpreter and the thread calling it.
pub struct Ctx<'a> {
    /// The interpreter.
    pub interp: &'a Arc<Interp>,
    /// The calling thread.
    pub thread: &'a mut ThreadState,
}

impl Ctx<'_> {
    /// A new exception of a builtin type, ready to raise.
    pub fn exc(&self, kind: ExcType, message: &str) -> Value {
        self.interp.types.new_exception(kind, message)
    }

    /// `Err(Flow::Raise(..))` of a new builtin exception: `return Err(ctx.raise(ExcType::TypeError, ..))`.
    pub fn raise(&self, kind: ExcType, message: &str) -> Flow {
        Flow::Raise(self.exc(kind, message))
    }
}

//! Heap frames, a thread's execution state, and generator/coroutine objects.
//!
//! A Python call never recurses in Rust: it pushes a [`Frame`] on the thread's [`ExecState::frames`] and the
//! dispatch loop (`interp::run`) carries on with it; `Return` pops it and hands the value on as the frame's
//! [`OnReturn`] says. A generator keeps its suspended frame inside its [`Generator`] object and is pushed
//! back on the stack of whichever thread resumes it.

use std::collections::HashMap;
use std::sync::Arc;

use super::value::{Cell, Class, Function, List, Lock, Module, Namespace, Value};
use crate::python::bytecode::Code;

/// One entry of a frame's block stack (see the contract in `bytecode.rs`).
#[derive(Debug, Clone)]
pub enum BlockEntry {
    /// `SetupExcept`: on an exception, truncate the stack to `depth`, push the exception and jump.
    Except {
        /// The handler's first instruction.
        target: u32,
        /// Value-stack depth at setup.
        depth: u32,
    },
    /// `SetupFinally`: the same, for the exceptional path of a `finally`.
    Finally {
        /// The handler's first instruction.
        target: u32,
        /// Value-stack depth at setup.
        depth: u32,
    },
    /// A running handler: the exception it handles (what bare `raise` re-raises and what a new exception
    /// gets as its `__context__`).
    Handler(Value),
}

/// How a generator's consumer expects the result of resuming it.
#[derive(Debug, Clone)]
pub enum GenMode {
    /// `gen.send(x)`, `gen.__next__()`, `gen.throw(e)`, `next(gen)`: a yielded value is pushed on the
    /// consumer's stack; a return raises `StopIteration(value)` there.
    Send,
    /// `next(gen, default)`: as `Send`, but a return pushes `default`.
    NextDefault(Value),
    /// `ForIter` over the generator: a yielded value is pushed above the iterator; a return pops the
    /// iterator and jumps to the loop's exit.
    ForIter,
    /// `YieldFrom` in the consumer (itself a generator): a yielded value is yielded on by the consumer,
    /// which stays at its `YieldFrom`; a return replaces the sub-iterator with the value.
    YieldFrom,
    /// `gen.close()`: `GeneratorExit` was thrown in; a return or `GeneratorExit`/`StopIteration` pushes
    /// `None`, a yield raises `RuntimeError`.
    Close,
    /// Closed because the last reference to it went (`for x in gen: break`): as `Close`, but nothing is
    /// pushed and whatever it raises or yields is dropped (CPython reports it as "Exception ignored").
    Finalize,
    /// Drained for a native that consumes a whole iterable (`list(gen)`, `sum(gen)`, `"".join(gen)`):
    /// each yielded value is appended to `list` and the generator goes on at once; when it returns, the
    /// list replaces the generator in the consumer's stack at `slot` and the consumer's call runs again.
    /// The generator runs on the thread's frames, so it may wait (a nested run could not).
    Drain {
        /// The values yielded so far.
        list: Arc<List>,
        /// Where the generator is in the consumer's stack.
        slot: usize,
    },
}

/// What happens to the value a frame returns.
#[derive(Debug, Clone)]
pub enum OnReturn {
    /// Pushed on the caller's stack (an ordinary call).
    Push,
    /// `__init__` of a new instance: the value must be `None`; the instance is the result.
    Init(Value),
    /// A class body run by `MakeClass`: the class is built from the frame's namespace.
    Class {
        /// `__name__` of the new class.
        name: Arc<str>,
        /// The base class.
        base: Arc<Class>,
    },
    /// A prelude module's body run by `ImportName`/`ImportFrom`: the importing instruction runs again
    /// (and now finds the module in `interp.modules`).
    Import {
        /// The module's dotted name (removed from `interp.modules` if its body raises).
        name: Arc<str>,
    },
    /// `__next__` of a user iterator called by `ForIter`: the value is pushed above the iterator;
    /// `StopIteration` ends the loop.
    IterNext,
    /// A generator's frame: see [`GenMode`].
    Generator(Arc<Generator>, GenMode),
}

/// A function activation, on the heap.
#[derive(Debug)]
pub struct Frame {
    /// The function being run: its code (`func.code`) and the module whose globals it sees
    /// (`func.module`). One shared pointer for both, so a call costs one reference count, not two.
    pub func: Arc<Function>,
    /// Fast locals (`varnames`); `None` while unbound.
    pub locals: Vec<Option<Value>>,
    /// Cells: `cellvars` then `freevars`.
    pub cells: Vec<Arc<Cell>>,
    /// The value stack.
    pub stack: Vec<Value>,
    /// The next instruction.
    pub ip: usize,
    /// Setup blocks and running handlers.
    pub blocks: Vec<BlockEntry>,
    /// The namespace of a class body (`LoadName`/`StoreName`), `None` elsewhere.
    pub namespace: Option<Box<Namespace>>,
    /// What to do with the returned value.
    pub on_return: OnReturn,
    /// A generator frame suspended in a `YieldFrom` (its `ip` is the `YieldFrom`): `throw()` goes on to
    /// the sub-iterator.
    pub delegating: bool,
    /// The innermost dispatch loop running this frame stops when it ends (a nested call from a native,
    /// a thread's first call): its result leaves the loop instead of going to the caller's stack.
    pub barrier: bool,
}

impl Frame {
    /// A frame about to run `func` from its first instruction.
    pub fn new(func: Arc<Function>, locals: Vec<Option<Value>>, cells: Vec<Arc<Cell>>) -> Frame {
        Frame {
            func,
            locals,
            cells,
            // Given a recycled stack when pushed (see `interp::push_frame`).
            stack: Vec::new(),
            ip: 0,
            blocks: Vec::new(),
            namespace: None,
            on_return: OnReturn::Push,
            delegating: false,
            barrier: false,
        }
    }

    /// The 1-based line of the instruction being executed (the one before `ip`).
    pub fn line(&self) -> u32 {
        self.func.code.location(self.ip.saturating_sub(1)).line
    }

    /// The code being run.
    pub fn code(&self) -> &Arc<Code> {
        &self.func.code
    }

    /// The module whose globals the code sees.
    pub fn module(&self) -> &Arc<Module> {
        &self.func.module
    }

    /// Whether this frame runs the user's program (file `<main>`), not the prelude.
    pub fn is_user(&self) -> bool {
        &*self.func.code.filename == "<main>"
    }
}

/// Where a thread is in its life, beyond its frames.
#[derive(Debug, Default)]
pub enum Phase {
    /// Nothing to run (a thread made by `Default`).
    #[default]
    Idle,
    /// The first call of a new thread, not made yet: `func(*args, **kwargs)`.
    Start {
        /// The callable.
        func: Value,
        /// Positional arguments.
        args: Vec<Value>,
        /// Keyword arguments.
        kwargs: Vec<(Arc<str>, Value)>,
    },
    /// The program's module (or the thread's first call) is running in `frames`.
    Body,
    /// A process's module has run; its target is to be called.
    Target,
    /// The target of a process is running.
    TargetBody,
    /// `threading._shutdown()` is to be called (the main program has ended).
    Shutdown,
    /// `threading._shutdown()` is running.
    ShutdownBody,
    /// Finished.
    Done,
}

/// What kind of thread this is, for what happens when its first frame ends.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The main program of a process (prints uncaught exceptions, then shuts threading down).
    #[default]
    Main,
    /// A thread started by `_threadlab.start_thread`.
    Thread,
    /// The main thread of a spawned process (`start_process_main`).
    Process,
}

/// A thread's execution state: its frames and what the interpreter keeps per thread.
#[derive(Debug, Default)]
pub struct ExecState {
    /// The frames, innermost last.
    pub frames: Vec<Frame>,
    /// Where the thread is in its life.
    pub phase: Phase,
    /// What kind of thread it is.
    pub role: Role,
    /// Nested runs of the dispatch loop active (natives calling back into Python).
    pub nested: u32,
    /// A spawned process's target and arguments, until it is called.
    pub target: Option<(super::host::Portable, Vec<super::host::Portable>)>,
    /// Value stacks of finished frames, kept for reuse (fewer allocations per call).
    pub(crate) spare_stacks: Vec<Vec<Value>>,
    /// Locals of finished frames, kept for reuse.
    pub(crate) spare_locals: Vec<Vec<Option<Value>>>,
    /// Source lines already cut out for tracebacks, by (source address, line).
    pub(crate) line_cache: HashMap<(usize, u32), Arc<str>>,
}

/// The life of a generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenState {
    /// Made, never resumed.
    Created,
    /// Stopped at a `yield`.
    Suspended,
    /// On some thread's frame stack now.
    Running,
    /// Returned or raised.
    Done,
}

/// The mutable part of a generator.
#[derive(Debug)]
pub struct GenInner {
    /// Its state.
    pub state: GenState,
    /// The frame while not running (taken out while it runs).
    pub frame: Option<Frame>,
}

/// A generator or coroutine object.
#[derive(Debug)]
pub struct Generator {
    /// `__name__` of the function.
    pub name: Arc<str>,
    /// `__qualname__` of the function.
    pub qualname: Arc<str>,
    /// Made by an `async def` (a coroutine) rather than a generator function.
    pub is_coroutine: bool,
    /// State and frame.
    pub inner: Lock<GenInner>,
}

impl Generator {
    /// A new, not yet started generator over `frame`.
    pub fn new(frame: Frame, is_coroutine: bool) -> Generator {
        Generator {
            name: frame.func.code.name.clone(),
            qualname: frame.func.code.qualname.clone(),
            is_coroutine,
            inner: Lock::new(GenInner {
                state: GenState::Created,
                frame: Some(frame),
            }),
        }
    }

    /// Its current state.
    pub fn state(&self) -> GenState {
        self.inner.lock().state
    }
}

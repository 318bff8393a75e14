//! The interpreter: the dispatch loop over heap frames, and the entry points runtimes call.
//!
//! [`run`] runs a thread for a budget of instructions. Python calls push frames (no Rust recursion), so
//! only natives calling back into Python ([`Ctx::call`]) nest a run of the loop. The loop (`execute`)
//! takes simple instructions on a fast path (ints, locals, jumps, globals, range and list iteration) and
//! leaves the rest to submodules: `step` (every other instruction), `call` (calls, CPython's argument
//! binding, classes), `attr` (attributes), `exceptions` (raising, unwinding, tracebacks and their
//! printed form), `generators` (generators and coroutines), `imports`.

mod attr;
mod call;
mod exceptions;
mod generators;
mod imports;
mod step;
#[cfg(test)]
mod tests;

use std::sync::atomic::Ordering;
use std::sync::Arc;

pub use attr::class_of;
pub use exceptions::{format_exception, report_of};

use super::frame::{ExecState, Frame, OnReturn, Phase, Role};
use super::host::{Block, Portable, Stop, Stream, WaitKind};
use super::types::{is_subclass, ExcType};
use super::value::{Cell, Flow, Function, Lock, Method, Module, Name, NativeFn, NativeIter, Value};
use super::{methods, ops, Ctx, Interp, ThreadState};
use crate::python::bytecode::{BinOp, CmpOp, Code, Const, Instr};
use call::Called;
use exceptions::Raising;

/// How a run of the dispatch loop ended.
#[derive(Debug)]
pub(crate) enum Exit {
    /// The budget is spent.
    Budget,
    /// A native must wait (never from a nested run).
    Block(Block),
    /// The barrier frame returned this value.
    Returned(Value),
    /// This exception left the barrier frame.
    Raised(Value),
    /// The barrier frame (a generator) yielded this value.
    Yielded(Value),
    /// The barrier frame (a generator) returned this value.
    GenReturned(Value),
}

/// What one slow-path instruction asks of the loop: carry on (`None`) or leave it.
type Step = Result<Option<Exit>, Flow>;

/// Instructions between checks of `interp.cancelled` in a nested run (which has no budget of its own).
const NESTED_SLICE: u64 = 1 << 20;

/// Nested runs (natives calling Python calling natives ...) allowed on one thread: each costs Rust
/// stack (about 4 KB optimized, 40 KB in a debug build), so they are bounded well below the frame
/// limit; real programs nest two or three deep (a `key=` function, a `__repr__` inside a `__repr__`).
const MAX_NESTED: u32 = 20;

// ---------------------------------------------------------------------------------------------------------
// What instructions cost.

/// What a thread's instructions cost, counted by kind as the loop runs them: the prediction's measure of
/// CPU work ([`Work::cost`]), shared by both runtimes (the prediction charges it, `runtime::real`'s
/// calibration measures the time of one unit).
///
/// An instruction's cost is mostly its dispatch, except where it does work out of line. So the loop
/// counts dispatches (an instruction the fast path fuses into the one before, as `LoadConst` and
/// `Binary` into `LoadFast` in `n - 1`, costs nothing more) and, on top, the kinds that cost several
/// dispatches: a loop's next item (a lock), a global's or an instance attribute's lookup (a lock and a
/// hash lookup), a Python call and its return (a frame made and unmade), a call of a builtin, and any
/// other instruction of the general path. [`Work::WEIGHTS`] are measured by `cargo bench --bench cost`.
/// Budgets, switch points and the prediction's instruction limit still count instructions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Instructions dispatched (every instruction except those fused into the one before it).
    pub dispatches: u64,
    /// `ForIter`s on the fast path (the next item of a range or a list: a lock).
    pub iterations: u64,
    /// `LoadGlobal`s and `StoreGlobal`s on the fast path.
    pub globals: u64,
    /// `LoadAttr`s and `StoreAttr`s of an instance on the fast path.
    pub attributes: u64,
    /// Python calls: frames pushed by a call (a function, a method, a class's `__init__`).
    pub calls: u64,
    /// Returns.
    pub returns: u64,
    /// Calls that pushed no frame: builtin functions, methods and classes.
    pub native_calls: u64,
    /// Every other instruction of the general path (floats, strings, containers, subscripts, ...).
    pub general: u64,
}

impl Work {
    /// Cost units each kind adds to its dispatch (1 unit): measured natively by `cargo bench --bench
    /// cost`, which fits them to the timings of small programs, one kind of work each; rounded.
    pub const WEIGHTS: Work = Work {
        dispatches: 1,
        iterations: 5,
        globals: 5,
        attributes: 12,
        calls: 10,
        returns: 10,
        native_calls: 16,
        general: 6,
    };

    /// The work in cost units (one unit: a fast-path dispatch): what the prediction charges time for.
    pub fn cost(&self) -> u64 {
        let w = Work::WEIGHTS;
        self.dispatches * w.dispatches
            + self.iterations * w.iterations
            + self.globals * w.globals
            + self.attributes * w.attributes
            + self.calls * w.calls
            + self.returns * w.returns
            + self.native_calls * w.native_calls
            + self.general * w.general
    }
}

// ---------------------------------------------------------------------------------------------------------
// Entry points.

/// Runs `thread` until it must wait, has ended, or has spent `budget` instructions and reached a switch
/// point: as CPython 3.11 checks its eval breaker (where the GIL can change hands), only at a frame's
/// first instruction, a backward jump (a loop's back-edge) or just after a call returns. So under a GIL
/// no other thread runs between the load and the store of `counter += 1`, as in CPython 3.11; the run
/// may go a few instructions past the budget to get there (a straight stretch is short).
/// Updates `thread.instructions` and `thread.line`.
pub fn run(interp: &Arc<Interp>, thread: &mut ThreadState, budget: u64) -> Stop {
    run_until(interp, thread, budget, false)
}

/// As [`run`], but stops after exactly `budget` instructions, between any two, as threads without a
/// GIL interleave: for a runtime that models free-threaded parallelism by slices of one thread after
/// another (the prediction of a run without a GIL), where `counter += 1` can then lose updates.
pub fn run_free_threaded(interp: &Arc<Interp>, thread: &mut ThreadState, budget: u64) -> Stop {
    run_until(interp, thread, budget, true)
}

/// [`run`] (`anywhere` false: stops at switch points) and [`run_free_threaded`] (`anywhere` true).
fn run_until(interp: &Arc<Interp>, thread: &mut ThreadState, budget: u64, anywhere: bool) -> Stop {
    if interp.cancelled.load(Ordering::Relaxed) {
        thread.exec.phase = Phase::Done;
        thread.exec.frames.clear();
        return Stop::Finished;
    }
    let mut budget = budget.max(1);
    let stop = loop {
        match std::mem::take(&mut thread.exec.phase) {
            Phase::Idle | Phase::Done => {
                thread.exec.phase = Phase::Done;
                break Stop::Finished;
            }
            Phase::Start { func, args, kwargs } => {
                thread.exec.phase = Phase::Body;
                match start_call(interp, thread, &func, &args, &kwargs) {
                    Ok(Some(exit)) => match finish_body(interp, thread, exit) {
                        Some(stop) => break stop,
                        None => continue,
                    },
                    Ok(None) => {}
                    Err(Flow::Block(block)) => {
                        // Nothing ran: the same first call is made again after the wait.
                        thread.exec.phase = Phase::Start { func, args, kwargs };
                        break Stop::Block(block);
                    }
                    Err(Flow::Raise(exc)) => match finish_body(interp, thread, Exit::Raised(exc)) {
                        Some(stop) => break stop,
                        None => continue,
                    },
                }
            }
            Phase::Target => {
                thread.exec.phase = Phase::TargetBody;
                match call_target(interp, thread) {
                    Ok(Some(exit)) => match finish_body(interp, thread, exit) {
                        Some(stop) => break stop,
                        None => continue,
                    },
                    Ok(None) => {}
                    Err(Flow::Raise(exc)) => match finish_body(interp, thread, Exit::Raised(exc)) {
                        Some(stop) => break stop,
                        None => continue,
                    },
                    Err(Flow::Block(_)) => {
                        let exc = interp.types.new_exception(
                            ExcType::RuntimeError,
                            "a process target cannot wait before it starts",
                        );
                        match finish_body(interp, thread, Exit::Raised(exc)) {
                            Some(stop) => break stop,
                            None => continue,
                        }
                    }
                }
            }
            Phase::Shutdown => {
                thread.exec.phase = Phase::ShutdownBody;
                let shutdown = threading_shutdown(interp);
                match shutdown {
                    None => {
                        thread.exec.phase = Phase::Done;
                        continue;
                    }
                    Some(func) => match start_call(interp, thread, &func, &[], &[]) {
                        Ok(Some(exit)) => match finish_body(interp, thread, exit) {
                            Some(stop) => break stop,
                            None => continue,
                        },
                        Ok(None) => {}
                        Err(Flow::Block(block)) => {
                            thread.exec.phase = Phase::Shutdown;
                            break Stop::Block(block);
                        }
                        Err(Flow::Raise(exc)) => {
                            match finish_body(interp, thread, Exit::Raised(exc)) {
                                Some(stop) => break stop,
                                None => continue,
                            }
                        }
                    },
                }
            }
            phase @ (Phase::Body | Phase::TargetBody | Phase::ShutdownBody) => {
                thread.exec.phase = phase;
            }
        }
        // A body is running in the frames.
        let exit = execute(interp, thread, &mut budget, anywhere);
        match exit {
            Exit::Budget => {
                if interp.cancelled.load(Ordering::Relaxed) {
                    thread.exec.frames.clear();
                    thread.exec.phase = Phase::Done;
                    break Stop::Finished;
                }
                break Stop::Budget;
            }
            Exit::Block(block) => break Stop::Block(block),
            other => {
                if let Some(stop) = finish_body(interp, thread, other) {
                    break stop;
                }
            }
        }
    };
    match &stop {
        Stop::Block(block) if block.site.line > 0 => thread.line = block.site.line,
        _ => update_line(thread),
    }
    stop
}

/// The body running in the thread's frames has ended with `exit`: report an uncaught exception and move
/// to the next phase. `Some(stop)` when `run` should return now.
fn finish_body(interp: &Arc<Interp>, thread: &mut ThreadState, exit: Exit) -> Option<Stop> {
    let raised = match exit {
        Exit::Raised(exc) => Some(exc),
        Exit::Budget => return Some(Stop::Budget),
        Exit::Block(block) => return Some(Stop::Block(block)),
        _ => None,
    };
    thread.exec.frames.clear();
    let phase = std::mem::take(&mut thread.exec.phase);
    let role = thread.exec.role;
    let cancelled = interp.cancelled.load(Ordering::Relaxed);
    if let Some(exc) = &raised {
        if !cancelled {
            report_uncaught(interp, thread, exc, role, &phase);
        }
    }
    thread.exec.phase = match (phase, role) {
        // A spawned process whose module raised never calls its target.
        (Phase::Body, Role::Process) if raised.is_some() => Phase::Done,
        (Phase::Body, Role::Process) if thread.exec.target.is_some() => Phase::Target,
        (Phase::Body | Phase::TargetBody, Role::Main | Role::Process) => Phase::Shutdown,
        _ => Phase::Done,
    };
    if cancelled {
        thread.exec.phase = Phase::Done;
    }
    if matches!(thread.exec.phase, Phase::Done) {
        return Some(Stop::Finished);
    }
    None
}

/// Prints an exception that ended a thread's body, as CPython does, and tells the host.
fn report_uncaught(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    exc: &Value,
    role: Role,
    phase: &Phase,
) {
    let mut ctx = Ctx { interp, thread };
    if let Some(class) = exceptions::class_of_exception(exc) {
        if is_subclass(&class, interp.types.exc(ExcType::SystemExit)) {
            // `sys.exit(code)`: no traceback. A thread's ends silently (threading.excepthook); a
            // program's sets the exit status as CPython does: None is 0, an int is itself, anything
            // else is printed on stderr and is 1.
            if role == Role::Thread {
                return;
            }
            let code = match exceptions_args(exc) {
                Some(args) if args.len() == 1 => args[0].clone(),
                Some(args) if args.len() > 1 => Value::Tuple(args),
                _ => Value::None,
            };
            let status = match &code {
                Value::None => 0,
                Value::Bool(b) => *b as i32,
                Value::Int(n) => (*n).clamp(i32::MIN as i64, i32::MAX as i64) as i32,
                other => {
                    let text = ops::str(&mut ctx, other).unwrap_or_default();
                    let line = user_line(&ctx.thread.exec);
                    interp.host.output(
                        ctx.thread.ident,
                        Stream::Stderr,
                        &format!("{text}\n"),
                        line,
                    );
                    1
                }
            };
            interp.host.exit_status(status);
            return;
        }
    }
    let text = format_exception(&mut ctx, exc);
    let header = match (role, phase) {
        (Role::Thread, _) => format!("Exception in thread {}:\n", ctx.thread.name),
        (Role::Process, Phase::TargetBody) => format!("Process {}:\n", interp.config.process_name),
        _ => String::new(),
    };
    let line = user_line(&ctx.thread.exec);
    interp.host.output(
        ctx.thread.ident,
        Stream::Stderr,
        &format!("{header}{text}"),
        line,
    );
    let report = report_of(&mut ctx, exc);
    let main = role != Role::Thread;
    interp.host.uncaught(ctx.thread.ident, main, report);
}

/// The `args` tuple of an exception instance.
fn exceptions_args(exc: &Value) -> Option<Arc<[Value]>> {
    match exc {
        Value::Instance(inst) => match inst.dict.lock().get("args") {
            Some(Value::Tuple(t)) => Some(t.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `threading._shutdown`, if the program imported threading.
fn threading_shutdown(interp: &Arc<Interp>) -> Option<Value> {
    let threading = interp.modules.lock().get("threading").cloned()?;
    let f = threading.globals.lock().get("_shutdown").cloned();
    f
}

/// Calls `func` as the first frame of a body (a barrier): `Ok(None)` when a frame was pushed,
/// `Ok(Some(exit))` when the call completed at once.
fn start_call(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    func: &Value,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Option<Exit>, Flow> {
    thread.exec.frames.clear();
    match call::call_value(interp, thread, func, args, kwargs, true)? {
        Called::Pushed => Ok(None),
        Called::Done(v) => Ok(Some(Exit::Returned(v))),
    }
}

/// A spawned process's target, called after its module has run.
fn call_target(interp: &Arc<Interp>, thread: &mut ThreadState) -> Result<Option<Exit>, Flow> {
    let Some((target, args)) = thread.exec.target.take() else {
        return Ok(Some(Exit::Returned(Value::None)));
    };
    let mut ctx = Ctx { interp, thread };
    // By module and name, as pickle finds it: a module the program imported only under its main guard
    // is imported now.
    let func = super::natives::from_portable(&mut ctx, target)?;
    let args: Vec<Value> = args
        .into_iter()
        .map(|p| super::natives::from_portable(&mut ctx, p))
        .collect::<Result<_, _>>()?;
    start_call(interp, thread, &func, &args, &[])
}

/// Makes the main thread of a program: its first frame runs `code` as the module `config.main_name`.
pub fn start_main(interp: &Arc<Interp>, code: Arc<Code>) -> ThreadState {
    let mut thread = new_state(interp, "MainThread".into(), false, true);
    push_module_frame(interp, &mut thread, code);
    thread.exec.role = Role::Main;
    thread.exec.phase = Phase::Body;
    thread
}

/// Makes a thread whose first frame calls `func(*args, **kwargs)` (`_threadlab.start_thread`). An
/// exception escaping it is printed as `Exception in thread NAME:` and a traceback.
pub fn new_thread(
    interp: &Arc<Interp>,
    func: Value,
    args: Vec<Value>,
    kwargs: Vec<(Arc<str>, Value)>,
    name: String,
    daemon: bool,
) -> ThreadState {
    let mut thread = new_state(interp, name, daemon, false);
    thread.exec.role = Role::Thread;
    thread.exec.phase = Phase::Start { func, args, kwargs };
    thread
}

/// Makes the main thread of a spawned process: runs `code` as `__mp_main__` (the interpreter's
/// `config.main_name`), then calls `target(*args)` found by name, then shuts threading down.
pub fn start_process_main(
    interp: &Arc<Interp>,
    code: Arc<Code>,
    target: Portable,
    args: Vec<Portable>,
) -> ThreadState {
    let mut thread = new_state(interp, "MainThread".into(), false, true);
    push_module_frame(interp, &mut thread, code);
    thread.exec.role = Role::Process;
    thread.exec.target = Some((target, args));
    thread.exec.phase = Phase::Body;
    thread
}

fn new_state(interp: &Arc<Interp>, name: String, daemon: bool, is_main: bool) -> ThreadState {
    ThreadState {
        ident: interp.new_ident(),
        name,
        daemon,
        is_main,
        retry: None,
        instructions: 0,
        work: Work::default(),
        line: 0,
        exec: ExecState::default(),
    }
}

fn push_module_frame(interp: &Arc<Interp>, thread: &mut ThreadState, code: Arc<Code>) {
    let module = interp.main.clone();
    module
        .globals
        .lock()
        .insert(Arc::from("__name__"), Value::str(&interp.config.main_name));
    let mut frame = module_frame(code, module);
    frame.barrier = true;
    thread.exec.frames.push(frame);
}

/// A frame running a module's body.
pub(crate) fn module_frame(code: Arc<Code>, module: Arc<Module>) -> Frame {
    let locals = vec![None; code.varnames.len()];
    let cells = (0..code.cellvars.len() + code.freevars.len())
        .map(|_| Arc::new(Cell::default()))
        .collect();
    let func = Function {
        code,
        module,
        defaults: Vec::new(),
        kwdefaults: Vec::new(),
        closure: Vec::new(),
        dict: Lock::new(Default::default()),
    };
    Frame::new(Arc::new(func), locals, cells)
}

/// Sets `thread.line` to the line of the innermost frame of the user's program.
fn update_line(thread: &mut ThreadState) {
    if let Some(line) = user_line(&thread.exec) {
        thread.line = line;
    }
}

/// The line of the innermost frame of the user's program (`<main>`), if one is running.
pub(crate) fn user_line(exec: &ExecState) -> Option<u32> {
    exec.frames
        .iter()
        .rev()
        .find(|f| f.is_user())
        .map(Frame::line)
}

/// The kind of wait a block is, from the prelude function the user's code called (`Queue.get` waits on
/// a queue even though the native that blocks is a lock's acquire).
fn site_kind(exec: &ExecState, default: WaitKind) -> WaitKind {
    let frames = &exec.frames;
    let start = frames.iter().rposition(Frame::is_user).map_or(0, |i| i + 1);
    frames[start..]
        .iter()
        .find_map(|f| kind_of(&f.func.code.filename, &f.func.code.qualname))
        .unwrap_or(default)
}

/// The wait kind of a prelude function, by file and qualified name.
fn kind_of(file: &str, qualname: &str) -> Option<WaitKind> {
    if file == "<main>" {
        return None;
    }
    let class = qualname.split('.').next().unwrap_or("");
    if file.starts_with("asyncio") {
        return Some(WaitKind::Idle);
    }
    if file == "network.py" {
        // A simulated download waits for bytes (its latency, its Condition), whatever blocks.
        return Some(WaitKind::Io);
    }
    if file.starts_with("multiprocessing") {
        return match class {
            "Process" | "Queue" | "SimpleQueue" | "JoinableQueue" | "Pool" => {
                Some(WaitKind::Process)
            }
            _ => None,
        };
    }
    if file.starts_with("concurrent") {
        return match class {
            "Future"
            | "wait"
            | "as_completed"
            | "Executor"
            | "ThreadPoolExecutor"
            | "ProcessPoolExecutor" => Some(WaitKind::Future),
            _ => None,
        };
    }
    match class {
        "Queue" | "LifoQueue" | "PriorityQueue" | "SimpleQueue" => Some(WaitKind::Queue),
        "Event" => Some(WaitKind::Event),
        "Semaphore" | "BoundedSemaphore" => Some(WaitKind::Semaphore),
        "Condition" => Some(WaitKind::Condition),
        "Barrier" => Some(WaitKind::Barrier),
        "Lock" | "RLock" | "_RLock" => Some(WaitKind::Lock),
        _ if qualname == "Thread.join" => Some(WaitKind::Join),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------------------
// The dispatch loop.

/// A copy of a value; immediates without the call `Clone` makes for the whole enum.
#[inline(always)]
fn fast_clone(v: &Value) -> Value {
    match v {
        Value::Int(i) => Value::Int(*i),
        Value::None => Value::None,
        Value::Bool(b) => Value::Bool(*b),
        Value::Float(f) => Value::Float(*f),
        other => other.clone(),
    }
}

/// Drops a value; immediates (which own nothing) without a call to the enum's drop glue.
#[inline(always)]
fn fast_drop(v: Option<Value>) {
    if matches!(
        v,
        None | Some(Value::Int(_) | Value::None | Value::Bool(_) | Value::Float(_))
    ) {
        std::mem::forget(v);
    } else {
        drop(v);
    }
}

/// Runs the thread's frames until the budget is spent, a native must wait, or the barrier frame (the
/// innermost frame with `barrier` set) ends. A spent budget stops the run only at a switch point (see
/// [`run`]), unless `anywhere`: then after exactly `budget` instructions.
pub(crate) fn execute(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    budget: &mut u64,
    anywhere: bool,
) -> Exit {
    loop {
        let slow: Instr;
        // A method call fused at its `LoadAttr` (see `method_call`): the function and its bound arguments.
        let mut fused: Option<(Arc<Function>, Vec<Option<Value>>)> = None;
        // A method of a builtin value looked up by `LoadAttr` whose `Call` is near (see `builtin_call`):
        // the receiver stays on the stack in the callee's slot, and the native is called with it as
        // `args[0]` (no bound method is made). Any other exit from the fast path binds it first.
        // (stack index of the receiver, index of the `Call`, the native, the name's index)
        let mut pending: Option<(usize, usize, NativeFn, u32)> = None;
        let mut native: Option<(usize, NativeFn, u32)> = None;
        {
            let ExecState {
                frames,
                spare_locals,
                ..
            } = &mut thread.exec;
            let Some(frame) = frames.last_mut() else {
                return Exit::Returned(Value::None);
            };
            // The fast path: simple instructions on the borrowed frame, until one needs the general path.
            let code: &Code = &frame.func.code;
            let instrs = &code.instrs[..];
            let stack = &mut frame.stack;
            let locals = &mut frame.locals;
            let mut ip = frame.ip;
            let limit = *budget;
            // Checked before every instruction only when any instruction may be the last.
            let stop_any = if anywhere { limit } else { u64::MAX };
            let mut n: u64 = 0;
            // Instructions fused into the one before (counted in `n`, not dispatched).
            let mut fused_n: u64 = 0;
            loop {
                if n >= stop_any {
                    if let Some((base, _, func, name)) = pending.take() {
                        bind_pending(stack, base, func, &code.names[name as usize]);
                    }
                    frame.ip = ip;
                    thread.instructions += n;
                    thread.work.dispatches += n - fused_n;
                    *budget = 0;
                    return Exit::Budget;
                }
                let Some(&instr) = instrs.get(ip) else {
                    // Falling off the end: the compiler always ends with `Return`; be safe anyway.
                    slow = Instr::Nop;
                    break;
                };
                ip += 1;
                n += 1;
                match instr {
                    Instr::Nop => {}
                    Instr::LoadFast(i) => match locals.get(i as usize) {
                        Some(Some(Value::Int(a))) => {
                            // `n - 1`, `i < n`, `n -= 1`: an int local with an int constant or local and an
                            // operator is done without the stack (instructions are still counted one by one).
                            let a = *a;
                            let b = match instrs.get(ip) {
                                Some(&Instr::LoadConst(k)) => match code.consts.get(k as usize) {
                                    Some(Const::Int(b)) => Some(*b),
                                    _ => None,
                                },
                                Some(&Instr::LoadFast(j)) => match locals.get(j as usize) {
                                    Some(Some(Value::Int(b))) => Some(*b),
                                    _ => None,
                                },
                                _ => None,
                            };
                            if let Some(b) = b {
                                match instrs.get(ip + 1) {
                                    Some(&Instr::Compare(op)) => {
                                        if let Some(r) = int_compare(op, a, b) {
                                            match instrs.get(ip + 2) {
                                                Some(&Instr::PopJumpIfFalse(t)) => {
                                                    n += 3;
                                                    fused_n += 3;
                                                    ip = if r { ip + 3 } else { t as usize };
                                                }
                                                Some(&Instr::PopJumpIfTrue(t)) => {
                                                    n += 3;
                                                    fused_n += 3;
                                                    ip = if r { t as usize } else { ip + 3 };
                                                }
                                                _ => {
                                                    n += 2;
                                                    fused_n += 2;
                                                    ip += 2;
                                                    stack.push(Value::Bool(r));
                                                }
                                            }
                                            continue;
                                        }
                                    }
                                    Some(&(Instr::Binary(op) | Instr::InplaceBinary(op))) => {
                                        if let Some(r) = int_binary(op, a, b) {
                                            match instrs.get(ip + 2) {
                                                Some(&Instr::StoreFast(j))
                                                    if (j as usize) < locals.len() =>
                                                {
                                                    n += 3;
                                                    fused_n += 3;
                                                    ip += 3;
                                                    fast_drop(
                                                        locals[j as usize].replace(Value::Int(r)),
                                                    );
                                                }
                                                _ => {
                                                    n += 2;
                                                    fused_n += 2;
                                                    ip += 2;
                                                    stack.push(Value::Int(r));
                                                }
                                            }
                                            continue;
                                        }
                                    }
                                    _ => {}
                                }
                            }
                            stack.push(Value::Int(a));
                        }
                        Some(Some(v)) => stack.push(fast_clone(v)),
                        _ => {
                            slow = instr;
                            break;
                        }
                    },
                    Instr::StoreFast(i)
                        if matches!(stack.last(), Some(Value::Int(_)))
                            && (i as usize) < locals.len() =>
                    {
                        let Some(Value::Int(x)) = stack.pop() else {
                            unreachable!()
                        };
                        fast_drop(locals[i as usize].replace(Value::Int(x)));
                    }
                    Instr::StoreFast(i) => match (stack.pop(), locals.get_mut(i as usize)) {
                        (Some(v), Some(slot)) => fast_drop(slot.replace(v)),
                        (v, _) => {
                            if let Some(v) = v {
                                stack.push(v);
                            }
                            slow = instr;
                            break;
                        }
                    },
                    Instr::LoadConst(i) => match code.consts.get(i as usize) {
                        Some(Const::Int(x)) => stack.push(Value::Int(*x)),
                        Some(Const::None) => stack.push(Value::None),
                        Some(Const::Bool(b)) => stack.push(Value::Bool(*b)),
                        Some(Const::Str(s)) => stack.push(Value::Str(s.clone())),
                        Some(Const::Float(x)) => stack.push(Value::Float(*x)),
                        _ => {
                            slow = instr;
                            break;
                        }
                    },
                    Instr::Pop if !matches!(stack.last(), Some(Value::Generator(_))) => {
                        fast_drop(stack.pop())
                    }
                    Instr::Jump(t) => {
                        // A backward jump (only `Jump` goes backward: loops' back-edges) is a switch
                        // point, as CPython's JUMP_BACKWARD.
                        let back = (t as usize) < ip;
                        ip = t as usize;
                        if back && n >= limit {
                            frame.ip = ip;
                            thread.instructions += n;
                            thread.work.dispatches += n - fused_n;
                            *budget = 0;
                            return Exit::Budget;
                        }
                    }
                    Instr::Binary(op) | Instr::InplaceBinary(op) => {
                        let len = stack.len();
                        let r = match (stack.get(len.wrapping_sub(2)), stack.last()) {
                            (Some(Value::Int(a)), Some(Value::Int(b))) => int_binary(op, *a, *b),
                            _ => None,
                        };
                        match r {
                            Some(r) => {
                                std::mem::forget(stack.pop());
                                if let Some(slot) = stack.last_mut() {
                                    std::mem::forget(std::mem::replace(slot, Value::Int(r)));
                                }
                            }
                            None => {
                                slow = instr;
                                break;
                            }
                        }
                    }
                    Instr::Compare(op) => {
                        let len = stack.len();
                        let r = match (stack.get(len.wrapping_sub(2)), stack.last()) {
                            (Some(Value::Int(a)), Some(Value::Int(b))) => int_compare(op, *a, *b),
                            (Some(a), Some(b)) if matches!(op, CmpOp::Is | CmpOp::IsNot) => {
                                Some(a.is(b) == (op == CmpOp::Is))
                            }
                            _ => None,
                        };
                        let Some(r) = r else {
                            slow = instr;
                            break;
                        };
                        fast_drop(stack.pop());
                        fast_drop(stack.pop());
                        // A comparison is nearly always followed by a conditional jump: take both at once.
                        match instrs.get(ip) {
                            Some(&Instr::PopJumpIfFalse(t)) => {
                                n += 1;
                                fused_n += 1;
                                ip = if r { ip + 1 } else { t as usize };
                            }
                            Some(&Instr::PopJumpIfTrue(t)) => {
                                n += 1;
                                fused_n += 1;
                                ip = if r { t as usize } else { ip + 1 };
                            }
                            _ => stack.push(Value::Bool(r)),
                        }
                    }
                    Instr::PopJumpIfFalse(t) | Instr::PopJumpIfTrue(t) => {
                        let truth = match stack.last() {
                            Some(Value::Bool(b)) => *b,
                            Some(Value::Int(i)) => *i != 0,
                            Some(Value::None) => false,
                            _ => {
                                slow = instr;
                                break;
                            }
                        };
                        std::mem::forget(stack.pop());
                        if truth == matches!(instr, Instr::PopJumpIfTrue(_)) {
                            ip = t as usize;
                        }
                    }
                    Instr::Dup => match stack.last() {
                        Some(v) => {
                            let v = fast_clone(v);
                            stack.push(v);
                        }
                        None => {
                            slow = instr;
                            break;
                        }
                    },
                    Instr::Rot2 if stack.len() >= 2 => {
                        let len = stack.len();
                        stack.swap(len - 1, len - 2);
                    }
                    Instr::Rot3 if stack.len() >= 3 => {
                        let len = stack.len();
                        stack[len - 3..].rotate_right(1);
                    }
                    Instr::LoadGlobal(i) => {
                        thread.work.globals += 1;
                        let name = &code.names[i as usize];
                        let found = frame
                            .func
                            .module
                            .globals
                            .lock()
                            .get(&Name(name))
                            .map(fast_clone);
                        match found.or_else(|| interp.builtins.get(&Name(name)).cloned()) {
                            Some(v) => stack.push(v),
                            None => {
                                slow = instr;
                                break;
                            }
                        }
                    }
                    Instr::StoreGlobal(i) => {
                        let Some(v) = stack.pop() else {
                            slow = instr;
                            break;
                        };
                        thread.work.globals += 1;
                        let name = &code.names[i as usize];
                        let mut globals = frame.func.module.globals.lock();
                        let old = match globals.get_mut(&Name(name)) {
                            Some(slot) => std::mem::replace(slot, v),
                            None => {
                                globals.insert(name.clone(), v);
                                Value::None
                            }
                        };
                        drop(globals);
                        fast_drop(Some(old));
                    }
                    Instr::ForIter(t) => {
                        thread.work.iterations += 1;
                        let next = match stack.last() {
                            Some(Value::Iterator(it)) => fast_next(it),
                            _ => FastNext::Slow,
                        };
                        match next {
                            FastNext::Item(v) => stack.push(v),
                            FastNext::Done => {
                                stack.pop();
                                ip = t as usize;
                            }
                            FastNext::Slow => {
                                slow = instr;
                                break;
                            }
                        }
                    }
                    Instr::LoadAttr(i) => {
                        // An instance's own attribute, or a method of its class: no bound method is made
                        // when the method is called at once with plain arguments.
                        let inst = match stack.last() {
                            Some(Value::Instance(inst)) => inst,
                            Some(
                                v @ (Value::List(_)
                                | Value::Dict(_)
                                | Value::Str(_)
                                | Value::Set(_)
                                | Value::Tuple(_)),
                            ) if pending.is_none() => {
                                let name = &code.names[i as usize];
                                if !name.starts_with("__") {
                                    if let (Some(func), Some(at)) =
                                        (methods::value_method(v, name), builtin_call(instrs, ip))
                                    {
                                        pending = Some((stack.len() - 1, at, func, i));
                                        thread.work.attributes += 1;
                                        continue;
                                    }
                                }
                                slow = instr;
                                break;
                            }
                            _ => {
                                slow = instr;
                                break;
                            }
                        };
                        thread.work.attributes += 1;
                        let name = &code.names[i as usize];
                        let own = inst.dict.lock().get(&Name(name)).map(fast_clone);
                        if let Some(v) = own {
                            if let Some(slot) = stack.last_mut() {
                                *slot = v;
                            }
                            continue;
                        }
                        if name.starts_with("__") {
                            slow = instr;
                            break;
                        }
                        match attr::class_lookup_name(&inst.class, name) {
                            Some(Value::Function(func)) => {
                                if let Some(argc) = method_call(instrs, ip, locals, code) {
                                    if call::simple(&func, argc + 1) {
                                        let mut args = spare_locals.pop().unwrap_or_default();
                                        args.push(stack.pop());
                                        for k in 0..argc {
                                            args.push(Some(match instrs[ip + k] {
                                                Instr::LoadFast(j) => match &locals[j as usize] {
                                                    Some(v) => fast_clone(v),
                                                    None => unreachable!("checked by method_call"),
                                                },
                                                Instr::LoadConst(j) => {
                                                    simple_const(&code.consts[j as usize])
                                                        .unwrap_or_default()
                                                }
                                                _ => unreachable!("checked by method_call"),
                                            }));
                                        }
                                        // The argument loads and the `Call` count as executed.
                                        n += argc as u64 + 1;
                                        fused_n += argc as u64;
                                        ip += argc + 1;
                                        fused = Some((func, args));
                                        slow = Instr::Nop;
                                        break;
                                    }
                                }
                                let receiver = stack.pop().unwrap_or_default();
                                stack.push(Value::Method(Arc::new(Method {
                                    receiver,
                                    func: Value::Function(func),
                                })));
                            }
                            Some(other) => {
                                if let Some(slot) = stack.last_mut() {
                                    *slot = other;
                                }
                            }
                            None => {
                                slow = instr;
                                break;
                            }
                        }
                    }
                    Instr::StoreAttr(i) if stack.len() >= 2 => {
                        let name = &code.names[i as usize];
                        let Some(Value::Instance(inst)) = stack.last() else {
                            slow = instr;
                            break;
                        };
                        if name.starts_with("__") {
                            slow = instr;
                            break;
                        }
                        thread.work.attributes += 1;
                        let inst = inst.clone();
                        fast_drop(stack.pop());
                        let v = stack.pop().unwrap_or_default();
                        let mut dict = inst.dict.lock();
                        let old = match dict.get_mut(&Name(name)) {
                            Some(slot) => Some(std::mem::replace(slot, v)),
                            None => {
                                dict.insert(name.clone(), v);
                                None
                            }
                        };
                        drop(dict);
                        fast_drop(old);
                    }
                    other => {
                        slow = other;
                        break;
                    }
                }
            }
            if let Some((base, at, func, name)) = pending.take() {
                let plain = matches!(slow, Instr::Call(_))
                    && ip == at + 1
                    && stack.len() > base
                    && !stack[base + 1..]
                        .iter()
                        .any(|v| matches!(v, Value::Generator(_)));
                if plain {
                    native = Some((base, func, name));
                } else {
                    bind_pending(stack, base, func, &code.names[name as usize]);
                }
            }
            frame.ip = ip;
            thread.instructions += n;
            thread.work.dispatches += n - fused_n;
            *budget = budget.saturating_sub(n);
        }
        if let Some((func, args)) = fused {
            thread.work.calls += 1;
            if let Err(flow) = call::push_simple(interp, thread, func, args) {
                if let Some(exit) = handle_flow(interp, thread, flow, Raising::Native) {
                    return exit;
                }
            }
            // A frame's first instruction (or just after a failed call): a switch point.
            if *budget == 0 {
                return Exit::Budget;
            }
            continue;
        }
        // After a call, and where a frame was pushed (its first instruction) or popped (just after the
        // call that made it returns), the thread may be switched.
        let depth = thread.exec.frames.len();
        let call = matches!(
            slow,
            Instr::Call(_) | Instr::CallKw { .. } | Instr::CallEx { .. }
        );
        match slow {
            _ if native.is_some() => {}
            Instr::Call(_) | Instr::CallKw { .. } | Instr::CallEx { .. } => {} // counted below
            Instr::Return => thread.work.returns += 1,
            _ => thread.work.general += 1,
        }
        // Calls and returns skip the general path's big dispatch.
        let result = if let Some((base, func, name)) = native {
            call_pending(interp, thread, base, func, name)
        } else {
            match slow {
                Instr::Call(argc) => call::exec_call(interp, thread, argc as usize, &[]),
                Instr::Return => {
                    let exec = &mut thread.exec;
                    let depth = exec.frames.len();
                    let plain = depth >= 2
                        && matches!(exec.frames[depth - 1].on_return, OnReturn::Push)
                        && !exec.frames[depth - 1].barrier;
                    if plain {
                        // An ordinary call returns: the value goes on the caller's stack.
                        let mut frame = exec.frames.pop().expect("a frame to return from");
                        let v = frame.stack.pop().unwrap_or_default();
                        recycle(exec, &mut frame);
                        drop(frame);
                        if let Some(caller) = exec.frames.last_mut() {
                            caller.stack.push(v);
                        }
                        if *budget == 0 {
                            return Exit::Budget;
                        }
                        continue;
                    }
                    let v = pop(thread);
                    step::exec_return(interp, thread, v)
                }
                other => step::step(interp, thread, other),
            }
        };
        if call || native.is_some() {
            if thread.exec.frames.len() > depth {
                thread.work.calls += 1;
            } else {
                thread.work.native_calls += 1;
            }
        }
        let exit = match result {
            Ok(None) => None,
            Ok(Some(exit)) => Some(exit),
            Err(flow) => handle_flow(interp, thread, flow, Raising::Native),
        };
        if let Some(exit) = exit {
            return exit;
        }
        if *budget == 0 && (call || thread.exec.frames.len() != depth) {
            return Exit::Budget;
        }
    }
}

/// Where the `Call` of a builtin value's method looked up at `ip - 1` is, if its arguments are made by
/// loads and operators only (`out.append(i * 2)`, `d.get(k, 0)`): no jump, call or store comes between,
/// so the fast path runs them with the receiver left in the callee's slot (see `pending` in `execute`).
#[inline]
fn builtin_call(instrs: &[Instr], ip: usize) -> Option<usize> {
    let mut depth = 0u32;
    for at in ip..ip + 12 {
        match *instrs.get(at)? {
            Instr::LoadFast(_) | Instr::LoadConst(_) | Instr::LoadGlobal(_) => depth += 1,
            Instr::Binary(_) | Instr::Compare(_) if depth >= 2 => depth -= 1,
            Instr::Call(k) => return (k == depth).then_some(at),
            _ => return None,
        }
    }
    None
}

/// Makes the bound method a pending builtin call stands for (the fast path leaves it).
#[cold]
fn bind_pending(stack: &mut [Value], base: usize, func: NativeFn, name: &str) {
    if let Some(slot) = stack.get_mut(base) {
        let bound = methods::bind(name, func, slot);
        *slot = bound;
    }
}

/// The `Call` of a pending builtin method: the native gets the receiver and the arguments straight from
/// the stack. If it must wait or raises, the bound method is made, so the call is made again (after a
/// wait) by the general path as usual.
fn call_pending(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    base: usize,
    func: NativeFn,
    name: u32,
) -> Step {
    let fi = thread.exec.frames.len() - 1;
    let stack = std::mem::take(&mut thread.exec.frames[fi].stack);
    let r = func(&mut Ctx { interp, thread }, &stack[base..], &[]);
    let mut stack = stack;
    let r = match r {
        Ok(v) => {
            thread.retry = None;
            stack.truncate(base);
            stack.push(v);
            Ok(None)
        }
        Err(flow) => {
            if !matches!(flow, Flow::Block(_)) {
                thread.retry = None;
            }
            let code = &thread.exec.frames[fi].func.code;
            bind_pending(&mut stack, base, func, &code.names[name as usize]);
            Err(flow)
        }
    };
    thread.exec.frames[fi].stack = stack;
    r
}

/// A constant the fast path pushes as it is (no tuple to build).
#[inline]
fn simple_const(c: &Const) -> Option<Value> {
    Some(match c {
        Const::Int(x) => Value::Int(*x),
        Const::None => Value::None,
        Const::Bool(b) => Value::Bool(*b),
        Const::Str(s) => Value::Str(s.clone()),
        Const::Float(x) => Value::Float(*x),
        _ => return None,
    })
}

/// Whether the instructions after a `LoadAttr` (at `ip`) are `argc` plain loads (bound locals, simple
/// constants) and then `Call(argc)`: the method can then be called without making a bound method, as
/// CPython's `LOAD_METHOD` does. Loads have no effects, so doing them after the lookup changes nothing.
#[inline]
fn method_call(
    instrs: &[Instr],
    ip: usize,
    locals: &[Option<Value>],
    code: &Code,
) -> Option<usize> {
    for argc in 0..8 {
        match *instrs.get(ip + argc)? {
            Instr::Call(k) => return (k as usize == argc).then_some(argc),
            Instr::LoadFast(j) if matches!(locals.get(j as usize), Some(Some(_))) => {}
            Instr::LoadConst(j)
                if matches!(
                    code.consts.get(j as usize)?,
                    Const::Int(_) | Const::None | Const::Bool(_) | Const::Str(_) | Const::Float(_)
                ) => {}
            _ => return None,
        }
    }
    None
}

/// What the fast path of `ForIter` found.
enum FastNext {
    Item(Value),
    Done,
    Slow,
}

/// The next item of a range or list iterator without leaving the loop's fast path.
#[inline]
fn fast_next(it: &Lock<NativeIter>) -> FastNext {
    let mut state = it.lock();
    match &mut *state {
        NativeIter::Range { next, stop, step } => {
            let v = *next;
            if (*step > 0 && v < *stop) || (*step < 0 && v > *stop) {
                *next = v.checked_add(*step).unwrap_or(*stop);
                FastNext::Item(Value::Int(v))
            } else {
                FastNext::Done
            }
        }
        NativeIter::List { list, index } => {
            let item = list.items.lock().get(*index).cloned();
            match item {
                Some(v) => {
                    *index += 1;
                    FastNext::Item(v)
                }
                None => {
                    *state = NativeIter::Done;
                    FastNext::Done
                }
            }
        }
        _ => FastNext::Slow,
    }
}

/// Integer arithmetic that stays in range; `None` sends the operation to `ops` (floats, overflow, errors).
#[inline]
fn int_binary(op: BinOp, a: i64, b: i64) -> Option<i64> {
    let r = match op {
        BinOp::Add => a.checked_add(b)?,
        BinOp::Sub => a.checked_sub(b)?,
        BinOp::Mul => a.checked_mul(b)?,
        BinOp::FloorDiv => {
            if b == 0 {
                return None;
            }
            let q = a.checked_div(b)?;
            if (a % b != 0) && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            }
        }
        BinOp::Mod => {
            if b == 0 {
                return None;
            }
            let r = a.checked_rem(b)?;
            if r != 0 && ((r < 0) != (b < 0)) {
                r + b
            } else {
                r
            }
        }
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        _ => return None,
    };
    Some(r)
}

#[inline]
fn int_compare(op: CmpOp, a: i64, b: i64) -> Option<bool> {
    Some(match op {
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
        CmpOp::Is => a == b,
        CmpOp::IsNot => a != b,
        _ => return None,
    })
}

/// An error from an instruction: raise it in the top frame, or (a wait) leave the loop.
fn handle_flow(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    flow: Flow,
    how: Raising,
) -> Option<Exit> {
    match flow {
        Flow::Raise(exc) => exceptions::raise(interp, thread, exc, how),
        Flow::Block(mut block) => {
            if thread.exec.nested > 0 {
                // A nested run cannot wait: the call raises instead.
                thread.retry = None;
                let exc = interp.types.new_exception(
                    ExcType::RuntimeError,
                    "this call cannot wait inside a nested call (key function, __str__, ...)",
                );
                return exceptions::raise(interp, thread, exc, Raising::Native);
            }
            // The line of the call that waits, then the call is made again after the wait.
            let line = user_line(&thread.exec);
            block.site.line = line.unwrap_or(0);
            block.site.kind = site_kind(&thread.exec, block.site.kind);
            if let Some(f) = thread.exec.frames.last_mut() {
                f.ip -= 1;
            }
            Some(Exit::Block(block))
        }
    }
}

#[inline]
fn top(thread: &mut ThreadState) -> &mut Frame {
    thread.exec.frames.last_mut().expect("a running frame")
}

#[inline]
fn pop(thread: &mut ThreadState) -> Value {
    top(thread).stack.pop().unwrap_or_default()
}

#[inline]
fn push(thread: &mut ThreadState, v: Value) {
    top(thread).stack.push(v);
}

/// `NameError: name 'x' is not defined` (with CPython's suggestion for the traceback).
fn name_error(interp: &Arc<Interp>, thread: &mut ThreadState, name: &str) -> Flow {
    let exc = interp
        .types
        .new_exception(ExcType::NameError, &format!("name '{name}' is not defined"));
    exceptions::note_name_error(interp, &thread.exec, &exc, name);
    Flow::Raise(exc)
}

fn unbound_local(interp: &Arc<Interp>, name: &str) -> Flow {
    Flow::Raise(interp.types.new_exception(
        ExcType::UnboundLocalError,
        &format!("cannot access local variable '{name}' where it is not associated with a value"),
    ))
}

fn system_error(interp: &Arc<Interp>, what: &str) -> Flow {
    Flow::Raise(
        interp
            .types
            .new_exception(ExcType::SystemError, &format!("ThreadLab's VM: {what}")),
    )
}

/// Keeps a finished frame's stack and locals for the next frame.
#[inline]
pub(crate) fn recycle(exec: &mut ExecState, frame: &mut Frame) {
    let mut stack = std::mem::take(&mut frame.stack);
    if exec.spare_stacks.len() < 32 && stack.capacity() <= 64 {
        while let Some(v) = stack.pop() {
            fast_drop(Some(v));
        }
        exec.spare_stacks.push(stack);
    }
    let mut locals = std::mem::take(&mut frame.locals);
    if exec.spare_locals.len() < 32 && locals.capacity() <= 64 {
        while let Some(v) = locals.pop() {
            fast_drop(v);
        }
        exec.spare_locals.push(locals);
    }
}

/// Pushes a new frame, enforcing the recursion limit.
pub(crate) fn push_frame(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    mut frame: Frame,
) -> Result<(), Flow> {
    check_depth(interp, thread)?;
    if frame.stack.capacity() == 0 {
        frame.stack = thread
            .exec
            .spare_stacks
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(8));
    }
    thread.exec.frames.push(frame);
    Ok(())
}

/// `RecursionError` if one more frame would pass the limit.
pub(crate) fn check_depth(interp: &Arc<Interp>, thread: &mut ThreadState) -> Result<(), Flow> {
    let depth = thread.exec.frames.len();
    // The limit is cheap to read only from the config; `sys.setrecursionlimit` can only lower it, so
    // its value is consulted from a modest depth on.
    if depth >= 50 {
        let limit = super::natives::recursion_limit(interp);
        if depth >= limit {
            return Err(Flow::Raise(interp.types.new_exception(
                ExcType::RecursionError,
                "maximum recursion depth exceeded",
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Calling back into Python from natives.

impl Ctx<'_> {
    /// Calls `f(*args, **kwargs)` and returns its result. Builtins, natives and bound builtin methods are
    /// called directly; Python code runs in a nested run of the dispatch loop on this thread until the call
    /// returns (it cannot wait: a wait raises `RuntimeError`).
    pub fn call(
        &mut self,
        f: &Value,
        args: &[Value],
        kwargs: &[(Arc<str>, Value)],
    ) -> Result<Value, Flow> {
        let interp = self.interp;
        let saved = self.thread.retry.take();
        let r = match call::call_value(interp, self.thread, f, args, kwargs, true) {
            Ok(Called::Done(v)) => Ok(v),
            Ok(Called::Pushed) => match nested_run(interp, self.thread) {
                Exit::Returned(v) | Exit::GenReturned(v) | Exit::Yielded(v) => Ok(v),
                Exit::Raised(exc) => Err(Flow::Raise(exc)),
                Exit::Budget | Exit::Block(_) => Err(Flow::Raise(interp.types.new_exception(
                    ExcType::SystemError,
                    "ThreadLab's VM: a nested run stopped early",
                ))),
            },
            Err(Flow::Block(_)) => Err(self.raise(
                ExcType::RuntimeError,
                "this call cannot wait inside a nested call (key function, __str__, ...)",
            )),
            Err(e) => Err(e),
        };
        self.thread.retry = saved;
        r
    }

    /// The next item of an iterator: `Ok(None)` when it is exhausted. Generators are resumed in a nested
    /// run; user iterators' `__next__` is called (`StopIteration` ends them).
    pub fn next(&mut self, it: &Value) -> Result<Option<Value>, Flow> {
        match it {
            Value::Iterator(_) => ops::iter_next(self, it),
            Value::Generator(gen) => {
                match generators::resume_nested(self, gen, generators::Resume::Send(Value::None))? {
                    generators::Outcome::Yielded(v) => Ok(Some(v)),
                    generators::Outcome::Returned(_) => Ok(None),
                }
            }
            _ => {
                let next = self.getattr(it, "__next__")?;
                match self.call(&next, &[], &[]) {
                    Ok(v) => Ok(Some(v)),
                    Err(Flow::Raise(exc))
                        if exceptions::is_instance_of(
                            self.interp,
                            &exc,
                            ExcType::StopIteration,
                        ) =>
                    {
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// All items of an iterable (`list(x)`, `sorted(x)`, `sum(x)`, ...).
    pub fn iterate(&mut self, v: &Value) -> Result<Vec<Value>, Flow> {
        match v {
            Value::List(l) => return Ok(l.items.lock().clone()),
            Value::Tuple(t) => return Ok(t.to_vec()),
            _ => {}
        }
        let it = match v {
            Value::Iterator(_) | Value::Generator(_) => v.clone(),
            _ => ops::get_iter(self, v)?,
        };
        let mut out = Vec::new();
        while let Some(item) = self.next(&it)? {
            out.push(item);
        }
        Ok(out)
    }

    /// The exception the calling code is handling (`sys.exc_info()`), if any.
    pub fn handled_exception(&self) -> Option<Value> {
        exceptions::handled(&self.thread.exec)
    }
}

/// Runs the frame just pushed (a barrier) to its end in a nested run of the dispatch loop.
pub(crate) fn nested_run(interp: &Arc<Interp>, thread: &mut ThreadState) -> Exit {
    if thread.exec.nested >= MAX_NESTED {
        // Too deep in Rust: drop the pushed frame and raise.
        match thread.exec.frames.pop().map(|f| f.on_return) {
            Some(OnReturn::Generator(gen, _)) => generators::finish(&gen),
            Some(OnReturn::Import { name }) => {
                interp.modules.lock().remove(&name);
            }
            _ => {}
        }
        return Exit::Raised(interp.types.new_exception(
            ExcType::RecursionError,
            "maximum recursion depth exceeded while calling a Python object",
        ));
    }
    thread.exec.nested += 1;
    let exit = loop {
        let mut budget = NESTED_SLICE;
        match execute(interp, thread, &mut budget, false) {
            Exit::Budget => {
                if interp.cancelled.load(Ordering::Relaxed) {
                    // Unwind the nested frames with an exception user code doesn't catch by accident.
                    let exc = interp
                        .types
                        .new_exception(ExcType::KeyboardInterrupt, "the run was stopped");
                    if let Some(exit) = exceptions::raise(interp, thread, exc, Raising::Native) {
                        break exit;
                    }
                }
            }
            exit => break exit,
        }
    };
    thread.exec.nested -= 1;
    exit
}

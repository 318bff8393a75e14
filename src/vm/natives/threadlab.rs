//! `_threadlab`: the few native primitives the Python prelude (threading, queue, asyncio,
//! concurrent.futures, multiprocessing) is built on: a lock with blocking acquire and timeout, starting
//! threads and processes, reporting an uncaught exception, cross-process channels, and the asyncio task
//! notes for the timeline.
//!
//! Every wait is futex-like (see [`crate::vm::host`]): read the waitable's generation, check the state,
//! and if the call can't go on return a `Block`; the VM runs the same call again after the wait, with
//! the deadline computed on the first attempt kept in the thread's `Retry`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{
    as_float, as_int, bind, block, deadline, exact, from_portable, functions, module_attr,
    native_class, new_module, retry_of, shim, timeout_arg, to_portable, type_name, wait_on,
};
use crate::vm::host::{ProcessSpec, Stream, Transfer, Wait, WaitKind, Waitable, NO_REAL_NETWORK};
use crate::vm::types::{new_exception_of, ExcType};
use crate::vm::value::{Class, Flow, Module, NativeAttr, NativeObject, Value};
use crate::vm::{Ctx, Retry};

type Kwargs<'a> = &'a [(Arc<str>, Value)];
type Native = Result<Value, Flow>;

/// `threading.TIMEOUT_MAX` on a 64-bit Linux CPython.
const TIMEOUT_MAX: f64 = 9_223_372_036.854_776;

pub(super) fn module(ctx: &mut Ctx<'_>) -> Arc<Module> {
    let mut entries = functions(&[
        ("allocate_lock", allocate_lock),
        ("start_thread", start_thread),
        ("thread_exit", thread_exit),
        ("get_ident", get_ident),
        ("get_native_id", get_ident),
        ("is_main_thread", is_main_thread),
        ("thread_name", thread_name),
        ("report_exception", report_exception),
        ("task_switch", task_switch),
        ("task_wait", task_wait),
        ("queue_depth", queue_depth),
        ("process_start", process_start),
        ("process_exitcode", process_exitcode),
        ("exit_status", exit_status),
        ("process_join", process_join),
        ("process_terminate", process_terminate),
        ("channel_new", channel_new),
        ("cpu_count", cpu_count),
        ("getpid", getpid),
        ("parent_pid", parent_pid_fn),
        ("process_name", process_name),
        ("iscoroutine", iscoroutine),
        ("iscoroutinefunction", iscoroutinefunction),
        ("format_exception", format_exception),
        ("write_stderr", write_stderr),
        ("fetch", fetch),
        ("network_real", network_real),
    ]);
    entries.extend([
        (
            "LockType",
            Value::Class(native_class(ctx, "_thread", "lock", None)),
        ),
        ("TIMEOUT_MAX", Value::Float(TIMEOUT_MAX)),
    ]);
    new_module("_threadlab", entries)
}

/// `_thread.lock`: a non-reentrant lock any thread may release. Waiters wait on its waitable and race
/// for it when it is released, as CPython's (unfair) locks do.
#[derive(Debug)]
pub struct NativeLock {
    locked: AtomicBool,
    waitable: Arc<Waitable>,
}

impl NativeLock {
    /// A new, unlocked lock.
    pub fn new() -> NativeLock {
        NativeLock {
            locked: AtomicBool::new(false),
            waitable: Waitable::new(),
        }
    }

    /// Takes the lock if it is free.
    pub fn try_acquire(&self) -> bool {
        self.locked
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Whether it is held.
    pub fn is_locked(&self) -> bool {
        self.locked.load(Ordering::SeqCst)
    }
}

impl Default for NativeLock {
    fn default() -> Self {
        NativeLock::new()
    }
}

impl NativeObject for NativeLock {
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class> {
        native_class(ctx, "_thread", "lock", None)
    }

    fn attr(&self, name: &str) -> Option<NativeAttr> {
        Some(NativeAttr::Method(match name {
            "acquire" | "acquire_lock" | "__enter__" => lock_acquire,
            "release" | "release_lock" => lock_release,
            "__exit__" => lock_exit,
            "locked" | "locked_lock" => lock_locked,
            "_at_fork_reinit" => lock_reinit,
            "__repr__" => lock_repr,
            _ => return None,
        }))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn receiver<'v, T: 'static>(ctx: &Ctx<'_>, args: &'v [Value], what: &str) -> Result<&'v T, Flow> {
    if let Some(Value::Native(obj)) = args.first() {
        if let Some(it) = obj.as_any().downcast_ref::<T>() {
            return Ok(it);
        }
    }
    Err(ctx.raise(
        ExcType::TypeError,
        &format!("descriptor requires a '{what}' object"),
    ))
}

fn allocate_lock(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "allocate_lock", args, kwargs, 0)?;
    Ok(Value::Native(Arc::new(NativeLock::new())))
}

/// `lock.acquire(blocking=True, timeout=-1)`.
fn lock_acquire(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let lock = receiver::<NativeLock>(ctx, args, "_thread.lock")?;
    let [blocking, timeout] = bind(
        ctx,
        "acquire",
        &args[1..],
        kwargs,
        ["blocking", "timeout"],
        0,
    )?;
    let blocking = match &blocking {
        None => true,
        Some(v) => as_int(ctx, v)? != 0,
    };
    let timeout = match &timeout {
        None => -1.0,
        Some(Value::Int(_) | Value::Bool(_) | Value::Float(_)) => {
            as_float(ctx, timeout.as_ref().unwrap_or(&Value::None))?
        }
        Some(other) => {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!(
                    "'{}' object cannot be interpreted as an integer",
                    type_name(ctx, other)
                ),
            ))
        }
    };
    if !blocking && timeout != -1.0 {
        return Err(ctx.raise(
            ExcType::ValueError,
            "can't specify a timeout for a non-blocking call",
        ));
    }
    if timeout < 0.0 && timeout != -1.0 {
        return Err(ctx.raise(ExcType::ValueError, "timeout value must be positive"));
    }
    if timeout > TIMEOUT_MAX {
        return Err(ctx.raise(ExcType::OverflowError, "timeout value is too large"));
    }
    let (until, now) = deadline(ctx, (timeout >= 0.0).then_some(timeout));
    let seen = lock.waitable.generation();
    if lock.try_acquire() {
        return Ok(Value::Bool(true));
    }
    if !blocking || until.is_some_and(|u| now >= u) {
        return Ok(Value::Bool(false));
    }
    let on = lock.waitable.clone();
    Err(wait_on(ctx, on, seen, until, WaitKind::Lock))
}

fn release(ctx: &Ctx<'_>, lock: &NativeLock) -> Result<(), Flow> {
    if lock
        .locked
        .compare_exchange(true, false, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        return Err(ctx.raise(ExcType::RuntimeError, "release unlocked lock"));
    }
    lock.waitable.bump();
    ctx.interp.host.notify(&lock.waitable);
    Ok(())
}

fn lock_release(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let lock = receiver::<NativeLock>(ctx, args, "_thread.lock")?;
    exact(ctx, "release", &args[1..], kwargs, 0)?;
    release(ctx, lock)?;
    Ok(Value::None)
}

fn lock_exit(ctx: &mut Ctx<'_>, args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    let lock = receiver::<NativeLock>(ctx, args, "_thread.lock")?;
    release(ctx, lock)?;
    Ok(Value::None)
}

fn lock_locked(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let lock = receiver::<NativeLock>(ctx, args, "_thread.lock")?;
    exact(ctx, "locked", &args[1..], kwargs, 0)?;
    Ok(Value::Bool(lock.is_locked()))
}

fn lock_reinit(ctx: &mut Ctx<'_>, args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    let lock = receiver::<NativeLock>(ctx, args, "_thread.lock")?;
    lock.locked.store(false, Ordering::SeqCst);
    lock.waitable.bump();
    ctx.interp.host.notify(&lock.waitable);
    Ok(Value::None)
}

fn lock_repr(ctx: &mut Ctx<'_>, args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    let lock = receiver::<NativeLock>(ctx, args, "_thread.lock")?;
    let state = if lock.is_locked() {
        "locked"
    } else {
        "unlocked"
    };
    let addr = args[0].identity().unwrap_or(0);
    Ok(Value::str(&format!(
        "<{state} _thread.lock object at {addr:#014x}>"
    )))
}

/// `start_thread(function, args, name, daemon) -> ident`: a new Python thread whose first frame calls
/// `function(*args)`, handed to the runtime ready to run.
fn start_thread(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [function, fargs, name, daemon] = bind(
        ctx,
        "start_thread",
        args,
        kwargs,
        ["function", "args", "name", "daemon"],
        1,
    )?;
    let function = function.unwrap_or_default();
    let fargs = match fargs {
        None => vec![],
        Some(Value::Tuple(t)) => t.to_vec(),
        Some(Value::List(l)) => l.items.lock().clone(),
        Some(other) => {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("2nd arg must be a tuple, not {}", type_name(ctx, &other)),
            ))
        }
    };
    let name = match name {
        Some(Value::Str(s)) => s.to_string(),
        _ => String::new(),
    };
    let daemon = matches!(daemon, Some(Value::Bool(true)));
    let interp = ctx.interp.clone();
    let live = interp.live_threads.load(Ordering::SeqCst);
    if live >= interp.config.limits.max_threads {
        return Err(ctx.raise(ExcType::RuntimeError, "can't start new thread"));
    }
    let thread = shim::new_thread(&interp, function, fargs, name, daemon);
    let ident = thread.ident;
    interp.live_threads.fetch_add(1, Ordering::SeqCst);
    interp.host.spawn(Box::new(thread));
    Ok(Value::Int(ident as i64))
}

/// `thread_exit()`: the calling thread (started by `start_thread`) is about to end; it no longer counts
/// against the limit of live threads.
fn thread_exit(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "thread_exit", args, kwargs, 0)?;
    let live = &ctx.interp.live_threads;
    let _ = live.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    Ok(Value::None)
}

fn get_ident(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "get_ident", args, kwargs, 0)?;
    Ok(Value::Int(ctx.thread.ident as i64))
}

fn is_main_thread(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "is_main_thread", args, kwargs, 0)?;
    Ok(Value::Bool(ctx.thread.is_main))
}

/// `thread_name(name, ident=None)`: thread `ident` (the calling thread by default) is now called `name`;
/// its timeline lane follows.
fn thread_name(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [name, ident] = bind(ctx, "thread_name", args, kwargs, ["name", "ident"], 1)?;
    let Some(Value::Str(name)) = name else {
        return Ok(Value::None);
    };
    let ident = match ident {
        Some(Value::None) | None => ctx.thread.ident,
        Some(v) => as_int(ctx, &v)?.max(0) as u64,
    };
    if ident == ctx.thread.ident {
        ctx.thread.name = name.to_string();
    }
    ctx.interp.host.thread_renamed(ident, &name);
    Ok(Value::None)
}

/// `report_exception(exc, header)`: an uncaught exception ended a thread: `header` (`Exception in
/// thread Thread-1 (worker):`) and the traceback go to stderr, and the runtime records it.
fn report_exception(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "report_exception", args, kwargs, 2)?;
    let (exc, header) = (args[0].clone(), args[1].clone());
    let header = match &header {
        Value::Str(s) => s.to_string(),
        _ => String::new(),
    };
    let traceback = shim::format_exception(ctx, &exc);
    let text = format!("{header}\n{traceback}");
    let line = crate::vm::interp::user_line(&ctx.thread.exec);
    ctx.interp
        .host
        .output(ctx.thread.ident, Stream::Stderr, &text, line);
    let report = shim::report_of(ctx, &exc);
    ctx.interp.host.uncaught(ctx.thread.ident, false, report);
    Ok(Value::None)
}

/// `task_switch(name)`: the asyncio task now running on this thread (`None` when the loop idles).
fn task_switch(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "task_switch", args, kwargs, 1)?;
    let task = match &args[0] {
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    };
    ctx.interp
        .host
        .task_switch(ctx.thread.ident, task.as_deref());
    Ok(Value::None)
}

/// `task_wait(coro, kind)`: the running asyncio task has just suspended, awaiting a future of `kind`
/// (`sleep`, `join`, `lock`, `event`, `condition`, `semaphore`, `queue`, else a future), at the line
/// where its coroutine `coro` stopped: its lane shows that wait until the task runs again.
fn task_wait(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "task_wait", args, kwargs, 2)?;
    let line = match &args[0] {
        Value::Generator(g) => g
            .inner
            .lock()
            .frame
            .as_ref()
            .filter(|f| f.is_user())
            .map_or(0, crate::vm::frame::Frame::line),
        _ => 0,
    };
    let kind = match &args[1] {
        Value::Str(s) => match &**s {
            "sleep" => WaitKind::Sleep,
            "join" => WaitKind::Join,
            "lock" => WaitKind::Lock,
            "event" => WaitKind::Event,
            "condition" => WaitKind::Condition,
            "semaphore" => WaitKind::Semaphore,
            "queue" => WaitKind::Queue,
            _ => WaitKind::Future,
        },
        _ => WaitKind::Future,
    };
    ctx.interp.host.task_wait(ctx.thread.ident, kind, line);
    Ok(Value::None)
}

/// `queue_depth(q, n)`: queue `q` holds `n` items now (a `queue.Queue`'s put or get), for the timeline.
fn queue_depth(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "queue_depth", args, kwargs, 2)?;
    let depth = match &args[1] {
        Value::Int(n) => (*n).max(0) as usize,
        _ => 0,
    };
    ctx.interp
        .host
        .queue_depth(args[0].identity().unwrap_or(0), depth);
    Ok(Value::None)
}

/// `iscoroutine(obj)`: a coroutine object (what calling an `async def` function makes).
fn iscoroutine(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "iscoroutine", args, kwargs, 1)?;
    Ok(Value::Bool(
        matches!(&args[0], Value::Generator(g) if g.is_coroutine),
    ))
}

/// `iscoroutinefunction(f)`: an `async def` function (or a method bound to one).
fn iscoroutinefunction(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "iscoroutinefunction", args, kwargs, 1)?;
    let func = match &args[0] {
        Value::Method(m) => m.func.clone(),
        other => other.clone(),
    };
    Ok(Value::Bool(
        matches!(&func, Value::Function(f) if f.code.flags.coroutine),
    ))
}

/// `format_exception(exc)`: the traceback text CPython would print for it.
fn format_exception(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "format_exception", args, kwargs, 1)?;
    Ok(Value::str(&shim::format_exception(ctx, &args[0])))
}

/// `write_stderr(text)`: text on the thread's stderr (asyncio's logged errors).
fn write_stderr(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "write_stderr", args, kwargs, 1)?;
    if let Value::Str(s) = &args[0] {
        let line = crate::vm::interp::user_line(&ctx.thread.exec);
        ctx.interp
            .host
            .output(ctx.thread.ident, Stream::Stderr, s, line);
    }
    Ok(Value::None)
}

/// A transfer a thread waits for, kept in its `Retry` between the attempts of `fetch`.
#[derive(Debug)]
struct PendingTransfer(Arc<Transfer>);

impl NativeObject for PendingTransfer {
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class> {
        native_class(ctx, "_threadlab", "transfer", None)
    }

    fn attr(&self, _name: &str) -> Option<NativeAttr> {
        None
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// An address as a message shows it: the playground's own file for an empty one, cut at 60 characters.
fn shown_url(url: &str) -> String {
    if url.is_empty() {
        "files/data.bin".to_string()
    } else if url.chars().count() <= 60 {
        url.to_string()
    } else {
        format!("{}…", url.chars().take(59).collect::<String>())
    }
}

/// `fetch(url, offset, len) -> bytes received`: gets bytes `offset .. offset + len` of `url` for real
/// (an empty `url`: the playground's own file), waiting (as I/O on the timeline) until the runtime
/// answers. A failure raises `ConnectionError` (`OSError` where the run has no real network) naming the
/// address.
fn fetch(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [url, offset, len] = bind(ctx, "fetch", args, kwargs, ["url", "offset", "len"], 3)?;
    let url = match url {
        Some(Value::Str(s)) => s.to_string(),
        Some(other) => {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("fetch() url must be str, not {}", type_name(ctx, &other)),
            ))
        }
        None => String::new(),
    };
    let offset = as_int(ctx, offset.as_ref().unwrap_or(&Value::Int(0)))?;
    let len = as_int(ctx, len.as_ref().unwrap_or(&Value::Int(0)))?;
    if offset < 0 || len < 0 {
        return Err(ctx.raise(
            ExcType::ValueError,
            "fetch() offset and len must not be negative",
        ));
    }
    let retry = retry_of(ctx);
    let transfer = match &retry.value {
        Some(Value::Native(obj)) if retry.stage == 1 => {
            match obj.as_any().downcast_ref::<PendingTransfer>() {
                Some(p) => p.0.clone(),
                None => ctx.interp.host.fetch(&url, offset as u64, len as u64),
            }
        }
        _ => ctx.interp.host.fetch(&url, offset as u64, len as u64),
    };
    let seen = transfer.done.generation();
    match transfer.result() {
        Some(Ok(bytes)) => Ok(Value::Int(bytes.min(i64::MAX as u64) as i64)),
        Some(Err(error)) => {
            let kind = if error == NO_REAL_NETWORK {
                ExcType::OSError
            } else {
                ExcType::ConnectionError
            };
            Err(ctx.raise(kind, &format!("{}: {error}", shown_url(&url))))
        }
        None => {
            let done = transfer.done.clone();
            let retry = Retry {
                stage: 1,
                until: None,
                value: Some(Value::Native(Arc::new(PendingTransfer(transfer)))),
            };
            Err(block(ctx, retry, Wait::Io { done, seen }, WaitKind::Io))
        }
    }
}

/// `network_real()`: whether the run's network is real (`network: "real"`), so that `network.download`
/// fetches for real.
fn network_real(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "network_real", args, kwargs, 0)?;
    Ok(Value::Bool(ctx.interp.host.network_real()))
}

/// `process_start(target, args, name, daemon=False) -> pid`: a spawned process runs the program again
/// as `__mp_main__`, then `target(*args)` on copies of the arguments. A daemonic process is terminated
/// when the main program ends instead of being waited for.
fn process_start(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [target, fargs, name, daemon] = bind(
        ctx,
        "process_start",
        args,
        kwargs,
        ["target", "args", "name", "daemon"],
        3,
    )?;
    let [target, fargs, name] = [target, fargs, name].map(|v| v.unwrap_or(Value::None));
    let daemon = match daemon {
        Some(d) => crate::vm::ops::truthy(ctx, &d)?,
        None => false,
    };
    let target = to_portable(ctx, &target)?;
    let fargs = match &fargs {
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => l.items.lock().clone(),
        other => {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("args must be a tuple, not {}", type_name(ctx, other)),
            ))
        }
    };
    let mut portable_args = Vec::with_capacity(fargs.len());
    for a in &fargs {
        portable_args.push(to_portable(ctx, a)?);
    }
    let name = match &name {
        Value::Str(s) => s.to_string(),
        _ => "Process".to_string(),
    };
    let spec = ProcessSpec {
        name,
        target,
        args: portable_args,
        daemon,
    };
    match ctx.interp.host.process_start(spec) {
        Ok(pid) => Ok(Value::Int(pid as i64)),
        Err(message) => Err(ctx.raise(ExcType::RuntimeError, &message)),
    }
}

fn pid_arg(ctx: &Ctx<'_>, v: &Value) -> Result<u64, Flow> {
    Ok(as_int(ctx, v)?.max(0) as u64)
}

fn process_exitcode(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "process_exitcode", args, kwargs, 1)?;
    let pid = pid_arg(ctx, &args[0])?;
    Ok(match ctx.interp.host.process_exitcode(pid) {
        Some(code) => Value::Int(code as i64),
        None => Value::None,
    })
}

/// `process_join(pid, timeout=None)`: waits until the process ends or the timeout passes.
fn process_join(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [pid, timeout] = bind(ctx, "process_join", args, kwargs, ["pid", "timeout"], 1)?;
    let pid = pid_arg(ctx, pid.as_ref().unwrap_or(&Value::None))?;
    let timeout = timeout_arg(ctx, timeout.as_ref())?;
    let host = ctx.interp.host.clone();
    let waitable = host.process_waitable(pid);
    let seen = waitable.generation();
    if host.process_exitcode(pid).is_some() {
        return Ok(Value::None);
    }
    let (until, now) = deadline(ctx, timeout);
    if until.is_some_and(|u| now >= u) {
        return Ok(Value::None);
    }
    Err(wait_on(ctx, waitable, seen, until, WaitKind::Process))
}

/// `exit_status(code)`: this process's program ends with exit code `code` (`sys.exit(code)` in its
/// target, caught by the prelude as `Process._bootstrap` catches it).
fn exit_status(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "exit_status", args, kwargs, 1)?;
    let code = as_int(ctx, &args[0])?;
    // Clamped, as a process's status can't be wider.
    let code = code.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    ctx.interp.host.exit_status(code);
    Ok(Value::None)
}

fn process_terminate(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "process_terminate", args, kwargs, 1)?;
    let pid = pid_arg(ctx, &args[0])?;
    ctx.interp.host.process_terminate(pid);
    Ok(Value::None)
}

fn cpu_count(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "cpu_count", args, kwargs, 0)?;
    Ok(Value::Int(ctx.interp.host.cpu_count() as i64))
}

fn getpid(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "getpid", args, kwargs, 0)?;
    Ok(Value::Int(ctx.interp.config.pid as i64))
}

/// The pid of the process that started this one: none for the main process; the main process for a
/// spawned one (ThreadLab's processes don't start processes of their own).
pub(super) fn parent_pid(ctx: &Ctx<'_>) -> Option<u64> {
    if ctx.interp.config.process_name == "MainProcess" {
        None
    } else {
        Some(1)
    }
}

fn parent_pid_fn(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "parent_pid", args, kwargs, 0)?;
    Ok(parent_pid(ctx).map_or(Value::None, |p| Value::Int(p as i64)))
}

fn process_name(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "process_name", args, kwargs, 0)?;
    Ok(Value::str(&ctx.interp.config.process_name))
}

/// A `multiprocessing.Queue`: the host's cross-process channel. Items cross as copies; the same
/// channel id in another process is the same queue.
#[derive(Debug)]
pub struct ChannelQueue {
    /// The host's channel id.
    pub channel: u64,
}

impl NativeObject for ChannelQueue {
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class> {
        native_class(ctx, "multiprocessing.queues", "Queue", None)
    }

    fn attr(&self, name: &str) -> Option<NativeAttr> {
        Some(NativeAttr::Method(match name {
            "put" => queue_put,
            "put_nowait" => queue_put_nowait,
            "get" => queue_get,
            "get_nowait" => queue_get_nowait,
            "qsize" => queue_qsize,
            "empty" => queue_empty,
            "full" => queue_full,
            "close" | "join_thread" | "cancel_join_thread" => queue_noop,
            _ => return None,
        }))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn channel_new(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    bind(ctx, "Queue", args, kwargs, ["maxsize"], 0)?;
    let channel = ctx.interp.host.channel_new();
    Ok(Value::Native(Arc::new(ChannelQueue { channel })))
}

fn put(ctx: &mut Ctx<'_>, channel: u64, item: &Value) -> Native {
    let item = to_portable(ctx, item)?;
    ctx.interp.host.channel_put(channel, item);
    Ok(Value::None)
}

fn queue_put(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let channel = receiver::<ChannelQueue>(ctx, args, "Queue")?.channel;
    let [obj, _block, _timeout] = bind(
        ctx,
        "put",
        &args[1..],
        kwargs,
        ["obj", "block", "timeout"],
        1,
    )?;
    put(ctx, channel, obj.as_ref().unwrap_or(&Value::None))
}

fn queue_put_nowait(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let channel = receiver::<ChannelQueue>(ctx, args, "Queue")?.channel;
    let [obj] = bind(ctx, "put_nowait", &args[1..], kwargs, ["obj"], 1)?;
    put(ctx, channel, obj.as_ref().unwrap_or(&Value::None))
}

/// `queue.Empty`, from the prelude's `queue` module (as multiprocessing raises it).
fn empty_error(ctx: &mut Ctx<'_>) -> Flow {
    match module_attr(ctx, "queue", "Empty") {
        Ok(Value::Class(class)) => Flow::Raise(new_exception_of(class, "")),
        Ok(_) => ctx.raise(ExcType::RuntimeError, "queue.Empty is not a class"),
        Err(flow) => flow,
    }
}

fn get(ctx: &mut Ctx<'_>, channel: u64, blocking: bool, timeout: Option<f64>) -> Native {
    let host = ctx.interp.host.clone();
    let waitable = host.channel_waitable(channel);
    let seen = waitable.generation();
    if let Some(item) = host.channel_get(channel) {
        return from_portable(ctx, item);
    }
    if !blocking {
        return Err(empty_error(ctx));
    }
    let (until, now) = deadline(ctx, timeout);
    if until.is_some_and(|u| now >= u) {
        return Err(empty_error(ctx));
    }
    Err(wait_on(ctx, waitable, seen, until, WaitKind::Process))
}

fn queue_get(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let channel = receiver::<ChannelQueue>(ctx, args, "Queue")?.channel;
    let [blocking, timeout] = bind(ctx, "get", &args[1..], kwargs, ["block", "timeout"], 0)?;
    let blocking = match &blocking {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(v) => as_int(ctx, v)? != 0,
    };
    let timeout = timeout_arg(ctx, timeout.as_ref())?;
    get(ctx, channel, blocking, timeout)
}

fn queue_get_nowait(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let channel = receiver::<ChannelQueue>(ctx, args, "Queue")?.channel;
    exact(ctx, "get_nowait", &args[1..], kwargs, 0)?;
    get(ctx, channel, false, None)
}

fn queue_qsize(ctx: &mut Ctx<'_>, args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    let channel = receiver::<ChannelQueue>(ctx, args, "Queue")?.channel;
    Ok(Value::Int(ctx.interp.host.channel_len(channel) as i64))
}

fn queue_empty(ctx: &mut Ctx<'_>, args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    let channel = receiver::<ChannelQueue>(ctx, args, "Queue")?.channel;
    Ok(Value::Bool(ctx.interp.host.channel_len(channel) == 0))
}

fn queue_full(ctx: &mut Ctx<'_>, args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    receiver::<ChannelQueue>(ctx, args, "Queue")?;
    Ok(Value::Bool(false))
}

fn queue_noop(ctx: &mut Ctx<'_>, args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    receiver::<ChannelQueue>(ctx, args, "Queue")?;
    Ok(Value::None)
}

//! `sys` and `os`: the switch interval, the recursion limit, the standard streams, `exit`, and the
//! process's identity.

use std::sync::Arc;

use super::{
    as_float, as_int, bind, exact, extension, functions, native_class, new_exception_args,
    new_module, type_name,
};
use crate::vm::host::Stream;
use crate::vm::types::ExcType;
use crate::vm::value::{Class, Dict, Flow, Lock, Module, NativeAttr, NativeObject, Value};
use crate::vm::{Ctx, Interp};

type Kwargs<'a> = &'a [(Arc<str>, Value)];
type Native = Result<Value, Flow>;

/// CPython's default switch interval, seconds.
const DEFAULT_SWITCH_INTERVAL_US: u64 = 5000;

/// The interpreter's switch interval in whole microseconds, as CPython keeps it.
#[derive(Debug)]
struct SwitchInterval(Lock<u64>);

/// The recursion limit a program set (`sys.setrecursionlimit`), if it did.
#[derive(Debug, Default)]
struct RecursionLimit(Lock<Option<usize>>);

/// `sys.stdout` / `sys.stderr`: `write` goes to the host's output.
#[derive(Debug)]
struct StdStream {
    stream: Stream,
}

impl NativeObject for StdStream {
    #[optimize(size)]
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class> {
        native_class(ctx, "_io", "TextIOWrapper", None)
    }

    #[optimize(size)]
    fn attr(&self, name: &str) -> Option<NativeAttr> {
        Some(match name {
            "write" => NativeAttr::Method(stream_write),
            "flush" => NativeAttr::Method(stream_flush),
            "isatty" => NativeAttr::Method(stream_isatty),
            "__repr__" => NativeAttr::Method(stream_repr),
            "name" => NativeAttr::Value(Value::str(match self.stream {
                Stream::Stdout => "<stdout>",
                Stream::Stderr => "<stderr>",
            })),
            "encoding" => NativeAttr::Value(Value::str("utf-8")),
            _ => return None,
        })
    }

    #[optimize(size)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The stream a `sys.stdout`/`sys.stderr` object writes to, for `print(..., file=sys.stderr)`.
#[optimize(size)]
pub fn stream_of(value: &Value) -> Option<Stream> {
    match value {
        Value::Native(obj) => obj.as_any().downcast_ref::<StdStream>().map(|s| s.stream),
        _ => None,
    }
}

/// The switch interval the program set with `sys.setswitchinterval` (CPython's 0.005 s by default).
#[optimize(size)]
pub fn switch_interval(interp: &Interp) -> f64 {
    let map = interp.extensions.lock();
    let us = map
        .get("sys.switchinterval")
        .and_then(|s| s.clone().downcast::<SwitchInterval>().ok())
        .map_or(DEFAULT_SWITCH_INTERVAL_US, |s| *s.0.lock());
    us as f64 * 1e-6
}

/// The recursion limit in force: the program's own (`sys.setrecursionlimit`) when lower than the run's
/// limit, which a program can't raise.
#[optimize(size)]
pub fn recursion_limit(interp: &Interp) -> usize {
    let max = interp.config.limits.max_depth;
    let map = interp.extensions.lock();
    map.get("sys.recursionlimit")
        .and_then(|s| s.clone().downcast::<RecursionLimit>().ok())
        .and_then(|s| *s.0.lock())
        .map_or(max, |set| set.min(max))
}

#[optimize(size)]
pub(super) fn sys_module(ctx: &mut Ctx<'_>) -> Arc<Module> {
    let mut entries = functions(&[
        ("setswitchinterval", setswitchinterval),
        ("getswitchinterval", getswitchinterval),
        ("getrecursionlimit", getrecursionlimit),
        ("setrecursionlimit", setrecursionlimit),
        ("exit", exit),
    ]);
    let version_info = Value::tuple(vec![
        Value::Int(3),
        Value::Int(11),
        Value::Int(0),
        Value::str("final"),
        Value::Int(0),
    ]);
    entries.extend([
        (
            "stdout",
            Value::Native(Arc::new(StdStream {
                stream: Stream::Stdout,
            })),
        ),
        (
            "stderr",
            Value::Native(Arc::new(StdStream {
                stream: Stream::Stderr,
            })),
        ),
        ("version", Value::str("3.11.0 (ThreadLab)")),
        ("version_info", version_info),
        ("platform", Value::str("linux")),
        ("byteorder", Value::str("little")),
        ("maxsize", Value::Int(i64::MAX)),
        ("argv", Value::list(vec![Value::str("<main>")])),
        ("executable", Value::str("")),
    ]);
    let _ = ctx;
    new_module("sys", entries)
}

#[optimize(size)]
pub(super) fn os_module(_ctx: &mut Ctx<'_>) -> Arc<Module> {
    let mut entries = functions(&[
        ("getpid", getpid),
        ("getppid", getppid),
        ("cpu_count", cpu_count),
        ("getenv", getenv),
    ]);
    entries.extend([
        ("environ", Value::Dict(Arc::new(Dict::default()))),
        ("sep", Value::str("/")),
        ("linesep", Value::str("\n")),
        ("name", Value::str("posix")),
    ]);
    new_module("os", entries)
}

#[optimize(size)]
fn stream_write(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "write", args, kwargs, 2)?;
    let Some(stream) = stream_of(&args[0]) else {
        return Err(ctx.raise(ExcType::TypeError, "write() needs a stream"));
    };
    match &args[1] {
        Value::Str(s) => {
            if !s.is_empty() {
                let line = crate::vm::interp::user_line(&ctx.thread.exec);
                ctx.interp.host.output(ctx.thread.ident, stream, s, line);
            }
            Ok(Value::Int(s.chars().count() as i64))
        }
        other => Err(ctx.raise(
            ExcType::TypeError,
            &format!(
                "write() argument must be str, not {}",
                type_name(ctx, other)
            ),
        )),
    }
}

#[optimize(size)]
fn stream_repr(ctx: &mut Ctx<'_>, args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    let name = match args.first().and_then(stream_of) {
        Some(Stream::Stderr) => "<stderr>",
        _ => "<stdout>",
    };
    let _ = ctx;
    Ok(Value::str(&format!(
        "<_io.TextIOWrapper name='{name}' mode='w' encoding='utf-8'>"
    )))
}

#[optimize(size)]
fn stream_flush(_ctx: &mut Ctx<'_>, _args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    Ok(Value::None)
}

#[optimize(size)]
fn stream_isatty(_ctx: &mut Ctx<'_>, _args: &[Value], _kwargs: Kwargs<'_>) -> Native {
    Ok(Value::Bool(false))
}

#[optimize(size)]
fn setswitchinterval(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [interval] = bind(ctx, "setswitchinterval", args, kwargs, ["interval"], 1)?;
    let interval = as_float(ctx, interval.as_ref().unwrap_or(&Value::None))?;
    if interval.is_nan() || interval <= 0.0 {
        return Err(ctx.raise(
            ExcType::ValueError,
            "switch interval must be strictly positive",
        ));
    }
    // CPython keeps whole microseconds (so 1e-7 reads back as 0.0); the runtime switches at least
    // every microsecond.
    let us = (interval * 1e6).min(u64::MAX as f64) as u64;
    let state = extension(ctx, "sys.switchinterval", || {
        SwitchInterval(Lock::new(DEFAULT_SWITCH_INTERVAL_US))
    });
    *state.0.lock() = us;
    ctx.interp.host.set_switch_interval(us.max(1) as f64 * 1e-6);
    Ok(Value::None)
}

#[optimize(size)]
fn getswitchinterval(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "getswitchinterval", args, kwargs, 0)?;
    Ok(Value::Float(switch_interval(ctx.interp)))
}

#[optimize(size)]
fn getrecursionlimit(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "getrecursionlimit", args, kwargs, 0)?;
    let state = extension(ctx, "sys.recursionlimit", RecursionLimit::default);
    let set = *state.0.lock();
    Ok(Value::Int(
        set.unwrap_or(ctx.interp.config.limits.max_depth) as i64,
    ))
}

#[optimize(size)]
fn setrecursionlimit(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "setrecursionlimit", args, kwargs, 1)?;
    let limit = as_int(ctx, &args[0])?;
    if limit < 1 {
        return Err(ctx.raise(
            ExcType::ValueError,
            "recursion limit must be greater or equal than 1",
        ));
    }
    let state = extension(ctx, "sys.recursionlimit", RecursionLimit::default);
    *state.0.lock() = Some(limit as usize);
    Ok(Value::None)
}

#[optimize(size)]
fn exit(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [status] = bind(ctx, "exit", args, kwargs, ["status"], 0)?;
    let args = match status {
        None | Some(Value::None) => vec![],
        Some(v) => vec![v],
    };
    let code = args.first().cloned().unwrap_or(Value::None);
    let class = ctx.interp.types.exc(ExcType::SystemExit).clone();
    let exc = new_exception_args(class, args);
    if let Value::Instance(inst) = &exc {
        inst.dict.lock().insert(Arc::from("code"), code);
    }
    Err(Flow::Raise(exc))
}

#[optimize(size)]
fn getpid(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "getpid", args, kwargs, 0)?;
    Ok(Value::Int(ctx.interp.config.pid as i64))
}

/// `os.getppid()`: the main process's parent is the page (0); a spawned process's parent is the main
/// process.
#[optimize(size)]
fn getppid(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "getppid", args, kwargs, 0)?;
    Ok(Value::Int(
        super::threadlab::parent_pid(ctx).unwrap_or(0) as i64
    ))
}

#[optimize(size)]
fn cpu_count(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    exact(ctx, "cpu_count", args, kwargs, 0)?;
    Ok(Value::Int(ctx.interp.host.cpu_count() as i64))
}

/// `os.getenv(key, default=None)`: the environment is empty.
#[optimize(size)]
fn getenv(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [_key, default] = bind(ctx, "getenv", args, kwargs, ["key", "default"], 1)?;
    Ok(default.unwrap_or(Value::None))
}

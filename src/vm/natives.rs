//! The modules written in Rust (`time`, `math`, `random`, `sys`, `os` and `_threadlab`, the private
//! primitives the Python prelude is built on) and the copies values make when they cross processes.
//!
//! Each module is a submodule that builds a [`Module`] of `Value::Builtin`s and constants; this file holds
//! what they share: argument binding, number conversions, per-interpreter state and the classes of the
//! objects implemented here.

mod math;
mod mt;
mod portable;
mod random;
mod shim;
mod sys;
mod threadlab;
mod time;

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

pub use portable::{from_portable, to_portable};
pub use sys::{recursion_limit, stream_of, switch_interval};
pub use threadlab::{ChannelQueue, NativeLock};

use super::host::{Block, Wait, WaitKind, WaitSite, Waitable};
use super::types::ExcType;
use super::value::{next_id, Builtin, BuiltinType, Class, Flow, Lock, Module, NativeFn, Value};
use super::{Ctx, Retry};

/// Builds the native module `name`, if it is one of ours.
pub(crate) fn build_module(ctx: &mut Ctx<'_>, name: &str) -> Option<Result<Arc<Module>, Flow>> {
    let module = match name {
        "time" => time::module(ctx),
        "math" => math::module(ctx),
        "random" => random::module(ctx),
        "sys" => sys::sys_module(ctx),
        "os" => sys::os_module(ctx),
        "_threadlab" => threadlab::module(ctx),
        _ => return None,
    };
    Some(Ok(module))
}

/// A builtin function value.
pub(crate) fn builtin(name: &str, func: NativeFn) -> Value {
    Value::Builtin(Arc::new(Builtin {
        name: Arc::from(name),
        func,
        receiver: None,
    }))
}

/// A module with `__name__` and the given globals.
pub(crate) fn new_module(name: &str, entries: Vec<(&str, Value)>) -> Arc<Module> {
    let mut globals: crate::vm::value::Namespace = entries
        .into_iter()
        .map(|(k, v)| (Arc::from(k), v))
        .collect();
    globals.insert(Arc::from("__name__"), Value::str(name));
    Arc::new(Module {
        name: Arc::from(name),
        globals: Lock::new(globals),
    })
}

/// Functions of a module: `(name, code)` pairs as builtin values.
pub(crate) fn functions(list: &[(&'static str, NativeFn)]) -> Vec<(&'static str, Value)> {
    list.iter().map(|&(n, f)| (n, builtin(n, f))).collect()
}

/// Binds a native's arguments to its parameters, by position then by keyword, as CPython's argument
/// clinic does: `required` parameters must be given, the rest are `None` when absent.
pub(crate) fn bind<const N: usize>(
    ctx: &Ctx<'_>,
    fname: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
    params: [&str; N],
    required: usize,
) -> Result<[Option<Value>; N], Flow> {
    let mut out: [Option<Value>; N] = std::array::from_fn(|_| None);
    if args.len() > N {
        let message = if N == 0 {
            format!("{fname}() takes no arguments ({} given)", args.len())
        } else if required == N {
            let plural = if N == 1 { "" } else { "s" };
            let count = if N == 1 {
                "one".to_string()
            } else {
                N.to_string()
            };
            format!(
                "{fname}() takes exactly {count} argument{plural} ({} given)",
                args.len()
            )
        } else {
            format!(
                "{fname}() takes at most {N} argument{} ({} given)",
                if N == 1 { "" } else { "s" },
                args.len()
            )
        };
        return Err(ctx.raise(ExcType::TypeError, &message));
    }
    for (slot, value) in out.iter_mut().zip(args) {
        *slot = Some(value.clone());
    }
    for (key, value) in kwargs {
        match params.iter().position(|p| **p == **key) {
            Some(i) if out[i].is_some() => {
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!(
                        "argument for {fname}() given by name ('{key}') and position ({})",
                        i + 1
                    ),
                ))
            }
            Some(i) => out[i] = Some(value.clone()),
            None => {
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("{fname}() got an unexpected keyword argument '{key}'"),
                ))
            }
        }
    }
    for (i, slot) in out.iter().enumerate().take(required) {
        if slot.is_none() {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!(
                    "{fname}() missing required argument '{}' (pos {})",
                    params[i],
                    i + 1
                ),
            ));
        }
    }
    Ok(out)
}

/// Checks a native that takes exactly `n` positional arguments and no keywords.
pub(crate) fn exact<'v>(
    ctx: &Ctx<'_>,
    fname: &str,
    args: &'v [Value],
    kwargs: &[(Arc<str>, Value)],
    n: usize,
) -> Result<&'v [Value], Flow> {
    if !kwargs.is_empty() {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("{fname}() takes no keyword arguments"),
        ));
    }
    if args.len() != n {
        let message = match n {
            0 => format!("{fname}() takes no arguments ({} given)", args.len()),
            1 => format!(
                "{fname}() takes exactly one argument ({} given)",
                args.len()
            ),
            _ => format!("{fname} expected {n} arguments, got {}", args.len()),
        };
        return Err(ctx.raise(ExcType::TypeError, &message));
    }
    Ok(args)
}

/// `type(v).__name__`.
pub(crate) fn type_name(ctx: &Ctx<'_>, v: &Value) -> String {
    match v {
        Value::None => "NoneType".into(),
        Value::Bool(_) => "bool".into(),
        Value::Int(_) => "int".into(),
        Value::Float(_) => "float".into(),
        Value::Str(_) => "str".into(),
        Value::Tuple(_) => "tuple".into(),
        Value::List(_) => "list".into(),
        Value::Dict(_) => "dict".into(),
        Value::Set(_) => "set".into(),
        Value::Instance(i) => i.class.name.to_string(),
        Value::Native(n) => n.class(ctx).name.to_string(),
        other => super::ops::type_name(ctx, other),
    }
}

/// A real number argument: ints, bools and floats (`TypeError: must be real number, not str`).
pub(crate) fn as_float(ctx: &Ctx<'_>, v: &Value) -> Result<f64, Flow> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        other => Err(ctx.raise(
            ExcType::TypeError,
            &format!("must be real number, not {}", type_name(ctx, other)),
        )),
    }
}

/// An integer argument: ints and bools (`TypeError: 'float' object cannot be interpreted as an
/// integer`).
pub(crate) fn as_int(ctx: &Ctx<'_>, v: &Value) -> Result<i64, Flow> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        other => Err(ctx.raise(
            ExcType::TypeError,
            &format!(
                "'{}' object cannot be interpreted as an integer",
                type_name(ctx, other)
            ),
        )),
    }
}

/// The `OverflowError` of a result past ThreadLab's 64-bit ints.
pub(crate) fn int_overflow(ctx: &Ctx<'_>) -> Flow {
    ctx.raise(
        ExcType::OverflowError,
        "integer too large: ThreadLab's ints are 64-bit (-9223372036854775808..9223372036854775807)",
    )
}

/// The interpreter's state of type `T` under `key`, made by `make` on first use.
pub(crate) fn extension<T: Any + Send + Sync>(
    ctx: &Ctx<'_>,
    key: &'static str,
    make: impl FnOnce() -> T,
) -> Arc<T> {
    let mut map = ctx.interp.extensions.lock();
    if let Some(existing) = map.get(key) {
        if let Ok(state) = existing.clone().downcast::<T>() {
            return state;
        }
    }
    let state = Arc::new(make());
    map.insert(key, state.clone());
    state
}

/// The classes made by this module, one set per interpreter (so `isinstance` and identity hold within
/// a process), by `module.name`.
type ClassTable = Lock<HashMap<String, Arc<Class>>>;

/// The class of objects implemented here (`_thread.lock`, `multiprocessing.queues.Queue`), or of an
/// exception class of our own (`_pickle.PicklingError`) when `base` is given.
pub(crate) fn native_class(
    ctx: &Ctx<'_>,
    module: &str,
    name: &str,
    base: Option<ExcType>,
) -> Arc<Class> {
    let table = extension::<ClassTable>(ctx, "natives.classes", Default::default);
    let key = format!("{module}.{name}");
    let mut table = table.lock();
    if let Some(class) = table.get(&key) {
        return class.clone();
    }
    let (base, builtin) = match base {
        Some(exc) => (ctx.interp.types.exc(exc).clone(), None),
        None => (
            ctx.interp.types.of(BuiltinType::Object).clone(),
            Some(BuiltinType::Native),
        ),
    };
    let class = Arc::new(Class {
        name: Arc::from(name),
        qualname: Arc::from(name),
        module: Arc::from(module),
        base: Some(base),
        dict: Lock::new(Default::default()),
        builtin,
        id: next_id(),
    });
    table.insert(key, class.clone());
    class
}

/// A new exception instance of `class` with `args` (the general form of
/// [`super::types::new_exception_of`], for non-string arguments: `SystemExit(3)`).
pub(crate) fn new_exception_args(class: Arc<Class>, args: Vec<Value>) -> Value {
    let exc = super::types::new_exception_of(class, "");
    if let Value::Instance(inst) = &exc {
        inst.dict
            .lock()
            .insert(Arc::from("args"), Value::tuple(args));
    }
    exc
}

/// How far a blocking native got: its [`Retry`] on a retry, a fresh stage 0 on the first attempt.
pub(crate) fn retry_of(ctx: &Ctx<'_>) -> Retry {
    ctx.thread.retry.clone().unwrap_or_default()
}

/// Asks the runtime to wait, remembering `retry` for when the VM executes the call again.
pub(crate) fn block(ctx: &mut Ctx<'_>, retry: Retry, wait: Wait, kind: WaitKind) -> Flow {
    ctx.thread.retry = Some(retry);
    Flow::Block(Block {
        wait,
        site: WaitSite { kind, line: 0 },
    })
}

/// The deadline of a wait of `timeout` seconds (`None`: no deadline), with the clock's reading: computed
/// at the first attempt and kept in the thread's [`Retry`] for the retries after a wake-up.
pub(crate) fn deadline(ctx: &Ctx<'_>, timeout: Option<f64>) -> (Option<f64>, f64) {
    let retry = retry_of(ctx);
    let now = ctx.interp.host.now();
    let until = if retry.stage == 0 {
        timeout.map(|t| now + t.max(0.0))
    } else {
        retry.until
    };
    (until, now)
}

/// Waits until `on` is notified (its generation was `seen` when the state was found wanting) or the
/// clock reads `until`; the call is then executed again with the deadline in its [`Retry`].
pub(crate) fn wait_on(
    ctx: &mut Ctx<'_>,
    on: Arc<Waitable>,
    seen: u64,
    until: Option<f64>,
    kind: WaitKind,
) -> Flow {
    let retry = Retry {
        stage: 1,
        until,
        value: None,
    };
    block(ctx, retry, Wait::Wait { on, seen, until }, kind)
}

/// A timeout argument in seconds: `None` (Python's or absent) waits forever; negative is an error of the
/// caller's choosing.
pub(crate) fn timeout_arg(ctx: &Ctx<'_>, v: Option<&Value>) -> Result<Option<f64>, Flow> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(Some(as_float(ctx, v)?)),
    }
}

/// A module already imported, or imported now (a prelude module such as `queue`, needed by a native).
pub(crate) fn import(ctx: &mut Ctx<'_>, name: &str) -> Result<Arc<Module>, Flow> {
    if let Some(m) = ctx.interp.modules.lock().get(name) {
        return Ok(m.clone());
    }
    shim::import_module(ctx, name)
}

/// A global of a module (imported if need be).
pub(crate) fn module_attr(ctx: &mut Ctx<'_>, module: &str, name: &str) -> Result<Value, Flow> {
    let m = import(ctx, module)?;
    let found = m.globals.lock().get(name).cloned();
    found.ok_or_else(|| {
        ctx.raise(
            ExcType::AttributeError,
            &format!("module '{module}' has no attribute '{name}'"),
        )
    })
}

#[cfg(test)]
mod tests;

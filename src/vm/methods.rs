//! Methods and attributes of builtin values (`"a,b".split(",")`, `[].append`, `d.items()`, `range(3).stop`),
//! as bound builtins; on a builtin class (`str.lower`, `dict.fromkeys`) the same methods come unbound.
//!
//! One submodule per family: `strs` (str), `lists` (list, tuple, sorting), `dicts` (dict, set).

mod dicts;
mod lists;
mod strs;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use super::ops;
use super::types::ExcType;
use super::value::{Builtin, BuiltinType, Flow, NativeFn, Value};
use super::Ctx;

pub use lists::sort_values;
pub(crate) use strs::is_space;

/// `v.name` for a builtin value: a bound builtin method or an attribute's value; `None` if it has none
/// (the caller raises `AttributeError`). On a builtin class the methods come unbound (`str.lower`), and
/// class methods (`dict.fromkeys`) bound to the class.
pub fn lookup(ctx: &mut Ctx<'_>, v: &Value, name: &str) -> Option<Value> {
    let _ = &ctx;
    match v {
        Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) => {
            value_method(v, name).map(|f| bind(name, f, v))
        }
        Value::Int(_) | Value::Bool(_) => int_attr(v, name),
        Value::Float(f) => float_attr(*f, v, name),
        Value::Range(r) => match name {
            "start" => Some(Value::Int(r.start)),
            "stop" => Some(Value::Int(r.stop)),
            "step" => Some(Value::Int(r.step)),
            "index" => Some(bind(name, range_index, v)),
            "count" => Some(bind(name, range_count, v)),
            _ => None,
        },
        Value::Slice(s) => match name {
            "start" => Some(s.start.clone()),
            "stop" => Some(s.stop.clone()),
            "step" => Some(s.step.clone()),
            "indices" => Some(bind(name, slice_indices, v)),
            _ => None,
        },
        Value::Builtin(b) => match name {
            "__name__" | "__qualname__" => Some(Value::Str(b.name.clone())),
            "__self__" => Some(b.receiver.clone().unwrap_or(Value::None)),
            _ => None,
        },
        Value::Class(c) => {
            match name {
                "__name__" => return Some(Value::Str(c.name.clone())),
                "__qualname__" => return Some(Value::Str(c.qualname.clone())),
                "__module__" => return Some(Value::Str(c.module.clone())),
                _ => {}
            }
            let f = match c.builtin? {
                BuiltinType::Str => strs::method(name),
                BuiltinType::List => lists::list_method(name),
                BuiltinType::Tuple => lists::tuple_method(name),
                BuiltinType::Dict => {
                    if name == "fromkeys" {
                        return Some(bind(name, dicts::fromkeys, v));
                    }
                    dicts::dict_method(name)
                }
                BuiltinType::Set => dicts::set_method(name),
                _ => None,
            }?;
            Some(unbound(name, f))
        }
        _ => None,
    }
}

/// The native behind `v.name` for a str, list, tuple, dict or set `v` (what [`lookup`] binds to `v`), so
/// the interpreter can call it with `v` as `args[0]` without making the bound method.
pub(crate) fn value_method(v: &Value, name: &str) -> Option<NativeFn> {
    match v {
        Value::Str(_) => strs::method(name),
        Value::List(_) => lists::list_method(name),
        Value::Tuple(_) => lists::tuple_method(name),
        Value::Dict(_) => dicts::dict_method(name),
        Value::Set(_) => dicts::set_method(name),
        _ => None,
    }
}

/// A builtin method bound to `receiver`.
pub fn bind(name: &str, func: NativeFn, receiver: &Value) -> Value {
    Value::Builtin(Arc::new(Builtin {
        name: Arc::from(name),
        func,
        receiver: Some(receiver.clone()),
    }))
}

fn unbound(name: &str, func: NativeFn) -> Value {
    Value::Builtin(Arc::new(Builtin {
        name: Arc::from(name),
        func,
        receiver: None,
    }))
}

// ---------------------------------------------------------------------------------------------------
// Argument helpers shared by the method families.

/// Rejects keyword arguments: `TypeError: split() takes no keyword arguments`.
pub(crate) fn no_kwargs(
    ctx: &Ctx<'_>,
    name: &str,
    kwargs: &[(Arc<str>, Value)],
) -> Result<(), Flow> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(ctx.raise(
            ExcType::TypeError,
            &format!("{name}() takes no keyword arguments"),
        ))
    }
}

/// Checks the number of positional arguments (after the receiver) is in `min..=max`, with CPython's
/// wording for the common cases.
pub(crate) fn arity(
    ctx: &Ctx<'_>,
    name: &str,
    given: usize,
    min: usize,
    max: usize,
) -> Result<(), Flow> {
    if (min..=max).contains(&given) {
        return Ok(());
    }
    let msg = if max == 0 {
        format!("{name}() takes no arguments ({given} given)")
    } else if min == max && max == 1 {
        format!("{name}() takes exactly one argument ({given} given)")
    } else if given < min {
        format!(
            "{name} expected at least {min} argument{}, got {given}",
            if min == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "{name} expected at most {max} argument{}, got {given}",
            if max == 1 { "" } else { "s" }
        )
    };
    Err(ctx.raise(ExcType::TypeError, &msg))
}

/// Binds positional and keyword arguments (after the receiver) to parameter `names`; the first
/// `required` must be given. The natives' binder, so every builtin says the same things in the same words.
pub(crate) fn bind_args<const N: usize>(
    ctx: &Ctx<'_>,
    fname: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
    names: [&str; N],
    required: usize,
) -> Result<[Option<Value>; N], Flow> {
    crate::vm::natives::bind(ctx, fname, args, kwargs, names, required)
}

/// The receiver of a method of `type_name` values, with CPython's complaint when a method taken from the
/// class is called on something else.
pub(crate) fn receiver<'a>(
    ctx: &Ctx<'_>,
    args: &'a [Value],
    type_name: &str,
    method: &str,
    ok: impl Fn(&Value) -> bool,
) -> Result<&'a Value, Flow> {
    match args.first() {
        Some(v) if ok(v) => Ok(v),
        Some(v) => {
            let t = ops::type_name(ctx, v);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("descriptor '{method}' for '{type_name}' objects doesn't apply to a '{t}' object"),
            ))
        }
        None => Err(ctx.raise(
            ExcType::TypeError,
            &format!("unbound method {type_name}.{method}() needs an argument"),
        )),
    }
}

/// An optional index argument (`None` allowed), as `str.find`'s start and end take.
pub(crate) fn opt_index(ctx: &mut Ctx<'_>, v: Option<&Value>) -> Result<Option<i64>, Flow> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => {
            if let Some(i) = ops::as_int(v) {
                return Ok(Some(i));
            }
            if matches!(v, Value::Instance(_)) {
                return ops::index_of(ctx, v).map(Some);
            }
            Err(ctx.raise(
                ExcType::TypeError,
                "slice indices must be integers or None or have an __index__ method",
            ))
        }
    }
}

/// Resolves optional `start`/`end` against a length as a slice does (clamped, negatives from the end).
pub(crate) fn clamp_range(start: Option<i64>, end: Option<i64>, len: usize) -> (usize, usize) {
    let len = len as i64;
    let fix = |v: i64| -> i64 {
        if v < 0 {
            (v + len).max(0)
        } else {
            v.min(len)
        }
    };
    let s = start.map(fix).unwrap_or(0);
    let e = end.map(fix).unwrap_or(len);
    (s as usize, e.max(s) as usize)
}

// ---------------------------------------------------------------------------------------------------
// int, float, range, slice.

fn int_attr(v: &Value, name: &str) -> Option<Value> {
    let i = ops::as_int(v)?;
    match name {
        "real" | "numerator" => Some(Value::Int(i)),
        "imag" => Some(Value::Int(0)),
        "denominator" => Some(Value::Int(1)),
        "bit_length" => Some(bind(name, int_bit_length, v)),
        "bit_count" => Some(bind(name, int_bit_count, v)),
        "conjugate" => Some(bind(name, int_conjugate, v)),
        "as_integer_ratio" => Some(bind(name, int_ratio, v)),
        _ => None,
    }
}

fn int_recv(ctx: &Ctx<'_>, args: &[Value], method: &str) -> Result<i64, Flow> {
    let v = receiver(ctx, args, "int", method, |v| ops::as_int(v).is_some())?;
    Ok(ops::as_int(v).unwrap_or(0))
}

fn int_bit_length(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let i = int_recv(ctx, args, "bit_length")?;
    no_kwargs(ctx, "int.bit_length", kw)?;
    arity(ctx, "int.bit_length", args.len() - 1, 0, 0)?;
    Ok(Value::Int(64 - i.unsigned_abs().leading_zeros() as i64))
}

fn int_bit_count(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let i = int_recv(ctx, args, "bit_count")?;
    no_kwargs(ctx, "int.bit_count", kw)?;
    arity(ctx, "int.bit_count", args.len() - 1, 0, 0)?;
    Ok(Value::Int(i.unsigned_abs().count_ones() as i64))
}

fn int_conjugate(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kw: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    int_recv(ctx, args, "conjugate").map(Value::Int)
}

fn int_ratio(ctx: &mut Ctx<'_>, args: &[Value], _kw: &[(Arc<str>, Value)]) -> Result<Value, Flow> {
    let i = int_recv(ctx, args, "as_integer_ratio")?;
    Ok(Value::tuple(vec![Value::Int(i), Value::Int(1)]))
}

fn float_attr(f: f64, v: &Value, name: &str) -> Option<Value> {
    match name {
        "real" => Some(Value::Float(f)),
        "imag" => Some(Value::Float(0.0)),
        "is_integer" => Some(bind(name, float_is_integer, v)),
        "conjugate" => Some(bind(name, float_conjugate, v)),
        "as_integer_ratio" => Some(bind(name, float_ratio, v)),
        _ => None,
    }
}

fn float_recv(ctx: &Ctx<'_>, args: &[Value], method: &str) -> Result<f64, Flow> {
    match receiver(ctx, args, "float", method, |v| matches!(v, Value::Float(_)))? {
        Value::Float(f) => Ok(*f),
        _ => Ok(0.0),
    }
}

fn float_is_integer(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let f = float_recv(ctx, args, "is_integer")?;
    no_kwargs(ctx, "float.is_integer", kw)?;
    arity(ctx, "float.is_integer", args.len() - 1, 0, 0)?;
    Ok(Value::Bool(f.is_finite() && f.fract() == 0.0))
}

fn float_conjugate(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kw: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    float_recv(ctx, args, "conjugate").map(Value::Float)
}

fn float_ratio(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kw: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let f = float_recv(ctx, args, "as_integer_ratio")?;
    if f.is_nan() {
        return Err(ctx.raise(ExcType::ValueError, "cannot convert NaN to integer ratio"));
    }
    if f.is_infinite() {
        return Err(ctx.raise(
            ExcType::OverflowError,
            "cannot convert Infinity to integer ratio",
        ));
    }
    // f = m * 2**e exactly; reduce by the common power of two.
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = (bits & ((1 << 52) - 1)) as i64;
    let mut e = if exp == 0 {
        -1074
    } else {
        mant |= 1 << 52;
        exp - 1075
    };
    if mant == 0 {
        return Ok(Value::tuple(vec![Value::Int(0), Value::Int(1)]));
    }
    while mant % 2 == 0 && e < 0 {
        mant /= 2;
        e += 1;
    }
    let sign = if f < 0.0 { -1 } else { 1 };
    if e >= 0 {
        let n = (mant as i128) << e.min(100);
        if e > 62 || n > i64::MAX as i128 {
            return Err(ops::overflow(ctx));
        }
        Ok(Value::tuple(vec![
            Value::Int(sign * n as i64),
            Value::Int(1),
        ]))
    } else {
        if -e > 62 {
            return Err(ops::overflow(ctx));
        }
        Ok(Value::tuple(vec![
            Value::Int(sign * mant),
            Value::Int(1i64 << -e),
        ]))
    }
}

fn range_recv(ctx: &Ctx<'_>, args: &[Value], method: &str) -> Result<super::value::Range, Flow> {
    match receiver(ctx, args, "range", method, |v| matches!(v, Value::Range(_)))? {
        Value::Range(r) => Ok(**r),
        _ => unreachable!(),
    }
}

fn range_index(ctx: &mut Ctx<'_>, args: &[Value], kw: &[(Arc<str>, Value)]) -> Result<Value, Flow> {
    let r = range_recv(ctx, args, "index")?;
    no_kwargs(ctx, "range.index", kw)?;
    arity(ctx, "range.index", args.len() - 1, 1, 1)?;
    let x = &args[1];
    if let Some(i) = ops::as_int(x) {
        if ops::contains(ctx, &args[0], x)? {
            return Ok(Value::Int((i - r.start) / r.step));
        }
    }
    let s = ops::repr(ctx, x)?;
    Err(ctx.raise(ExcType::ValueError, &format!("{s} is not in range")))
}

fn range_count(ctx: &mut Ctx<'_>, args: &[Value], kw: &[(Arc<str>, Value)]) -> Result<Value, Flow> {
    range_recv(ctx, args, "count")?;
    no_kwargs(ctx, "range.count", kw)?;
    arity(ctx, "range.count", args.len() - 1, 1, 1)?;
    let found = ops::contains(ctx, &args[0], &args[1])?;
    Ok(Value::Int(found as i64))
}

fn slice_indices(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let s = match receiver(ctx, args, "slice", "indices", |v| {
        matches!(v, Value::Slice(_))
    })? {
        Value::Slice(s) => s.clone(),
        _ => unreachable!(),
    };
    no_kwargs(ctx, "slice.indices", kw)?;
    arity(ctx, "slice.indices", args.len() - 1, 1, 1)?;
    let len = ops::index_of(ctx, &args[1])?;
    if len < 0 {
        return Err(ctx.raise(ExcType::ValueError, "length should not be negative"));
    }
    let idx = ops::slice_indices(ctx, &s, len)?;
    Ok(Value::tuple(vec![
        Value::Int(idx.start),
        Value::Int(idx.stop),
        Value::Int(idx.step),
    ]))
}

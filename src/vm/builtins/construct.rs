//! Calling builtin types: `int("42")`, `float("inf")`, `list(xs)`, `dict(a=1)`, `range(3)`, `type(x)`...

use std::sync::Arc;

use indexmap::{IndexMap, IndexSet};

use super::super::methods::{arity, bind_args, no_kwargs};
use super::super::ops;
use super::super::types::ExcType;
use super::super::value::{BuiltinType, Flow, HashKey, Instance, Lock, Range, Slice, Super, Value};
use super::super::Ctx;
use super::is_space;

type Kw<'a> = &'a [(Arc<str>, Value)];

/// Calls a builtin type (`int("3")`, `list(xs)`, `type(x)`, `range(3)`): the interpreter calls this when
/// a class with `builtin: Some(kind)` is called.
pub fn construct(
    ctx: &mut Ctx<'_>,
    kind: BuiltinType,
    args: &[Value],
    kwargs: Kw<'_>,
) -> Result<Value, Flow> {
    match kind {
        BuiltinType::Int => make_int(ctx, args, kwargs),
        BuiltinType::Float => make_float(ctx, args, kwargs),
        BuiltinType::Str => {
            let [obj] = bind_args(ctx, "str", args, kwargs, ["object"], 0)?;
            match obj {
                None => Ok(Value::str("")),
                Some(v @ Value::Str(_)) => Ok(v),
                Some(v) => Ok(Value::str(&ops::str(ctx, &v)?)),
            }
        }
        BuiltinType::Bool => {
            no_kwargs(ctx, "bool", kwargs)?;
            arity(ctx, "bool", args.len(), 0, 1)?;
            match args.first() {
                None => Ok(Value::Bool(false)),
                Some(v) => ops::truthy(ctx, v).map(Value::Bool),
            }
        }
        BuiltinType::List => {
            no_kwargs(ctx, "list", kwargs)?;
            arity(ctx, "list", args.len(), 0, 1)?;
            match args.first() {
                None => Ok(Value::list(Vec::new())),
                Some(v) => Ok(Value::list(ops::iterate(ctx, v)?)),
            }
        }
        BuiltinType::Tuple => {
            no_kwargs(ctx, "tuple", kwargs)?;
            arity(ctx, "tuple", args.len(), 0, 1)?;
            match args.first() {
                None => Ok(Value::tuple(Vec::new())),
                Some(v @ Value::Tuple(_)) => Ok(v.clone()),
                Some(v) => Ok(Value::tuple(ops::iterate(ctx, v)?)),
            }
        }
        BuiltinType::Set => {
            no_kwargs(ctx, "set", kwargs)?;
            arity(ctx, "set", args.len(), 0, 1)?;
            let mut items = IndexSet::new();
            if let Some(v) = args.first() {
                if let Value::Set(s) = v {
                    items = s.items.lock().clone();
                } else {
                    for x in ops::iterate(ctx, v)? {
                        items.insert(ops::hash_key(ctx, &x)?);
                    }
                }
            }
            Ok(ops::new_set(items))
        }
        BuiltinType::Dict => {
            arity(ctx, "dict", args.len(), 0, 1)?;
            let mut map: IndexMap<HashKey, Value> = IndexMap::new();
            if let Some(v) = args.first() {
                for (k, x) in ops::dict_pairs(ctx, v)? {
                    map.insert(k, x);
                }
            }
            for (k, x) in kwargs {
                map.insert(HashKey(Value::Str(k.clone())), x.clone());
            }
            Ok(ops::new_dict(map))
        }
        BuiltinType::Range => make_range(ctx, args, kwargs),
        BuiltinType::Slice => {
            no_kwargs(ctx, "slice", kwargs)?;
            let (start, stop, step) = match args {
                [stop] => (Value::None, stop.clone(), Value::None),
                [start, stop] => (start.clone(), stop.clone(), Value::None),
                [start, stop, step] => (start.clone(), stop.clone(), step.clone()),
                _ => {
                    arity(ctx, "slice", args.len(), 1, 3)?;
                    unreachable!()
                }
            };
            Ok(Value::Slice(Arc::new(Slice { start, stop, step })))
        }
        BuiltinType::Type => {
            no_kwargs(ctx, "type", kwargs)?;
            match args {
                [v] => Ok(Value::Class(ops::class_of(ctx, v))),
                [_, _, _] => Err(ctx.raise(
                    ExcType::TypeError,
                    "type() with three arguments (making a class) is not supported in ThreadLab: use a class statement",
                )),
                _ => Err(ctx.raise(ExcType::TypeError, "type() takes 1 or 3 arguments")),
            }
        }
        BuiltinType::Object => {
            if !args.is_empty() || !kwargs.is_empty() {
                return Err(ctx.raise(ExcType::TypeError, "object() takes no arguments"));
            }
            Ok(Value::Instance(Arc::new(Instance {
                class: ctx.interp.types.of(BuiltinType::Object).clone(),
                dict: Lock::new(Default::default()),
                exc: Lock::new(Default::default()),
            })))
        }
        BuiltinType::NoneType => {
            if !args.is_empty() || !kwargs.is_empty() {
                return Err(ctx.raise(ExcType::TypeError, "NoneType takes no arguments"));
            }
            Ok(Value::None)
        }
        BuiltinType::Super => {
            no_kwargs(ctx, "super", kwargs)?;
            match args {
                [Value::Class(c), obj] => Ok(Value::Super(Arc::new(Super {
                    class: c.clone(),
                    receiver: obj.clone(),
                }))),
                [_, _] => Err(ctx.raise(ExcType::TypeError, "super() argument 1 must be a type")),
                [] => Err(ctx.raise(ExcType::RuntimeError, "super(): no arguments")),
                _ => Err(ctx.raise(
                    ExcType::TypeError,
                    "super() takes 0 or 2 arguments in ThreadLab",
                )),
            }
        }
        other => {
            let name = ctx.interp.types.of(other).name.clone();
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("cannot create '{name}' instances"),
            ))
        }
    }
}

fn make_range(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "range", kwargs)?;
    if args.is_empty() {
        return Err(ctx.raise(
            ExcType::TypeError,
            "range expected at least 1 argument, got 0",
        ));
    }
    if args.len() > 3 {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("range expected at most 3 arguments, got {}", args.len()),
        ));
    }
    let mut n = Vec::with_capacity(3);
    for a in args {
        n.push(ops::index_of(ctx, a)?);
    }
    let (start, stop, step) = match n[..] {
        [stop] => (0, stop, 1),
        [start, stop] => (start, stop, 1),
        [start, stop, step] => (start, stop, step),
        _ => unreachable!(),
    };
    if step == 0 {
        return Err(ctx.raise(ExcType::ValueError, "range() arg 3 must not be zero"));
    }
    Ok(Value::Range(Arc::new(Range { start, stop, step })))
}

fn make_int(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kw<'_>) -> Result<Value, Flow> {
    let [x, base] = bind_args(ctx, "int", args, kwargs, ["x", "base"], 0)?;
    let Some(x) = x else {
        if base.is_some() {
            return Err(ctx.raise(ExcType::TypeError, "int() missing string argument"));
        }
        return Ok(Value::Int(0));
    };
    if let Some(b) = base {
        let b = ops::index_of(ctx, &b)?;
        let Value::Str(s) = &x else {
            return Err(ctx.raise(
                ExcType::TypeError,
                "int() can't convert non-string with explicit base",
            ));
        };
        if b != 0 && !(2..=36).contains(&b) {
            return Err(ctx.raise(
                ExcType::ValueError,
                "int() base must be >= 2 and <= 36, or 0",
            ));
        }
        return parse_int(ctx, s, b as u32).map(Value::Int);
    }
    match &x {
        Value::Int(_) => Ok(x.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => float_to_int(ctx, *f).map(Value::Int),
        Value::Str(s) => parse_int(ctx, s, 10).map(Value::Int),
        Value::Instance(_) => {
            for name in ["__int__", "__index__", "__trunc__"] {
                if let Some(r) = ops::call_user(ctx, &x, name, vec![]) {
                    let r = r?;
                    return match ops::as_int(&r) {
                        Some(i) => Ok(Value::Int(i)),
                        None => {
                            let t = ops::type_name(ctx, &r);
                            Err(ctx.raise(
                                ExcType::TypeError,
                                &format!("{name} returned non-int (type {t})"),
                            ))
                        }
                    };
                }
            }
            Err(int_type_error(ctx, &x))
        }
        _ => Err(int_type_error(ctx, &x)),
    }
}

fn int_type_error(ctx: &Ctx<'_>, x: &Value) -> Flow {
    let t = ops::type_name(ctx, x);
    ctx.raise(
        ExcType::TypeError,
        &format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{t}'"
        ),
    )
}

/// `int(f)` of a float: truncated; NaN, infinities and values outside 64 bits raise.
pub fn float_to_int(ctx: &Ctx<'_>, f: f64) -> Result<i64, Flow> {
    if f.is_nan() {
        return Err(ctx.raise(ExcType::ValueError, "cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(ctx.raise(
            ExcType::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    let t = f.trunc();
    if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&t) {
        return Err(ops::overflow(ctx));
    }
    Ok(t as i64)
}

/// Parses an int literal as `int(s, base)` does (whitespace, sign, prefixes, underscores between digits).
pub fn parse_int(ctx: &Ctx<'_>, original: &str, base: u32) -> Result<i64, Flow> {
    let invalid = || {
        ctx.raise(
            ExcType::ValueError,
            &format!(
                "invalid literal for int() with base {base}: {}",
                ops::str_repr(original)
            ),
        )
    };
    let s = original.trim_matches(is_space);
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = s.to_ascii_lowercase();
    let prefix_base = match lower.get(..2) {
        Some("0x") => Some(16),
        Some("0o") => Some(8),
        Some("0b") => Some(2),
        _ => None,
    };
    let mut base = base;
    let mut digits = &lower[..];
    let mut after_prefix = false;
    if let Some(pb) = prefix_base {
        if base == 0 || base == pb {
            base = pb;
            digits = &lower[2..];
            after_prefix = true;
        }
    }
    if base == 0 {
        // No prefix: decimal, where a leading zero is only allowed for zero itself.
        base = 10;
        let bare: String = digits.chars().filter(|&c| c != '_').collect();
        if bare.len() > 1 && bare.starts_with('0') && bare.chars().any(|c| c != '0') {
            return Err(invalid());
        }
    }
    // Underscores: single, between digits (or right after a prefix).
    if digits.is_empty()
        || digits.ends_with('_')
        || digits.contains("__")
        || (digits.starts_with('_') && !after_prefix)
    {
        return Err(invalid());
    }
    let mut value: i128 = 0;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(base).ok_or_else(invalid)? as i128;
        value = value * base as i128 + d;
        if value > i64::MAX as i128 + 1 {
            return Err(ops::overflow(ctx));
        }
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).map_err(|_| ops::overflow(ctx))
}

fn make_float(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "float", kwargs)?;
    arity(ctx, "float", args.len(), 0, 1)?;
    let Some(x) = args.first() else {
        return Ok(Value::Float(0.0));
    };
    match x {
        Value::Float(_) => Ok(x.clone()),
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Bool(b) => Ok(Value::Float(*b as i64 as f64)),
        Value::Str(s) => parse_float(ctx, s).map(Value::Float),
        Value::Instance(_) => {
            if let Some(r) = ops::call_user(ctx, x, "__float__", vec![]) {
                return match r? {
                    Value::Float(f) => Ok(Value::Float(f)),
                    other => {
                        let t = ops::type_name(ctx, &other);
                        Err(ctx.raise(
                            ExcType::TypeError,
                            &format!(
                                "{}.__float__ returned non-float (type {t})",
                                ops::type_name(ctx, x)
                            ),
                        ))
                    }
                };
            }
            if ops::user_method(x, "__index__").is_some() {
                return Ok(Value::Float(ops::index_of(ctx, x)? as f64));
            }
            Err(float_type_error(ctx, x))
        }
        _ => Err(float_type_error(ctx, x)),
    }
}

fn float_type_error(ctx: &Ctx<'_>, x: &Value) -> Flow {
    let t = ops::type_name(ctx, x);
    ctx.raise(
        ExcType::TypeError,
        &format!("float() argument must be a string or a real number, not '{t}'"),
    )
}

/// Parses a float as `float(s)` does (`'inf'`, `'-nan'`, `'1_000.5'`, surrounding whitespace).
pub fn parse_float(ctx: &Ctx<'_>, original: &str) -> Result<f64, Flow> {
    let invalid = || {
        ctx.raise(
            ExcType::ValueError,
            &format!(
                "could not convert string to float: {}",
                ops::str_repr(original)
            ),
        )
    };
    let s = original.trim_matches(is_space);
    let body = s.trim_start_matches(['+', '-']);
    if s.len() - body.len() > 1 {
        return Err(invalid());
    }
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        let v = if lower == "nan" {
            f64::NAN
        } else {
            f64::INFINITY
        };
        return Ok(if s.starts_with('-') { -v } else { v });
    }
    // Only digits, one point, an exponent, and underscores between digits.
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ok = match b {
            b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-' => true,
            b'_' => {
                i > 0
                    && i + 1 < bytes.len()
                    && bytes[i - 1].is_ascii_digit()
                    && bytes[i + 1].is_ascii_digit()
            }
            _ => false,
        };
        if !ok {
            return Err(invalid());
        }
    }
    let cleaned: String = s.chars().filter(|&c| c != '_').collect();
    if !cleaned.bytes().any(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    cleaned.parse::<f64>().map_err(|_| invalid())
}

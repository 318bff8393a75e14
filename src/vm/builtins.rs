//! The builtins namespace (`print`, `len`, `sorted`, the types, the exceptions, `NotImplemented`) and
//! constructing builtin types (in `construct`).

mod construct;
mod lazy;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::python::bytecode::{BinOp, CmpOp};

use super::host::Stream;
use super::methods::{arity, bind_args, no_kwargs};
use super::ops::{self, DictView, FilterIter, MapIter};
use super::types::{is_subclass, ExcType, Types};
use super::value::{
    next_id, Builtin, BuiltinType, Class, Flow, Instance, Lock, Namespace, NativeFn, NativeIter,
    Value,
};
use super::Ctx;

pub use construct::{construct, float_to_int, parse_float, parse_int};

pub(crate) use super::methods::is_space;

type Kw<'a> = &'a [(Arc<str>, Value)];

/// The builtin functions, by name.
const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("print", print),
    ("len", len),
    ("repr", repr),
    ("ascii", ascii),
    ("abs", abs),
    ("round", round),
    ("sum", sum),
    ("min", min),
    ("max", max),
    ("sorted", sorted),
    ("reversed", reversed),
    ("enumerate", enumerate),
    ("zip", zip),
    ("map", map),
    ("filter", filter),
    ("any", any),
    ("all", all),
    ("isinstance", isinstance),
    ("issubclass", issubclass),
    ("hasattr", hasattr),
    ("getattr", getattr),
    ("setattr", setattr),
    ("delattr", delattr),
    ("id", id),
    ("iter", iter),
    ("next", next),
    ("hash", hash),
    ("divmod", divmod),
    ("pow", pow),
    ("chr", chr),
    ("ord", ord),
    ("hex", hex),
    ("oct", oct),
    ("bin", bin),
    ("format", format),
    ("callable", callable),
    ("input", input),
    ("open", open),
    ("exit", exit),
    ("quit", exit),
];

/// The builtin types by their names.
const TYPES: &[(&str, BuiltinType)] = &[
    ("object", BuiltinType::Object),
    ("type", BuiltinType::Type),
    ("bool", BuiltinType::Bool),
    ("int", BuiltinType::Int),
    ("float", BuiltinType::Float),
    ("str", BuiltinType::Str),
    ("tuple", BuiltinType::Tuple),
    ("list", BuiltinType::List),
    ("dict", BuiltinType::Dict),
    ("set", BuiltinType::Set),
    ("range", BuiltinType::Range),
    ("slice", BuiltinType::Slice),
    ("super", BuiltinType::Super),
];

/// The builtins namespace.
pub fn make(types: &Types) -> Namespace {
    let mut m: Namespace = Namespace::default();
    for &(name, func) in FUNCTIONS {
        m.insert(
            Arc::from(name),
            Value::Builtin(Arc::new(Builtin {
                name: Arc::from(name),
                func,
                receiver: None,
            })),
        );
    }
    for &(name, kind) in TYPES {
        m.insert(Arc::from(name), Value::Class(types.of(kind).clone()));
    }
    for &exc in ExcType::ALL {
        m.insert(Arc::from(exc.name()), Value::Class(types.exc(exc).clone()));
    }
    // CPython's aliases of OSError.
    for alias in ["IOError", "EnvironmentError"] {
        m.insert(
            Arc::from(alias),
            Value::Class(types.exc(ExcType::OSError).clone()),
        );
    }
    let not_implemented_type = Arc::new(Class {
        name: Arc::from("NotImplementedType"),
        qualname: Arc::from("NotImplementedType"),
        module: Arc::from("builtins"),
        base: Some(types.of(BuiltinType::Object).clone()),
        dict: Lock::new(Default::default()),
        builtin: None,
        id: next_id(),
    });
    m.insert(
        Arc::from("NotImplemented"),
        Value::Instance(Arc::new(Instance {
            class: not_implemented_type,
            dict: Lock::new(Default::default()),
            exc: Lock::new(Default::default()),
        })),
    );
    m.insert(Arc::from("Ellipsis"), Value::Ellipsis);
    m
}

fn print(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let [sep, end, file, flush] =
        bind_args(ctx, "print", &[], kw, ["sep", "end", "file", "flush"], 0)?;
    let text_arg =
        |ctx: &Ctx<'_>, v: Option<Value>, name: &str, default: &str| -> Result<String, Flow> {
            match v {
                None | Some(Value::None) => Ok(default.to_string()),
                Some(Value::Str(s)) => Ok(s.to_string()),
                Some(other) => {
                    let t = ops::type_name(ctx, &other);
                    Err(ctx.raise(
                        ExcType::TypeError,
                        &format!("{name} must be None or a string, not {t}"),
                    ))
                }
            }
        };
    let sep = text_arg(ctx, sep, "sep", " ")?;
    let end = text_arg(ctx, end, "end", "\n")?;
    let _ = flush;
    let mut text = String::new();
    for (n, a) in args.iter().enumerate() {
        if n > 0 {
            text.push_str(&sep);
        }
        text.push_str(&ops::str(ctx, a)?);
    }
    text.push_str(&end);
    match file {
        None | Some(Value::None) => {
            let line = crate::vm::interp::user_line(&ctx.thread.exec);
            ctx.interp
                .host
                .output(ctx.thread.ident, Stream::Stdout, &text, line);
        }
        Some(f) => match super::natives::stream_of(&f) {
            // sys.stdout / sys.stderr: still one output per call, so lines don't tear.
            Some(stream) => {
                let line = crate::vm::interp::user_line(&ctx.thread.exec);
                ctx.interp
                    .host
                    .output(ctx.thread.ident, stream, &text, line)
            }
            None => {
                let write = ops::getattr(ctx, &f, "write")?;
                ops::call(ctx, &write, vec![Value::str(&text)])?;
            }
        },
    }
    Ok(Value::None)
}

fn one_arg<'a>(
    ctx: &Ctx<'_>,
    name: &str,
    args: &'a [Value],
    kw: Kw<'_>,
) -> Result<&'a Value, Flow> {
    no_kwargs(ctx, name, kw)?;
    if args.len() != 1 {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("{name}() takes exactly one argument ({} given)", args.len()),
        ));
    }
    Ok(&args[0])
}

fn len(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "len", args, kw)?;
    Ok(Value::Int(ops::len(ctx, v)? as i64))
}

fn repr(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "repr", args, kw)?;
    Ok(Value::str(&ops::repr(ctx, v)?))
}

fn ascii(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "ascii", args, kw)?;
    let r = ops::repr(ctx, v)?;
    Ok(Value::str(&super::format::ascii_escape(&r)))
}

fn abs(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "abs", args, kw)?;
    match v {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| ops::overflow(ctx)),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        _ => {
            if let Some(r) = ops::call_user(ctx, v, "__abs__", vec![]) {
                return r;
            }
            let t = ops::type_name(ctx, v);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("bad operand type for abs(): '{t}'"),
            ))
        }
    }
}

/// `round(x)` of an int to `-digits` places: half to even on multiples of `10**digits`.
fn round_int(ctx: &Ctx<'_>, x: i64, digits: i64) -> Result<i64, Flow> {
    if digits >= 0 {
        return Ok(x);
    }
    let k = -digits;
    if k >= 19 {
        return Ok(0);
    }
    let p = 10i64.pow(k as u32);
    let r = ops::int_mod(x, p);
    let q = x - r;
    let half = p / 2;
    let up = r > half || (r == half && (q / p) % 2 != 0);
    if up {
        q.checked_add(p).ok_or_else(|| ops::overflow(ctx))
    } else {
        Ok(q)
    }
}

/// `round(f, digits)` of a float: the correctly rounded decimal, read back (as CPython does).
pub fn round_float(f: f64, digits: i64) -> f64 {
    if !f.is_finite() || f == 0.0 {
        return f;
    }
    if digits > 400 {
        return f;
    }
    if digits >= 0 {
        let s = format!("{:.*}", digits as usize, f);
        return s.parse().unwrap_or(f);
    }
    let k = (-digits) as usize;
    if k > 400 {
        return 0.0 * f;
    }
    // Round the exact decimal value of |f| to a multiple of 10**k, half to even.
    let a = f.abs();
    let int_part = a.trunc();
    let frac = a - int_part;
    let digits_str = format!("{int_part:.0}");
    let (head, tail) = if digits_str.len() > k {
        digits_str.split_at(digits_str.len() - k)
    } else {
        ("", digits_str.as_str())
    };
    let tail = format!("{tail:0>k$}");
    let half = format!("5{}", "0".repeat(k - 1));
    let head_odd = head.bytes().last().is_some_and(|d| (d - b'0') % 2 == 1);
    let up = match tail.as_str().cmp(half.as_str()) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => frac > 0.0 || head_odd,
        std::cmp::Ordering::Less => false,
    };
    let mut head_digits: Vec<u8> = if head.is_empty() {
        vec![b'0']
    } else {
        head.bytes().collect()
    };
    if up {
        let mut i = head_digits.len();
        loop {
            if i == 0 {
                head_digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if head_digits[i] == b'9' {
                head_digits[i] = b'0';
            } else {
                head_digits[i] += 1;
                break;
            }
        }
    }
    let mut s = String::from_utf8(head_digits).unwrap_or_default();
    s.push_str(&"0".repeat(k));
    let r: f64 = s.parse().unwrap_or(0.0);
    if f < 0.0 {
        -r
    } else {
        r
    }
}

fn round(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let [number, ndigits] = bind_args(ctx, "round", args, kw, ["number", "ndigits"], 1)?;
    let number = number.unwrap_or_default();
    let digits = match ndigits {
        None | Some(Value::None) => None,
        Some(v) => Some(ops::index_of(ctx, &v)?),
    };
    match (&number, digits) {
        (Value::Int(_) | Value::Bool(_), d) => {
            let x = ops::as_int(&number).unwrap_or(0);
            Ok(Value::Int(round_int(ctx, x, d.unwrap_or(0))?))
        }
        (Value::Float(f), None) => {
            let r = f.round_ties_even();
            float_to_int(ctx, r).map(Value::Int)
        }
        (Value::Float(f), Some(d)) => Ok(Value::Float(round_float(*f, d))),
        _ => {
            let mut extra = Vec::new();
            if let Some(d) = digits {
                extra.push(Value::Int(d));
            }
            if let Some(r) = ops::call_user(ctx, &number, "__round__", extra) {
                return r;
            }
            let t = ops::type_name(ctx, &number);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("type {t} doesn't define __round__ method"),
            ))
        }
    }
}

fn sum(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    if args.is_empty() {
        return Err(ctx.raise(
            ExcType::TypeError,
            "sum() takes at least 1 positional argument (0 given)",
        ));
    }
    let [iterable, start] = bind_args(ctx, "sum", args, kw, ["iterable", "start"], 1)?;
    let mut acc = start.unwrap_or(Value::Int(0));
    match &acc {
        Value::Str(_) => {
            return Err(ctx.raise(
                ExcType::TypeError,
                "sum() can't sum strings [use ''.join(seq) instead]",
            ))
        }
        Value::List(_) | Value::Tuple(_) => {}
        _ => {}
    }
    let it = ops::get_iter(ctx, &iterable.unwrap_or_default())?;
    while let Some(x) = ops::next_item(ctx, &it)? {
        acc = match (&acc, &x) {
            (Value::Int(a), Value::Int(b)) => match a.checked_add(*b) {
                Some(s) => Value::Int(s),
                None => return Err(ops::overflow(ctx)),
            },
            (Value::Float(a), Value::Float(b)) => Value::Float(a + b),
            _ => ops::binary(ctx, BinOp::Add, &acc, &x)?,
        };
    }
    Ok(acc)
}

fn min_max(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
    op: CmpOp,
) -> Result<Value, Flow> {
    let [key, default] = bind_args(ctx, name, &[], kw, ["key", "default"], 0)?;
    let key = key.filter(|k| !matches!(k, Value::None));
    let items = match args.len() {
        0 => {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("{name} expected at least 1 argument, got 0"),
            ))
        }
        1 => None,
        _ => {
            if default.is_some() {
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!(
                        "Cannot specify a default for {name}() with multiple positional arguments"
                    ),
                ));
            }
            Some(args.to_vec())
        }
    };
    let it = match items {
        Some(v) => ops::values_iter(v),
        None => ops::get_iter(ctx, &args[0])?,
    };
    let mut best: Option<(Value, Value)> = None;
    while let Some(x) = ops::next_item(ctx, &it)? {
        let k = match &key {
            Some(f) => ops::call(ctx, f, vec![x.clone()])?,
            None => x.clone(),
        };
        best = match best {
            None => Some((k, x)),
            Some((bk, bx)) => {
                let r = ops::rich_compare(ctx, op, &k, &bk)?;
                if ops::truthy(ctx, &r)? {
                    Some((k, x))
                } else {
                    Some((bk, bx))
                }
            }
        };
    }
    match (best, default) {
        (Some((_, x)), _) => Ok(x),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(ctx.raise(
            ExcType::ValueError,
            &format!("{name}() arg is an empty sequence"),
        )),
    }
}

fn min(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    min_max(ctx, args, kw, "min", CmpOp::Lt)
}

fn max(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    min_max(ctx, args, kw, "max", CmpOp::Gt)
}

fn sorted(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    if args.len() != 1 {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("sorted expected 1 argument, got {}", args.len()),
        ));
    }
    let [key, reverse] = bind_args(ctx, "sort", &[], kw, ["key", "reverse"], 0)?;
    let reverse = match reverse {
        None => false,
        Some(v) => ops::truthy(ctx, &v)?,
    };
    let items = ops::iterate(ctx, &args[0])?;
    let out = super::methods::sort_values(ctx, items, key.as_ref(), reverse)?;
    Ok(Value::list(out))
}

fn reversed(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "reversed", args, kw)?;
    let items = match v {
        Value::List(l) => l.items.lock().clone(),
        Value::Tuple(t) => t.to_vec(),
        Value::Str(_) => ops::iterate(ctx, v)?,
        Value::Range(r) => {
            let n = ops::range_len(r);
            let state = if n == 0 {
                NativeIter::Done
            } else {
                let last = r.start + (n - 1) * r.step;
                NativeIter::Range {
                    next: last,
                    stop: last.saturating_sub(r.step.saturating_mul(n)),
                    step: -r.step,
                }
            };
            return Ok(Value::Iterator(Arc::new(Lock::new(state))));
        }
        Value::Dict(_) => ops::iterate(ctx, v)?,
        Value::Native(n) if n.as_any().is::<DictView>() => ops::iterate(ctx, v)?,
        Value::Instance(_) => {
            if let Some(r) = ops::call_user(ctx, v, "__reversed__", vec![]) {
                return r;
            }
            if ops::user_method(v, "__len__").is_some()
                && ops::user_method(v, "__getitem__").is_some()
            {
                let n = ops::len(ctx, v)?;
                let mut items = Vec::with_capacity(n);
                for i in 0..n {
                    items.push(ops::getitem(ctx, v, &Value::Int(i as i64))?);
                }
                items
            } else {
                return Err(not_reversible(ctx, v));
            }
        }
        _ => return Err(not_reversible(ctx, v)),
    };
    Ok(Value::Iterator(Arc::new(Lock::new(NativeIter::Reversed {
        items,
    }))))
}

fn not_reversible(ctx: &Ctx<'_>, v: &Value) -> Flow {
    let t = ops::type_name(ctx, v);
    ctx.raise(
        ExcType::TypeError,
        &format!("'{t}' object is not reversible"),
    )
}

fn enumerate(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let [iterable, start] = bind_args(ctx, "enumerate", args, kw, ["iterable", "start"], 1)?;
    let start = match start {
        None => 0,
        Some(v) => ops::index_of(ctx, &v)?,
    };
    let inner = ops::get_iter(ctx, &iterable.unwrap_or_default())?;
    if lazy::runs_python(&inner) {
        return lazy::generator(ctx, "_enumerate", vec![inner, Value::Int(start)]);
    }
    Ok(Value::Iterator(Arc::new(Lock::new(
        NativeIter::Enumerate {
            inner,
            count: start,
        },
    ))))
}

fn zip(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    for (k, _) in kw {
        if &**k != "strict" {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("zip() got an unexpected keyword argument '{k}'"),
            ));
        }
    }
    let mut inners = Vec::with_capacity(args.len());
    for a in args {
        inners.push(ops::get_iter(ctx, a)?);
    }
    if inners.iter().any(lazy::runs_python) {
        return lazy::generator(ctx, "_zip", inners);
    }
    Ok(Value::Iterator(Arc::new(Lock::new(NativeIter::Zip {
        inners,
    }))))
}

fn map(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "map", kw)?;
    if args.len() < 2 {
        return Err(ctx.raise(
            ExcType::TypeError,
            "map() must have at least two arguments.",
        ));
    }
    let mut inners = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        inners.push(ops::get_iter(ctx, a)?);
    }
    if lazy::is_python_callable(&args[0]) || inners.iter().any(lazy::runs_python) {
        let mut helper_args = vec![args[0].clone()];
        helper_args.extend(inners);
        return lazy::generator(ctx, "_map", helper_args);
    }
    Ok(Value::Native(Arc::new(MapIter {
        func: args[0].clone(),
        inners,
    })))
}

fn filter(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "filter", kw)?;
    if args.len() != 2 {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("filter expected 2 arguments, got {}", args.len()),
        ));
    }
    let inner = ops::get_iter(ctx, &args[1])?;
    if lazy::is_python_callable(&args[0]) || lazy::runs_python(&inner) {
        return lazy::generator(ctx, "_filter", vec![args[0].clone(), inner]);
    }
    Ok(Value::Native(Arc::new(FilterIter {
        func: args[0].clone(),
        inner,
    })))
}

fn any_all(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
    want: bool,
) -> Result<Value, Flow> {
    let v = one_arg(ctx, name, args, kw)?;
    let it = ops::get_iter(ctx, v)?;
    while let Some(x) = ops::next_item(ctx, &it)? {
        if ops::truthy(ctx, &x)? == want {
            return Ok(Value::Bool(want));
        }
    }
    Ok(Value::Bool(!want))
}

fn any(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    any_all(ctx, args, kw, "any", true)
}

fn all(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    any_all(ctx, args, kw, "all", false)
}

/// Is `class` a subclass of `info` (a class or a tuple of them)? `None` if `info` is neither.
fn subclass_of(class: &Arc<Class>, info: &Value) -> Option<bool> {
    match info {
        Value::Class(c) => Some(is_subclass(class, c)),
        Value::Tuple(items) => {
            let mut found = false;
            for x in items.iter() {
                found |= subclass_of(class, x)?;
            }
            Some(found)
        }
        _ => None,
    }
}

fn isinstance(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "isinstance", kw)?;
    if args.len() != 2 {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("isinstance expected 2 arguments, got {}", args.len()),
        ));
    }
    let class = ops::class_of(ctx, &args[0]);
    subclass_of(&class, &args[1])
        .map(Value::Bool)
        .ok_or_else(|| {
            ctx.raise(
                ExcType::TypeError,
                "isinstance() arg 2 must be a type, a tuple of types, or a union",
            )
        })
}

fn issubclass(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "issubclass", kw)?;
    if args.len() != 2 {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("issubclass expected 2 arguments, got {}", args.len()),
        ));
    }
    let Value::Class(class) = &args[0] else {
        return Err(ctx.raise(ExcType::TypeError, "issubclass() arg 1 must be a class"));
    };
    subclass_of(class, &args[1])
        .map(Value::Bool)
        .ok_or_else(|| {
            ctx.raise(
                ExcType::TypeError,
                "issubclass() arg 2 must be a class, a tuple of classes, or a union",
            )
        })
}

fn attr_name(ctx: &Ctx<'_>, fname: &str, v: &Value) -> Result<Arc<str>, Flow> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        other => {
            let t = ops::type_name(ctx, other);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("{fname}(): attribute name must be string, not '{t}'"),
            ))
        }
    }
}

fn hasattr(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "hasattr", kw)?;
    arity(ctx, "hasattr", args.len(), 2, 2)?;
    let name = attr_name(ctx, "hasattr", &args[1])?;
    match ops::getattr(ctx, &args[0], &name) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(Flow::Raise(e)) if ops::is_exception(ctx, &e, ExcType::AttributeError) => {
            Ok(Value::Bool(false))
        }
        Err(e) => Err(e),
    }
}

fn getattr(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "getattr", kw)?;
    arity(ctx, "getattr", args.len(), 2, 3)?;
    let name = attr_name(ctx, "getattr", &args[1])?;
    match ops::getattr(ctx, &args[0], &name) {
        Err(Flow::Raise(e))
            if args.len() == 3 && ops::is_exception(ctx, &e, ExcType::AttributeError) =>
        {
            Ok(args[2].clone())
        }
        r => r,
    }
}

fn setattr(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "setattr", kw)?;
    arity(ctx, "setattr", args.len(), 3, 3)?;
    let name = attr_name(ctx, "setattr", &args[1])?;
    ops::setattr(ctx, &args[0], &name, args[2].clone())?;
    Ok(Value::None)
}

fn delattr(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "delattr", kw)?;
    arity(ctx, "delattr", args.len(), 2, 2)?;
    let name = attr_name(ctx, "delattr", &args[1])?;
    let removed = match &args[0] {
        Value::Instance(i) => i.dict.lock().shift_remove(&*name).is_some(),
        Value::Class(c) if c.builtin.is_none() => c.dict.lock().shift_remove(&*name).is_some(),
        Value::Module(m) => m.globals.lock().shift_remove(&*name).is_some(),
        Value::Function(f) => f.dict.lock().shift_remove(&*name).is_some(),
        _ => false,
    };
    if removed {
        return Ok(Value::None);
    }
    let t = ops::type_name(ctx, &args[0]);
    Err(ctx.raise(
        ExcType::AttributeError,
        &format!("'{t}' object has no attribute '{name}'"),
    ))
}

fn id(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "id", args, kw)?;
    Ok(Value::Int(ops::id_of(v)))
}

fn iter(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "iter", kw)?;
    match args {
        [v] => ops::get_iter(ctx, v),
        [_, _] => Err(ctx.raise(
            ExcType::TypeError,
            "iter(callable, sentinel) is not supported in ThreadLab: use a while loop",
        )),
        _ => Err(ctx.raise(
            ExcType::TypeError,
            &format!("iter expected at most 2 arguments, got {}", args.len()),
        )),
    }
}

fn next(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "next", kw)?;
    arity(ctx, "next", args.len(), 1, 2)?;
    match ops::next_item(ctx, &args[0])? {
        Some(v) => Ok(v),
        None => match args.get(1) {
            Some(d) => Ok(d.clone()),
            None => Err(ctx.raise(ExcType::StopIteration, "")),
        },
    }
}

fn hash(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "hash", args, kw)?;
    Ok(Value::Int(ops::hash_value(ctx, v)?))
}

fn divmod(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "divmod", kw)?;
    arity(ctx, "divmod", args.len(), 2, 2)?;
    let (a, b) = (&args[0], &args[1]);
    match (ops::num(a), ops::num(b)) {
        (Some(ops::Num::I(x)), Some(ops::Num::I(y))) => {
            if y == 0 {
                return Err(ctx.raise(
                    ExcType::ZeroDivisionError,
                    "integer division or modulo by zero",
                ));
            }
            let q = ops::int_floordiv(x, y).ok_or_else(|| ops::overflow(ctx))?;
            Ok(Value::tuple(vec![
                Value::Int(q),
                Value::Int(ops::int_mod(x, y)),
            ]))
        }
        (Some(x), Some(y)) => {
            let f = |n: ops::Num| match n {
                ops::Num::I(i) => i as f64,
                ops::Num::F(f) => f,
            };
            let (x, y) = (f(x), f(y));
            if y == 0.0 {
                return Err(ctx.raise(ExcType::ZeroDivisionError, "float divmod()"));
            }
            let (q, r) = ops::float_divmod(x, y);
            Ok(Value::tuple(vec![Value::Float(q), Value::Float(r)]))
        }
        _ => {
            if let Some(r) = ops::call_user(ctx, a, "__divmod__", vec![b.clone()]) {
                return r;
            }
            if let Some(r) = ops::call_user(ctx, b, "__rdivmod__", vec![a.clone()]) {
                return r;
            }
            let (ta, tb) = (ops::type_name(ctx, a), ops::type_name(ctx, b));
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("unsupported operand type(s) for divmod(): '{ta}' and '{tb}'"),
            ))
        }
    }
}

/// `base ** exp % m` for ints, `exp` negative meaning the modular inverse's power.
fn pow_mod(ctx: &Ctx<'_>, base: i64, exp: i64, m: i64) -> Result<i64, Flow> {
    if m == 0 {
        return Err(ctx.raise(ExcType::ValueError, "pow() 3rd argument cannot be 0"));
    }
    let mm = (m as i128).abs();
    let mut b = (base as i128).rem_euclid(mm);
    let mut e = exp;
    if e < 0 {
        // The inverse of base modulo |m|, by the extended Euclidean algorithm.
        let (mut old_r, mut r) = (b, mm);
        let (mut old_s, mut s) = (1i128, 0i128);
        while r != 0 {
            let q = old_r / r;
            (old_r, r) = (r, old_r - q * r);
            (old_s, s) = (s, old_s - q * s);
        }
        if old_r != 1 {
            return Err(ctx.raise(
                ExcType::ValueError,
                "base is not invertible for the given modulus",
            ));
        }
        b = old_s.rem_euclid(mm);
        e = -e;
    }
    let mut result: i128 = 1 % mm;
    while e > 0 {
        if e & 1 == 1 {
            result = result * b % mm;
        }
        b = b * b % mm;
        e >>= 1;
    }
    // The result takes the modulus's sign, as Python's % does.
    if m < 0 && result != 0 {
        result -= mm;
    }
    Ok(result as i64)
}

fn pow(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let [base, exp, m] = bind_args(ctx, "pow", args, kw, ["base", "exp", "mod"], 2)?;
    let (base, exp) = (base.unwrap_or_default(), exp.unwrap_or_default());
    match m {
        None | Some(Value::None) => ops::binary(ctx, BinOp::Pow, &base, &exp),
        Some(m) => match (ops::as_int(&base), ops::as_int(&exp), ops::as_int(&m)) {
            (Some(b), Some(e), Some(m)) => pow_mod(ctx, b, e, m).map(Value::Int),
            _ => Err(ctx.raise(
                ExcType::TypeError,
                "pow() 3rd argument not allowed unless all arguments are integers",
            )),
        },
    }
}

fn chr(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "chr", args, kw)?.clone();
    let i = ops::index_of(ctx, &v)?;
    if !(0..0x110000).contains(&i) {
        return Err(ctx.raise(ExcType::ValueError, "chr() arg not in range(0x110000)"));
    }
    match char::from_u32(i as u32) {
        Some(c) => Ok(Value::str(c.encode_utf8(&mut [0; 4]))),
        None => Err(ctx.raise(
            ExcType::ValueError,
            "chr() of a surrogate code point is not supported in ThreadLab",
        )),
    }
}

fn ord(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "ord", args, kw)?;
    match v {
        Value::Str(s) => {
            let mut cs = s.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Ok(Value::Int(c as i64)),
                _ => Err(ctx.raise(
                    ExcType::TypeError,
                    &format!(
                        "ord() expected a character, but string of length {} found",
                        ops::str_len(s)
                    ),
                )),
            }
        }
        other => {
            let t = ops::type_name(ctx, other);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("ord() expected string of length 1, but {t} found"),
            ))
        }
    }
}

fn radix(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>, name: &str) -> Result<Value, Flow> {
    let v = one_arg(ctx, name, args, kw)?.clone();
    let i = ops::index_of(ctx, &v)?;
    let a = i.unsigned_abs();
    let body = match name {
        "hex" => format!("0x{a:x}"),
        "oct" => format!("0o{a:o}"),
        _ => format!("0b{a:b}"),
    };
    Ok(Value::str(&format!(
        "{}{body}",
        if i < 0 { "-" } else { "" }
    )))
}

fn hex(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    radix(ctx, args, kw, "hex")
}

fn oct(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    radix(ctx, args, kw, "oct")
}

fn bin(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    radix(ctx, args, kw, "bin")
}

fn format(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let [value, spec] = bind_args(ctx, "format", args, kw, ["value", "format_spec"], 1)?;
    let spec = match spec {
        None => Arc::from(""),
        Some(Value::Str(s)) => s,
        Some(other) => {
            let t = ops::type_name(ctx, &other);
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("format() argument 2 must be str, not {t}"),
            ));
        }
    };
    let out = super::format::format_spec(ctx, &value.unwrap_or_default(), &spec)?;
    Ok(Value::str(&out))
}

fn callable(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let v = one_arg(ctx, "callable", args, kw)?;
    Ok(Value::Bool(match v {
        Value::Function(_) | Value::Builtin(_) | Value::Method(_) | Value::Class(_) => true,
        Value::Instance(_) => ops::user_method(v, "__call__").is_some(),
        Value::Native(n) => n.attr("__call__").is_some(),
        _ => false,
    }))
}

fn input(ctx: &mut Ctx<'_>, _args: &[Value], _kw: Kw<'_>) -> Result<Value, Flow> {
    Err(ctx.raise(
        ExcType::RuntimeError,
        "input() is not available: ThreadLab programs have no console to read from",
    ))
}

fn open(ctx: &mut Ctx<'_>, _args: &[Value], _kw: Kw<'_>) -> Result<Value, Flow> {
    Err(ctx.raise(
        ExcType::RuntimeError,
        "open() is not available: ThreadLab programs have no files",
    ))
}

fn exit(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "exit", kw)?;
    arity(ctx, "exit", args.len(), 0, 1)?;
    // site's exit() raises SystemExit(code) with code None by default.
    let code = args.first().cloned().unwrap_or(Value::None);
    let exc = ops::exception_with_args(
        ctx.interp.types.exc(ExcType::SystemExit).clone(),
        vec![code],
    );
    Err(Flow::Raise(exc))
}

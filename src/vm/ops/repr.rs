//! `repr()`, `str()`, type names, `hash()` and `id()`, as CPython 3.11 writes and computes them.

use std::cell::RefCell;
use std::fmt::Write;
use std::sync::Arc;

use super::super::types::{is_subclass, ExcType};
use super::super::value::{Flow, NativeAttr, Value};
use super::super::Ctx;
use super::iter::{iter_type_name, DictView, FilterIter, MapIter};
use super::{as_int, call_user, is_not_implemented};

thread_local! {
    /// Containers whose repr is being written on this thread (a list containing itself prints `[...]`).
    static IN_REPR: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` unless `id` is already being written (then writes `cycle`).
fn guarded(
    id: u64,
    out: &mut String,
    cycle: &str,
    f: impl FnOnce(&mut String) -> Result<(), Flow>,
) -> Result<(), Flow> {
    let seen = IN_REPR.with(|s| s.borrow().contains(&id));
    if seen {
        out.push_str(cycle);
        return Ok(());
    }
    IN_REPR.with(|s| s.borrow_mut().push(id));
    let r = f(out);
    IN_REPR.with(|s| {
        let mut s = s.borrow_mut();
        if let Some(pos) = s.iter().rposition(|&x| x == id) {
            s.remove(pos);
        }
    });
    r
}

/// `repr(v)`.
pub fn repr(ctx: &mut Ctx<'_>, v: &Value) -> Result<String, Flow> {
    let mut out = String::new();
    write_repr(ctx, v, &mut out)?;
    Ok(out)
}

/// `str(v)`.
pub fn str(ctx: &mut Ctx<'_>, v: &Value) -> Result<String, Flow> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        Value::Instance(_) => {
            if let Some(r) = call_user(ctx, v, "__str__", vec![]) {
                return match r? {
                    Value::Str(s) => Ok(s.to_string()),
                    other => {
                        let t = type_name(ctx, &other);
                        Err(ctx.raise(
                            ExcType::TypeError,
                            &format!("__str__ returned non-string (type {t})"),
                        ))
                    }
                };
            }
            if is_exc(ctx, v) {
                let mut out = String::new();
                write_exc_str(ctx, v, &mut out)?;
                return Ok(out);
            }
            repr(ctx, v)
        }
        _ => repr(ctx, v),
    }
}

fn is_exc(ctx: &Ctx<'_>, v: &Value) -> bool {
    match v {
        Value::Instance(i) => is_subclass(&i.class, ctx.interp.types.exc(ExcType::BaseException)),
        _ => false,
    }
}

fn exc_args(v: &Value) -> Vec<Value> {
    let Value::Instance(i) = v else {
        return Vec::new();
    };
    match i.dict.lock().get("args") {
        Some(Value::Tuple(t)) => t.to_vec(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    }
}

/// Writes `str(exc)` of an exception instance: no args → "", one → `str(arg)` (`repr` for `KeyError`),
/// several → the repr of the tuple.
pub fn write_exc_str(ctx: &mut Ctx<'_>, v: &Value, out: &mut String) -> Result<(), Flow> {
    let args = exc_args(v);
    let key_error = matches!(v, Value::Instance(i)
        if is_subclass(&i.class, ctx.interp.types.exc(ExcType::KeyError)));
    match args.len() {
        0 => Ok(()),
        1 if key_error => write_repr(ctx, &args[0], out),
        1 => {
            let s = str(ctx, &args[0])?;
            out.push_str(&s);
            Ok(())
        }
        _ => write_repr(ctx, &Value::tuple(args), out),
    }
}

/// The address CPython would print (`0x7f...`): the object's identity.
fn addr(v: &Value) -> String {
    format!("0x{:x}", id_of(v))
}

/// `id(v)`: the identity of objects; a number derived from the value for immediates.
pub fn id_of(v: &Value) -> i64 {
    if let Some(i) = v.identity() {
        return i as i64;
    }
    match v {
        Value::Str(s) => Arc::as_ptr(s) as *const u8 as usize as i64,
        Value::Tuple(t) => Arc::as_ptr(t) as *const Value as usize as i64,
        Value::None => 0x1000,
        Value::Ellipsis => 0x1010,
        Value::Bool(b) => 0x1020 + (*b as i64) * 16,
        Value::Int(i) => 0x10_0000i64.wrapping_add(i.wrapping_mul(32)),
        Value::Float(f) => (f.to_bits() >> 4) as i64,
        _ => 0,
    }
}

/// Writes `repr(v)`.
pub fn write_repr(ctx: &mut Ctx<'_>, v: &Value, out: &mut String) -> Result<(), Flow> {
    match v {
        Value::None => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&float_repr(*f)),
        Value::Str(s) => out.push_str(&str_repr(s)),
        Value::Ellipsis => out.push_str("Ellipsis"),
        Value::Tuple(items) => {
            let id = Arc::as_ptr(items) as *const Value as usize as u64;
            let items = items.clone();
            guarded(id, out, "(...)", |out| {
                out.push('(');
                for (n, x) in items.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    write_repr(ctx, x, out)?;
                }
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
                Ok(())
            })?;
        }
        Value::List(l) => {
            let items = l.items.lock().clone();
            guarded(v.identity().unwrap_or(0), out, "[...]", |out| {
                out.push('[');
                write_items(ctx, &items, out)?;
                out.push(']');
                Ok(())
            })?;
        }
        Value::Dict(d) => {
            let entries: Vec<(Value, Value)> = d
                .map
                .lock()
                .iter()
                .map(|(k, v)| (k.0.clone(), v.clone()))
                .collect();
            guarded(v.identity().unwrap_or(0), out, "{...}", |out| {
                out.push('{');
                for (n, (k, x)) in entries.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    write_repr(ctx, k, out)?;
                    out.push_str(": ");
                    write_repr(ctx, x, out)?;
                }
                out.push('}');
                Ok(())
            })?;
        }
        Value::Set(s) => {
            let items: Vec<Value> = super::set_members(&s.items.lock());
            if items.is_empty() {
                out.push_str("set()");
            } else {
                guarded(v.identity().unwrap_or(0), out, "set(...)", |out| {
                    out.push('{');
                    write_items(ctx, &items, out)?;
                    out.push('}');
                    Ok(())
                })?;
            }
        }
        Value::Range(r) => {
            if r.step == 1 {
                let _ = write!(out, "range({}, {})", r.start, r.stop);
            } else {
                let _ = write!(out, "range({}, {}, {})", r.start, r.stop, r.step);
            }
        }
        Value::Slice(s) => {
            let parts = [s.start.clone(), s.stop.clone(), s.step.clone()];
            out.push_str("slice(");
            write_items(ctx, &parts, out)?;
            out.push(')');
        }
        Value::Function(f) => {
            let _ = write!(out, "<function {} at {}>", f.code.qualname, addr(v));
        }
        Value::Builtin(b) => match &b.receiver {
            None => {
                let _ = write!(out, "<built-in function {}>", b.name);
            }
            Some(Value::Module(_)) => {
                let _ = write!(out, "<built-in function {}>", b.name);
            }
            Some(Value::Class(c)) => {
                let _ = write!(
                    out,
                    "<built-in method {} of type object at {}>",
                    b.name,
                    addr(&Value::Class(c.clone()))
                );
            }
            Some(r) => {
                let t = type_name(ctx, r);
                let _ = write!(
                    out,
                    "<built-in method {} of {t} object at {}>",
                    b.name,
                    addr(r)
                );
            }
        },
        Value::Method(m) => {
            let name = match &m.func {
                Value::Function(f) => f.code.qualname.to_string(),
                Value::Builtin(b) => b.name.to_string(),
                other => type_name(ctx, other),
            };
            let _ = write!(out, "<bound method {name} of ");
            write_repr(ctx, &m.receiver, out)?;
            out.push('>');
        }
        Value::Class(c) => {
            if &*c.module == "builtins" {
                let _ = write!(out, "<class '{}'>", c.qualname);
            } else {
                let _ = write!(out, "<class '{}.{}'>", c.module, c.qualname);
            }
        }
        Value::Instance(inst) => {
            if let Some(r) = call_user(ctx, v, "__repr__", vec![]) {
                return match r? {
                    Value::Str(s) => {
                        out.push_str(&s);
                        Ok(())
                    }
                    other => {
                        let t = type_name(ctx, &other);
                        Err(ctx.raise(
                            ExcType::TypeError,
                            &format!("__repr__ returned non-string (type {t})"),
                        ))
                    }
                };
            }
            if is_exc(ctx, v) {
                let _ = write!(out, "{}(", inst.class.name);
                let args = exc_args(v);
                write_items(ctx, &args, out)?;
                out.push(')');
            } else if is_not_implemented(ctx, v) {
                out.push_str("NotImplemented");
            } else {
                let c = &inst.class;
                if &*c.module == "builtins" {
                    let _ = write!(out, "<{} object at {}>", c.qualname, addr(v));
                } else {
                    let _ = write!(out, "<{}.{} object at {}>", c.module, c.qualname, addr(v));
                }
            }
        }
        Value::Module(m) => {
            let file = m.globals.lock().get("__file__").cloned();
            match file {
                Some(Value::Str(f)) => {
                    let _ = write!(out, "<module '{}' from '{f}'>", m.name);
                }
                _ => {
                    let _ = write!(out, "<module '{}' (built-in)>", m.name);
                }
            }
        }
        Value::Generator(g) => {
            let kind = if g.is_coroutine {
                "coroutine"
            } else {
                "generator"
            };
            let _ = write!(out, "<{kind} object {} at {}>", g.qualname, addr(v));
        }
        Value::Iterator(it) => {
            let name = iter_type_name(&it.lock());
            let _ = write!(out, "<{name} object at {}>", addr(v));
        }
        Value::Cell(c) => {
            let inner = c.value.lock().clone();
            match inner {
                None => {
                    let _ = write!(out, "<cell at {}: empty>", addr(v));
                }
                Some(x) => {
                    let t = type_name(ctx, &x);
                    let _ = write!(out, "<cell at {}: {t} object at {}>", addr(v), addr(&x));
                }
            }
        }
        Value::Super(s) => {
            let t = type_name(ctx, &s.receiver);
            let _ = write!(out, "<super: <class '{}'>, <{t} object>>", s.class.name);
        }
        Value::Native(n) => {
            if let Some(view) = n.as_any().downcast_ref::<DictView>() {
                let items = view.snapshot();
                guarded(v.identity().unwrap_or(0), out, "...", |out| {
                    let _ = write!(out, "{}([", view.name());
                    write_items(ctx, &items, out)?;
                    out.push_str("])");
                    Ok(())
                })?;
            } else if n.as_any().is::<MapIter>() || n.as_any().is::<FilterIter>() {
                let t = type_name(ctx, v);
                let _ = write!(out, "<{t} object at {}>", addr(v));
            } else if let Some(NativeAttr::Method(f)) = n.attr("__repr__") {
                match f(ctx, std::slice::from_ref(v), &[])? {
                    Value::Str(s) => out.push_str(&s),
                    other => write_repr(ctx, &other, out)?,
                }
            } else {
                let c = n.class(ctx);
                if &*c.module == "builtins" {
                    let _ = write!(out, "<{} object at {}>", c.qualname, addr(v));
                } else {
                    let _ = write!(out, "<{}.{} object at {}>", c.module, c.qualname, addr(v));
                }
            }
        }
    }
    Ok(())
}

fn write_items(ctx: &mut Ctx<'_>, items: &[Value], out: &mut String) -> Result<(), Flow> {
    for (n, x) in items.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        write_repr(ctx, x, out)?;
    }
    Ok(())
}

/// The decimal digits and exponent of the shortest representation that reads back as `f` (`f` finite
/// and positive): `(digits, decpt)` with the value `0.DIGITS * 10**decpt`.
pub fn shortest_digits(f: f64) -> (String, i32) {
    let s = format!("{f:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits, exp + 1)
}

/// `repr(f)` of a float: the shortest string that reads back as `f`, with CPython's choice between
/// `1234.5` and `1.2345e+16`.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let (digits, decpt) = shortest_digits(f.abs());
    let mut out = String::from(sign);
    if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            out.push_str("0.");
            for _ in 0..-decpt {
                out.push('0');
            }
            out.push_str(&digits);
        } else if decpt as usize >= digits.len() {
            out.push_str(&digits);
            for _ in 0..decpt as usize - digits.len() {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..decpt as usize]);
            out.push('.');
            out.push_str(&digits[decpt as usize..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = decpt - 1;
        let _ = write!(out, "e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    out
}

/// Is `c` printable as Python's `str.isprintable` says (approximately, without Unicode tables: control,
/// format, separator and private-use characters are not)?
pub fn is_printable(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() {
        return false;
    }
    !matches!(u,
        0xA0 | 0xAD | 0x1680 | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x2064
        | 0x3000 | 0xFEFF | 0xE000..=0xF8FF | 0xFFF9..=0xFFFB | 0xF0000..=0x10FFFF
        | 0x180E | 0x061C | 0x2066..=0x206F)
}

/// `repr(s)` of a string: CPython's choice of quotes and escapes.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_ascii() || is_printable(c) => out.push(c),
            c => {
                let u = c as u32;
                if u < 0x100 {
                    let _ = write!(out, "\\x{u:02x}");
                } else if u < 0x10000 {
                    let _ = write!(out, "\\u{u:04x}");
                } else {
                    let _ = write!(out, "\\U{u:08x}");
                }
            }
        }
    }
    out.push(quote);
    out
}

/// `type(v).__name__`.
pub fn type_name(ctx: &Ctx<'_>, v: &Value) -> String {
    match v {
        Value::None => "NoneType",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) => "str",
        Value::Tuple(_) => "tuple",
        Value::List(_) => "list",
        Value::Dict(_) => "dict",
        Value::Set(_) => "set",
        Value::Range(_) => "range",
        Value::Slice(_) => "slice",
        Value::Function(_) => "function",
        Value::Builtin(_) => "builtin_function_or_method",
        Value::Method(_) => "method",
        Value::Class(_) => "type",
        Value::Instance(i) => return i.class.name.to_string(),
        Value::Module(_) => "module",
        Value::Generator(g) => {
            if g.is_coroutine {
                "coroutine"
            } else {
                "generator"
            }
        }
        Value::Iterator(it) => iter_type_name(&it.lock()),
        Value::Cell(_) => "cell",
        Value::Super(_) => "super",
        Value::Native(n) => return n.class(ctx).name.to_string(),
        Value::Ellipsis => "ellipsis",
    }
    .to_string()
}

const HASH_BITS: u32 = 61;
const HASH_MODULUS: u64 = (1 << HASH_BITS) - 1;

/// CPython's hash of an int.
pub fn hash_int(i: i64) -> i64 {
    let m = (i.unsigned_abs() % HASH_MODULUS) as i64;
    let h = if i < 0 { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// CPython's hash of a float (`hash(1.5) == 1152921504606846977`; integral floats hash as ints).
pub fn hash_float(v: f64) -> i64 {
    if v.is_infinite() {
        return if v > 0.0 { 314159 } else { -314159 };
    }
    if v.is_nan() {
        return 0;
    }
    let (mut m, mut e) = frexp(v);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= HASH_MODULUS {
            x -= HASH_MODULUS;
        }
    }
    let bits = HASH_BITS as i32;
    let e = if e >= 0 {
        e % bits
    } else {
        bits - 1 - ((-1 - e) % bits)
    } as u32;
    x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
    let h = (x as i64).wrapping_mul(sign);
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `(m, e)` with `v == m * 2**e` and `0.5 <= |m| < 1` (C's `frexp`), for finite nonzero `v`.
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let e = exp - 1022;
    let m_bits = (bits & !(0x7ffu64 << 52)) | (1022u64 << 52);
    (f64::from_bits(m_bits), e)
}

fn hash_str(s: &str) -> i64 {
    // CPython randomizes string hashes per process; any fixed hash is as good.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let h = h as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// Is an instance of this class hashable? A class that defines `__eq__` without `__hash__` is not, as in
/// CPython; `__hash__ = None` makes it explicit.
pub fn instance_hashable(v: &Value) -> bool {
    let Value::Instance(inst) = v else {
        return true;
    };
    let mut c = Some(&inst.class);
    while let Some(k) = c {
        if k.builtin.is_some() {
            return true;
        }
        let dict = k.dict.lock();
        if let Some(h) = dict.get("__hash__") {
            return !matches!(h, Value::None);
        }
        if dict.contains_key("__eq__") {
            return false;
        }
        drop(dict);
        c = k.base.as_ref();
    }
    true
}

/// `hash(v)`.
pub fn hash_value(ctx: &mut Ctx<'_>, v: &Value) -> Result<i64, Flow> {
    Ok(match v {
        Value::Bool(b) => *b as i64,
        Value::Int(i) => hash_int(*i),
        Value::Float(f) => hash_float(*f),
        Value::Str(s) => hash_str(s),
        Value::Tuple(items) => {
            const P1: u64 = 11400714785074694791;
            const P2: u64 = 14029467366897019727;
            const P5: u64 = 2870177450012600261;
            let mut acc = P5;
            for x in items.iter() {
                let lane = hash_value(ctx, x)? as u64;
                acc = acc.wrapping_add(lane.wrapping_mul(P2));
                acc = acc.rotate_left(31);
                acc = acc.wrapping_mul(P1);
            }
            acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
            if acc == u64::MAX {
                1546275796
            } else {
                acc as i64
            }
        }
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Slice(_) => {
            let t = type_name(ctx, v);
            return Err(ctx.raise(ExcType::TypeError, &format!("unhashable type: '{t}'")));
        }
        Value::Instance(_) => {
            if !instance_hashable(v) {
                let t = type_name(ctx, v);
                return Err(ctx.raise(ExcType::TypeError, &format!("unhashable type: '{t}'")));
            }
            if let Some(r) = call_user(ctx, v, "__hash__", vec![]) {
                let r = r?;
                return match as_int(&r) {
                    Some(i) => Ok(if i == -1 { -2 } else { i }),
                    None => Err(ctx.raise(
                        ExcType::TypeError,
                        "__hash__ method should return an integer",
                    )),
                };
            }
            id_of(v) >> 4
        }
        _ => id_of(v) >> 4,
    })
}

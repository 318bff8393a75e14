//! Operators on values, with CPython 3.11's semantics and messages: arithmetic (64-bit ints, checked),
//! comparisons, truthiness, `in`, subscripts, iteration, `repr`/`str`, hashing, and the special methods
//! (`__add__`, `__eq__`, `__len__`, ...) of user classes.
//!
//! Split in parts: [`subscript`](self::getitem) (indexing and slices), iteration ([`get_iter`],
//! [`iter_next`], the `dict_keys` views, `map`/`filter`), and `repr`/`str`/hashing.

mod iter;
mod keys;
mod repr;
mod setorder;
mod subscript;
#[cfg(test)]
pub(crate) mod tests;

use std::cmp::Ordering;
use std::sync::Arc;

use indexmap::{IndexMap, IndexSet};

use crate::python::bytecode::{BinOp, CmpOp, UnaryOp};

use super::types::{is_subclass, ExcType};
use super::value::{Class, Dict, Flow, HashKey, Instance, Lock, Set, Value};
use super::Ctx;

pub use iter::{
    dict_view, get_iter, iter_next, iterate, native_class, next_item, range_len, values_iter,
    DictView, FilterIter, MapIter, ViewKind,
};
pub use keys::hash_key;
pub use repr::{
    float_repr, hash_float, hash_int, hash_value, id_of, instance_hashable, is_printable, repr,
    shortest_digits, str, str_repr, type_name, write_exc_str, write_repr,
};
pub use setorder::set_members;
pub use subscript::{delitem, getitem, setitem, slice_indices, SliceIndices};

// ---------------------------------------------------------------------------------------------------
// The interpreter's services, in one place (the interpreter engineer provides them on `Ctx`).

/// Calls `f(*args)`: any callable; a Python function runs nested until it returns.
pub fn call(ctx: &mut Ctx<'_>, f: &Value, args: Vec<Value>) -> Result<Value, Flow> {
    ctx.call(f, &args, &[])
}

/// Calls `f(*args, **kwargs)`.
pub fn call_kw(
    ctx: &mut Ctx<'_>,
    f: &Value,
    args: Vec<Value>,
    kwargs: Vec<(Arc<str>, Value)>,
) -> Result<Value, Flow> {
    ctx.call(f, &args, &kwargs)
}

/// `obj.name` (descriptors, bound methods, `__getattr__`: the interpreter's lookup).
pub fn getattr(ctx: &mut Ctx<'_>, obj: &Value, name: &str) -> Result<Value, Flow> {
    ctx.getattr(obj, name)
}

/// `obj.name = value`.
pub fn setattr(ctx: &mut Ctx<'_>, obj: &Value, name: &str, value: Value) -> Result<(), Flow> {
    ctx.setattr(obj, name, value)
}

/// The next value of a generator (`None` when it returns), run by the interpreter.
pub fn generator_next(ctx: &mut Ctx<'_>, gen: &Value) -> Result<Option<Value>, Flow> {
    ctx.next(gen)
}

/// `type(v)`.
pub fn class_of(ctx: &Ctx<'_>, v: &Value) -> Arc<Class> {
    super::interp::class_of(ctx, v)
}

// ---------------------------------------------------------------------------------------------------
// Small shared helpers.

/// Raises an exception of a builtin type whose `args` are `args` (`KeyError(key)` keeps the key itself).
pub fn raise_args(ctx: &Ctx<'_>, kind: ExcType, args: Vec<Value>) -> Flow {
    Flow::Raise(exception_with_args(
        ctx.interp.types.exc(kind).clone(),
        args,
    ))
}

/// A new exception instance of `class` with the given `args`.
pub fn exception_with_args(class: Arc<Class>, args: Vec<Value>) -> Value {
    let mut dict = crate::vm::value::Namespace::default();
    dict.insert(Arc::from("args"), Value::tuple(args));
    Value::Instance(Arc::new(Instance {
        class,
        dict: Lock::new(dict),
        exc: Lock::new(Default::default()),
    }))
}

/// Is `v` an exception instance of `kind` (or a subclass)?
pub fn is_exception(ctx: &Ctx<'_>, v: &Value, kind: ExcType) -> bool {
    match v {
        Value::Instance(i) => is_subclass(&i.class, ctx.interp.types.exc(kind)),
        _ => false,
    }
}

/// Charges `bytes` of a new object against the run's memory limit when it is big enough to matter.
pub fn charge(ctx: &Ctx<'_>, bytes: usize) -> Result<(), Flow> {
    if bytes >= 1024 {
        ctx.interp.charge(bytes).map_err(Flow::Raise)
    } else {
        Ok(())
    }
}

/// Charges `count` items of `size` bytes each, raising `MemoryError` if the product overflows.
pub fn charge_items(ctx: &Ctx<'_>, count: usize, size: usize) -> Result<(), Flow> {
    match count.checked_mul(size) {
        Some(bytes) => charge(ctx, bytes),
        None => Err(ctx.raise(ExcType::MemoryError, "")),
    }
}

/// The `OverflowError` of an int result outside 64 bits.
pub fn overflow(ctx: &Ctx<'_>) -> Flow {
    ctx.raise(
        ExcType::OverflowError,
        "integer overflow: ThreadLab's integers are 64-bit (at most 9223372036854775807)",
    )
}

/// The `NotImplemented` singleton.
pub fn not_implemented(ctx: &Ctx<'_>) -> Value {
    ctx.interp
        .builtins
        .get("NotImplemented")
        .cloned()
        .unwrap_or(Value::None)
}

/// Is `v` the `NotImplemented` singleton?
pub fn is_not_implemented(ctx: &Ctx<'_>, v: &Value) -> bool {
    matches!(v, Value::Instance(_))
        && ctx
            .interp
            .builtins
            .get("NotImplemented")
            .is_some_and(|n| n.is(v))
}

/// The function a user class (or one of its user bases) defines for `name`, if `v` is an instance of a
/// user class that defines it. Builtin classes define nothing here: their behaviour is built in.
pub fn user_method(v: &Value, name: &str) -> Option<Value> {
    let Value::Instance(inst) = v else {
        return None;
    };
    class_method(&inst.class, name)
}

/// `name` in a user class or its user bases.
pub fn class_method(class: &Arc<Class>, name: &str) -> Option<Value> {
    let mut c = Some(class);
    while let Some(k) = c {
        if k.builtin.is_some() {
            return None;
        }
        if let Some(f) = k.dict.lock().get(name) {
            return Some(f.clone());
        }
        c = k.base.as_ref();
    }
    None
}

/// Calls `v.name(*args)` if `v`'s user class defines `name`.
pub fn call_user(
    ctx: &mut Ctx<'_>,
    v: &Value,
    name: &str,
    args: Vec<Value>,
) -> Option<Result<Value, Flow>> {
    let f = user_method(v, name)?;
    let mut all = Vec::with_capacity(args.len() + 1);
    all.push(v.clone());
    all.extend(args);
    Some(call(ctx, &f, all))
}

/// A number, with bools as ints.
#[derive(Debug, Clone, Copy)]
pub enum Num {
    /// An int (or bool).
    I(i64),
    /// A float.
    F(f64),
}

/// `v` as a number, if it is one (bools are ints).
pub fn num(v: &Value) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::I(*b as i64)),
        Value::Int(i) => Some(Num::I(*i)),
        Value::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

/// `v` as an int, if it is an int or a bool.
pub fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Bool(b) => Some(*b as i64),
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// `v` as an index (`__index__`): ints, bools, or a user class's `__index__`;
/// `TypeError: 'float' object cannot be interpreted as an integer` otherwise.
pub fn index_of(ctx: &mut Ctx<'_>, v: &Value) -> Result<i64, Flow> {
    if let Some(i) = as_int(v) {
        return Ok(i);
    }
    if let Some(r) = call_user(ctx, v, "__index__", vec![]) {
        let r = r?;
        if let Some(i) = as_int(&r) {
            return Ok(i);
        }
        let t = type_name(ctx, &r);
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("__index__ returned non-int (type {t})"),
        ));
    }
    let t = type_name(ctx, v);
    Err(ctx.raise(
        ExcType::TypeError,
        &format!("'{t}' object cannot be interpreted as an integer"),
    ))
}

/// Compares an int with a float exactly (as CPython does: `2**53 + 1 != 2.0**53`).
fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // 2**63 as a float: every finite float at or above it exceeds every i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f >= LIMIT {
        return Some(Ordering::Less);
    }
    if f < -LIMIT {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    // |t| < 2**63, so the conversion is exact.
    match i.cmp(&(t as i64)) {
        Ordering::Equal => {
            let frac = f - t;
            Some(if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
        o => Some(o),
    }
}

/// Compares two numbers (`None` with a NaN).
pub fn num_cmp(x: Num, y: Num) -> Option<Ordering> {
    match (x, y) {
        (Num::I(a), Num::I(b)) => Some(a.cmp(&b)),
        (Num::F(a), Num::F(b)) => a.partial_cmp(&b),
        (Num::I(a), Num::F(b)) => cmp_int_float(a, b),
        (Num::F(a), Num::I(b)) => cmp_int_float(b, a).map(Ordering::reverse),
    }
}

// ---------------------------------------------------------------------------------------------------
// Binary operators.

fn op_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::TrueDiv => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "**",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
        BinOp::And => "&",
        BinOp::Or => "|",
        BinOp::Xor => "^",
    }
}

fn op_dunders(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mul => ("__mul__", "__rmul__", "__imul__"),
        BinOp::TrueDiv => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::And => ("__and__", "__rand__", "__iand__"),
        BinOp::Or => ("__or__", "__ror__", "__ior__"),
        BinOp::Xor => ("__xor__", "__rxor__", "__ixor__"),
    }
}

/// `a op b`.
pub fn binary(ctx: &mut Ctx<'_>, op: BinOp, a: &Value, b: &Value) -> Result<Value, Flow> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return int_binary(ctx, op, *x, *y);
    }
    binary_impl(ctx, op, a, b, false)
}

fn binary_impl(
    ctx: &mut Ctx<'_>,
    op: BinOp,
    a: &Value,
    b: &Value,
    inplace: bool,
) -> Result<Value, Flow> {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        if let Some(v) = num_binary(ctx, op, x, y, a, b)? {
            return Ok(v);
        }
        return Err(unsupported(ctx, op, a, b, inplace));
    }
    let a_user = matches!(a, Value::Instance(_));
    let b_user = matches!(b, Value::Instance(_));
    if !a_user && !b_user {
        if let Some(v) = builtin_binary(ctx, op, a, b)? {
            return Ok(v);
        }
        return Err(binary_error(ctx, op, a, b, inplace));
    }
    if op == BinOp::Mod {
        if let Value::Str(s) = a {
            return Ok(Value::str(&super::format::percent(ctx, s, b)?));
        }
    }
    let (name, rname, _) = op_dunders(op);
    if let Some(r) = call_user(ctx, a, name, vec![b.clone()]) {
        let r = r?;
        if !is_not_implemented(ctx, &r) {
            return Ok(r);
        }
    }
    let same_class = match (a, b) {
        (Value::Instance(x), Value::Instance(y)) => Arc::ptr_eq(&x.class, &y.class),
        _ => false,
    };
    if !same_class {
        if let Some(r) = call_user(ctx, b, rname, vec![a.clone()]) {
            let r = r?;
            if !is_not_implemented(ctx, &r) {
                return Ok(r);
            }
        }
    }
    if let Some(n) = repeat_count(ctx, op, a, b)? {
        // `[0] * obj` where obj has `__index__`.
        let seq = if matches!(a, Value::Instance(_)) {
            b
        } else {
            a
        };
        return repeat(ctx, seq, n).map(|v| v.expect("a sequence"));
    }
    Err(binary_error(ctx, op, a, b, inplace))
}

/// The count of `seq * n` when one side is a sequence and the other a user object with `__index__`.
fn repeat_count(ctx: &mut Ctx<'_>, op: BinOp, a: &Value, b: &Value) -> Result<Option<i64>, Flow> {
    if op != BinOp::Mul {
        return Ok(None);
    }
    let is_seq = |v: &Value| matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_));
    let other = if is_seq(a) {
        b
    } else if is_seq(b) {
        a
    } else {
        return Ok(None);
    };
    if user_method(other, "__index__").is_some() {
        return index_of(ctx, other).map(Some);
    }
    Ok(None)
}

fn unsupported(ctx: &Ctx<'_>, op: BinOp, a: &Value, b: &Value, inplace: bool) -> Flow {
    let sym = match (op, inplace) {
        (BinOp::Pow, false) => "** or pow()".to_string(),
        (_, true) => format!("{}=", op_symbol(op)),
        _ => op_symbol(op).to_string(),
    };
    ctx.raise(
        ExcType::TypeError,
        &format!(
            "unsupported operand type(s) for {sym}: '{}' and '{}'",
            type_name(ctx, a),
            type_name(ctx, b)
        ),
    )
}

/// The `TypeError` of an operator that no operand supports, in CPython's words.
fn binary_error(ctx: &Ctx<'_>, op: BinOp, a: &Value, b: &Value, inplace: bool) -> Flow {
    let is_seq = |v: &Value| matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_));
    match op {
        BinOp::Add if is_seq(a) => {
            let t = type_name(ctx, a);
            ctx.raise(
                ExcType::TypeError,
                &format!(
                    "can only concatenate {t} (not \"{}\") to {t}",
                    type_name(ctx, b)
                ),
            )
        }
        BinOp::Mul if is_seq(a) || is_seq(b) => {
            let other = if is_seq(a) { b } else { a };
            ctx.raise(
                ExcType::TypeError,
                &format!(
                    "can't multiply sequence by non-int of type '{}'",
                    type_name(ctx, other)
                ),
            )
        }
        _ => unsupported(ctx, op, a, b, inplace),
    }
}

fn num_binary(
    ctx: &mut Ctx<'_>,
    op: BinOp,
    x: Num,
    y: Num,
    a: &Value,
    b: &Value,
) -> Result<Option<Value>, Flow> {
    if let (Value::Bool(p), Value::Bool(q)) = (a, b) {
        match op {
            BinOp::And => return Ok(Some(Value::Bool(*p & *q))),
            BinOp::Or => return Ok(Some(Value::Bool(*p | *q))),
            BinOp::Xor => return Ok(Some(Value::Bool(*p ^ *q))),
            _ => {}
        }
    }
    match (x, y) {
        (Num::I(i), Num::I(j)) => int_binary(ctx, op, i, j).map(Some),
        (Num::F(f), Num::I(j)) => float_binary(ctx, op, f, j as f64),
        (Num::I(i), Num::F(g)) => float_binary(ctx, op, i as f64, g),
        (Num::F(f), Num::F(g)) => float_binary(ctx, op, f, g),
    }
}

/// Floor division of ints (`None` on overflow: `MIN // -1`).
pub fn int_floordiv(i: i64, j: i64) -> Option<i64> {
    let q = i.checked_div(j)?;
    if (i % j != 0) && ((i < 0) != (j < 0)) {
        Some(q - 1)
    } else {
        Some(q)
    }
}

/// Floor modulo of ints (the result has the divisor's sign).
pub fn int_mod(i: i64, j: i64) -> i64 {
    let r = i.wrapping_rem(j);
    if r != 0 && ((r < 0) != (j < 0)) {
        r + j
    } else {
        r
    }
}

/// `i / j` for ints, as a float (`j != 0`).
pub fn int_truediv(i: i64, j: i64) -> f64 {
    const EXACT: i64 = 1 << 53;
    if i.abs() <= EXACT && j.abs() <= EXACT {
        // Both exact as floats: one correctly rounded division, as CPython's.
        i as f64 / j as f64
    } else {
        let q = i / j;
        let r = i % j;
        q as f64 + r as f64 / j as f64
    }
}

fn int_binary(ctx: &mut Ctx<'_>, op: BinOp, i: i64, j: i64) -> Result<Value, Flow> {
    let zero = |ctx: &Ctx<'_>, msg: &str| ctx.raise(ExcType::ZeroDivisionError, msg);
    let r = match op {
        BinOp::Add => i.checked_add(j),
        BinOp::Sub => i.checked_sub(j),
        BinOp::Mul => i.checked_mul(j),
        BinOp::TrueDiv => {
            if j == 0 {
                return Err(zero(ctx, "division by zero"));
            }
            return Ok(Value::Float(int_truediv(i, j)));
        }
        BinOp::FloorDiv => {
            if j == 0 {
                return Err(zero(ctx, "integer division or modulo by zero"));
            }
            int_floordiv(i, j)
        }
        BinOp::Mod => {
            if j == 0 {
                return Err(zero(ctx, "integer modulo by zero"));
            }
            Some(int_mod(i, j))
        }
        BinOp::Pow => {
            if j < 0 {
                if i == 0 {
                    return Err(zero(ctx, "0.0 cannot be raised to a negative power"));
                }
                return float_pow(ctx, i as f64, j as f64).map(Value::Float);
            }
            int_pow(i, j)
        }
        BinOp::LShift => {
            if j < 0 {
                return Err(ctx.raise(ExcType::ValueError, "negative shift count"));
            }
            if i == 0 {
                Some(0)
            } else if j >= 63 {
                None
            } else {
                let r = i << j;
                (r >> j == i).then_some(r)
            }
        }
        BinOp::RShift => {
            if j < 0 {
                return Err(ctx.raise(ExcType::ValueError, "negative shift count"));
            }
            Some(if j >= 64 {
                if i < 0 {
                    -1
                } else {
                    0
                }
            } else {
                i >> j
            })
        }
        BinOp::And => Some(i & j),
        BinOp::Or => Some(i | j),
        BinOp::Xor => Some(i ^ j),
    };
    r.map(Value::Int).ok_or_else(|| overflow(ctx))
}

/// `i ** j` for `j >= 0`, `None` on overflow.
pub fn int_pow(i: i64, j: i64) -> Option<i64> {
    match i {
        0 => Some(if j == 0 { 1 } else { 0 }),
        1 => Some(1),
        -1 => Some(if j % 2 == 0 { 1 } else { -1 }),
        _ => u32::try_from(j).ok().and_then(|e| i.checked_pow(e)),
    }
}

fn float_binary(ctx: &mut Ctx<'_>, op: BinOp, f: f64, g: f64) -> Result<Option<Value>, Flow> {
    let zero = |ctx: &Ctx<'_>, msg: &str| ctx.raise(ExcType::ZeroDivisionError, msg);
    let r = match op {
        BinOp::Add => f + g,
        BinOp::Sub => f - g,
        BinOp::Mul => f * g,
        BinOp::TrueDiv => {
            if g == 0.0 {
                return Err(zero(ctx, "float division by zero"));
            }
            f / g
        }
        BinOp::FloorDiv => {
            if g == 0.0 {
                return Err(zero(ctx, "float floor division by zero"));
            }
            float_divmod(f, g).0
        }
        BinOp::Mod => {
            if g == 0.0 {
                return Err(zero(ctx, "float modulo"));
            }
            float_divmod(f, g).1
        }
        BinOp::Pow => float_pow(ctx, f, g)?,
        _ => return Ok(None),
    };
    Ok(Some(Value::Float(r)))
}

/// `(f // g, f % g)` for floats, `g != 0` (CPython's `float_divmod`).
pub fn float_divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut fd = div.floor();
        if div - fd > 0.5 {
            fd += 1.0;
        }
        fd
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

fn is_odd_integer(x: f64) -> bool {
    x.is_finite() && x.fract() == 0.0 && (x % 2.0).abs() == 1.0
}

/// `f ** g` for floats (CPython's `float_pow`, without complex results).
pub fn float_pow(ctx: &Ctx<'_>, iv: f64, iw: f64) -> Result<f64, Flow> {
    if iw == 0.0 {
        return Ok(1.0);
    }
    if iv.is_nan() {
        return Ok(iv);
    }
    if iw.is_nan() {
        return Ok(if iv == 1.0 { 1.0 } else { iw });
    }
    if iw.is_infinite() {
        let a = iv.abs();
        return Ok(if a == 1.0 {
            1.0
        } else if (iw > 0.0) == (a > 1.0) {
            iw.abs()
        } else {
            0.0
        });
    }
    if iv.is_infinite() {
        let odd = is_odd_integer(iw);
        return Ok(if iw > 0.0 {
            if odd {
                iv
            } else {
                iv.abs()
            }
        } else if odd {
            0.0f64.copysign(iv)
        } else {
            0.0
        });
    }
    if iv == 0.0 {
        if iw < 0.0 {
            return Err(ctx.raise(
                ExcType::ZeroDivisionError,
                "0.0 cannot be raised to a negative power",
            ));
        }
        return Ok(if is_odd_integer(iw) { iv } else { 0.0 });
    }
    let mut base = iv;
    let mut negate = false;
    if iv < 0.0 {
        if iw != iw.floor() {
            return Err(ctx.raise(
                ExcType::ValueError,
                "a negative number to a fractional power is a complex number, which ThreadLab doesn't support",
            ));
        }
        base = -iv;
        negate = is_odd_integer(iw);
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let r = base.powf(iw);
    if r.is_infinite() {
        return Err(raise_args(
            ctx,
            ExcType::OverflowError,
            vec![Value::Int(34), Value::str("Numerical result out of range")],
        ));
    }
    Ok(if negate { -r } else { r })
}

/// Builtin operators on non-numbers; `None` when the types don't support `op`.
fn builtin_binary(
    ctx: &mut Ctx<'_>,
    op: BinOp,
    a: &Value,
    b: &Value,
) -> Result<Option<Value>, Flow> {
    match op {
        BinOp::Add => match (a, b) {
            (Value::Str(x), Value::Str(y)) => {
                charge(ctx, x.len() + y.len())?;
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                Ok(Some(Value::str(&s)))
            }
            (Value::List(x), Value::List(y)) => {
                let mut items = x.items.lock().clone();
                let more = y.items.lock().clone();
                charge_items(ctx, items.len() + more.len(), 16)?;
                items.extend(more);
                Ok(Some(Value::list(items)))
            }
            (Value::Tuple(x), Value::Tuple(y)) => {
                charge_items(ctx, x.len() + y.len(), 16)?;
                let mut items = x.to_vec();
                items.extend(y.iter().cloned());
                Ok(Some(Value::tuple(items)))
            }
            _ => Ok(None),
        },
        BinOp::Mul => match (a, b) {
            (Value::Str(_) | Value::List(_) | Value::Tuple(_), _) => match as_int(b) {
                Some(n) => repeat(ctx, a, n),
                None => Ok(None),
            },
            (_, Value::Str(_) | Value::List(_) | Value::Tuple(_)) => match as_int(a) {
                Some(n) => repeat(ctx, b, n),
                None => Ok(None),
            },
            _ => Ok(None),
        },
        BinOp::Mod => match a {
            Value::Str(s) => Ok(Some(Value::str(&super::format::percent(ctx, s, b)?))),
            _ => Ok(None),
        },
        BinOp::Or | BinOp::And | BinOp::Sub | BinOp::Xor => match (a, b) {
            (Value::Set(x), Value::Set(y)) => {
                let mut items = x.items.lock().clone();
                let other = y.items.lock().clone();
                set_op(op, &mut items, &other);
                Ok(Some(Value::Set(Arc::new(Set {
                    items: Lock::new(items),
                }))))
            }
            (Value::Dict(x), Value::Dict(y)) if op == BinOp::Or => {
                let mut map = x.map.lock().clone();
                let other = y.map.lock().clone();
                map.extend(other);
                Ok(Some(Value::Dict(Arc::new(Dict {
                    map: Lock::new(map),
                }))))
            }
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

/// `items op= other` for sets (`| & - ^`).
pub fn set_op(op: BinOp, items: &mut IndexSet<HashKey>, other: &IndexSet<HashKey>) {
    match op {
        BinOp::Or => items.extend(other.iter().cloned()),
        BinOp::And => items.retain(|k| other.contains(k)),
        BinOp::Sub => items.retain(|k| !other.contains(k)),
        BinOp::Xor => {
            for k in other {
                if !items.shift_remove(k) {
                    items.insert(k.clone());
                }
            }
        }
        _ => {}
    }
}

/// `seq * n` for a string, list or tuple.
fn repeat(ctx: &Ctx<'_>, seq: &Value, n: i64) -> Result<Option<Value>, Flow> {
    let n = n.max(0) as usize;
    match seq {
        Value::Str(s) => {
            charge_items(ctx, s.len(), n)?;
            Ok(Some(Value::str(&s.repeat(n))))
        }
        Value::List(l) => {
            let items = l.items.lock().clone();
            charge_items(ctx, items.len().saturating_mul(16), n)?;
            Ok(Some(Value::list(repeat_vec(&items, n))))
        }
        Value::Tuple(t) => {
            charge_items(ctx, t.len().saturating_mul(16), n)?;
            Ok(Some(Value::tuple(repeat_vec(t, n))))
        }
        _ => Ok(None),
    }
}

fn repeat_vec(items: &[Value], n: usize) -> Vec<Value> {
    let mut out = Vec::with_capacity(items.len() * n);
    for _ in 0..n {
        out.extend(items.iter().cloned());
    }
    out
}

/// `a op= b`: in place for lists (`+=` extends with any iterable, `*=` repeats), sets (`|= &= -= ^=`) and
/// dicts (`|=`), a user class's `__iadd__`...; otherwise as [`binary`].
pub fn inplace(ctx: &mut Ctx<'_>, op: BinOp, a: &Value, b: &Value) -> Result<Value, Flow> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return int_binary(ctx, op, *x, *y);
    }
    match (op, a) {
        (_, Value::Instance(_)) => {
            let (_, _, iname) = op_dunders(op);
            if let Some(r) = call_user(ctx, a, iname, vec![b.clone()]) {
                let r = r?;
                if !is_not_implemented(ctx, &r) {
                    return Ok(r);
                }
            }
        }
        (BinOp::Add, Value::List(l)) => {
            let more = iterate(ctx, b)?;
            let len = l.items.lock().len();
            charge_items(ctx, len + more.len(), 16)?;
            l.items.lock().extend(more);
            return Ok(a.clone());
        }
        (BinOp::Mul, Value::List(l)) => {
            if let Some(n) = as_int(b) {
                let items = l.items.lock().clone();
                let n = n.max(0) as usize;
                charge_items(ctx, items.len().saturating_mul(16), n)?;
                *l.items.lock() = repeat_vec(&items, n);
                return Ok(a.clone());
            }
        }
        (BinOp::Or | BinOp::And | BinOp::Sub | BinOp::Xor, Value::Set(s)) => {
            if let Value::Set(o) = b {
                let other = o.items.lock().clone();
                set_op(op, &mut s.items.lock(), &other);
                return Ok(a.clone());
            }
            if !matches!(b, Value::Instance(_)) {
                return Err(unsupported(ctx, op, a, b, true));
            }
        }
        (BinOp::Or, Value::Dict(d)) if !matches!(b, Value::Instance(_)) => {
            let pairs = dict_pairs(ctx, b)?;
            let mut map = d.map.lock();
            for (k, v) in pairs {
                map.insert(k, v);
            }
            return Ok(a.clone());
        }
        _ => {}
    }
    binary_impl(ctx, op, a, b, true)
}

/// The entries of a mapping (a dict, or an object with `keys()` and `__getitem__`) or of an iterable of
/// pairs, as `dict.update` and `dict(x)` take them.
pub fn dict_pairs(ctx: &mut Ctx<'_>, v: &Value) -> Result<Vec<(HashKey, Value)>, Flow> {
    if let Value::Dict(d) = v {
        return Ok(d
            .map
            .lock()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect());
    }
    if matches!(v, Value::Instance(_)) && user_method(v, "keys").is_some() {
        let keys_fn = getattr(ctx, v, "keys")?;
        let keys = call(ctx, &keys_fn, vec![])?;
        let mut out = Vec::new();
        for k in iterate(ctx, &keys)? {
            let item = getitem(ctx, v, &k)?;
            out.push((hash_key(ctx, &k)?, item));
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    for (n, item) in iterate(ctx, v)?.into_iter().enumerate() {
        let pair = match &item {
            Value::Tuple(t) => t.to_vec(),
            Value::List(l) => l.items.lock().clone(),
            Value::Str(_) | Value::Instance(_) | Value::Iterator(_) | Value::Generator(_) => {
                iterate(ctx, &item)?
            }
            _ => {
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!(
                        "cannot convert dictionary update sequence element #{n} to a sequence"
                    ),
                ))
            }
        };
        if pair.len() != 2 {
            return Err(ctx.raise(
                ExcType::ValueError,
                &format!(
                    "dictionary update sequence element #{n} has length {}; 2 is required",
                    pair.len()
                ),
            ));
        }
        let mut pair = pair.into_iter();
        let k = pair.next().expect("two items");
        let val = pair.next().expect("two items");
        out.push((hash_key(ctx, &k)?, val));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------
// Unary operators.

/// `op a`.
pub fn unary(ctx: &mut Ctx<'_>, op: UnaryOp, a: &Value) -> Result<Value, Flow> {
    let (sym, name) = match op {
        UnaryOp::Not => return Ok(Value::Bool(!truthy(ctx, a)?)),
        UnaryOp::Neg => ("-", "__neg__"),
        UnaryOp::Pos => ("+", "__pos__"),
        UnaryOp::Invert => ("~", "__invert__"),
    };
    match (op, num(a)) {
        (UnaryOp::Neg, Some(Num::I(i))) => {
            i.checked_neg().map(Value::Int).ok_or_else(|| overflow(ctx))
        }
        (UnaryOp::Neg, Some(Num::F(f))) => Ok(Value::Float(-f)),
        (UnaryOp::Pos, Some(Num::I(i))) => Ok(Value::Int(i)),
        (UnaryOp::Pos, Some(Num::F(f))) => Ok(Value::Float(f)),
        (UnaryOp::Invert, Some(Num::I(i))) => Ok(Value::Int(!i)),
        _ => {
            if let Some(r) = call_user(ctx, a, name, vec![]) {
                return r;
            }
            let t = type_name(ctx, a);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("bad operand type for unary {sym}: '{t}'"),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Comparisons.

fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::In => "in",
        CmpOp::NotIn => "not in",
        CmpOp::Is => "is",
        CmpOp::IsNot => "is not",
    }
}

fn cmp_dunder(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "__lt__",
        CmpOp::Le => "__le__",
        CmpOp::Eq => "__eq__",
        CmpOp::Ne => "__ne__",
        CmpOp::Gt => "__gt__",
        CmpOp::Ge => "__ge__",
        _ => "",
    }
}

fn swapped(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn ordering_holds(op: CmpOp, o: Option<Ordering>) -> bool {
    match o {
        None => op == CmpOp::Ne,
        Some(o) => match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::Ne => o != Ordering::Equal,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
            _ => false,
        },
    }
}

/// `a op b` for comparisons, `in` and `is`.
pub fn compare(ctx: &mut Ctx<'_>, op: CmpOp, a: &Value, b: &Value) -> Result<Value, Flow> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        if !matches!(op, CmpOp::In | CmpOp::NotIn) {
            let o = x.cmp(y);
            return Ok(Value::Bool(match op {
                CmpOp::Is | CmpOp::Eq => o.is_eq(),
                CmpOp::IsNot | CmpOp::Ne => o.is_ne(),
                other => ordering_holds(other, Some(o)),
            }));
        }
    }
    match op {
        CmpOp::Is => Ok(Value::Bool(a.is(b))),
        CmpOp::IsNot => Ok(Value::Bool(!a.is(b))),
        CmpOp::In => contains(ctx, b, a).map(Value::Bool),
        CmpOp::NotIn => contains(ctx, b, a).map(|r| Value::Bool(!r)),
        _ => rich_compare(ctx, op, a, b),
    }
}

/// `a op b` for `< <= == != > >=`: the builtin comparison, or the user class's method (then the
/// reflected one), as CPython's `PyObject_RichCompare`.
pub fn rich_compare(ctx: &mut Ctx<'_>, op: CmpOp, a: &Value, b: &Value) -> Result<Value, Flow> {
    if let Some(r) = builtin_compare(ctx, op, a, b)? {
        return Ok(Value::Bool(r));
    }
    let user = matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_));
    if user {
        if let Some(r) = call_user(ctx, a, cmp_dunder(op), vec![b.clone()]) {
            let r = r?;
            if !is_not_implemented(ctx, &r) {
                return Ok(r);
            }
        } else if op == CmpOp::Ne && user_method(a, "__eq__").is_some() {
            // object.__ne__ inverts __eq__ unless that is NotImplemented.
            let r = call_user(ctx, a, "__eq__", vec![b.clone()]).expect("found")?;
            if !is_not_implemented(ctx, &r) {
                return Ok(Value::Bool(!truthy(ctx, &r)?));
            }
        }
        let rop = swapped(op);
        if let Some(r) = call_user(ctx, b, cmp_dunder(rop), vec![a.clone()]) {
            let r = r?;
            if !is_not_implemented(ctx, &r) {
                return Ok(r);
            }
        } else if rop == CmpOp::Ne && user_method(b, "__eq__").is_some() {
            let r = call_user(ctx, b, "__eq__", vec![a.clone()]).expect("found")?;
            if !is_not_implemented(ctx, &r) {
                return Ok(Value::Bool(!truthy(ctx, &r)?));
            }
        }
    }
    match op {
        CmpOp::Eq => Ok(Value::Bool(a.is(b))),
        CmpOp::Ne => Ok(Value::Bool(!a.is(b))),
        _ => Err(ctx.raise(
            ExcType::TypeError,
            &format!(
                "'{}' not supported between instances of '{}' and '{}'",
                cmp_symbol(op),
                type_name(ctx, a),
                type_name(ctx, b)
            ),
        )),
    }
}

/// Builtin comparisons; `None` when the types don't compare with `op` (NotImplemented).
fn builtin_compare(
    ctx: &mut Ctx<'_>,
    op: CmpOp,
    a: &Value,
    b: &Value,
) -> Result<Option<bool>, Flow> {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return Ok(Some(ordering_holds(op, num_cmp(x, y))));
    }
    let equality = matches!(op, CmpOp::Eq | CmpOp::Ne);
    let r = match (a, b) {
        (Value::Str(x), Value::Str(y)) => ordering_holds(op, Some(x.as_ref().cmp(y.as_ref()))),
        (Value::Tuple(x), Value::Tuple(y)) => {
            let (x, y) = (x.clone(), y.clone());
            return seq_compare(ctx, op, &x, &y).map(Some);
        }
        (Value::List(x), Value::List(y)) => {
            if Arc::ptr_eq(x, y) && equality {
                // Identical lists are equal (items compare by identity first).
                return Ok(Some(op == CmpOp::Eq));
            }
            let xs = x.items.lock().clone();
            let ys = y.items.lock().clone();
            return seq_compare(ctx, op, &xs, &ys).map(Some);
        }
        (Value::None, Value::None) | (Value::Ellipsis, Value::Ellipsis) if equality => {
            op == CmpOp::Eq
        }
        (Value::Dict(x), Value::Dict(y)) if equality => {
            let r = dict_eq(ctx, x, y)?;
            r == (op == CmpOp::Eq)
        }
        (Value::Set(x), Value::Set(y)) => {
            if Arc::ptr_eq(x, y) {
                ordering_holds(op, Some(Ordering::Equal))
            } else {
                let xs = x.items.lock().clone();
                let ys = y.items.lock().clone();
                set_compare(op, &xs, &ys)
            }
        }
        (Value::Method(x), Value::Method(y)) if equality => {
            // Bound methods are equal when bound to the same object and function.
            let same = x.receiver.is(&y.receiver) && x.func.is(&y.func);
            same == (op == CmpOp::Eq)
        }
        (Value::Range(x), Value::Range(y)) if equality => {
            let same = range_eq(x, y);
            same == (op == CmpOp::Eq)
        }
        (Value::Slice(x), Value::Slice(y)) => {
            let xs = [x.start.clone(), x.stop.clone(), x.step.clone()];
            let ys = [y.start.clone(), y.stop.clone(), y.step.clone()];
            return seq_compare(ctx, op, &xs, &ys).map(Some);
        }
        (Value::Native(_), Value::Native(_)) if equality => {
            if let Some(r) = iter::view_eq(ctx, a, b)? {
                r == (op == CmpOp::Eq)
            } else {
                return Ok(None);
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(r))
}

/// Do two ranges hold the same sequence?
pub fn range_eq(x: &super::value::Range, y: &super::value::Range) -> bool {
    let (lx, ly) = (iter::range_len(x), iter::range_len(y));
    if lx != ly {
        return false;
    }
    lx == 0 || (x.start == y.start && (lx == 1 || x.step == y.step))
}

fn set_compare(op: CmpOp, x: &IndexSet<HashKey>, y: &IndexSet<HashKey>) -> bool {
    let subset = x.len() <= y.len() && x.iter().all(|k| y.contains(k));
    let superset = y.len() <= x.len() && y.iter().all(|k| x.contains(k));
    match op {
        CmpOp::Eq => subset && superset,
        CmpOp::Ne => !(subset && superset),
        CmpOp::Le => subset,
        CmpOp::Lt => subset && x.len() < y.len(),
        CmpOp::Ge => superset,
        CmpOp::Gt => superset && x.len() > y.len(),
        _ => false,
    }
}

fn dict_eq(ctx: &mut Ctx<'_>, x: &Arc<Dict>, y: &Arc<Dict>) -> Result<bool, Flow> {
    if Arc::ptr_eq(x, y) {
        return Ok(true);
    }
    let xs: Vec<(HashKey, Value)> = x
        .map
        .lock()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if xs.len() != y.map.lock().len() {
        return Ok(false);
    }
    for (k, v) in xs {
        let other = y.map.lock().get(&k).cloned();
        match other {
            None => return Ok(false),
            Some(w) => {
                if !v.is(&w) && !eq(ctx, &v, &w)? {
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

/// Lexicographic comparison of sequences: the first pair of items that differ decides, else the lengths.
fn seq_compare(ctx: &mut Ctx<'_>, op: CmpOp, xs: &[Value], ys: &[Value]) -> Result<bool, Flow> {
    if matches!(op, CmpOp::Eq | CmpOp::Ne) && xs.len() != ys.len() {
        return Ok(op == CmpOp::Ne);
    }
    for (x, y) in xs.iter().zip(ys.iter()) {
        if x.is(y) && !matches!(x, Value::Float(f) if f.is_nan()) {
            continue;
        }
        if !eq(ctx, x, y)? {
            return match op {
                CmpOp::Eq => Ok(false),
                CmpOp::Ne => Ok(true),
                _ => {
                    let r = rich_compare(ctx, op, x, y)?;
                    truthy(ctx, &r)
                }
            };
        }
    }
    Ok(ordering_holds(op, Some(xs.len().cmp(&ys.len()))))
}

/// `a == b` as a Rust bool (user `__eq__` included).
pub fn eq(ctx: &mut Ctx<'_>, a: &Value, b: &Value) -> Result<bool, Flow> {
    // Fast paths for the common cases.
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Ok(x == y),
        (Value::Str(x), Value::Str(y)) => return Ok(x == y),
        _ => {}
    }
    let r = rich_compare(ctx, CmpOp::Eq, a, b)?;
    match r {
        Value::Bool(b) => Ok(b),
        other => truthy(ctx, &other),
    }
}

/// `a < b` as a Rust bool (for sorting, `min`, `max`).
pub fn lt(ctx: &mut Ctx<'_>, a: &Value, b: &Value) -> Result<bool, Flow> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Ok(x < y),
        (Value::Float(x), Value::Float(y)) => return Ok(x < y),
        (Value::Str(x), Value::Str(y)) => return Ok(x < y),
        _ => {}
    }
    let r = rich_compare(ctx, CmpOp::Lt, a, b)?;
    match r {
        Value::Bool(b) => Ok(b),
        other => truthy(ctx, &other),
    }
}

/// `item in container`.
pub fn contains(ctx: &mut Ctx<'_>, container: &Value, item: &Value) -> Result<bool, Flow> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(sub.as_ref())),
            _ => {
                let t = type_name(ctx, item);
                Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("'in <string>' requires string as left operand, not {t}"),
                ))
            }
        },
        Value::Tuple(items) => {
            let items = items.clone();
            seq_contains(ctx, &items, item)
        }
        Value::List(l) => {
            let mut i = 0;
            loop {
                let x = match l.items.lock().get(i) {
                    Some(x) => x.clone(),
                    None => return Ok(false),
                };
                if x.is(item) || eq(ctx, &x, item)? {
                    return Ok(true);
                }
                i += 1;
            }
        }
        Value::Dict(d) => {
            let k = hash_key(ctx, item)?;
            Ok(d.map.lock().contains_key(&k))
        }
        Value::Set(s) => {
            let k = hash_key(ctx, item)?;
            Ok(s.items.lock().contains(&k))
        }
        Value::Range(r) => Ok(match item {
            Value::Int(_) | Value::Bool(_) => iter::range_contains(r, as_int(item).unwrap_or(0)),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => {
                iter::range_contains(r, *f as i64)
            }
            _ => false,
        }),
        Value::Instance(_) => {
            if let Some(r) = call_user(ctx, container, "__contains__", vec![item.clone()]) {
                let r = r?;
                return truthy(ctx, &r);
            }
            if user_method(container, "__iter__").is_some()
                || user_method(container, "__getitem__").is_some()
            {
                return iter_contains(ctx, container, item);
            }
            let t = type_name(ctx, container);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("argument of type '{t}' is not iterable"),
            ))
        }
        Value::Iterator(_) | Value::Generator(_) => iter_contains(ctx, container, item),
        Value::Native(_) => {
            if let Some(r) = iter::view_contains(ctx, container, item)? {
                return Ok(r);
            }
            iter_contains(ctx, container, item)
        }
        _ => {
            let t = type_name(ctx, container);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("argument of type '{t}' is not iterable"),
            ))
        }
    }
}

fn seq_contains(ctx: &mut Ctx<'_>, items: &[Value], item: &Value) -> Result<bool, Flow> {
    for x in items {
        if x.is(item) || eq(ctx, x, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn iter_contains(ctx: &mut Ctx<'_>, container: &Value, item: &Value) -> Result<bool, Flow> {
    let it = get_iter(ctx, container)?;
    while let Some(x) = next_item(ctx, &it)? {
        if x.is(item) || eq(ctx, &x, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

// ---------------------------------------------------------------------------------------------------
// Truthiness and length.

/// `bool(v)`: user classes by `__bool__`, then `__len__`.
pub fn truthy(ctx: &mut Ctx<'_>, v: &Value) -> Result<bool, Flow> {
    Ok(match v {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Tuple(t) => !t.is_empty(),
        Value::List(l) => !l.items.lock().is_empty(),
        Value::Dict(d) => !d.map.lock().is_empty(),
        Value::Set(s) => !s.items.lock().is_empty(),
        Value::Range(r) => iter::range_len(r) != 0,
        Value::Instance(_) => {
            if let Some(r) = call_user(ctx, v, "__bool__", vec![]) {
                return match r? {
                    Value::Bool(b) => Ok(b),
                    other => {
                        let t = type_name(ctx, &other);
                        Err(ctx.raise(
                            ExcType::TypeError,
                            &format!("__bool__ should return bool, returned {t}"),
                        ))
                    }
                };
            }
            if user_method(v, "__len__").is_some() {
                return Ok(len(ctx, v)? != 0);
            }
            true
        }
        Value::Native(_) => match iter::view_len(v) {
            Some(n) => n != 0,
            None => true,
        },
        _ => true,
    })
}

/// `len(v)`.
pub fn len(ctx: &mut Ctx<'_>, v: &Value) -> Result<usize, Flow> {
    Ok(match v {
        Value::Str(s) => str_len(s),
        Value::Tuple(t) => t.len(),
        Value::List(l) => l.items.lock().len(),
        Value::Dict(d) => d.map.lock().len(),
        Value::Set(s) => s.items.lock().len(),
        Value::Range(r) => iter::range_len(r) as usize,
        Value::Instance(_) if user_method(v, "__len__").is_some() => {
            let r = call_user(ctx, v, "__len__", vec![]).expect("found")?;
            let n = match as_int(&r) {
                Some(n) => n,
                None => {
                    let t = type_name(ctx, &r);
                    return Err(ctx.raise(
                        ExcType::TypeError,
                        &format!("'{t}' object cannot be interpreted as an integer"),
                    ));
                }
            };
            if n < 0 {
                return Err(ctx.raise(ExcType::ValueError, "__len__() should return >= 0"));
            }
            n as usize
        }
        _ => match iter::view_len(v) {
            Some(n) => n,
            None => {
                let t = type_name(ctx, v);
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("object of type '{t}' has no len()"),
                ));
            }
        },
    })
}

/// The length of a string in characters (code points), as Python counts.
pub fn str_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// A new dict value from entries.
pub fn new_dict(map: IndexMap<HashKey, Value>) -> Value {
    Value::Dict(Arc::new(Dict {
        map: Lock::new(map),
    }))
}

/// A new set value from members.
pub fn new_set(items: IndexSet<HashKey>) -> Value {
    Value::Set(Arc::new(Set {
        items: Lock::new(items),
    }))
}

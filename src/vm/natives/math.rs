//! `math`: CPython's functions on floats and ints, with its domain and range errors.

use std::sync::Arc;

use super::{as_float, as_int, bind, exact, functions, int_overflow, new_module, shim, type_name};
use crate::python::bytecode::BinOp;
use crate::vm::types::ExcType;
use crate::vm::value::{Flow, Module, Value};
use crate::vm::{ops, Ctx};

type Kwargs<'a> = &'a [(Arc<str>, Value)];
type Native = Result<Value, Flow>;

#[optimize(size)]
pub(super) fn module(_ctx: &mut Ctx<'_>) -> Arc<Module> {
    let mut entries = functions(&[
        ("sqrt", sqrt),
        ("cbrt", cbrt),
        ("exp", exp),
        ("exp2", exp2),
        ("expm1", expm1),
        ("log", log),
        ("log2", log2),
        ("log10", log10),
        ("log1p", log1p),
        ("sin", sin),
        ("cos", cos),
        ("tan", tan),
        ("asin", asin),
        ("acos", acos),
        ("atan", atan),
        ("sinh", sinh),
        ("cosh", cosh),
        ("tanh", tanh),
        ("asinh", asinh),
        ("acosh", acosh),
        ("atanh", atanh),
        ("atan2", atan2),
        ("fabs", fabs),
        ("floor", floor),
        ("ceil", ceil),
        ("trunc", trunc),
        ("pow", pow),
        ("hypot", hypot),
        ("dist", dist),
        ("factorial", factorial),
        ("gcd", gcd),
        ("lcm", lcm),
        ("isqrt", isqrt),
        ("comb", comb),
        ("perm", perm),
        ("prod", prod),
        ("fsum", fsum),
        ("isclose", isclose),
        ("isfinite", isfinite),
        ("isinf", isinf),
        ("isnan", isnan),
        ("degrees", degrees),
        ("radians", radians),
        ("copysign", copysign),
        ("fmod", fmod),
        ("modf", modf),
        ("frexp", frexp),
        ("ldexp", ldexp),
        ("remainder", remainder),
    ]);
    entries.extend([
        ("pi", Value::Float(std::f64::consts::PI)),
        ("e", Value::Float(std::f64::consts::E)),
        ("tau", Value::Float(std::f64::consts::TAU)),
        ("inf", Value::Float(f64::INFINITY)),
        ("nan", Value::Float(f64::NAN)),
    ]);
    new_module("math", entries)
}

#[optimize(size)]
fn domain(ctx: &Ctx<'_>) -> Flow {
    ctx.raise(ExcType::ValueError, "math domain error")
}

#[optimize(size)]
fn range(ctx: &Ctx<'_>) -> Flow {
    ctx.raise(ExcType::OverflowError, "math range error")
}

/// CPython's `math_1`: a NaN out of a non-NaN is a domain error; an infinity out of a finite number is a
/// range error for functions that can overflow (`exp`, `cosh`) and a domain error for the rest
/// (`log(0)`).
#[optimize(size)]
fn math_1(
    ctx: &Ctx<'_>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs<'_>,
    f: fn(f64) -> f64,
    can_overflow: bool,
) -> Native {
    let args = exact(ctx, name, args, kwargs, 1)?;
    let x = as_float(ctx, &args[0])?;
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(domain(ctx));
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            range(ctx)
        } else {
            domain(ctx)
        });
    }
    Ok(Value::Float(r))
}

macro_rules! unary {
    ($($name:ident => $f:expr, $overflow:expr;)*) => {$(
        fn $name(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
            math_1(ctx, stringify!($name), args, kwargs, $f, $overflow)
        }
    )*};
}

unary! {
    sqrt => f64::sqrt, false;
    cbrt => f64::cbrt, false;
    exp => f64::exp, true;
    exp2 => f64::exp2, true;
    expm1 => f64::exp_m1, true;
    log1p => f64::ln_1p, false;
    sin => f64::sin, false;
    cos => f64::cos, false;
    tan => f64::tan, false;
    asin => f64::asin, false;
    acos => f64::acos, false;
    atan => f64::atan, false;
    sinh => f64::sinh, true;
    cosh => f64::cosh, true;
    tanh => f64::tanh, false;
    asinh => f64::asinh, false;
    acosh => f64::acosh, false;
    atanh => f64::atanh, false;
    fabs => f64::abs, false;
}

/// CPython's `m_log`: the natural log, with a domain error at and below zero.
#[optimize(size)]
fn m_log(ctx: &Ctx<'_>, v: &Value, f: fn(f64) -> f64) -> Result<f64, Flow> {
    let x = as_float(ctx, v)?;
    if x.is_nan() || x == f64::INFINITY {
        return Ok(x);
    }
    if x <= 0.0 {
        return Err(domain(ctx));
    }
    Ok(f(x))
}

#[optimize(size)]
fn log(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    if !kwargs.is_empty() {
        return Err(ctx.raise(ExcType::TypeError, "log() takes no keyword arguments"));
    }
    match args {
        [x] => Ok(Value::Float(m_log(ctx, x, f64::ln)?)),
        [x, base] => {
            let num = m_log(ctx, x, f64::ln)?;
            let den = m_log(ctx, base, f64::ln)?;
            if den == 0.0 {
                return Err(ctx.raise(ExcType::ZeroDivisionError, "float division by zero"));
            }
            Ok(Value::Float(num / den))
        }
        _ => Err(ctx.raise(
            ExcType::TypeError,
            &format!("log expected at least 1 argument, got {}", args.len()),
        )),
    }
}

#[optimize(size)]
fn log2(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "log2", args, kwargs, 1)?;
    Ok(Value::Float(m_log(ctx, &args[0], f64::log2)?))
}

#[optimize(size)]
fn log10(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "log10", args, kwargs, 1)?;
    Ok(Value::Float(m_log(ctx, &args[0], f64::log10)?))
}

#[optimize(size)]
fn two_floats(
    ctx: &Ctx<'_>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs<'_>,
) -> Result<(f64, f64), Flow> {
    let args = exact(ctx, name, args, kwargs, 2)?;
    Ok((as_float(ctx, &args[0])?, as_float(ctx, &args[1])?))
}

#[optimize(size)]
fn atan2(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let (y, x) = two_floats(ctx, "atan2", args, kwargs)?;
    Ok(Value::Float(y.atan2(x)))
}

#[optimize(size)]
fn copysign(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let (x, y) = two_floats(ctx, "copysign", args, kwargs)?;
    Ok(Value::Float(x.copysign(y)))
}

#[optimize(size)]
fn fmod(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let (x, y) = two_floats(ctx, "fmod", args, kwargs)?;
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::Float(x));
    }
    let r = x % y;
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain(ctx));
    }
    Ok(Value::Float(r))
}

/// CPython's `m_remainder`: the IEEE 754 remainder, rounding the quotient half to even.
#[optimize(size)]
fn remainder(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let (x, y) = two_floats(ctx, "remainder", args, kwargs)?;
    let r = if x.is_finite() && y.is_finite() {
        if y == 0.0 {
            return Err(domain(ctx));
        }
        let (absx, absy) = (x.abs(), y.abs());
        let m = absx % absy;
        let c = absy - m;
        let r = if m < c {
            m
        } else if m > c {
            -c
        } else {
            m - 2.0 * ((0.5 * (absx - m)) % absy)
        };
        1f64.copysign(x) * r
    } else if x.is_nan() {
        x
    } else if y.is_nan() {
        y
    } else if x.is_infinite() {
        return Err(domain(ctx));
    } else {
        x
    };
    Ok(Value::Float(r))
}

/// `math.pow`, CPython's special cases first (the C library's are not all Python's).
#[optimize(size)]
fn pow(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let (x, y) = two_floats(ctx, "pow", args, kwargs)?;
    let r = if !x.is_finite() || !y.is_finite() {
        if x.is_nan() {
            if y == 0.0 {
                1.0
            } else {
                x
            }
        } else if y.is_nan() {
            if x == 1.0 {
                1.0
            } else {
                y
            }
        } else if x.is_infinite() {
            let odd_y = y.is_finite() && (y.abs() % 2.0) == 1.0;
            if y > 0.0 {
                if odd_y {
                    x
                } else {
                    x.abs()
                }
            } else if y == 0.0 {
                1.0
            } else if odd_y {
                0f64.copysign(x)
            } else {
                0.0
            }
        } else if x.abs() == 1.0 {
            1.0
        } else if (y > 0.0 && x.abs() > 1.0) || (y < 0.0 && x.abs() < 1.0) {
            f64::INFINITY
        } else {
            0.0
        }
    } else {
        let r = x.powf(y);
        if r.is_nan() {
            return Err(domain(ctx));
        }
        if r.is_infinite() {
            return Err(if x == 0.0 { domain(ctx) } else { range(ctx) });
        }
        r
    };
    Ok(Value::Float(r))
}

/// A float's integral part as an int (`floor`, `ceil`, `trunc`), with CPython's errors for infinities
/// and NaN and ThreadLab's for ints past 64 bits.
#[optimize(size)]
fn float_to_int(ctx: &Ctx<'_>, r: f64) -> Native {
    if r.is_nan() {
        return Err(ctx.raise(ExcType::ValueError, "cannot convert float NaN to integer"));
    }
    if r.is_infinite() {
        return Err(ctx.raise(
            ExcType::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
        return Err(int_overflow(ctx));
    }
    Ok(Value::Int(r as i64))
}

#[optimize(size)]
fn rounding(
    ctx: &Ctx<'_>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs<'_>,
    f: fn(f64) -> f64,
) -> Native {
    let args = exact(ctx, name, args, kwargs, 1)?;
    match &args[0] {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        other => {
            let x = as_float(ctx, other)?;
            float_to_int(ctx, f(x))
        }
    }
}

#[optimize(size)]
fn floor(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    rounding(ctx, "floor", args, kwargs, f64::floor)
}

#[optimize(size)]
fn ceil(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    rounding(ctx, "ceil", args, kwargs, f64::ceil)
}

#[optimize(size)]
fn trunc(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "trunc", args, kwargs, 1)?;
    match &args[0] {
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => {
            rounding(ctx, "trunc", args, &[], f64::trunc)
        }
        other => Err(ctx.raise(
            ExcType::TypeError,
            &format!(
                "type {} doesn't define __trunc__ method",
                type_name(ctx, other)
            ),
        )),
    }
}

/// The Euclidean norm of `coords`, scaled so large or small values neither overflow nor vanish.
#[optimize(size)]
fn norm(coords: &[f64]) -> f64 {
    let mut max = 0.0f64;
    let mut found_nan = false;
    for &x in coords {
        if x.is_infinite() {
            return f64::INFINITY;
        }
        found_nan |= x.is_nan();
        max = max.max(x.abs());
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || coords.len() <= 1 {
        return max;
    }
    let sum: f64 = coords.iter().map(|x| (x / max) * (x / max)).sum();
    max * sum.sqrt()
}

#[optimize(size)]
fn hypot(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    if !kwargs.is_empty() {
        return Err(ctx.raise(ExcType::TypeError, "hypot() takes no keyword arguments"));
    }
    let coords = args
        .iter()
        .map(|a| as_float(ctx, a))
        .collect::<Result<Vec<_>, _>>()?;
    if let [x, y] = coords[..] {
        return Ok(Value::Float(x.hypot(y)));
    }
    Ok(Value::Float(norm(&coords)))
}

#[optimize(size)]
fn dist(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "dist", args, kwargs, 2)?;
    let p = shim::collect(ctx, &args[0])?;
    let q = shim::collect(ctx, &args[1])?;
    if p.len() != q.len() {
        return Err(ctx.raise(
            ExcType::ValueError,
            "both points must have the same number of dimensions",
        ));
    }
    let mut diffs = Vec::with_capacity(p.len());
    for (a, b) in p.iter().zip(&q) {
        diffs.push((as_float(ctx, a)? - as_float(ctx, b)?).abs());
    }
    if let [x, y] = diffs[..] {
        return Ok(Value::Float(x.hypot(y)));
    }
    Ok(Value::Float(norm(&diffs)))
}

#[optimize(size)]
fn factorial(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "factorial", args, kwargs, 1)?;
    let n = as_int(ctx, &args[0])?;
    if n < 0 {
        return Err(ctx.raise(
            ExcType::ValueError,
            "factorial() not defined for negative values",
        ));
    }
    let mut r: i64 = 1;
    for i in 2..=n {
        r = r.checked_mul(i).ok_or_else(|| int_overflow(ctx))?;
    }
    Ok(Value::Int(r))
}

#[optimize(size)]
fn gcd2(a: i64, b: i64) -> u64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[optimize(size)]
fn gcd(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    if !kwargs.is_empty() {
        return Err(ctx.raise(ExcType::TypeError, "gcd() takes no keyword arguments"));
    }
    let mut g: u64 = 0;
    for a in args {
        let a = as_int(ctx, a)?;
        g = gcd2(g as i64, a);
    }
    i64::try_from(g)
        .map(Value::Int)
        .map_err(|_| int_overflow(ctx))
}

#[optimize(size)]
fn lcm(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    if !kwargs.is_empty() {
        return Err(ctx.raise(ExcType::TypeError, "lcm() takes no keyword arguments"));
    }
    let mut l: i64 = 1;
    for a in args {
        let a = as_int(ctx, a)?;
        if a == 0 || l == 0 {
            l = 0;
            continue;
        }
        let g = gcd2(l, a) as i64;
        l = (l / g)
            .checked_mul(a)
            .map(i64::abs)
            .ok_or_else(|| int_overflow(ctx))?;
    }
    Ok(Value::Int(l))
}

#[optimize(size)]
fn isqrt(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "isqrt", args, kwargs, 1)?;
    let n = as_int(ctx, &args[0])?;
    if n < 0 {
        return Err(ctx.raise(ExcType::ValueError, "isqrt() argument must be nonnegative"));
    }
    // A float estimate, then exact correction in integers.
    let mut r = (n as f64).sqrt() as i64;
    while r.checked_mul(r).is_none_or(|sq| sq > n) {
        r -= 1;
    }
    while (r + 1).checked_mul(r + 1).is_some_and(|sq| sq <= n) {
        r += 1;
    }
    Ok(Value::Int(r))
}

#[optimize(size)]
fn non_negative(ctx: &Ctx<'_>, v: &Value, what: &str) -> Result<i64, Flow> {
    let n = as_int(ctx, v)?;
    if n < 0 {
        return Err(ctx.raise(
            ExcType::ValueError,
            &format!("{what} must be a non-negative integer"),
        ));
    }
    Ok(n)
}

#[optimize(size)]
fn comb(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "comb", args, kwargs, 2)?;
    let n = non_negative(ctx, &args[0], "n")?;
    let k = non_negative(ctx, &args[1], "k")?;
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = k.min(n - k);
    let mut r: i128 = 1;
    for i in 0..k {
        // Exact at every step: r is C(n, i) times (n - i), divisible by i + 1.
        r = r * (n - i) as i128 / (i + 1) as i128;
        if r > i64::MAX as i128 {
            return Err(int_overflow(ctx));
        }
    }
    Ok(Value::Int(r as i64))
}

#[optimize(size)]
fn perm(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [n, k] = bind(ctx, "perm", args, kwargs, ["n", "k"], 1)?;
    let n = non_negative(ctx, n.as_ref().unwrap_or(&Value::None), "n")?;
    let k = match k {
        None | Some(Value::None) => n,
        Some(k) => non_negative(ctx, &k, "k")?,
    };
    if k > n {
        return Ok(Value::Int(0));
    }
    let mut r: i64 = 1;
    for i in (n - k + 1)..=n {
        r = r.checked_mul(i).ok_or_else(|| int_overflow(ctx))?;
    }
    Ok(Value::Int(r))
}

#[optimize(size)]
fn prod(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    if args.len() != 1 {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!(
                "prod() takes exactly 1 positional argument ({} given)",
                args.len()
            ),
        ));
    }
    let mut acc = Value::Int(1);
    for (k, v) in kwargs {
        if &**k != "start" {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("prod() got an unexpected keyword argument '{k}'"),
            ));
        }
        acc = v.clone();
    }
    for item in shim::collect(ctx, &args[0])? {
        acc = ops::binary(ctx, BinOp::Mul, &acc, &item)?;
    }
    Ok(acc)
}

/// `math.fsum`: Shewchuk's exact sum of partials, rounded once, as CPython's `math_fsum` does.
#[optimize(size)]
fn fsum(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "fsum", args, kwargs, 1)?;
    let items = shim::collect(ctx, &args[0])?;
    let mut partials: Vec<f64> = Vec::new();
    let (mut special_sum, mut inf_sum) = (0.0f64, 0.0f64);
    for item in &items {
        let mut x = as_float(ctx, item)?;
        let xsave = x;
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                // A non-finite partial comes from an infinite or NaN input, or from overflow.
                if xsave.is_finite() {
                    return Err(ctx.raise(ExcType::OverflowError, "intermediate overflow in fsum"));
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                special_sum += xsave;
                partials.clear();
            } else {
                partials.push(x);
            }
        }
    }
    if special_sum != 0.0 {
        if inf_sum.is_nan() {
            return Err(ctx.raise(ExcType::ValueError, "-inf + inf in fsum"));
        }
        return Ok(Value::Float(special_sum));
    }
    let mut hi = 0.0f64;
    if let Some(&last) = partials.last() {
        let mut n = partials.len() - 1;
        hi = last;
        let mut lo = 0.0f64;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // Round half to even across the partials below, as CPython does.
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    Ok(Value::Float(hi))
}

#[optimize(size)]
fn isclose(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [a, b, rel_tol, abs_tol] = bind(
        ctx,
        "isclose",
        args,
        kwargs,
        ["a", "b", "rel_tol", "abs_tol"],
        2,
    )?;
    let a = as_float(ctx, a.as_ref().unwrap_or(&Value::None))?;
    let b = as_float(ctx, b.as_ref().unwrap_or(&Value::None))?;
    let rel_tol = match rel_tol {
        Some(v) => as_float(ctx, &v)?,
        None => 1e-9,
    };
    let abs_tol = match abs_tol {
        Some(v) => as_float(ctx, &v)?,
        None => 0.0,
    };
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(ctx.raise(ExcType::ValueError, "tolerances must be non-negative"));
    }
    if a == b {
        return Ok(Value::Bool(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = (b - a).abs();
    Ok(Value::Bool(
        (diff <= (rel_tol * b).abs()) || (diff <= (rel_tol * a).abs()) || diff <= abs_tol,
    ))
}

#[optimize(size)]
fn predicate(
    ctx: &Ctx<'_>,
    name: &str,
    args: &[Value],
    kwargs: Kwargs<'_>,
    f: fn(f64) -> bool,
) -> Native {
    let args = exact(ctx, name, args, kwargs, 1)?;
    Ok(Value::Bool(f(as_float(ctx, &args[0])?)))
}

#[optimize(size)]
fn isfinite(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    predicate(ctx, "isfinite", args, kwargs, f64::is_finite)
}

#[optimize(size)]
fn isinf(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    predicate(ctx, "isinf", args, kwargs, f64::is_infinite)
}

#[optimize(size)]
fn isnan(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    predicate(ctx, "isnan", args, kwargs, f64::is_nan)
}

#[optimize(size)]
fn degrees(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "degrees", args, kwargs, 1)?;
    Ok(Value::Float(
        as_float(ctx, &args[0])? * (180.0 / std::f64::consts::PI),
    ))
}

#[optimize(size)]
fn radians(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "radians", args, kwargs, 1)?;
    Ok(Value::Float(
        as_float(ctx, &args[0])? * (std::f64::consts::PI / 180.0),
    ))
}

#[optimize(size)]
fn modf(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "modf", args, kwargs, 1)?;
    let x = as_float(ctx, &args[0])?;
    let (frac, int) = if x.is_infinite() {
        (0f64.copysign(x), x)
    } else {
        (x.fract(), x.trunc())
    };
    Ok(Value::tuple(vec![Value::Float(frac), Value::Float(int)]))
}

/// `frexp(x)`: `(m, e)` with `x == m * 2**e` and `0.5 <= abs(m) < 1`.
#[optimize(size)]
pub(super) fn frexp_f64(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, bias) = if x.abs() < f64::MIN_POSITIVE {
        (x * 2f64.powi(54), -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1022;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp + bias)
}

#[optimize(size)]
fn frexp(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "frexp", args, kwargs, 1)?;
    let (m, e) = frexp_f64(as_float(ctx, &args[0])?);
    Ok(Value::tuple(vec![Value::Float(m), Value::Int(e as i64)]))
}

#[optimize(size)]
fn ldexp(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let args = exact(ctx, "ldexp", args, kwargs, 2)?;
    let x = as_float(ctx, &args[0])?;
    let i = match &args[1] {
        Value::Int(_) | Value::Bool(_) => as_int(ctx, &args[1])?,
        _ => {
            return Err(ctx.raise(
                ExcType::TypeError,
                "Expected an int as second argument to ldexp.",
            ))
        }
    };
    if x == 0.0 || !x.is_finite() {
        return Ok(Value::Float(x));
    }
    let e = i.clamp(-2200, 2200) as i32;
    // Two steps so an exponent past f64's range in one power still lands right.
    let r = x * 2f64.powi(e / 2) * 2f64.powi(e - e / 2);
    if r.is_infinite() {
        return Err(ctx.raise(ExcType::OverflowError, "math range error"));
    }
    Ok(Value::Float(r))
}

//! `random`: CPython's algorithms over its Mersenne Twister, so the same seed prints the same numbers.
//!
//! The module's functions share one generator per interpreter, seeded from the run's seed at first use
//! (runs and predictions repeat); `random.Random(seed)` makes generators of its own.

use std::sync::Arc;

use super::mt::{float_hash, key_of_be_bytes, key_of_u64, Mt};
use super::{
    as_float, as_int, bind, builtin, extension, int_overflow, native_class, new_module, shim,
    type_name,
};
use crate::vm::types::ExcType;
use crate::vm::value::{Class, Flow, Lock, Module, NativeAttr, NativeFn, NativeObject, Value};
use crate::vm::{ops, Ctx};
use sha2::{Digest, Sha512};

type Kwargs<'a> = &'a [(Arc<str>, Value)];
type Native = Result<Value, Flow>;

/// A generator's state: the twister and `gauss`'s spare value.
#[derive(Debug)]
pub(crate) struct Gen {
    mt: Mt,
    gauss_next: Option<f64>,
}

impl Gen {
    #[optimize(size)]
    fn from_key(key: &[u32]) -> Gen {
        Gen {
            mt: Mt::from_key(key),
            gauss_next: None,
        }
    }
}

/// `random.Random(...)`: a generator object of its own.
#[derive(Debug)]
struct RandomObject {
    gen: Lock<Gen>,
}

impl NativeObject for RandomObject {
    #[optimize(size)]
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class> {
        native_class(ctx, "random", "Random", None)
    }

    #[optimize(size)]
    fn attr(&self, name: &str) -> Option<NativeAttr> {
        METHODS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(_, _, method)| NativeAttr::Method(method))
    }

    #[optimize(size)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The module's generator, seeded from the run's seed the first time a program draws.
#[optimize(size)]
fn shared(ctx: &Ctx<'_>) -> Arc<Lock<Gen>> {
    let seed = ctx.interp.config.seed;
    extension(ctx, "random", || {
        Lock::new(Gen::from_key(&key_of_u64(seed)))
    })
}

type Op = fn(&mut Ctx<'_>, &Lock<Gen>, &[Value], Kwargs<'_>) -> Native;

macro_rules! ops_table {
    ($($name:literal => $op:ident;)*) => {
        /// Each operation as a module function (on the shared generator) and as a method (on its
        /// receiver's).
        const METHODS: &[(&str, NativeFn, NativeFn)] = &[$(
            ($name, {
                #[optimize(size)]
                fn f(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
                    let gen = shared(ctx);
                    $op(ctx, &gen, args, kwargs)
                }
                f
            }, {
                #[optimize(size)]
                fn m(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
                    with_receiver(ctx, args, kwargs, $op)
                }
                m
            }),
        )*];
    };
}

ops_table! {
    "seed" => seed;
    "random" => random;
    "getrandbits" => getrandbits;
    "randrange" => randrange;
    "randint" => randint;
    "choice" => choice;
    "choices" => choices;
    "shuffle" => shuffle;
    "sample" => sample;
    "uniform" => uniform;
    "triangular" => triangular;
    "gauss" => gauss;
    "normalvariate" => normalvariate;
    "expovariate" => expovariate;
}

#[optimize(size)]
fn with_receiver(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>, op: Op) -> Native {
    let Some(Value::Native(obj)) = args.first() else {
        return Err(ctx.raise(ExcType::TypeError, "descriptor needs a 'Random' object"));
    };
    let obj = obj.clone();
    let Some(rng) = obj.as_any().downcast_ref::<RandomObject>() else {
        return Err(ctx.raise(ExcType::TypeError, "descriptor needs a 'Random' object"));
    };
    op(ctx, &rng.gen, &args[1..], kwargs)
}

#[optimize(size)]
pub(super) fn module(_ctx: &mut Ctx<'_>) -> Arc<Module> {
    let mut entries: Vec<(&str, Value)> = METHODS
        .iter()
        .map(|&(name, func, _)| (name, builtin(name, func)))
        .collect();
    entries.push(("Random", builtin("Random", new_random)));
    new_module("random", entries)
}

#[optimize(size)]
fn new_random(ctx: &mut Ctx<'_>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [x] = bind(ctx, "Random", args, kwargs, ["x"], 0)?;
    let key = seed_key(ctx, x.as_ref().unwrap_or(&Value::None))?;
    Ok(Value::Native(Arc::new(RandomObject {
        gen: Lock::new(Gen::from_key(&key)),
    })))
}

/// The key of `random.seed("text")`: CPython seeds with the text's UTF-8 bytes followed by their SHA-512
/// digest, read as one big-endian number.
#[optimize(size)]
pub(super) fn str_key(s: &str) -> Vec<u32> {
    let mut bytes = s.as_bytes().to_vec();
    bytes.extend_from_slice(&Sha512::digest(s.as_bytes()));
    key_of_be_bytes(&bytes)
}

/// The twister key `random.seed(a)` makes from `a` (CPython's version 2 seeding).
#[optimize(size)]
fn seed_key(ctx: &Ctx<'_>, a: &Value) -> Result<Vec<u32>, Flow> {
    Ok(match a {
        Value::None => key_of_u64(ctx.interp.config.seed),
        Value::Int(i) => key_of_u64(i.unsigned_abs()),
        Value::Bool(b) => key_of_u64(*b as u64),
        // A float seeds with its hash, taken as an unsigned word.
        Value::Float(f) => key_of_u64(float_hash(*f) as u64),
        Value::Str(s) => str_key(s),
        _ => {
            return Err(ctx.raise(
                ExcType::TypeError,
                "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.",
            ))
        }
    })
}

#[optimize(size)]
fn seed(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [a, _version] = bind(ctx, "seed", args, kwargs, ["a", "version"], 0)?;
    let key = seed_key(ctx, a.as_ref().unwrap_or(&Value::None))?;
    *gen.lock() = Gen::from_key(&key);
    Ok(Value::None)
}

#[optimize(size)]
fn draw(gen: &Lock<Gen>) -> f64 {
    gen.lock().mt.random()
}

#[optimize(size)]
fn below(gen: &Lock<Gen>, n: u64) -> u64 {
    gen.lock().mt.randbelow(n)
}

#[optimize(size)]
fn random(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    bind(ctx, "random", args, kwargs, [], 0)?;
    Ok(Value::Float(draw(gen)))
}

#[optimize(size)]
fn getrandbits(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [k] = bind(ctx, "getrandbits", args, kwargs, ["k"], 1)?;
    let k = as_int(ctx, k.as_ref().unwrap_or(&Value::None))?;
    if k < 0 {
        return Err(ctx.raise(ExcType::ValueError, "number of bits must be non-negative"));
    }
    if k > 64 {
        return Err(int_overflow(ctx));
    }
    let r = gen.lock().mt.getrandbits(k as u32);
    i64::try_from(r)
        .map(Value::Int)
        .map_err(|_| int_overflow(ctx))
}

/// An argument of `randrange`: an int, or (deprecated in 3.11, still accepted) an integral float.
#[optimize(size)]
fn range_arg(ctx: &Ctx<'_>, v: &Value, which: &str) -> Result<i64, Flow> {
    match v {
        Value::Float(f) => {
            if f.fract() != 0.0 || !f.is_finite() {
                return Err(ctx.raise(
                    ExcType::ValueError,
                    &format!("non-integer {which} for randrange()"),
                ));
            }
            Ok(*f as i64)
        }
        other => as_int(ctx, other),
    }
}

#[optimize(size)]
fn randrange_of(
    ctx: &Ctx<'_>,
    gen: &Lock<Gen>,
    start: &Value,
    stop: Option<&Value>,
    step: Option<&Value>,
) -> Native {
    let istart = range_arg(ctx, start, "arg 1")?;
    let Some(stop) = stop.filter(|s| !matches!(s, Value::None)) else {
        if step.is_some() {
            return Err(ctx.raise(ExcType::TypeError, "Missing a non-None stop argument"));
        }
        if istart > 0 {
            return Ok(Value::Int(below(gen, istart as u64) as i64));
        }
        return Err(ctx.raise(ExcType::ValueError, "empty range for randrange()"));
    };
    let istop = range_arg(ctx, stop, "stop")?;
    let width = istop as i128 - istart as i128;
    let istep = match step {
        Some(s) => range_arg(ctx, s, "step")? as i128,
        None => 1,
    };
    if istep == 1 {
        if width > 0 {
            if width > u64::MAX as i128 {
                return Err(int_overflow(ctx));
            }
            return Ok(Value::Int(
                (istart as i128 + below(gen, width as u64) as i128) as i64,
            ));
        }
        return Err(ctx.raise(
            ExcType::ValueError,
            &format!("empty range for randrange() ({istart}, {istop}, {width})"),
        ));
    }
    let n = if istep > 0 {
        (width + istep - 1).div_euclid(istep)
    } else if istep < 0 {
        (width + istep + 1).div_euclid(istep)
    } else {
        return Err(ctx.raise(ExcType::ValueError, "zero step for randrange()"));
    };
    if n <= 0 {
        return Err(ctx.raise(ExcType::ValueError, "empty range for randrange()"));
    }
    let r = istart as i128 + istep * below(gen, n as u64) as i128;
    i64::try_from(r)
        .map(Value::Int)
        .map_err(|_| int_overflow(ctx))
}

#[optimize(size)]
fn randrange(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [start, stop, step] = bind(ctx, "randrange", args, kwargs, ["start", "stop", "step"], 1)?;
    randrange_of(
        ctx,
        gen,
        start.as_ref().unwrap_or(&Value::None),
        stop.as_ref(),
        step.as_ref(),
    )
}

#[optimize(size)]
fn randint(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [a, b] = bind(ctx, "randint", args, kwargs, ["a", "b"], 2)?;
    let b = range_arg(ctx, b.as_ref().unwrap_or(&Value::None), "stop")?;
    let stop = Value::Int(b.checked_add(1).ok_or_else(|| int_overflow(ctx))?);
    randrange_of(
        ctx,
        gen,
        a.as_ref().unwrap_or(&Value::None),
        Some(&stop),
        None,
    )
}

/// `len(v)` for the sequences `random` draws from.
#[optimize(size)]
fn seq_len(ctx: &Ctx<'_>, v: &Value) -> Result<usize, Flow> {
    Ok(match v {
        Value::List(l) => l.items.lock().len(),
        Value::Tuple(t) => t.len(),
        Value::Str(s) => s.chars().count(),
        Value::Range(r) => range_len(r.start, r.stop, r.step) as usize,
        Value::Dict(d) => d.map.lock().len(),
        Value::Set(s) => s.items.lock().len(),
        other => {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("object of type '{}' has no len()", type_name(ctx, other)),
            ))
        }
    })
}

#[optimize(size)]
fn range_len(start: i64, stop: i64, step: i64) -> u64 {
    let (start, stop, step) = (start as i128, stop as i128, step as i128);
    let n = if step > 0 && start < stop {
        (stop - start + step - 1) / step
    } else if step < 0 && start > stop {
        (start - stop - step - 1) / -step
    } else {
        0
    };
    n as u64
}

#[optimize(size)]
fn choice(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [seq] = bind(ctx, "choice", args, kwargs, ["seq"], 1)?;
    let seq = seq.unwrap_or_default();
    let n = seq_len(ctx, &seq)?;
    if n == 0 {
        return Err(ctx.raise(ExcType::IndexError, "Cannot choose from an empty sequence"));
    }
    let i = below(gen, n as u64) as i64;
    ops::getitem(ctx, &seq, &Value::Int(i))
}

#[optimize(size)]
fn shuffle(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [x] = bind(ctx, "shuffle", args, kwargs, ["x"], 1)?;
    let x = x.unwrap_or_default();
    let n = seq_len(ctx, &x)?;
    // The draws don't depend on the items, so take them first and swap after.
    let swaps: Vec<(usize, usize)> = {
        let mut g = gen.lock();
        (1..n)
            .rev()
            .map(|i| (i, g.mt.randbelow(i as u64 + 1) as usize))
            .collect()
    };
    if let Value::List(list) = &x {
        let mut items = list.items.lock();
        if items.len() == n {
            for (i, j) in swaps {
                items.swap(i, j);
            }
            return Ok(Value::None);
        }
    }
    for (i, j) in swaps {
        let (a, b) = (Value::Int(i as i64), Value::Int(j as i64));
        let xi = ops::getitem(ctx, &x, &a)?;
        let xj = ops::getitem(ctx, &x, &b)?;
        ops::setitem(ctx, &x, &a, xj)?;
        ops::setitem(ctx, &x, &b, xi)?;
    }
    Ok(Value::None)
}

/// A population to sample from: its items, or a range computed on demand (`sample(range(10**9), 3)`).
enum Population {
    Items(Vec<Value>),
    Range(i64, i64, u64),
}

impl Population {
    #[optimize(size)]
    fn of(ctx: &Ctx<'_>, v: &Value) -> Result<Population, Flow> {
        Ok(match v {
            Value::List(l) => Population::Items(l.items.lock().clone()),
            Value::Tuple(t) => Population::Items(t.to_vec()),
            Value::Str(s) => {
                Population::Items(s.chars().map(|c| Value::str(&c.to_string())).collect())
            }
            Value::Range(r) => {
                Population::Range(r.start, r.step, range_len(r.start, r.stop, r.step))
            }
            _ => {
                return Err(ctx.raise(
                    ExcType::TypeError,
                    "Population must be a sequence.  For dicts or sets, use sorted(d).",
                ))
            }
        })
    }

    #[optimize(size)]
    fn len(&self) -> u64 {
        match self {
            Population::Items(items) => items.len() as u64,
            Population::Range(_, _, n) => *n,
        }
    }

    #[optimize(size)]
    fn get(&self, i: u64) -> Value {
        match self {
            Population::Items(items) => items[i as usize].clone(),
            Population::Range(start, step, _) => Value::Int(start + step * i as i64),
        }
    }
}

/// CPython's `sample` without `counts`: indices drawn from a pool for small populations, or by
/// rejection against a set of those taken for large ones.
#[optimize(size)]
fn sample_indices(gen: &Lock<Gen>, n: u64, k: u64) -> Vec<u64> {
    let mut setsize: u64 = 21;
    if k > 5 {
        let exponent = ((k * 3) as f64).ln() / 4f64.ln();
        setsize += 4u64.pow(exponent.ceil() as u32);
    }
    let mut g = gen.lock();
    if n <= setsize {
        let mut pool: Vec<u64> = (0..n).collect();
        (0..k)
            .map(|i| {
                let j = g.mt.randbelow(n - i) as usize;
                let picked = pool[j];
                pool[j] = pool[(n - i - 1) as usize];
                picked
            })
            .collect()
    } else {
        let mut selected = std::collections::HashSet::new();
        (0..k)
            .map(|_| {
                let mut j = g.mt.randbelow(n);
                while selected.contains(&j) {
                    j = g.mt.randbelow(n);
                }
                selected.insert(j);
                j
            })
            .collect()
    }
}

#[optimize(size)]
fn sample(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [population, k, counts] = bind(
        ctx,
        "sample",
        args,
        kwargs,
        ["population", "k", "counts"],
        2,
    )?;
    let population = Population::of(ctx, population.as_ref().unwrap_or(&Value::None))?;
    let n = population.len();
    let k = as_int(ctx, k.as_ref().unwrap_or(&Value::None))?;
    if let Some(counts) = counts.filter(|c| !matches!(c, Value::None)) {
        let mut cum: Vec<i64> = Vec::new();
        let mut total: i64 = 0;
        for c in shim::collect(ctx, &counts)? {
            let c = match c {
                Value::Int(i) => i,
                Value::Bool(b) => b as i64,
                _ => return Err(ctx.raise(ExcType::TypeError, "Counts must be integers")),
            };
            total = total.checked_add(c).ok_or_else(|| int_overflow(ctx))?;
            cum.push(total);
        }
        if cum.len() as u64 != n {
            return Err(ctx.raise(
                ExcType::ValueError,
                "The number of counts does not match the population",
            ));
        }
        cum.pop();
        if total <= 0 {
            return Err(ctx.raise(
                ExcType::ValueError,
                "Total of counts must be greater than zero",
            ));
        }
        if k < 0 || k as u64 > total as u64 {
            return Err(ctx.raise(
                ExcType::ValueError,
                "Sample larger than population or is negative",
            ));
        }
        let picks = sample_indices(gen, total as u64, k as u64);
        let items = picks
            .into_iter()
            .map(|s| population.get(cum.partition_point(|&c| c <= s as i64) as u64))
            .collect();
        return Ok(Value::list(items));
    }
    if k < 0 || k as u64 > n {
        return Err(ctx.raise(
            ExcType::ValueError,
            "Sample larger than population or is negative",
        ));
    }
    let picks = sample_indices(gen, n, k as u64);
    Ok(Value::list(
        picks.into_iter().map(|i| population.get(i)).collect(),
    ))
}

#[optimize(size)]
fn choices(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [population, weights, cum_weights, k] = bind(
        ctx,
        "choices",
        args,
        kwargs,
        ["population", "weights", "cum_weights", "k"],
        1,
    )?;
    let population = population.unwrap_or_default();
    let n = seq_len(ctx, &population)?;
    let k = match k {
        Some(k) => as_int(ctx, &k)?.max(0),
        None => 1,
    };
    let weights = weights.filter(|w| !matches!(w, Value::None));
    let cum_weights = cum_weights.filter(|w| !matches!(w, Value::None));
    let cum: Vec<f64> = match (weights, cum_weights) {
        (None, None) => {
            let picks: Vec<i64> = {
                let mut g = gen.lock();
                (0..k)
                    .map(|_| (g.mt.random() * n as f64).floor() as i64)
                    .collect()
            };
            let mut out = Vec::with_capacity(picks.len());
            for i in picks {
                out.push(ops::getitem(ctx, &population, &Value::Int(i))?);
            }
            return Ok(Value::list(out));
        }
        (Some(_), Some(_)) => {
            return Err(ctx.raise(
                ExcType::TypeError,
                "Cannot specify both weights and cumulative weights",
            ))
        }
        (Some(w), None) => {
            let mut total = 0.0;
            let mut cum = Vec::new();
            for x in shim::collect(ctx, &w)? {
                total += as_float(ctx, &x)?;
                cum.push(total);
            }
            cum
        }
        (None, Some(c)) => shim::collect(ctx, &c)?
            .iter()
            .map(|x| as_float(ctx, x))
            .collect::<Result<_, _>>()?,
    };
    if cum.len() != n {
        return Err(ctx.raise(
            ExcType::ValueError,
            "The number of weights does not match the population",
        ));
    }
    let total = cum.last().copied().unwrap_or(0.0);
    if total <= 0.0 {
        return Err(ctx.raise(
            ExcType::ValueError,
            "Total of weights must be greater than zero",
        ));
    }
    if !total.is_finite() {
        return Err(ctx.raise(ExcType::ValueError, "Total of weights must be finite"));
    }
    let hi = n - 1;
    let picks: Vec<usize> = {
        let mut g = gen.lock();
        (0..k)
            .map(|_| {
                let x = g.mt.random() * total;
                cum[..hi].partition_point(|&c| c <= x)
            })
            .collect()
    };
    let mut out = Vec::with_capacity(picks.len());
    for i in picks {
        out.push(ops::getitem(ctx, &population, &Value::Int(i as i64))?);
    }
    Ok(Value::list(out))
}

fn float_args<const N: usize>(
    ctx: &Ctx<'_>,
    fname: &str,
    args: &[Value],
    kwargs: Kwargs<'_>,
    params: [&str; N],
    defaults: [Option<f64>; N],
) -> Result<[f64; N], Flow> {
    let bound = bind(
        ctx,
        fname,
        args,
        kwargs,
        params,
        defaults.iter().filter(|d| d.is_none()).count(),
    )?;
    let mut out = [0.0; N];
    for i in 0..N {
        out[i] = match (&bound[i], defaults[i]) {
            (Some(v), _) => as_float(ctx, v)?,
            (None, Some(d)) => d,
            (None, None) => 0.0,
        };
    }
    Ok(out)
}

#[optimize(size)]
fn uniform(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [a, b] = float_args(ctx, "uniform", args, kwargs, ["a", "b"], [None, None])?;
    Ok(Value::Float(a + (b - a) * draw(gen)))
}

#[optimize(size)]
fn triangular(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [low, high, mode] = bind(ctx, "triangular", args, kwargs, ["low", "high", "mode"], 0)?;
    let mut low = low.map_or(Ok(0.0), |v| as_float(ctx, &v))?;
    let mut high = high.map_or(Ok(1.0), |v| as_float(ctx, &v))?;
    let mut u = draw(gen);
    let mut c = match mode.filter(|m| !matches!(m, Value::None)) {
        None => 0.5,
        Some(m) => {
            if high == low {
                return Ok(Value::Float(low));
            }
            (as_float(ctx, &m)? - low) / (high - low)
        }
    };
    if u > c {
        u = 1.0 - u;
        c = 1.0 - c;
        std::mem::swap(&mut low, &mut high);
    }
    Ok(Value::Float(low + (high - low) * (u * c).sqrt()))
}

#[optimize(size)]
fn gauss(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [mu, sigma] = float_args(
        ctx,
        "gauss",
        args,
        kwargs,
        ["mu", "sigma"],
        [Some(0.0), Some(1.0)],
    )?;
    let mut g = gen.lock();
    let z = match g.gauss_next.take() {
        Some(z) => z,
        None => {
            let x2pi = g.mt.random() * std::f64::consts::TAU;
            let g2rad = (-2.0 * (1.0 - g.mt.random()).ln()).sqrt();
            g.gauss_next = Some(x2pi.sin() * g2rad);
            x2pi.cos() * g2rad
        }
    };
    Ok(Value::Float(mu + z * sigma))
}

#[optimize(size)]
fn normalvariate(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [mu, sigma] = float_args(
        ctx,
        "normalvariate",
        args,
        kwargs,
        ["mu", "sigma"],
        [Some(0.0), Some(1.0)],
    )?;
    let magic = 4.0 * (-0.5f64).exp() / 2f64.sqrt();
    let mut g = gen.lock();
    let z = loop {
        let u1 = g.mt.random();
        let u2 = 1.0 - g.mt.random();
        let z = magic * (u1 - 0.5) / u2;
        if z * z / 4.0 <= -u2.ln() {
            break z;
        }
    };
    Ok(Value::Float(mu + z * sigma))
}

#[optimize(size)]
fn expovariate(ctx: &mut Ctx<'_>, gen: &Lock<Gen>, args: &[Value], kwargs: Kwargs<'_>) -> Native {
    let [lambd] = float_args(ctx, "expovariate", args, kwargs, ["lambd"], [None])?;
    if lambd == 0.0 {
        return Err(ctx.raise(ExcType::ZeroDivisionError, "float division by zero"));
    }
    Ok(Value::Float(-(1.0 - draw(gen)).ln() / lambd))
}

#[cfg(test)]
#[optimize(size)]
pub(super) fn test_gen(seed: i64) -> Lock<Gen> {
    Lock::new(Gen::from_key(&key_of_u64(seed.unsigned_abs())))
}

#[cfg(test)]
#[optimize(size)]
pub(super) fn test_sample(gen: &Lock<Gen>, n: u64, k: u64) -> Vec<u64> {
    sample_indices(gen, n, k)
}

#[cfg(test)]
impl Gen {
    #[optimize(size)]
    pub(super) fn mt(&mut self) -> &mut Mt {
        &mut self.mt
    }
}

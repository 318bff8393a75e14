//! Methods of `list` and `tuple`, and the sort behind `list.sort` and `sorted`.

use std::cmp::Ordering;
use std::sync::Arc;

use super::super::ops;
use super::super::types::ExcType;
use super::super::value::{Flow, List, NativeFn, Value};
use super::super::Ctx;
use super::{arity, bind_args, clamp_range, no_kwargs, opt_index, receiver};

type Kw<'a> = &'a [(Arc<str>, Value)];

/// The `list` method called `name`.
pub(super) fn list_method(name: &str) -> Option<NativeFn> {
    Some(match name {
        "append" => append,
        "extend" => extend,
        "insert" => insert,
        "pop" => pop,
        "remove" => remove,
        "index" => list_index,
        "count" => list_count,
        "sort" => sort,
        "clear" => clear,
        "copy" => copy,
        "reverse" => reverse,
        _ => return None,
    })
}

/// The `tuple` method called `name`.
pub(super) fn tuple_method(name: &str) -> Option<NativeFn> {
    Some(match name {
        "index" => tuple_index,
        "count" => tuple_count,
        _ => return None,
    })
}

fn recv<'a>(ctx: &Ctx<'_>, args: &'a [Value], m: &str) -> Result<&'a Arc<List>, Flow> {
    match receiver(ctx, args, "list", m, |v| matches!(v, Value::List(_)))? {
        Value::List(l) => Ok(l),
        _ => unreachable!(),
    }
}

fn append(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "append")?;
    no_kwargs(ctx, "list.append", kw)?;
    arity(ctx, "list.append", args.len() - 1, 1, 1)?;
    let mut items = l.items.lock();
    if items.len() % 1024 == 1023 {
        let n = items.len();
        drop(items);
        ops::charge_items(ctx, n + 1, 16)?;
        items = l.items.lock();
    }
    items.push(args[1].clone());
    Ok(Value::None)
}

fn extend(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "extend")?.clone();
    no_kwargs(ctx, "list.extend", kw)?;
    arity(ctx, "list.extend", args.len() - 1, 1, 1)?;
    let more = ops::iterate(ctx, &args[1])?;
    ops::charge_items(ctx, more.len(), 16)?;
    l.items.lock().extend(more);
    Ok(Value::None)
}

fn insert(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "insert")?.clone();
    no_kwargs(ctx, "insert", kw)?;
    arity(ctx, "insert", args.len() - 1, 2, 2)?;
    let i = ops::index_of(ctx, &args[1])?;
    let mut items = l.items.lock();
    let len = items.len() as i64;
    let at = if i < 0 { (i + len).max(0) } else { i.min(len) };
    items.insert(at as usize, args[2].clone());
    Ok(Value::None)
}

fn pop(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "pop")?.clone();
    no_kwargs(ctx, "pop", kw)?;
    arity(ctx, "pop", args.len() - 1, 0, 1)?;
    let i = match args.get(1) {
        None => -1,
        Some(v) => ops::index_of(ctx, v)?,
    };
    let mut items = l.items.lock();
    if items.is_empty() {
        drop(items);
        return Err(ctx.raise(ExcType::IndexError, "pop from empty list"));
    }
    let len = items.len() as i64;
    let at = if i < 0 { i + len } else { i };
    if at < 0 || at >= len {
        drop(items);
        return Err(ctx.raise(ExcType::IndexError, "pop index out of range"));
    }
    Ok(items.remove(at as usize))
}

/// The index of the first item equal to `x` in `items[start..end]`, comparing outside any lock.
fn position(
    ctx: &mut Ctx<'_>,
    l: &Arc<List>,
    x: &Value,
    start: usize,
    end: usize,
) -> Result<Option<usize>, Flow> {
    let mut i = start;
    loop {
        let item = {
            let items = l.items.lock();
            if i >= end.min(items.len()) {
                return Ok(None);
            }
            items[i].clone()
        };
        if item.is(x) || ops::eq(ctx, &item, x)? {
            return Ok(Some(i));
        }
        i += 1;
    }
}

fn remove(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "remove")?.clone();
    no_kwargs(ctx, "list.remove", kw)?;
    arity(ctx, "list.remove", args.len() - 1, 1, 1)?;
    match position(ctx, &l, &args[1], 0, usize::MAX)? {
        Some(i) => {
            let mut items = l.items.lock();
            if i < items.len() {
                items.remove(i);
            }
            Ok(Value::None)
        }
        None => Err(ctx.raise(ExcType::ValueError, "list.remove(x): x not in list")),
    }
}

fn list_index(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "index")?.clone();
    no_kwargs(ctx, "index", kw)?;
    arity(ctx, "index", args.len() - 1, 1, 3)?;
    let start = opt_index(ctx, args.get(2))?;
    let end = opt_index(ctx, args.get(3))?;
    let len = l.items.lock().len();
    let (a, b) = clamp_range(start, end, len);
    match position(ctx, &l, &args[1], a, b)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => {
            let r = ops::repr(ctx, &args[1])?;
            Err(ctx.raise(ExcType::ValueError, &format!("{r} is not in list")))
        }
    }
}

fn list_count(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "count")?.clone();
    no_kwargs(ctx, "list.count", kw)?;
    arity(ctx, "list.count", args.len() - 1, 1, 1)?;
    let items = l.items.lock().clone();
    let mut n = 0;
    for item in &items {
        if item.is(&args[1]) || ops::eq(ctx, item, &args[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn sort(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "sort")?.clone();
    if args.len() > 1 {
        return Err(ctx.raise(ExcType::TypeError, "sort() takes no positional arguments"));
    }
    let [key, reverse] = bind_args(ctx, "sort", &[], kw, ["key", "reverse"], 0)?;
    let reverse = match reverse {
        None => false,
        Some(v) => ops::truthy(ctx, &v)?,
    };
    // Copy out, sort without the lock (keys and comparisons may run Python), write back.
    let items = std::mem::take(&mut *l.items.lock());
    let sorted = sort_values(ctx, items.clone(), key.as_ref(), reverse);
    let mut guard = l.items.lock();
    let appended = std::mem::take(&mut *guard);
    match sorted {
        Ok(v) => {
            *guard = v;
            if !appended.is_empty() {
                drop(guard);
                return Err(ctx.raise(ExcType::ValueError, "list modified during sort"));
            }
            Ok(Value::None)
        }
        Err(e) => {
            *guard = items;
            Err(e)
        }
    }
}

/// Sorts values stably by `key` (a callable or `None`), ascending or `reverse`d, as `sorted` does:
/// keys are computed first; comparisons use `<` only (user `__lt__` included).
pub fn sort_values(
    ctx: &mut Ctx<'_>,
    items: Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> Result<Vec<Value>, Flow> {
    let mut items = items;
    let mut keys = match key {
        None | Some(Value::None) => None,
        Some(f) => {
            let mut keys = Vec::with_capacity(items.len());
            for item in &items {
                keys.push(ops::call(ctx, f, vec![item.clone()])?);
            }
            Some(keys)
        }
    };
    // CPython reverses, sorts stably and reverses again, so equal items keep their order.
    if reverse {
        items.reverse();
        if let Some(k) = keys.as_mut() {
            k.reverse();
        }
    }
    let order = {
        let ks: &[Value] = keys.as_deref().unwrap_or(&items);
        sorted_order(ctx, ks)?
    };
    let mut slots: Vec<Option<Value>> = items.into_iter().map(Some).collect();
    let mut out: Vec<Value> = order
        .into_iter()
        .map(|i| slots[i].take().unwrap_or_default())
        .collect();
    if reverse {
        out.reverse();
    }
    Ok(out)
}

/// The stable ascending order of `keys` (indices).
fn sorted_order(ctx: &mut Ctx<'_>, keys: &[Value]) -> Result<Vec<usize>, Flow> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    // Fast paths with a total order and no Python: ints, strings, floats without NaN.
    if keys
        .iter()
        .all(|k| matches!(k, Value::Int(_) | Value::Bool(_)))
    {
        idx.sort_by_key(|&i| ops::as_int(&keys[i]).unwrap_or(0));
        return Ok(idx);
    }
    if keys.iter().all(|k| matches!(k, Value::Str(_))) {
        idx.sort_by(|&a, &b| match (&keys[a], &keys[b]) {
            (Value::Str(x), Value::Str(y)) => x.cmp(y),
            _ => Ordering::Equal,
        });
        return Ok(idx);
    }
    let numbers: Option<Vec<ops::Num>> = keys
        .iter()
        .map(|k| match ops::num(k) {
            Some(ops::Num::F(f)) if f.is_nan() => None,
            n => n,
        })
        .collect();
    if let Some(nums) = numbers {
        idx.sort_by(|&a, &b| ops::num_cmp(nums[a], nums[b]).unwrap_or(Ordering::Equal));
        return Ok(idx);
    }
    if idx.len() < 64 {
        binary_sort(ctx, keys, &mut idx)?;
    } else {
        merge_sort(ctx, keys, &mut idx)?;
    }
    Ok(idx)
}

/// CPython's sort for fewer than 64 items: the initial run (reversed if strictly descending), then binary
/// insertion of the rest, which makes the same comparisons CPython makes.
fn binary_sort(ctx: &mut Ctx<'_>, keys: &[Value], idx: &mut [usize]) -> Result<(), Flow> {
    let n = idx.len();
    if n < 2 {
        return Ok(());
    }
    let mut run = 2;
    if ops::lt(ctx, &keys[idx[1]], &keys[idx[0]])? {
        while run < n && ops::lt(ctx, &keys[idx[run]], &keys[idx[run - 1]])? {
            run += 1;
        }
        idx[..run].reverse();
    } else {
        while run < n && !ops::lt(ctx, &keys[idx[run]], &keys[idx[run - 1]])? {
            run += 1;
        }
    }
    for start in run..n {
        let pivot = idx[start];
        let (mut l, mut r) = (0, start);
        while l < r {
            let p = l + (r - l) / 2;
            if ops::lt(ctx, &keys[pivot], &keys[idx[p]])? {
                r = p;
            } else {
                l = p + 1;
            }
        }
        idx.copy_within(l..start, l + 1);
        idx[l] = pivot;
    }
    Ok(())
}

/// A stable merge sort comparing with `<` only; errors from comparisons stop it.
fn merge_sort(ctx: &mut Ctx<'_>, keys: &[Value], idx: &mut [usize]) -> Result<(), Flow> {
    let n = idx.len();
    // Sorted runs of 32 by binary insertion, then merges of doubling width.
    const RUN: usize = 32;
    let mut start = 0;
    while start < n {
        let end = (start + RUN).min(n);
        binary_sort(ctx, keys, &mut idx[start..end])?;
        start = end;
    }
    let mut buf: Vec<usize> = Vec::with_capacity(n);
    let mut width = RUN;
    while width < n {
        let mut lo = 0;
        while lo + width < n {
            let mid = lo + width;
            let hi = (lo + 2 * width).min(n);
            // Already in order: nothing to merge.
            if !ops::lt(ctx, &keys[idx[mid]], &keys[idx[mid - 1]])? {
                lo = hi;
                continue;
            }
            buf.clear();
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                if ops::lt(ctx, &keys[idx[j]], &keys[idx[i]])? {
                    buf.push(idx[j]);
                    j += 1;
                } else {
                    buf.push(idx[i]);
                    i += 1;
                }
            }
            buf.extend_from_slice(&idx[i..mid]);
            buf.extend_from_slice(&idx[j..hi]);
            idx[lo..hi].copy_from_slice(&buf);
            lo = hi;
        }
        width *= 2;
    }
    Ok(())
}

fn clear(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "clear")?;
    no_kwargs(ctx, "list.clear", kw)?;
    arity(ctx, "list.clear", args.len() - 1, 0, 0)?;
    let old = std::mem::take(&mut *l.items.lock());
    drop(old);
    Ok(Value::None)
}

fn copy(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "copy")?;
    no_kwargs(ctx, "list.copy", kw)?;
    arity(ctx, "list.copy", args.len() - 1, 0, 0)?;
    let items = l.items.lock().clone();
    ops::charge_items(ctx, items.len(), 16)?;
    Ok(Value::list(items))
}

fn reverse(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let l = recv(ctx, args, "reverse")?;
    no_kwargs(ctx, "list.reverse", kw)?;
    arity(ctx, "list.reverse", args.len() - 1, 0, 0)?;
    l.items.lock().reverse();
    Ok(Value::None)
}

fn tuple_recv<'a>(ctx: &Ctx<'_>, args: &'a [Value], m: &str) -> Result<&'a Arc<[Value]>, Flow> {
    match receiver(ctx, args, "tuple", m, |v| matches!(v, Value::Tuple(_)))? {
        Value::Tuple(t) => Ok(t),
        _ => unreachable!(),
    }
}

fn tuple_index(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let t = tuple_recv(ctx, args, "index")?.clone();
    no_kwargs(ctx, "index", kw)?;
    arity(ctx, "index", args.len() - 1, 1, 3)?;
    let start = opt_index(ctx, args.get(2))?;
    let end = opt_index(ctx, args.get(3))?;
    let (a, b) = clamp_range(start, end, t.len());
    for (i, item) in t.iter().enumerate().take(b).skip(a) {
        if item.is(&args[1]) || ops::eq(ctx, item, &args[1])? {
            return Ok(Value::Int(i as i64));
        }
    }
    Err(ctx.raise(ExcType::ValueError, "tuple.index(x): x not in tuple"))
}

fn tuple_count(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let t = tuple_recv(ctx, args, "count")?.clone();
    no_kwargs(ctx, "tuple.count", kw)?;
    arity(ctx, "tuple.count", args.len() - 1, 1, 1)?;
    let mut n = 0;
    for item in t.iter() {
        if item.is(&args[1]) || ops::eq(ctx, item, &args[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

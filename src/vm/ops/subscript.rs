//! Subscripts: `obj[key]`, `obj[key] = v`, `del obj[key]` with negative indices and slices.

use std::sync::Arc;

use super::super::types::ExcType;
use super::super::value::{Range, Slice, Value};
use super::super::Ctx;
use super::{
    as_int, call_user, charge_items, hash_key, index_of, iterate, overflow, raise_args, type_name,
};
use crate::vm::value::Flow;

/// A slice resolved against a sequence's length (CPython's `PySlice_AdjustIndices`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SliceIndices {
    /// First index.
    pub start: i64,
    /// End index (exclusive, in the step's direction).
    pub stop: i64,
    /// Step (never 0).
    pub step: i64,
    /// Number of items selected.
    pub len: i64,
}

impl SliceIndices {
    /// The indices selected, in order.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len).map(move |k| (self.start + k * self.step) as usize)
    }
}

fn slice_part(ctx: &mut Ctx<'_>, v: &Value) -> Result<Option<i64>, Flow> {
    match v {
        Value::None => Ok(None),
        Value::Int(_) | Value::Bool(_) => Ok(as_int(v)),
        Value::Instance(_) => index_of(ctx, v).map(Some),
        _ => Err(ctx.raise(
            ExcType::TypeError,
            "slice indices must be integers or None or have an __index__ method",
        )),
    }
}

/// Resolves `slice` against a sequence of `length` items.
pub fn slice_indices(ctx: &mut Ctx<'_>, slice: &Slice, length: i64) -> Result<SliceIndices, Flow> {
    let step = slice_part(ctx, &slice.step)?.unwrap_or(1);
    if step == 0 {
        return Err(ctx.raise(ExcType::ValueError, "slice step cannot be zero"));
    }
    let step = step.max(-i64::MAX);
    let start = slice_part(ctx, &slice.start)?;
    let stop = slice_part(ctx, &slice.stop)?;
    let adjust = |v: Option<i64>, default_neg: i64, default_pos: i64| -> i64 {
        match v {
            None => {
                if step < 0 {
                    default_neg
                } else {
                    default_pos
                }
            }
            Some(mut i) => {
                if i < 0 {
                    i = i.saturating_add(length);
                    if i < 0 {
                        i = if step < 0 { -1 } else { 0 };
                    }
                } else if i >= length {
                    i = if step < 0 { length - 1 } else { length };
                }
                i
            }
        }
    };
    let start = adjust(start, length - 1, 0);
    let stop = adjust(stop, -1, length);
    let len = if step < 0 {
        if stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    Ok(SliceIndices {
        start,
        stop,
        step,
        len,
    })
}

/// A sequence index made non-negative, or `None` when out of range.
fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if i < 0 { i + len } else { i };
    (0..len).contains(&i).then_some(i as usize)
}

fn seq_index(ctx: &mut Ctx<'_>, key: &Value, what: &str) -> Result<Option<i64>, Flow> {
    match key {
        Value::Int(_) | Value::Bool(_) => Ok(as_int(key)),
        Value::Slice(_) => Ok(None),
        Value::Instance(_) if super::user_method(key, "__index__").is_some() => {
            index_of(ctx, key).map(Some)
        }
        _ => {
            let t = type_name(ctx, key);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("{what} indices must be integers or slices, not {t}"),
            ))
        }
    }
}

/// `obj[key]`.
pub fn getitem(ctx: &mut Ctx<'_>, obj: &Value, key: &Value) -> Result<Value, Flow> {
    match obj {
        Value::List(l) => match seq_index(ctx, key, "list")? {
            Some(i) => {
                let items = l.items.lock();
                match norm_index(i, items.len()) {
                    Some(i) => Ok(items[i].clone()),
                    None => {
                        drop(items);
                        Err(ctx.raise(ExcType::IndexError, "list index out of range"))
                    }
                }
            }
            None => {
                let Value::Slice(s) = key else { unreachable!() };
                let len = l.items.lock().len() as i64;
                let idx = slice_indices(ctx, s, len)?;
                let items = l.items.lock();
                let out: Vec<Value> = idx
                    .indices()
                    .filter_map(|i| items.get(i).cloned())
                    .collect();
                drop(items);
                charge_items(ctx, out.len(), 16)?;
                Ok(Value::list(out))
            }
        },
        Value::Tuple(t) => match seq_index(ctx, key, "tuple")? {
            Some(i) => match norm_index(i, t.len()) {
                Some(i) => Ok(t[i].clone()),
                None => Err(ctx.raise(ExcType::IndexError, "tuple index out of range")),
            },
            None => {
                let Value::Slice(s) = key else { unreachable!() };
                let idx = slice_indices(ctx, s, t.len() as i64)?;
                if idx.step == 1 && idx.len == t.len() as i64 {
                    return Ok(obj.clone());
                }
                Ok(Value::tuple(idx.indices().map(|i| t[i].clone()).collect()))
            }
        },
        Value::Str(s) => match key {
            Value::Slice(sl) => {
                if s.is_ascii() {
                    let idx = slice_indices(ctx, sl, s.len() as i64)?;
                    if idx.step == 1 {
                        let (a, b) = (idx.start as usize, (idx.start + idx.len) as usize);
                        return Ok(Value::str(&s[a..b]));
                    }
                    let bytes = s.as_bytes();
                    let out: String = idx.indices().map(|i| bytes[i] as char).collect();
                    Ok(Value::str(&out))
                } else {
                    let chars: Vec<char> = s.chars().collect();
                    let idx = slice_indices(ctx, sl, chars.len() as i64)?;
                    let out: String = idx.indices().map(|i| chars[i]).collect();
                    Ok(Value::str(&out))
                }
            }
            _ => {
                let i = match key {
                    Value::Int(_) | Value::Bool(_) => as_int(key).unwrap_or(0),
                    Value::Instance(_) if super::user_method(key, "__index__").is_some() => {
                        index_of(ctx, key)?
                    }
                    _ => {
                        let t = type_name(ctx, key);
                        return Err(ctx.raise(
                            ExcType::TypeError,
                            &format!("string indices must be integers, not '{t}'"),
                        ));
                    }
                };
                match char_at(s, i) {
                    Some(c) => Ok(Value::str(c.encode_utf8(&mut [0; 4]))),
                    None => Err(ctx.raise(ExcType::IndexError, "string index out of range")),
                }
            }
        },
        Value::Range(r) => match seq_index(ctx, key, "range")? {
            Some(i) => {
                let len = super::iter::range_len(r);
                let i = if i < 0 { i + len } else { i };
                if i < 0 || i >= len {
                    return Err(ctx.raise(ExcType::IndexError, "range object index out of range"));
                }
                Ok(Value::Int(r.start + i * r.step))
            }
            None => {
                let Value::Slice(s) = key else { unreachable!() };
                let idx = slice_indices(ctx, s, super::iter::range_len(r))?;
                let start = r.start + idx.start * r.step;
                let stop = r
                    .start
                    .checked_add(idx.stop.checked_mul(r.step).ok_or_else(|| overflow(ctx))?);
                let step = r.step.checked_mul(idx.step);
                match (stop, step) {
                    (Some(stop), Some(step)) => {
                        Ok(Value::Range(Arc::new(Range { start, stop, step })))
                    }
                    _ => Err(overflow(ctx)),
                }
            }
        },
        Value::Dict(d) => {
            let k = hash_key(ctx, key)?;
            let found = d.map.lock().get(&k).cloned();
            match found {
                Some(v) => Ok(v),
                None => Err(raise_args(ctx, ExcType::KeyError, vec![key.clone()])),
            }
        }
        Value::Instance(_) => match call_user(ctx, obj, "__getitem__", vec![key.clone()]) {
            Some(r) => r,
            None => Err(not_subscriptable(ctx, obj)),
        },
        Value::Native(n) => match n.attr("__getitem__") {
            Some(super::super::value::NativeAttr::Method(f)) => {
                f(ctx, &[obj.clone(), key.clone()], &[])
            }
            _ => Err(not_subscriptable(ctx, obj)),
        },
        _ => Err(not_subscriptable(ctx, obj)),
    }
}

fn not_subscriptable(ctx: &Ctx<'_>, obj: &Value) -> Flow {
    let t = type_name(ctx, obj);
    ctx.raise(
        ExcType::TypeError,
        &format!("'{t}' object is not subscriptable"),
    )
}

/// The character at index `i` (negative from the end) of a string.
pub fn char_at(s: &str, i: i64) -> Option<char> {
    if s.is_ascii() {
        norm_index(i, s.len()).map(|i| s.as_bytes()[i] as char)
    } else if i >= 0 {
        s.chars().nth(i as usize)
    } else {
        s.chars().rev().nth((-(i + 1)) as usize)
    }
}

/// `obj[key] = value`.
pub fn setitem(ctx: &mut Ctx<'_>, obj: &Value, key: &Value, value: Value) -> Result<(), Flow> {
    match obj {
        Value::List(l) => match seq_index(ctx, key, "list")? {
            Some(i) => {
                let mut items = l.items.lock();
                match norm_index(i, items.len()) {
                    Some(i) => {
                        items[i] = value;
                        Ok(())
                    }
                    None => {
                        drop(items);
                        Err(ctx.raise(ExcType::IndexError, "list assignment index out of range"))
                    }
                }
            }
            None => {
                let Value::Slice(s) = key else { unreachable!() };
                // Copy the new items out first: `a[:] = a` and iterables that run Python code.
                let new = iterate(ctx, &value)?;
                let len = l.items.lock().len() as i64;
                let idx = slice_indices(ctx, s, len)?;
                charge_items(ctx, new.len(), 16)?;
                if idx.step == 1 {
                    let start = idx.start as usize;
                    let stop = (idx.stop.max(idx.start)) as usize;
                    let mut items = l.items.lock();
                    let stop = stop.min(items.len());
                    let start = start.min(stop);
                    items.splice(start..stop, new);
                    return Ok(());
                }
                if new.len() as i64 != idx.len {
                    return Err(ctx.raise(
                        ExcType::ValueError,
                        &format!(
                            "attempt to assign sequence of size {} to extended slice of size {}",
                            new.len(),
                            idx.len
                        ),
                    ));
                }
                let mut items = l.items.lock();
                for (i, v) in idx.indices().zip(new) {
                    if let Some(slot) = items.get_mut(i) {
                        *slot = v;
                    }
                }
                Ok(())
            }
        },
        Value::Dict(d) => {
            let k = hash_key(ctx, key)?;
            d.map.lock().insert(k, value);
            Ok(())
        }
        Value::Instance(_) => match call_user(ctx, obj, "__setitem__", vec![key.clone(), value]) {
            Some(r) => r.map(|_| ()),
            None => {
                let t = type_name(ctx, obj);
                Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("'{t}' object does not support item assignment"),
                ))
            }
        },
        _ => {
            let t = type_name(ctx, obj);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("'{t}' object does not support item assignment"),
            ))
        }
    }
}

/// `del obj[key]`.
pub fn delitem(ctx: &mut Ctx<'_>, obj: &Value, key: &Value) -> Result<(), Flow> {
    match obj {
        Value::List(l) => match seq_index(ctx, key, "list")? {
            Some(i) => {
                let mut items = l.items.lock();
                match norm_index(i, items.len()) {
                    Some(i) => {
                        items.remove(i);
                        Ok(())
                    }
                    None => {
                        drop(items);
                        Err(ctx.raise(ExcType::IndexError, "list assignment index out of range"))
                    }
                }
            }
            None => {
                let Value::Slice(s) = key else { unreachable!() };
                let len = l.items.lock().len() as i64;
                let idx = slice_indices(ctx, s, len)?;
                let mut drop_at: Vec<usize> = idx.indices().collect();
                drop_at.sort_unstable();
                let mut items = l.items.lock();
                let mut k = 0;
                let mut pos = 0;
                items.retain(|_| {
                    let keep = !(k < drop_at.len() && drop_at[k] == pos);
                    if !keep {
                        k += 1;
                    }
                    pos += 1;
                    keep
                });
                Ok(())
            }
        },
        Value::Dict(d) => {
            let k = hash_key(ctx, key)?;
            let removed = d.map.lock().shift_remove(&k);
            match removed {
                Some(_) => Ok(()),
                None => Err(raise_args(ctx, ExcType::KeyError, vec![key.clone()])),
            }
        }
        Value::Instance(_) => match call_user(ctx, obj, "__delitem__", vec![key.clone()]) {
            Some(r) => r.map(|_| ()),
            None => {
                let t = type_name(ctx, obj);
                Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("'{t}' object does not support item deletion"),
                ))
            }
        },
        _ => {
            let t = type_name(ctx, obj);
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("'{t}' object doesn't support item deletion"),
            ))
        }
    }
}

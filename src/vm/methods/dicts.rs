//! Methods of `dict` and `set`.

use std::sync::Arc;

use indexmap::{IndexMap, IndexSet};

use super::super::ops::{self, ViewKind};
use super::super::types::ExcType;
use super::super::value::{Dict, Flow, HashKey, NativeFn, Set, Value};
use super::super::Ctx;
use super::{arity, no_kwargs, receiver};
use crate::python::bytecode::BinOp;

type Kw<'a> = &'a [(Arc<str>, Value)];

/// The `dict` method called `name`.
pub(super) fn dict_method(name: &str) -> Option<NativeFn> {
    Some(match name {
        "get" => get,
        "keys" => keys,
        "values" => values,
        "items" => items,
        "pop" => dict_pop,
        "popitem" => popitem,
        "setdefault" => setdefault,
        "update" => update,
        "clear" => dict_clear,
        "copy" => dict_copy,
        _ => return None,
    })
}

/// The `set` method called `name`.
pub(super) fn set_method(name: &str) -> Option<NativeFn> {
    Some(match name {
        "add" => add,
        "remove" => set_remove,
        "discard" => discard,
        "pop" => set_pop,
        "clear" => set_clear,
        "copy" => set_copy,
        "union" => union,
        "intersection" => intersection,
        "difference" => difference,
        "symmetric_difference" => symmetric_difference,
        "update" => set_update,
        "intersection_update" => intersection_update,
        "difference_update" => difference_update,
        "symmetric_difference_update" => symmetric_difference_update,
        "issubset" => issubset,
        "issuperset" => issuperset,
        "isdisjoint" => isdisjoint,
        _ => return None,
    })
}

fn recv<'a>(ctx: &Ctx<'_>, args: &'a [Value], m: &str) -> Result<&'a Arc<Dict>, Flow> {
    match receiver(ctx, args, "dict", m, |v| matches!(v, Value::Dict(_)))? {
        Value::Dict(d) => Ok(d),
        _ => unreachable!(),
    }
}

fn get(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let d = recv(ctx, args, "get")?;
    no_kwargs(ctx, "get", kw)?;
    arity(ctx, "get", args.len() - 1, 1, 2)?;
    let k = ops::hash_key(ctx, &args[1])?;
    let found = d.map.lock().get(&k).cloned();
    Ok(found.unwrap_or_else(|| args.get(2).cloned().unwrap_or(Value::None)))
}

fn view(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
    kind: ViewKind,
) -> Result<Value, Flow> {
    let d = recv(ctx, args, name)?;
    no_kwargs(ctx, name, kw)?;
    arity(ctx, &format!("dict.{name}"), args.len() - 1, 0, 0)?;
    Ok(ops::dict_view(d, kind))
}

fn keys(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    view(ctx, args, kw, "keys", ViewKind::Keys)
}

fn values(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    view(ctx, args, kw, "values", ViewKind::Values)
}

fn items(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    view(ctx, args, kw, "items", ViewKind::Items)
}

fn dict_pop(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let d = recv(ctx, args, "pop")?;
    no_kwargs(ctx, "pop", kw)?;
    arity(ctx, "pop", args.len() - 1, 1, 2)?;
    let k = ops::hash_key(ctx, &args[1])?;
    let removed = d.map.lock().shift_remove(&k);
    match (removed, args.get(2)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(ops::raise_args(
            ctx,
            ExcType::KeyError,
            vec![args[1].clone()],
        )),
    }
}

fn popitem(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let d = recv(ctx, args, "popitem")?;
    no_kwargs(ctx, "popitem", kw)?;
    arity(ctx, "dict.popitem", args.len() - 1, 0, 0)?;
    let last = d.map.lock().pop();
    match last {
        Some((k, v)) => Ok(Value::tuple(vec![k.0, v])),
        None => Err(ops::raise_args(
            ctx,
            ExcType::KeyError,
            vec![Value::str("popitem(): dictionary is empty")],
        )),
    }
}

fn setdefault(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let d = recv(ctx, args, "setdefault")?;
    no_kwargs(ctx, "setdefault", kw)?;
    arity(ctx, "setdefault", args.len() - 1, 1, 2)?;
    let k = ops::hash_key(ctx, &args[1])?;
    let default = args.get(2).cloned().unwrap_or(Value::None);
    let v = d.map.lock().entry(k).or_insert(default).clone();
    Ok(v)
}

fn update(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let d = recv(ctx, args, "update")?.clone();
    if args.len() > 2 {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("update expected at most 1 argument, got {}", args.len() - 1),
        ));
    }
    let mut pairs = match args.get(1) {
        Some(other) => ops::dict_pairs(ctx, other)?,
        None => Vec::new(),
    };
    for (k, v) in kw {
        pairs.push((HashKey(Value::Str(k.clone())), v.clone()));
    }
    let mut map = d.map.lock();
    for (k, v) in pairs {
        map.insert(k, v);
    }
    Ok(Value::None)
}

fn dict_clear(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let d = recv(ctx, args, "clear")?;
    no_kwargs(ctx, "dict.clear", kw)?;
    arity(ctx, "dict.clear", args.len() - 1, 0, 0)?;
    let old = std::mem::take(&mut *d.map.lock());
    drop(old);
    Ok(Value::None)
}

fn dict_copy(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let d = recv(ctx, args, "copy")?;
    no_kwargs(ctx, "dict.copy", kw)?;
    arity(ctx, "dict.copy", args.len() - 1, 0, 0)?;
    let map = d.map.lock().clone();
    ops::charge_items(ctx, map.len(), 32)?;
    Ok(ops::new_dict(map))
}

/// `dict.fromkeys(iterable, value=None)`, bound to the class.
pub(super) fn fromkeys(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    no_kwargs(ctx, "fromkeys", kw)?;
    arity(ctx, "fromkeys", args.len().saturating_sub(1), 1, 2)?;
    let keys = ops::iterate(ctx, &args[1])?;
    let value = args.get(2).cloned().unwrap_or(Value::None);
    let mut map = IndexMap::with_capacity(keys.len());
    for k in keys {
        map.insert(ops::hash_key(ctx, &k)?, value.clone());
    }
    Ok(ops::new_dict(map))
}

fn set_recv<'a>(ctx: &Ctx<'_>, args: &'a [Value], m: &str) -> Result<&'a Arc<Set>, Flow> {
    match receiver(ctx, args, "set", m, |v| matches!(v, Value::Set(_)))? {
        Value::Set(s) => Ok(s),
        _ => unreachable!(),
    }
}

fn add(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = set_recv(ctx, args, "add")?;
    no_kwargs(ctx, "set.add", kw)?;
    arity(ctx, "set.add", args.len() - 1, 1, 1)?;
    let k = ops::hash_key(ctx, &args[1])?;
    s.items.lock().insert(k);
    Ok(Value::None)
}

fn set_remove(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = set_recv(ctx, args, "remove")?;
    no_kwargs(ctx, "set.remove", kw)?;
    arity(ctx, "set.remove", args.len() - 1, 1, 1)?;
    let k = ops::hash_key(ctx, &args[1])?;
    let removed = s.items.lock().shift_remove(&k);
    if removed {
        Ok(Value::None)
    } else {
        Err(ops::raise_args(
            ctx,
            ExcType::KeyError,
            vec![args[1].clone()],
        ))
    }
}

fn discard(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = set_recv(ctx, args, "discard")?;
    no_kwargs(ctx, "set.discard", kw)?;
    arity(ctx, "set.discard", args.len() - 1, 1, 1)?;
    let k = ops::hash_key(ctx, &args[1])?;
    s.items.lock().shift_remove(&k);
    Ok(Value::None)
}

fn set_pop(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = set_recv(ctx, args, "pop")?;
    no_kwargs(ctx, "set.pop", kw)?;
    arity(ctx, "set.pop", args.len() - 1, 0, 0)?;
    let mut items = s.items.lock();
    let first = ops::set_members(&items).into_iter().next();
    match first {
        Some(v) => {
            items.shift_remove(&HashKey(v.clone()));
            Ok(v)
        }
        None => {
            drop(items);
            Err(ops::raise_args(
                ctx,
                ExcType::KeyError,
                vec![Value::str("pop from an empty set")],
            ))
        }
    }
}

fn set_clear(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = set_recv(ctx, args, "clear")?;
    no_kwargs(ctx, "set.clear", kw)?;
    arity(ctx, "set.clear", args.len() - 1, 0, 0)?;
    s.items.lock().clear();
    Ok(Value::None)
}

fn set_copy(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    let s = set_recv(ctx, args, "copy")?;
    no_kwargs(ctx, "set.copy", kw)?;
    arity(ctx, "set.copy", args.len() - 1, 0, 0)?;
    let items = s.items.lock().clone();
    Ok(ops::new_set(items))
}

/// The members of any iterable, as set keys (a set's own members without iterating).
fn members(ctx: &mut Ctx<'_>, v: &Value) -> Result<IndexSet<HashKey>, Flow> {
    if let Value::Set(s) = v {
        return Ok(s.items.lock().clone());
    }
    let mut out = IndexSet::new();
    for x in ops::iterate(ctx, v)? {
        out.insert(ops::hash_key(ctx, &x)?);
    }
    Ok(out)
}

/// A set operation with any number of iterables: `s.union(a, b)`.
fn combine(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
    name: &str,
    op: BinOp,
    in_place: bool,
) -> Result<Value, Flow> {
    let s = set_recv(ctx, args, name)?.clone();
    no_kwargs(ctx, &format!("set.{name}"), kw)?;
    let mut result = s.items.lock().clone();
    for other in &args[1..] {
        let o = members(ctx, other)?;
        ops::set_op(op, &mut result, &o);
    }
    if in_place {
        *s.items.lock() = result;
        Ok(Value::None)
    } else {
        Ok(ops::new_set(result))
    }
}

fn union(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    combine(ctx, args, kw, "union", BinOp::Or, false)
}

fn intersection(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    combine(ctx, args, kw, "intersection", BinOp::And, false)
}

fn difference(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    combine(ctx, args, kw, "difference", BinOp::Sub, false)
}

fn symmetric_difference(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    arity(
        ctx,
        "set.symmetric_difference",
        args.len().saturating_sub(1),
        1,
        1,
    )?;
    combine(ctx, args, kw, "symmetric_difference", BinOp::Xor, false)
}

fn set_update(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    combine(ctx, args, kw, "update", BinOp::Or, true)
}

fn intersection_update(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    combine(ctx, args, kw, "intersection_update", BinOp::And, true)
}

fn difference_update(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    combine(ctx, args, kw, "difference_update", BinOp::Sub, true)
}

fn symmetric_difference_update(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kw: Kw<'_>,
) -> Result<Value, Flow> {
    arity(
        ctx,
        "set.symmetric_difference_update",
        args.len().saturating_sub(1),
        1,
        1,
    )?;
    combine(
        ctx,
        args,
        kw,
        "symmetric_difference_update",
        BinOp::Xor,
        true,
    )
}

fn relation(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>, name: &str) -> Result<Value, Flow> {
    let s = set_recv(ctx, args, name)?.clone();
    no_kwargs(ctx, &format!("set.{name}"), kw)?;
    arity(ctx, &format!("set.{name}"), args.len() - 1, 1, 1)?;
    let other = members(ctx, &args[1])?;
    let mine = s.items.lock().clone();
    Ok(Value::Bool(match name {
        "issubset" => mine.iter().all(|k| other.contains(k)),
        "issuperset" => other.iter().all(|k| mine.contains(k)),
        _ => mine.iter().all(|k| !other.contains(k)),
    }))
}

fn issubset(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    relation(ctx, args, kw, "issubset")
}

fn issuperset(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    relation(ctx, args, kw, "issuperset")
}

fn isdisjoint(ctx: &mut Ctx<'_>, args: &[Value], kw: Kw<'_>) -> Result<Value, Flow> {
    relation(ctx, args, kw, "isdisjoint")
}

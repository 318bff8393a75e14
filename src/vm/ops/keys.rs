//! Dict keys and set members. Builtin values hash and compare by value inside [`HashKey`]; instances by
//! identity. A user class that defines `__hash__` (and `__eq__`) must still find equal instances as the
//! same key, as CPython does (`{Point(1, 2): 'a'}[Point(1, 2)]`), but a `HashKey` can't run Python code
//! while a map hashes or compares it. So equal instances are made the *same* key object first: each
//! interpreter keeps, per user hash value, the instances already used as keys (weakly), and a new key
//! that `==` one of them is replaced by it. Equal objects then share one identity, which `HashKey`
//! compares.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use super::super::types::ExcType;
use super::super::value::{Flow, HashKey, Instance, Lock, Value};
use super::super::Ctx;
use super::{eq, hash_value, instance_hashable, type_name, user_method};

/// Instances used as keys, by their `__hash__`.
#[derive(Default)]
struct Registry {
    by_hash: Lock<HashMap<i64, Vec<Weak<Instance>>>>,
}

fn registry(ctx: &Ctx<'_>) -> Arc<Registry> {
    let mut ext = ctx.interp.extensions.lock();
    let entry = ext
        .entry("builtins.hash_registry")
        .or_insert_with(|| Arc::new(Registry::default()));
    entry
        .clone()
        .downcast::<Registry>()
        .unwrap_or_else(|_| unreachable!("builtins.hash_registry holds a Registry"))
}

/// Does the value need the registry (an instance of a class with its own `__hash__`, or a tuple
/// holding one)?
fn needs_canonical(v: &Value) -> bool {
    match v {
        Value::Instance(_) => user_method(v, "__hash__").is_some(),
        Value::Tuple(items) => items.iter().any(needs_canonical),
        _ => false,
    }
}

/// The key object to use for `v`: an equal instance already used as a key, else `v` itself.
fn canonical(ctx: &mut Ctx<'_>, v: &Value) -> Result<Value, Flow> {
    match v {
        Value::Tuple(items) => {
            let mut out = Vec::with_capacity(items.len());
            for x in items.iter() {
                out.push(if needs_canonical(x) {
                    canonical(ctx, x)?
                } else {
                    x.clone()
                });
            }
            Ok(Value::tuple(out))
        }
        Value::Instance(inst) => {
            let h = hash_value(ctx, v)?;
            let reg = registry(ctx);
            let candidates: Vec<Arc<Instance>> = {
                let mut map = reg.by_hash.lock();
                let list = map.entry(h).or_default();
                list.retain(|w| w.strong_count() > 0);
                list.iter().filter_map(Weak::upgrade).collect()
            };
            for c in candidates {
                let cv = Value::Instance(c);
                if cv.is(v) || eq(ctx, &cv, v)? {
                    return Ok(cv);
                }
            }
            let mut map = reg.by_hash.lock();
            map.entry(h).or_default().push(Arc::downgrade(inst));
            if map.len() > 4096 {
                map.retain(|_, list| {
                    list.retain(|w| w.strong_count() > 0);
                    !list.is_empty()
                });
            }
            Ok(v.clone())
        }
        _ => Ok(v.clone()),
    }
}

/// `v` as a dict key or set member (`TypeError: unhashable type: 'list'`; also for instances of a class
/// that defines `__eq__` without `__hash__`, as in CPython).
pub fn hash_key(ctx: &mut Ctx<'_>, v: &Value) -> Result<HashKey, Flow> {
    if !instance_hashable(v) {
        let t = type_name(ctx, v);
        return Err(ctx.raise(ExcType::TypeError, &format!("unhashable type: '{t}'")));
    }
    let v = if needs_canonical(v) {
        canonical(ctx, v)?
    } else {
        v.clone()
    };
    HashKey::new(v).map_err(|t| ctx.raise(ExcType::TypeError, &format!("unhashable type: '{t}'")))
}

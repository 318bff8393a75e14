//! The order CPython iterates a set in: its hash table's slot order. `{3, 1, 2}` prints `{1, 2, 3}` in
//! CPython because small ints hash to themselves; programs print sets of numbers often, so ThreadLab
//! replays CPython's table (open addressing, linear probes, perturbation, growth) over the members'
//! CPython hashes to get the same order. Sets holding strings or objects, whose hashes CPython
//! randomizes per process, keep insertion order.

use indexmap::IndexSet;

use super::super::value::{HashKey, Value};
use super::repr::{hash_float, hash_int};

/// CPython's hash of `v` when it is the same in every CPython process (numbers, and tuples of them).
fn stable_hash(v: &Value) -> Option<i64> {
    match v {
        Value::Bool(b) => Some(*b as i64),
        Value::Int(i) => Some(hash_int(*i)),
        Value::Float(f) if !f.is_nan() => Some(hash_float(*f)),
        Value::Tuple(items) => {
            const P1: u64 = 11400714785074694791;
            const P2: u64 = 14029467366897019727;
            const P5: u64 = 2870177450012600261;
            let mut acc = P5;
            for x in items.iter() {
                let lane = stable_hash(x)? as u64;
                acc = acc.wrapping_add(lane.wrapping_mul(P2));
                acc = acc.rotate_left(31);
                acc = acc.wrapping_mul(P1);
            }
            acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
            Some(if acc == u64::MAX {
                1546275796
            } else {
                acc as i64
            })
        }
        _ => None,
    }
}

const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// Inserts into a table known to hold no equal key and no dummy (CPython's `set_insert_clean`).
fn insert_clean(table: &mut [Option<(usize, u64)>], member: usize, hash: u64) {
    let mask = table.len() - 1;
    let mut perturb = hash;
    let mut i = (hash as usize) & mask;
    loop {
        if table[i].is_none() {
            table[i] = Some((member, hash));
            return;
        }
        if i + LINEAR_PROBES <= mask {
            for j in 1..=LINEAR_PROBES {
                if table[i + j].is_none() {
                    table[i + j] = Some((member, hash));
                    return;
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(perturb as usize))
            & mask;
    }
}

/// The members' indices in CPython's iteration order, or `None` when it can't be known.
pub fn cpython_order(items: &IndexSet<HashKey>) -> Option<Vec<usize>> {
    if items.len() < 2 {
        return None;
    }
    let hashes: Vec<u64> = items
        .iter()
        .map(|k| stable_hash(&k.0).map(|h| h as u64))
        .collect::<Option<_>>()?;
    let mut table: Vec<Option<(usize, u64)>> = vec![None; 8];
    let mut used = 0usize;
    for (member, &hash) in hashes.iter().enumerate() {
        insert_clean(&mut table, member, hash);
        used += 1;
        let mask = table.len() - 1;
        if used * 5 >= mask * 3 {
            let minused = if used > 50000 { used * 2 } else { used * 4 };
            let mut size = 8;
            while size <= minused {
                size <<= 1;
            }
            let old = std::mem::replace(&mut table, vec![None; size]);
            for (m, h) in old.into_iter().flatten() {
                insert_clean(&mut table, m, h);
            }
        }
    }
    Some(table.into_iter().flatten().map(|(m, _)| m).collect())
}

/// A set's members in the order CPython would iterate them.
pub fn set_members(items: &IndexSet<HashKey>) -> Vec<Value> {
    match cpython_order(items) {
        Some(order) => order
            .into_iter()
            .filter_map(|i| items.get_index(i).map(|k| k.0.clone()))
            .collect(),
        None => items.iter().map(|k| k.0.clone()).collect(),
    }
}

//! Iteration: `iter()` of builtin values, the native iterators' `next`, dict views (`d.keys()`), and the
//! lazy `map`/`filter` objects.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use super::super::types::ExcType;
use super::super::value::{
    next_id, BuiltinType, Class, Dict, Flow, HashKey, Lock, NativeAttr, NativeIter, NativeObject,
    Range, Value,
};
use super::super::Ctx;
use super::{call, call_user, charge_items, is_exception, truthy, type_name, user_method};

/// The length of a range.
pub fn range_len(r: &Range) -> i64 {
    let (start, stop, step) = (r.start as i128, r.stop as i128, r.step as i128);
    let n = if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    n as i64
}

/// `i in range`.
pub fn range_contains(r: &Range, i: i64) -> bool {
    let inside = if r.step > 0 {
        r.start <= i && i < r.stop
    } else {
        r.stop < i && i <= r.start
    };
    inside && (i as i128 - r.start as i128) % (r.step as i128) == 0
}

fn native_iter(state: NativeIter) -> Value {
    Value::Iterator(Arc::new(Lock::new(state)))
}

/// A native iterator over a snapshot of values.
pub fn values_iter(items: Vec<Value>) -> Value {
    native_iter(NativeIter::Values { items, index: 0 })
}

/// `iter(v)`: a native iterator for builtin values, a generator or iterator as it is, what a user class's
/// `__iter__` returns; `TypeError: 'int' object is not iterable` otherwise.
pub fn get_iter(ctx: &mut Ctx<'_>, v: &Value) -> Result<Value, Flow> {
    let state = match v {
        Value::List(l) => NativeIter::List {
            list: l.clone(),
            index: 0,
        },
        Value::Tuple(t) => NativeIter::Tuple {
            items: t.clone(),
            index: 0,
        },
        Value::Str(s) => NativeIter::Str {
            text: s.clone(),
            offset: 0,
        },
        Value::Range(r) => NativeIter::Range {
            next: r.start,
            stop: r.stop,
            step: r.step,
        },
        Value::Dict(d) => NativeIter::Values {
            items: d.map.lock().keys().map(|k| k.0.clone()).collect(),
            index: 0,
        },
        Value::Set(s) => NativeIter::Values {
            items: super::set_members(&s.items.lock()),
            index: 0,
        },
        Value::Iterator(_) | Value::Generator(_) => return Ok(v.clone()),
        Value::Instance(_) => {
            if let Some(r) = call_user(ctx, v, "__iter__", vec![]) {
                let it = r?;
                let ok = match &it {
                    Value::Iterator(_) | Value::Generator(_) => true,
                    Value::Instance(_) => user_method(&it, "__next__").is_some(),
                    Value::Native(n) => n.as_any().is::<MapIter>() || n.as_any().is::<FilterIter>(),
                    _ => false,
                };
                if !ok {
                    let t = type_name(ctx, &it);
                    return Err(ctx.raise(
                        ExcType::TypeError,
                        &format!("iter() returned non-iterator of type '{t}'"),
                    ));
                }
                return Ok(it);
            }
            if user_method(v, "__getitem__").is_some() {
                // The old sequence protocol: v[0], v[1], ... until IndexError.
                let mut items = Vec::new();
                loop {
                    match super::getitem(ctx, v, &Value::Int(items.len() as i64)) {
                        Ok(x) => items.push(x),
                        Err(Flow::Raise(e))
                            if is_exception(ctx, &e, ExcType::IndexError)
                                || is_exception(ctx, &e, ExcType::StopIteration) =>
                        {
                            break
                        }
                        Err(e) => return Err(e),
                    }
                }
                return Ok(values_iter(items));
            }
            return Err(not_iterable(ctx, v));
        }
        Value::Native(n) => {
            if let Some(view) = n.as_any().downcast_ref::<DictView>() {
                NativeIter::Values {
                    items: view.snapshot(),
                    index: 0,
                }
            } else if n.as_any().is::<MapIter>() || n.as_any().is::<FilterIter>() {
                // The interpreter's `ForIter` calls `ops::iter_next` only for `Value::Iterator`, so a
                // loop gets the rest of a map or filter computed now; `next()` stays lazy.
                let mut items = Vec::new();
                while let Some(x) = iter_next(ctx, v)? {
                    items.push(x);
                    if items.len() % 4096 == 0 {
                        charge_items(ctx, 4096, 16)?;
                    }
                }
                NativeIter::Values { items, index: 0 }
            } else if let Some(NativeAttr::Method(f)) = n.attr("__iter__") {
                return f(ctx, std::slice::from_ref(v), &[]);
            } else {
                return Err(not_iterable(ctx, v));
            }
        }
        _ => return Err(not_iterable(ctx, v)),
    };
    Ok(native_iter(state))
}

fn not_iterable(ctx: &Ctx<'_>, v: &Value) -> Flow {
    let t = type_name(ctx, v);
    ctx.raise(ExcType::TypeError, &format!("'{t}' object is not iterable"))
}

/// The next item of an iterator, `None` when it is exhausted: native iterators, `map`/`filter`, user
/// iterators (`__next__`, `StopIteration` ends them) here; generators through the interpreter.
pub fn next_item(ctx: &mut Ctx<'_>, it: &Value) -> Result<Option<Value>, Flow> {
    match it {
        Value::Generator(_) => super::generator_next(ctx, it),
        _ => iter_next(ctx, it),
    }
}

/// The next item of a native iterator (`Value::Iterator`, `map`, `filter`) or of a user iterator (its
/// `__next__`); `None` when exhausted. Generators are the interpreter's (`ctx.next`).
pub fn iter_next(ctx: &mut Ctx<'_>, it: &Value) -> Result<Option<Value>, Flow> {
    match it {
        Value::Iterator(cell) => native_next(ctx, cell),
        Value::Native(n) => {
            if let Some(m) = n.as_any().downcast_ref::<MapIter>() {
                let mut args = Vec::with_capacity(m.inners.len());
                for inner in &m.inners {
                    match next_item(ctx, inner)? {
                        Some(x) => args.push(x),
                        None => return Ok(None),
                    }
                }
                return call(ctx, &m.func, args).map(Some);
            }
            if let Some(f) = n.as_any().downcast_ref::<FilterIter>() {
                while let Some(x) = next_item(ctx, &f.inner)? {
                    let keep = match &f.func {
                        Value::None => truthy(ctx, &x)?,
                        func => {
                            let r = call(ctx, func, vec![x.clone()])?;
                            truthy(ctx, &r)?
                        }
                    };
                    if keep {
                        return Ok(Some(x));
                    }
                }
                return Ok(None);
            }
            if let Some(NativeAttr::Method(f)) = n.attr("__next__") {
                return match f(ctx, std::slice::from_ref(it), &[]) {
                    Ok(v) => Ok(Some(v)),
                    Err(Flow::Raise(e)) if is_exception(ctx, &e, ExcType::StopIteration) => {
                        Ok(None)
                    }
                    Err(e) => Err(e),
                };
            }
            Err(not_an_iterator(ctx, it))
        }
        Value::Instance(_) => match call_user(ctx, it, "__next__", vec![]) {
            Some(Ok(v)) => Ok(Some(v)),
            Some(Err(Flow::Raise(e))) if is_exception(ctx, &e, ExcType::StopIteration) => Ok(None),
            Some(Err(e)) => Err(e),
            None => Err(not_an_iterator(ctx, it)),
        },
        Value::Generator(_) => super::generator_next(ctx, it),
        _ => Err(not_an_iterator(ctx, it)),
    }
}

fn not_an_iterator(ctx: &Ctx<'_>, v: &Value) -> Flow {
    let t = type_name(ctx, v);
    ctx.raise(
        ExcType::TypeError,
        &format!("'{t}' object is not an iterator"),
    )
}

fn native_next(ctx: &mut Ctx<'_>, cell: &Arc<Lock<NativeIter>>) -> Result<Option<Value>, Flow> {
    let mut st = cell.lock();
    match &mut *st {
        NativeIter::List { list, index } => {
            let items = list.items.lock();
            if let Some(v) = items.get(*index) {
                let v = v.clone();
                *index += 1;
                return Ok(Some(v));
            }
            drop(items);
            *st = NativeIter::Done;
            Ok(None)
        }
        NativeIter::Tuple { items, index } => {
            if let Some(v) = items.get(*index) {
                let v = v.clone();
                *index += 1;
                return Ok(Some(v));
            }
            *st = NativeIter::Done;
            Ok(None)
        }
        NativeIter::Str { text, offset } => {
            if let Some(c) = text[*offset..].chars().next() {
                *offset += c.len_utf8();
                return Ok(Some(Value::str(c.encode_utf8(&mut [0; 4]))));
            }
            *st = NativeIter::Done;
            Ok(None)
        }
        NativeIter::Range { next, stop, step } => {
            let more = if *step > 0 {
                *next < *stop
            } else {
                *next > *stop
            };
            if more {
                let v = *next;
                *next = next.checked_add(*step).unwrap_or(*stop);
                return Ok(Some(Value::Int(v)));
            }
            *st = NativeIter::Done;
            Ok(None)
        }
        NativeIter::Values { items, index } => {
            if let Some(v) = items.get_mut(*index) {
                let v = std::mem::take(v);
                *index += 1;
                return Ok(Some(v));
            }
            *st = NativeIter::Done;
            Ok(None)
        }
        NativeIter::Reversed { items } => match items.pop() {
            Some(v) => Ok(Some(v)),
            None => {
                *st = NativeIter::Done;
                Ok(None)
            }
        },
        NativeIter::Enumerate { inner, count } => {
            let (inner, n) = (inner.clone(), *count);
            drop(st);
            match next_item(ctx, &inner)? {
                Some(x) => {
                    if let NativeIter::Enumerate { count, .. } = &mut *cell.lock() {
                        *count = n.checked_add(1).ok_or_else(|| super::overflow(ctx))?;
                    }
                    Ok(Some(Value::tuple(vec![Value::Int(n), x])))
                }
                None => {
                    *cell.lock() = NativeIter::Done;
                    Ok(None)
                }
            }
        }
        NativeIter::Zip { inners } => {
            let inners = inners.clone();
            drop(st);
            if inners.is_empty() {
                return Ok(None);
            }
            let mut out = Vec::with_capacity(inners.len());
            for inner in &inners {
                match next_item(ctx, inner)? {
                    Some(x) => out.push(x),
                    None => {
                        *cell.lock() = NativeIter::Done;
                        return Ok(None);
                    }
                }
            }
            Ok(Some(Value::tuple(out)))
        }
        NativeIter::Done => Ok(None),
    }
}

/// All the items of an iterable, in order (`list(v)`), charging the run's memory as the list grows.
pub fn iterate(ctx: &mut Ctx<'_>, v: &Value) -> Result<Vec<Value>, Flow> {
    match v {
        Value::List(l) => return Ok(l.items.lock().clone()),
        Value::Tuple(t) => return Ok(t.to_vec()),
        Value::Str(s) => {
            return Ok(s
                .chars()
                .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                .collect())
        }
        Value::Range(r) => {
            let n = range_len(r) as usize;
            charge_items(ctx, n, 16)?;
            return Ok((0..n as i64)
                .map(|i| Value::Int(r.start + i * r.step))
                .collect());
        }
        Value::Dict(d) => return Ok(d.map.lock().keys().map(|k| k.0.clone()).collect()),
        Value::Set(s) => return Ok(super::set_members(&s.items.lock())),
        _ => {}
    }
    let it = get_iter(ctx, v)?;
    let mut out = Vec::new();
    while let Some(x) = next_item(ctx, &it)? {
        out.push(x);
        if out.len() % 4096 == 0 {
            charge_items(ctx, 4096, 16)?;
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------
// Classes of the objects this module implements in Rust.

struct NativeClasses(HashMap<&'static str, Arc<Class>>);

const NATIVE_CLASSES: &[&str] = &["dict_keys", "dict_values", "dict_items", "map", "filter"];

/// The class of one of the builtin objects implemented here (`dict_keys`, `map`), made once per
/// interpreter.
pub fn native_class(ctx: &Ctx<'_>, name: &'static str) -> Arc<Class> {
    let mut ext = ctx.interp.extensions.lock();
    let entry = ext.entry("builtins.native_classes").or_insert_with(|| {
        let object = ctx.interp.types.of(BuiltinType::Object).clone();
        let map = NATIVE_CLASSES
            .iter()
            .map(|&n| {
                let class = Arc::new(Class {
                    name: Arc::from(n),
                    qualname: Arc::from(n),
                    module: Arc::from("builtins"),
                    base: Some(object.clone()),
                    dict: Lock::new(Default::default()),
                    builtin: Some(BuiltinType::Native),
                    id: next_id(),
                });
                (n, class)
            })
            .collect();
        Arc::new(NativeClasses(map))
    });
    let classes = entry
        .clone()
        .downcast::<NativeClasses>()
        .unwrap_or_else(|_| unreachable!("builtins.native_classes holds NativeClasses"));
    classes.0[name].clone()
}

/// Which view of a dict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    /// `d.keys()`
    Keys,
    /// `d.values()`
    Values,
    /// `d.items()`
    Items,
}

/// `d.keys()`, `d.values()`, `d.items()`: live views of a dict.
#[derive(Debug)]
pub struct DictView {
    /// The dict.
    pub dict: Arc<Dict>,
    /// Which view.
    pub kind: ViewKind,
}

impl DictView {
    /// The view's items now.
    pub fn snapshot(&self) -> Vec<Value> {
        let map = self.dict.map.lock();
        match self.kind {
            ViewKind::Keys => map.keys().map(|k| k.0.clone()).collect(),
            ViewKind::Values => map.values().cloned().collect(),
            ViewKind::Items => map
                .iter()
                .map(|(k, v)| Value::tuple(vec![k.0.clone(), v.clone()]))
                .collect(),
        }
    }

    /// The class name (`dict_keys`).
    pub fn name(&self) -> &'static str {
        match self.kind {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        }
    }
}

impl NativeObject for DictView {
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class> {
        native_class(ctx, self.name())
    }
    fn attr(&self, _name: &str) -> Option<NativeAttr> {
        None
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A new view of `dict`.
pub fn dict_view(dict: &Arc<Dict>, kind: ViewKind) -> Value {
    Value::Native(Arc::new(DictView {
        dict: dict.clone(),
        kind,
    }))
}

/// `len()` of a view, `None` for other values.
pub fn view_len(v: &Value) -> Option<usize> {
    let Value::Native(n) = v else { return None };
    n.as_any()
        .downcast_ref::<DictView>()
        .map(|view| view.dict.map.lock().len())
}

/// `item in view`, `None` if `container` is not a view.
pub fn view_contains(
    ctx: &mut Ctx<'_>,
    container: &Value,
    item: &Value,
) -> Result<Option<bool>, Flow> {
    let Value::Native(n) = container else {
        return Ok(None);
    };
    let Some(view) = n.as_any().downcast_ref::<DictView>() else {
        return Ok(None);
    };
    match view.kind {
        ViewKind::Keys => {
            let k = super::hash_key(ctx, item)?;
            Ok(Some(view.dict.map.lock().contains_key(&k)))
        }
        ViewKind::Items => {
            let Value::Tuple(t) = item else {
                return Ok(Some(false));
            };
            if t.len() != 2 {
                return Ok(Some(false));
            }
            let k = super::hash_key(ctx, &t[0])?;
            let found = view.dict.map.lock().get(&k).cloned();
            match found {
                Some(v) => Ok(Some(v.is(&t[1]) || super::eq(ctx, &v, &t[1])?)),
                None => Ok(Some(false)),
            }
        }
        ViewKind::Values => {
            for v in view.snapshot() {
                if v.is(item) || super::eq(ctx, &v, item)? {
                    return Ok(Some(true));
                }
            }
            Ok(Some(false))
        }
    }
}

/// `a == b` between views: keys and items views compare as sets; `None` if they aren't both views.
pub fn view_eq(ctx: &mut Ctx<'_>, a: &Value, b: &Value) -> Result<Option<bool>, Flow> {
    let (Value::Native(x), Value::Native(y)) = (a, b) else {
        return Ok(None);
    };
    let (Some(x), Some(y)) = (
        x.as_any().downcast_ref::<DictView>(),
        y.as_any().downcast_ref::<DictView>(),
    ) else {
        return Ok(None);
    };
    if x.kind != y.kind || x.kind == ViewKind::Values {
        return Ok(Some(false));
    }
    let xs = x.snapshot();
    let ys = y.snapshot();
    if xs.len() != ys.len() {
        return Ok(Some(false));
    }
    let keys = |items: Vec<Value>| -> Option<indexmap::IndexSet<HashKey>> {
        items.into_iter().map(|v| HashKey::new(v).ok()).collect()
    };
    match (keys(xs), keys(ys)) {
        (Some(p), Some(q)) => {
            let _ = ctx;
            Ok(Some(p.iter().all(|k| q.contains(k))))
        }
        _ => Ok(Some(false)),
    }
}

/// `map(func, *iterables)`: lazy, as CPython's.
#[derive(Debug)]
pub struct MapIter {
    /// The function.
    pub func: Value,
    /// Iterators over the iterables.
    pub inners: Vec<Value>,
}

impl NativeObject for MapIter {
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class> {
        native_class(ctx, "map")
    }
    fn attr(&self, _name: &str) -> Option<NativeAttr> {
        None
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `filter(func, iterable)`: lazy, as CPython's; `func` `None` keeps the truthy items.
#[derive(Debug)]
pub struct FilterIter {
    /// The predicate, or `None`.
    pub func: Value,
    /// Iterator over the iterable.
    pub inner: Value,
}

impl NativeObject for FilterIter {
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class> {
        native_class(ctx, "filter")
    }
    fn attr(&self, _name: &str) -> Option<NativeAttr> {
        None
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The name of a native iterator's type (`list_iterator`, `enumerate`, `zip`).
pub fn iter_type_name(state: &NativeIter) -> &'static str {
    match state {
        NativeIter::List { .. } => "list_iterator",
        NativeIter::Tuple { .. } => "tuple_iterator",
        NativeIter::Str { text, .. } => {
            if text.is_ascii() {
                "str_ascii_iterator"
            } else {
                "str_iterator"
            }
        }
        NativeIter::Range { .. } => "range_iterator",
        NativeIter::Values { .. } | NativeIter::Done => "iterator",
        NativeIter::Enumerate { .. } => "enumerate",
        NativeIter::Zip { .. } => "zip",
        NativeIter::Reversed { .. } => "reversed",
    }
}

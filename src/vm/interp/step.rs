//! The general path of the dispatch loop: every instruction the fast path in `execute` leaves to it.

use std::sync::Arc;

use super::call::{self, Called};
use super::exceptions::{self, Raising};
use super::{
    attr, class_of, generators, imports, name_error, pop, push, recycle, system_error, top,
    unbound_local, Exit, Step,
};
use crate::python::bytecode::{
    Code, Const, Instr, UnaryOp, FN_CLOSURE, FN_DEFAULTS, FN_KWDEFAULTS,
};
use crate::vm::frame::{BlockEntry, GenMode, OnReturn};
use crate::vm::types::ExcType;
use crate::vm::value::{Cell, Dict, Flow, Function, HashKey, Lock, Set, Slice, Value};
use crate::vm::{format, ops, Ctx, Interp, ThreadState};

/// A constant as a value.
fn const_value(interp: &Arc<Interp>, c: &Const) -> Result<Value, Flow> {
    Ok(match c {
        Const::None => Value::None,
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::Float(f) => Value::Float(*f),
        Const::Str(s) => Value::Str(s.clone()),
        Const::Ellipsis => Value::Ellipsis,
        Const::Tuple(items) => Value::tuple(
            items
                .iter()
                .map(|c| const_value(interp, c))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Const::Code(_) => return Err(system_error(interp, "a code object loaded as a value")),
    })
}

/// The keyword names of a `CallKw`.
fn kw_names(interp: &Arc<Interp>, code: &Code, index: u32) -> Result<Vec<Arc<str>>, Flow> {
    match code.consts.get(index as usize) {
        Some(Const::Tuple(items)) => items
            .iter()
            .map(|c| match c {
                Const::Str(s) => Ok(s.clone()),
                _ => Err(system_error(interp, "keyword names must be strings")),
            })
            .collect(),
        _ => Err(system_error(interp, "CallKw without a tuple of names")),
    }
}

/// One instruction the fast path left to the general one.
pub(super) fn step(interp: &Arc<Interp>, thread: &mut ThreadState, instr: Instr) -> Step {
    macro_rules! ctx {
        () => {
            &mut Ctx {
                interp,
                thread: &mut *thread,
            }
        };
        (ref) => {
            &Ctx {
                interp,
                thread: &mut *thread,
            }
        };
    }
    match instr {
        Instr::Nop => {
            let frame = top(thread);
            if frame.ip >= frame.func.code.instrs.len() {
                // Fell off the end of the code: return None.
                return exec_return(interp, thread, Value::None);
            }
        }
        Instr::LoadConst(i) => {
            let frame = top(thread);
            let v = const_value(interp, &frame.func.code.consts[i as usize])?;
            frame.stack.push(v);
        }
        Instr::LoadFast(i) => {
            let frame = top(thread);
            let name = frame
                .func
                .code
                .varnames
                .get(i as usize)
                .cloned()
                .unwrap_or_else(|| Arc::from("?"));
            return Err(unbound_local(interp, &name));
        }
        Instr::StoreFast(_) => return Err(system_error(interp, "StoreFast on an empty stack")),
        Instr::DeleteFast(i) => {
            let frame = top(thread);
            match frame.locals.get_mut(i as usize) {
                Some(slot @ Some(_)) => *slot = None,
                _ => {
                    let name = frame.func.code.varnames[i as usize].clone();
                    return Err(unbound_local(interp, &name));
                }
            }
        }
        Instr::LoadDeref(i) => {
            let frame = top(thread);
            let v = frame.cells[i as usize].value.lock().clone();
            match v {
                Some(v) => frame.stack.push(v),
                None => {
                    let ncell = frame.func.code.cellvars.len();
                    let i = i as usize;
                    if i < ncell {
                        let name = frame.func.code.cellvars[i].clone();
                        return Err(unbound_local(interp, &name));
                    }
                    let name = frame.func.code.freevars[i - ncell].clone();
                    return Err(Flow::Raise(interp.types.new_exception(
                        ExcType::NameError,
                        &format!(
                            "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
                        ),
                    )));
                }
            }
        }
        Instr::StoreDeref(i) => {
            let frame = top(thread);
            let v = frame.stack.pop().unwrap_or_default();
            *frame.cells[i as usize].value.lock() = Some(v);
        }
        Instr::DeleteDeref(i) => {
            let frame = top(thread);
            let old = frame.cells[i as usize].value.lock().take();
            if old.is_none() {
                let ncell = frame.func.code.cellvars.len();
                let i = i as usize;
                let name = if i < ncell {
                    frame.func.code.cellvars[i].clone()
                } else {
                    frame.func.code.freevars[i - ncell].clone()
                };
                return Err(unbound_local(interp, &name));
            }
        }
        Instr::LoadClosure(i) => {
            let frame = top(thread);
            let cell = frame.cells[i as usize].clone();
            frame.stack.push(Value::Cell(cell));
        }
        Instr::LoadGlobal(i) => {
            let name = top(thread).func.code.names[i as usize].clone();
            return Err(name_error(interp, thread, &name));
        }
        Instr::StoreGlobal(i) => {
            let frame = top(thread);
            let name = frame.func.code.names[i as usize].clone();
            let v = frame.stack.pop().unwrap_or_default();
            let old = frame.func.module.globals.lock().insert(name, v);
            drop(old);
        }
        Instr::DeleteGlobal(i) => {
            let frame = top(thread);
            let name = frame.func.code.names[i as usize].clone();
            let old = frame.func.module.globals.lock().shift_remove(&name);
            if old.is_none() {
                return Err(name_error(interp, thread, &name));
            }
        }
        Instr::LoadName(i) => {
            let frame = top(thread);
            let name = frame.func.code.names[i as usize].clone();
            let found = frame
                .namespace
                .as_ref()
                .and_then(|ns| ns.get(&name).cloned())
                .or_else(|| frame.func.module.globals.lock().get(&name).cloned())
                .or_else(|| interp.builtins.get(&name).cloned());
            match found {
                Some(v) => frame.stack.push(v),
                None => return Err(name_error(interp, thread, &name)),
            }
        }
        Instr::StoreName(i) => {
            let frame = top(thread);
            let name = frame.func.code.names[i as usize].clone();
            let v = frame.stack.pop().unwrap_or_default();
            match &mut frame.namespace {
                Some(ns) => {
                    ns.insert(name, v);
                }
                None => {
                    frame.func.module.globals.lock().insert(name, v);
                }
            }
        }
        Instr::DeleteName(i) => {
            let frame = top(thread);
            let name = frame.func.code.names[i as usize].clone();
            let old = match &mut frame.namespace {
                Some(ns) => ns.shift_remove(&name),
                None => frame.func.module.globals.lock().shift_remove(&name),
            };
            if old.is_none() {
                return Err(name_error(interp, thread, &name));
            }
        }
        Instr::LoadAttr(i) => {
            let frame = top(thread);
            let name = frame.func.code.names[i as usize].clone();
            let obj = frame.stack.pop().unwrap_or_default();
            let v = attr::load_attr(ctx!(), &obj, &name)?;
            push(thread, v);
        }
        Instr::StoreAttr(i) => {
            let frame = top(thread);
            let name = frame.func.code.names[i as usize].clone();
            let obj = frame.stack.pop().unwrap_or_default();
            let v = frame.stack.pop().unwrap_or_default();
            attr::store_attr(ctx!(), &obj, &name, v)?;
        }
        Instr::DeleteAttr(i) => {
            let frame = top(thread);
            let name = frame.func.code.names[i as usize].clone();
            let obj = frame.stack.pop().unwrap_or_default();
            ctx!().delattr(&obj, &name)?;
        }
        Instr::Pop => {
            if let Value::Generator(gen) = pop(thread) {
                // The last reference to a suspended generator (`for x in gen: break`): CPython closes it
                // now, running its `finally` blocks.
                return generators::finalize(interp, thread, gen);
            }
        }
        Instr::Dup => return Err(system_error(interp, "Dup on an empty stack")),
        Instr::DupTop2 => {
            let frame = top(thread);
            let len = frame.stack.len();
            if len < 2 {
                return Err(system_error(interp, "DupTop2 on a short stack"));
            }
            let (a, b) = (frame.stack[len - 2].clone(), frame.stack[len - 1].clone());
            frame.stack.push(a);
            frame.stack.push(b);
        }
        Instr::Rot2 | Instr::Rot3 | Instr::Rot4 => {
            let n = match instr {
                Instr::Rot2 => 2,
                Instr::Rot3 => 3,
                _ => 4,
            };
            let frame = top(thread);
            let len = frame.stack.len();
            if len < n {
                return Err(system_error(interp, "rotation on a short stack"));
            }
            frame.stack[len - n..].rotate_right(1);
        }
        Instr::Unary(op) => {
            let a = pop(thread);
            let r = match (op, &a) {
                (UnaryOp::Not, _) => Value::Bool(!ops::truthy(ctx!(), &a)?),
                (UnaryOp::Neg, Value::Int(i)) if *i != i64::MIN => Value::Int(-i),
                _ => ops::unary(ctx!(), op, &a)?,
            };
            push(thread, r);
        }
        Instr::Binary(op) => {
            let b = pop(thread);
            let a = pop(thread);
            let r = ops::binary(ctx!(), op, &a, &b)?;
            push(thread, r);
        }
        Instr::InplaceBinary(op) => {
            let b = pop(thread);
            let a = pop(thread);
            let r = ops::inplace(ctx!(), op, &a, &b)?;
            push(thread, r);
        }
        Instr::Compare(op) => {
            let b = pop(thread);
            let a = pop(thread);
            let r = ops::compare(ctx!(), op, &a, &b)?;
            push(thread, r);
        }
        Instr::BuildTuple(n) => {
            let frame = top(thread);
            let items = frame.stack.split_off(frame.stack.len() - n as usize);
            frame.stack.push(Value::tuple(items));
        }
        Instr::BuildList(n) => {
            let frame = top(thread);
            let items = frame.stack.split_off(frame.stack.len() - n as usize);
            frame.stack.push(Value::list(items));
        }
        Instr::BuildSet(n) => {
            let frame = top(thread);
            let items = frame.stack.split_off(frame.stack.len() - n as usize);
            let mut set = indexmap::IndexSet::with_capacity(items.len());
            for v in items {
                set.insert(ops::hash_key(ctx!(), &v)?);
            }
            push(
                thread,
                Value::Set(Arc::new(Set {
                    items: Lock::new(set),
                })),
            );
        }
        Instr::BuildMap(n) => {
            let frame = top(thread);
            let items = frame.stack.split_off(frame.stack.len() - 2 * n as usize);
            let mut map = indexmap::IndexMap::with_capacity(n as usize);
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                map.insert(ops::hash_key(ctx!(), &k)?, v);
            }
            push(
                thread,
                Value::Dict(Arc::new(Dict {
                    map: Lock::new(map),
                })),
            );
        }
        Instr::BuildSlice(n) => {
            let step = if n == 3 { pop(thread) } else { Value::None };
            let stop = pop(thread);
            let start = pop(thread);
            push(thread, Value::Slice(Arc::new(Slice { start, stop, step })));
        }
        Instr::ListAppend(i) => {
            let frame = top(thread);
            let v = frame.stack.pop().unwrap_or_default();
            let target = &frame.stack[frame.stack.len() - i as usize];
            match target {
                Value::List(l) => l.items.lock().push(v),
                _ => return Err(system_error(interp, "ListAppend to a non-list")),
            }
        }
        Instr::SetAdd(i) => {
            let frame = top(thread);
            let v = frame.stack.pop().unwrap_or_default();
            let target = frame.stack[frame.stack.len() - i as usize].clone();
            let key = ops::hash_key(ctx!(), &v)?;
            match target {
                Value::Set(s) => {
                    s.items.lock().insert(key);
                }
                _ => return Err(system_error(interp, "SetAdd to a non-set")),
            }
        }
        Instr::MapAdd(i) => {
            let frame = top(thread);
            let v = frame.stack.pop().unwrap_or_default();
            let k = frame.stack.pop().unwrap_or_default();
            let target = frame.stack[frame.stack.len() - i as usize].clone();
            let key = ops::hash_key(ctx!(), &k)?;
            match target {
                Value::Dict(d) => {
                    d.map.lock().insert(key, v);
                }
                _ => return Err(system_error(interp, "MapAdd to a non-dict")),
            }
        }
        Instr::ListExtend(i) => {
            let frame = top(thread);
            let v = frame.stack.pop().unwrap_or_default();
            let target = frame.stack[frame.stack.len() - i as usize].clone();
            let items = ctx!().iterate(&v)?;
            match target {
                Value::List(l) => l.items.lock().extend(items),
                _ => return Err(system_error(interp, "ListExtend to a non-list")),
            }
        }
        Instr::SetUpdate(i) => {
            let frame = top(thread);
            let v = frame.stack.pop().unwrap_or_default();
            let target = frame.stack[frame.stack.len() - i as usize].clone();
            let items = ctx!().iterate(&v)?;
            let mut keys = Vec::with_capacity(items.len());
            for item in items {
                keys.push(ops::hash_key(ctx!(), &item)?);
            }
            match target {
                Value::Set(s) => s.items.lock().extend(keys),
                _ => return Err(system_error(interp, "SetUpdate to a non-set")),
            }
        }
        Instr::DictUpdate(i) => {
            let frame = top(thread);
            let v = frame.stack.pop().unwrap_or_default();
            let target = frame.stack[frame.stack.len() - i as usize].clone();
            let entries: Vec<(HashKey, Value)> = match &v {
                Value::Dict(d) => d
                    .map
                    .lock()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                other => {
                    let name = ops::type_name(ctx!(ref), other);
                    return Err(ctx!(ref).raise(
                        ExcType::TypeError,
                        &format!("'{name}' object is not a mapping"),
                    ));
                }
            };
            match target {
                Value::Dict(d) => d.map.lock().extend(entries),
                _ => return Err(system_error(interp, "DictUpdate to a non-dict")),
            }
        }
        Instr::DictMerge(i) => {
            let frame = top(thread);
            let v = frame.stack.pop().unwrap_or_default();
            let len = frame.stack.len();
            let target = frame.stack[len - i as usize].clone();
            let func = frame
                .stack
                .get(len.wrapping_sub(i as usize + 2))
                .cloned()
                .unwrap_or_default();
            let entries: Vec<(HashKey, Value)> = match &v {
                Value::Dict(d) => d
                    .map
                    .lock()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                other => {
                    let name = ops::type_name(ctx!(ref), other);
                    let f = call::function_str(ctx!(), &func);
                    return Err(ctx!(ref).raise(
                        ExcType::TypeError,
                        &format!("{f} argument after ** must be a mapping, not {name}"),
                    ));
                }
            };
            let Value::Dict(d) = target else {
                return Err(system_error(interp, "DictMerge to a non-dict"));
            };
            let mut repeated = None;
            {
                let mut map = d.map.lock();
                for (k, v) in entries {
                    if map.contains_key(&k) {
                        repeated = Some(k);
                        break;
                    }
                    map.insert(k, v);
                }
            }
            if let Some(key) = repeated {
                let f = call::function_str(ctx!(), &func);
                let key = ops::str(ctx!(), &key.0)?;
                return Err(ctx!(ref).raise(
                    ExcType::TypeError,
                    &format!("{f} got multiple values for keyword argument '{key}'"),
                ));
            }
        }
        Instr::ListToTuple => {
            let v = pop(thread);
            let t = match v {
                Value::List(l) => Value::tuple(l.items.lock().clone()),
                other => other,
            };
            push(thread, t);
        }
        Instr::UnpackSequence(n) => {
            let v = pop(thread);
            let items = unpack_items(ctx!(), &v)?;
            let n = n as usize;
            if items.len() != n {
                let msg = if items.len() < n {
                    format!(
                        "not enough values to unpack (expected {n}, got {})",
                        items.len()
                    )
                } else {
                    format!("too many values to unpack (expected {n})")
                };
                return Err(ctx!(ref).raise(ExcType::ValueError, &msg));
            }
            top(thread).stack.extend(items.into_iter().rev());
        }
        Instr::UnpackEx { before, after } => {
            let v = pop(thread);
            let mut items = unpack_items(ctx!(), &v)?;
            let (before, after) = (before as usize, after as usize);
            if items.len() < before + after {
                return Err(ctx!(ref).raise(
                    ExcType::ValueError,
                    &format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        before + after,
                        items.len()
                    ),
                ));
            }
            let tail = items.split_off(items.len() - after);
            let middle = items.split_off(before);
            let frame = top(thread);
            frame.stack.extend(tail.into_iter().rev());
            frame.stack.push(Value::list(middle));
            frame.stack.extend(items.into_iter().rev());
        }
        Instr::Subscr => {
            let key = pop(thread);
            let obj = pop(thread);
            let r = match (&obj, &key) {
                (Value::List(l), Value::Int(i)) => {
                    let items = l.items.lock();
                    let idx = if *i < 0 { *i + items.len() as i64 } else { *i };
                    if idx >= 0 && (idx as usize) < items.len() {
                        Some(items[idx as usize].clone())
                    } else {
                        None
                    }
                }
                _ => None,
            };
            let r = match r {
                Some(r) => r,
                None => ops::getitem(ctx!(), &obj, &key)?,
            };
            push(thread, r);
        }
        Instr::StoreSubscr => {
            let key = pop(thread);
            let obj = pop(thread);
            let v = pop(thread);
            ops::setitem(ctx!(), &obj, &key, v)?;
        }
        Instr::DeleteSubscr => {
            let key = pop(thread);
            let obj = pop(thread);
            ops::delitem(ctx!(), &obj, &key)?;
        }
        Instr::Jump(t) => top(thread).ip = t as usize,
        Instr::PopJumpIfFalse(t) | Instr::PopJumpIfTrue(t) => {
            let v = pop(thread);
            let truth = ops::truthy(ctx!(), &v)?;
            if truth == matches!(instr, Instr::PopJumpIfTrue(_)) {
                top(thread).ip = t as usize;
            }
        }
        Instr::JumpIfFalseOrPop(t) | Instr::JumpIfTrueOrPop(t) => {
            let v = top(thread).stack.last().cloned().unwrap_or_default();
            let truth = match &v {
                Value::Bool(b) => *b,
                Value::Int(i) => *i != 0,
                Value::None => false,
                _ => ops::truthy(ctx!(), &v)?,
            };
            let frame = top(thread);
            if truth == matches!(instr, Instr::JumpIfTrueOrPop(_)) {
                frame.ip = t as usize;
            } else {
                frame.stack.pop();
            }
        }
        Instr::GetIter => {
            let v = pop(thread);
            let it = match v {
                v @ (Value::Iterator(_) | Value::Generator(_)) => v,
                other => ops::get_iter(ctx!(), &other)?,
            };
            push(thread, it);
        }
        Instr::ForIter(target) => return for_iter(interp, thread, target),
        Instr::Call(argc) => return call::exec_call(interp, thread, argc as usize, &[]),
        Instr::CallKw { argc, names } => {
            let names = kw_names(interp, &top(thread).func.code, names)?;
            return call::exec_call(interp, thread, argc as usize, &names);
        }
        Instr::CallEx { kwargs } => return call::exec_call_ex(interp, thread, kwargs),
        Instr::MakeFunction { code, flags } => {
            let frame = top(thread);
            let Some(Const::Code(fcode)) = frame.func.code.consts.get(code as usize) else {
                return Err(system_error(interp, "MakeFunction without code"));
            };
            let fcode = fcode.clone();
            let closure = if flags & FN_CLOSURE != 0 {
                match frame.stack.pop() {
                    Some(Value::Tuple(cells)) => cells
                        .iter()
                        .map(|c| match c {
                            Value::Cell(c) => c.clone(),
                            _ => Arc::new(Cell::default()),
                        })
                        .collect(),
                    _ => return Err(system_error(interp, "closure is not a tuple of cells")),
                }
            } else {
                Vec::new()
            };
            let kwdefaults = if flags & FN_KWDEFAULTS != 0 {
                match frame.stack.pop() {
                    Some(Value::Dict(d)) => d
                        .map
                        .lock()
                        .iter()
                        .filter_map(|(k, v)| match &k.0 {
                            Value::Str(s) => Some((s.clone(), v.clone())),
                            _ => None,
                        })
                        .collect(),
                    _ => return Err(system_error(interp, "keyword defaults are not a dict")),
                }
            } else {
                Vec::new()
            };
            let defaults = if flags & FN_DEFAULTS != 0 {
                match frame.stack.pop() {
                    Some(Value::Tuple(t)) => t.to_vec(),
                    Some(Value::List(l)) => l.items.lock().clone(),
                    _ => return Err(system_error(interp, "defaults are not a tuple")),
                }
            } else {
                Vec::new()
            };
            let f = Function {
                code: fcode,
                module: frame.func.module.clone(),
                defaults,
                kwdefaults,
                closure,
                dict: Lock::new(Default::default()),
            };
            frame.stack.push(Value::Function(Arc::new(f)));
        }
        Instr::MakeClass { name, has_base } => {
            let frame = top(thread);
            let name = frame.func.code.names[name as usize].clone();
            let base = if has_base { frame.stack.pop() } else { None };
            let body = frame.stack.pop().unwrap_or_default();
            return call::make_class(interp, thread, name, body, base);
        }
        Instr::BuildSuper => {
            let obj = pop(thread);
            let cls = pop(thread);
            match cls {
                Value::Class(class) => push(
                    thread,
                    Value::Super(Arc::new(crate::vm::value::Super {
                        class,
                        receiver: obj,
                    })),
                ),
                _ => {
                    return Err(
                        ctx!(ref).raise(ExcType::RuntimeError, "super(): __class__ cell not found")
                    )
                }
            }
        }
        Instr::Return => {
            let v = pop(thread);
            return exec_return(interp, thread, v);
        }
        Instr::Yield => {
            let v = pop(thread);
            return generators::yield_value(interp, thread, v);
        }
        Instr::YieldFrom => return generators::yield_from(interp, thread),
        Instr::GetAwaitable => return generators::get_awaitable(interp, thread),
        Instr::SetupExcept(t) | Instr::SetupFinally(t) => {
            let frame = top(thread);
            let depth = frame.stack.len() as u32;
            frame
                .blocks
                .push(if matches!(instr, Instr::SetupExcept(_)) {
                    BlockEntry::Except { target: t, depth }
                } else {
                    BlockEntry::Finally { target: t, depth }
                });
        }
        Instr::PopBlock => {
            let frame = top(thread);
            if let Some(i) = frame
                .blocks
                .iter()
                .rposition(|b| !matches!(b, BlockEntry::Handler(_)))
            {
                frame.blocks.remove(i);
            }
        }
        Instr::PopExcept => {
            let frame = top(thread);
            if let Some(i) = frame
                .blocks
                .iter()
                .rposition(|b| matches!(b, BlockEntry::Handler(_)))
            {
                frame.blocks.remove(i);
            }
        }
        Instr::Raise(n) => return exceptions::exec_raise(interp, thread, n),
        Instr::Reraise => {
            let exc = pop(thread);
            return Ok(exceptions::raise(interp, thread, exc, Raising::Reraise));
        }
        Instr::CheckExcMatch => {
            let class = pop(thread);
            let exc = top(thread).stack.last().cloned().unwrap_or_default();
            let m = exceptions::exc_matches(ctx!(), &exc, &class)?;
            push(thread, Value::Bool(m));
        }
        Instr::PrepareExit => {
            let exc = pop(thread);
            let exit = pop(thread);
            let class = Value::Class(class_of(ctx!(ref), &exc));
            let frame = top(thread);
            frame.stack.push(exc.clone());
            frame.stack.push(exit);
            frame.stack.push(class);
            frame.stack.push(exc);
            frame.stack.push(Value::None);
        }
        Instr::LoadAssertionError => {
            push(
                thread,
                Value::Class(interp.types.exc(ExcType::AssertionError).clone()),
            );
        }
        Instr::FormatValue(flags) => {
            let spec = if flags & 4 != 0 {
                match pop(thread) {
                    Value::Str(s) => Some(s),
                    _ => None,
                }
            } else {
                None
            };
            let v = pop(thread);
            let conv = flags & 3;
            let s = match (&v, conv, &spec) {
                (Value::Str(_), 0 | 1, None) => v,
                _ => Value::str(&format::format_value(ctx!(), &v, conv, spec.as_deref())?),
            };
            push(thread, s);
        }
        Instr::BuildString(n) => {
            let frame = top(thread);
            let parts = frame.stack.split_off(frame.stack.len() - n as usize);
            let mut s = String::new();
            for p in &parts {
                if let Value::Str(t) = p {
                    s.push_str(t);
                }
            }
            frame.stack.push(Value::str(&s));
        }
        Instr::ImportName(i) => {
            let name = top(thread).func.code.names[i as usize].clone();
            if let Some(module) = imports::import_name(interp, thread, &name)? {
                push(thread, Value::Module(module));
            }
        }
        Instr::ImportFrom(i) => {
            let name = top(thread).func.code.names[i as usize].clone();
            if let Some(v) = imports::import_from(interp, thread, &name)? {
                push(thread, v);
            }
        }
    }
    Ok(None)
}

/// The items of a value being unpacked.
fn unpack_items(ctx: &mut Ctx<'_>, v: &Value) -> Result<Vec<Value>, Flow> {
    match v {
        Value::Tuple(t) => Ok(t.to_vec()),
        Value::List(l) => Ok(l.items.lock().clone()),
        _ => {
            let iterable = matches!(
                v,
                Value::Str(_)
                    | Value::Dict(_)
                    | Value::Set(_)
                    | Value::Range(_)
                    | Value::Iterator(_)
                    | Value::Generator(_)
                    | Value::Instance(_)
                    | Value::Native(_)
            );
            if !iterable {
                let name = ops::type_name(ctx, v);
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("cannot unpack non-iterable {name} object"),
                ));
            }
            ctx.iterate(v)
        }
    }
}

/// `ForIter` on anything the fast path did not take.
fn for_iter(interp: &Arc<Interp>, thread: &mut ThreadState, target: u32) -> Step {
    let it = top(thread).stack.last().cloned().unwrap_or_default();
    match &it {
        Value::Generator(gen) => {
            match generators::resume(
                interp,
                thread,
                gen,
                GenMode::ForIter,
                generators::Resume::Send(Value::None),
                false,
            )? {
                generators::Resumed::Pushed => {}
                generators::Resumed::Finished(_) => {
                    let frame = top(thread);
                    frame.stack.pop();
                    frame.ip = target as usize;
                }
            }
            Ok(None)
        }
        Value::Iterator(_) => {
            let next = ops::iter_next(&mut Ctx { interp, thread }, &it)?;
            let frame = top(thread);
            match next {
                Some(v) => frame.stack.push(v),
                None => {
                    frame.stack.pop();
                    frame.ip = target as usize;
                }
            }
            Ok(None)
        }
        _ => {
            // A user iterator: call its `__next__` in a frame of its own; StopIteration ends the loop.
            let mut ctx = Ctx { interp, thread };
            let next = ctx.getattr(&it, "__next__")?;
            match call::call_value(interp, thread, &next, &[], &[], false)? {
                Called::Pushed => {
                    top(thread).on_return = OnReturn::IterNext;
                }
                Called::Done(v) => push(thread, v),
            }
            Ok(None)
        }
    }
}

/// `Return`: pops the frame and hands the value on as the frame says.
pub(super) fn exec_return(interp: &Arc<Interp>, thread: &mut ThreadState, v: Value) -> Step {
    let mut frame = thread.exec.frames.pop().expect("a frame to return from");
    let barrier = frame.barrier;
    recycle(&mut thread.exec, &mut frame);
    let on_return = std::mem::replace(&mut frame.on_return, OnReturn::Push);
    let result = match on_return {
        OnReturn::Push | OnReturn::IterNext => v,
        OnReturn::Init(instance) => {
            if !matches!(v, Value::None) {
                let name = ops::type_name(&Ctx { interp, thread }, &v);
                let exc = interp.types.new_exception(
                    ExcType::TypeError,
                    &format!("__init__() should return None, not '{name}'"),
                );
                return settle_error(interp, thread, exc, barrier);
            }
            instance
        }
        OnReturn::Class { name, base } => match call::build_class(&mut frame, name, base, v) {
            Ok(class) => class,
            Err(Flow::Raise(exc)) => return settle_error(interp, thread, exc, barrier),
            Err(flow) => return Err(flow),
        },
        OnReturn::Import { .. } => {
            if barrier {
                return Ok(Some(Exit::Returned(Value::None)));
            }
            // The importing instruction runs again and now finds the module.
            if let Some(caller) = thread.exec.frames.last_mut() {
                caller.ip -= 1;
            }
            return Ok(None);
        }
        OnReturn::Generator(gen, mode) => {
            drop(frame);
            generators::finish(&gen);
            if barrier {
                return Ok(Some(Exit::GenReturned(v)));
            }
            return generators::returned(interp, thread, &gen, mode, v);
        }
    };
    drop(frame);
    if barrier {
        return Ok(Some(Exit::Returned(result)));
    }
    push(thread, result);
    Ok(None)
}

/// An error that arises as a frame ends: raised in the caller, or out of the loop at a barrier.
fn settle_error(interp: &Arc<Interp>, thread: &mut ThreadState, exc: Value, barrier: bool) -> Step {
    if barrier {
        return Ok(Some(Exit::Raised(exc)));
    }
    Ok(exceptions::raise(interp, thread, exc, Raising::Native))
}

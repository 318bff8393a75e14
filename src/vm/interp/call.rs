//! Calls: CPython's argument binding (with its `TypeError` messages), calling each kind of callable, and
//! making classes.

use std::sync::Arc;

use indexmap::IndexMap;

use super::{attr, generators, push_frame, system_error, Step};
use crate::vm::frame::{ExecState, Frame, Generator, OnReturn};
use crate::vm::types::{is_subclass, ExcType};
use crate::vm::value::{
    next_id, Builtin, BuiltinType, Cell, Class, Dict, Flow, Function, HashKey, Lock, Namespace,
    Value,
};
use crate::vm::{builtins, ops, Ctx, Interp, ThreadState};

/// What a call did.
#[derive(Debug)]
pub(crate) enum Called {
    /// It completed with this value (a native, a class without Python `__init__`, a new generator).
    Done(Value),
    /// It pushed a frame; the value comes when that frame returns.
    Pushed,
}

fn type_error(interp: &Arc<Interp>, msg: &str) -> Flow {
    Flow::Raise(interp.types.new_exception(ExcType::TypeError, msg))
}

/// `Call`/`CallKw`: `[f, a1..an] → [f(..)]`, the last `kwnames.len()` values being keyword arguments.
/// A native that must wait leaves the stack as it was (the call is made again after the wait).
pub(crate) fn exec_call(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    argc: usize,
    kwnames: &[Arc<str>],
) -> Step {
    let fi = thread.exec.frames.len() - 1;
    let ExecState {
        frames,
        spare_locals,
        ..
    } = &mut thread.exec;
    let frame = &mut frames[fi];
    let len = frame.stack.len();
    if len < argc + 1 {
        return Err(system_error(interp, "a call on a short stack"));
    }
    let base = len - argc - 1;
    if kwnames.is_empty() {
        // The fast paths: a plain function or method called with exactly its positional parameters, and
        // the generator resumes the interpreter makes itself.
        let receiver = match &frame.stack[base] {
            Value::Function(func) if simple(func, argc) => None,
            Value::Method(m) if matches!(&m.func, Value::Function(f) if simple(f, argc + 1)) => {
                Some(m.receiver.clone())
            }
            Value::Builtin(b) if generators::intercepts(interp, b, &frame.stack[base + 1..]) => {
                let b = b.clone();
                let args = frame.stack.split_off(base + 1);
                frame.stack.pop();
                return generators::intercept(interp, thread, &b, args);
            }
            _ => return call_general(interp, thread, fi, base, kwnames),
        };
        let mut locals = spare_locals.pop().unwrap_or_default();
        locals.reserve(argc + 1);
        if let Some(receiver) = receiver {
            locals.push(Some(receiver));
        }
        for v in frame.stack.drain(base + 1..) {
            locals.push(Some(v));
        }
        let func = match frame.stack.pop() {
            Some(Value::Function(func)) => func,
            Some(Value::Method(m)) => match &m.func {
                Value::Function(func) => func.clone(),
                _ => return Err(system_error(interp, "a method changed under a call")),
            },
            _ => return Err(system_error(interp, "a callee changed under a call")),
        };
        return push_simple(interp, thread, func, locals);
    }
    call_general(interp, thread, fi, base, kwnames)
}

/// The general path of `exec_call`: the arguments stay on the stack (taken out of the frame while the
/// call runs), so a native that must wait finds them there when the call is made again.
fn call_general(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    fi: usize,
    base: usize,
    kwnames: &[Arc<str>],
) -> Step {
    let frame = &thread.exec.frames[fi];
    let len = frame.stack.len();
    let nkw = kwnames.len();
    if let Some(slot) = generators::drain_slot(&frame.stack, base, len - nkw - base - 1) {
        return generators::drain(interp, thread, slot);
    }
    let stack = std::mem::take(&mut thread.exec.frames[fi].stack);
    let kwargs: Vec<(Arc<str>, Value)> = kwnames
        .iter()
        .cloned()
        .zip(stack[len - nkw..].iter().cloned())
        .collect();
    let r = call_value(
        interp,
        thread,
        &stack[base],
        &stack[base + 1..len - nkw],
        &kwargs,
        false,
    );
    let mut stack = stack;
    let r = match r {
        Ok(Called::Done(v)) => {
            stack.truncate(base);
            stack.push(v);
            Ok(None)
        }
        Ok(Called::Pushed) => {
            stack.truncate(base);
            Ok(None)
        }
        Err(e) => Err(e),
    };
    thread.exec.frames[fi].stack = stack;
    r
}

/// A function called with exactly its positional parameters and nothing fancy: the fast path.
#[inline]
pub(super) fn simple(func: &Function, argc: usize) -> bool {
    let code = &func.code;
    let f = code.flags;
    code.argcount as usize == argc
        && code.kwonlyargcount == 0
        && !f.varargs
        && !f.varkw
        && !f.generator
        && !f.coroutine
        && code.cell_params.is_empty()
}

pub(super) fn push_simple(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    func: Arc<Function>,
    mut locals: Vec<Option<Value>>,
) -> Step {
    super::check_depth(interp, thread)?;
    let code = &func.code;
    locals.resize(code.varnames.len(), None);
    let cells = if code.cellvars.is_empty() && code.freevars.is_empty() {
        Vec::new()
    } else {
        make_cells(&func, &mut locals)
    };
    let exec = &mut thread.exec;
    let stack = exec
        .spare_stacks
        .pop()
        .unwrap_or_else(|| Vec::with_capacity(8));
    // Built in place: a `Frame` is large, and every move of it is a copy.
    exec.frames.push(Frame {
        func,
        locals,
        cells,
        stack,
        ip: 0,
        blocks: Vec::new(),
        namespace: None,
        on_return: OnReturn::Push,
        delegating: false,
        barrier: false,
    });
    Ok(None)
}

/// How CPython's messages about a call's arguments name the callable (`_PyObject_FunctionStr`):
/// `module.qualname()`, or `qualname()` for a builtin, or `str(f)` for what has no `__qualname__`.
pub(crate) fn function_str(ctx: &mut Ctx, f: &Value) -> String {
    let qualname = match ctx.getattr(f, "__qualname__") {
        Ok(Value::Str(q)) => q,
        _ => return ops::str(ctx, f).unwrap_or_default(),
    };
    match ctx.getattr(f, "__module__") {
        Ok(Value::Str(m)) if &*m != "builtins" => format!("{m}.{qualname}()"),
        _ => format!("{qualname}()"),
    }
}

/// `CallEx`: `[f, args] → [f(*args)]` or `[f, args, kwargs] → [f(*args, **kwargs)]`.
pub(crate) fn exec_call_ex(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    has_kwargs: bool,
) -> Step {
    let fi = thread.exec.frames.len() - 1;
    let frame = &thread.exec.frames[fi];
    let len = frame.stack.len();
    let base = len - 2 - has_kwargs as usize;
    let f = frame.stack[base].clone();
    let argv = frame.stack[base + 1].clone();
    let kwv = has_kwargs.then(|| frame.stack[base + 2].clone());
    let mut ctx = Ctx { interp, thread };
    let args: Vec<Value> = match &argv {
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => l.items.lock().clone(),
        other => ctx.iterate(other)?,
    };
    let kwargs: Vec<(Arc<str>, Value)> = match &kwv {
        None => Vec::new(),
        Some(Value::Dict(d)) => {
            let entries: Vec<(HashKey, Value)> = d
                .map
                .lock()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                match k.0 {
                    Value::Str(s) => out.push((s, v)),
                    _ => return Err(ctx.raise(ExcType::TypeError, "keywords must be strings")),
                }
            }
            out
        }
        Some(other) => {
            let name = ops::type_name(&ctx, other);
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("argument after ** must be a mapping, not {name}"),
            ));
        }
    };
    match call_value(interp, thread, &f, &args, &kwargs, false)? {
        Called::Done(v) => {
            let stack = &mut thread.exec.frames[fi].stack;
            stack.truncate(base);
            stack.push(v);
        }
        Called::Pushed => thread.exec.frames[fi].stack.truncate(base),
    }
    Ok(None)
}

/// Calls any callable. A Python function's frame is pushed (`Pushed`, with `barrier` set for a nested
/// run or a thread's first call); everything else completes at once (`Done`).
pub(crate) fn call_value(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    f: &Value,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
    barrier: bool,
) -> Result<Called, Flow> {
    match f {
        Value::Function(func) => call_function(interp, thread, func, None, args, kwargs, barrier),
        Value::Method(m) => match &m.func {
            Value::Function(func) => call_function(
                interp,
                thread,
                func,
                Some(&m.receiver),
                args,
                kwargs,
                barrier,
            ),
            other => {
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(m.receiver.clone());
                full.extend_from_slice(args);
                call_value(interp, thread, other, &full, kwargs, barrier)
            }
        },
        Value::Builtin(b) => call_native(interp, thread, b, args, kwargs).map(Called::Done),
        Value::Class(c) => call_class(interp, thread, c, args, kwargs, barrier),
        Value::Instance(inst) => match attr::class_lookup(&inst.class, "__call__") {
            Some(Value::Function(func)) => {
                call_function(interp, thread, &func, Some(f), args, kwargs, barrier)
            }
            Some(other) => {
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(f.clone());
                full.extend_from_slice(args);
                call_value(interp, thread, &other, &full, kwargs, barrier)
            }
            None => Err(not_callable(interp, thread, f)),
        },
        _ => Err(not_callable(interp, thread, f)),
    }
}

fn not_callable(interp: &Arc<Interp>, thread: &mut ThreadState, f: &Value) -> Flow {
    let name = ops::type_name(&Ctx { interp, thread }, f);
    type_error(interp, &format!("'{name}' object is not callable"))
}

/// Calls a native function (a bound one gets its receiver first). The thread's `retry` is cleared once
/// the call has completed or raised, and kept when it must wait.
pub(crate) fn call_native(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    b: &Builtin,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let mut ctx = Ctx { interp, thread };
    let r = match &b.receiver {
        None => (b.func)(&mut ctx, args, kwargs),
        Some(receiver) => {
            let mut full = Vec::with_capacity(args.len() + 1);
            full.push(receiver.clone());
            full.extend_from_slice(args);
            (b.func)(&mut ctx, &full, kwargs)
        }
    };
    if !matches!(r, Err(Flow::Block(_))) {
        ctx.thread.retry = None;
    }
    r
}

/// Calls a Python function: a new frame, or a new generator/coroutine object.
pub(crate) fn call_function(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    func: &Arc<Function>,
    receiver: Option<&Value>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
    barrier: bool,
) -> Result<Called, Flow> {
    let mut frame = bind(interp, func, receiver, args, kwargs)?;
    let flags = func.code.flags;
    if flags.generator || flags.coroutine {
        let gen = Generator::new(frame, flags.coroutine);
        return Ok(Called::Done(Value::Generator(Arc::new(gen))));
    }
    frame.barrier = barrier;
    push_frame(interp, thread, frame)?;
    Ok(Called::Pushed)
}

/// The cells of a new frame of `func`: fresh cells for its cell variables (parameters among them
/// moved into theirs), then its closure.
fn make_cells(func: &Function, locals: &mut [Option<Value>]) -> Vec<Arc<Cell>> {
    let code = &func.code;
    if code.cellvars.is_empty() && code.freevars.is_empty() {
        return Vec::new();
    }
    let mut cells: Vec<Arc<Cell>> = Vec::with_capacity(code.cellvars.len() + code.freevars.len());
    cells.extend(code.cellvars.iter().map(|_| Arc::new(Cell::default())));
    cells.extend(func.closure.iter().cloned());
    while cells.len() < code.cellvars.len() + code.freevars.len() {
        cells.push(Arc::new(Cell::default()));
    }
    for &(ci, vi) in &code.cell_params {
        if let (Some(cell), Some(slot)) = (cells.get(ci as usize), locals.get_mut(vi as usize)) {
            *cell.value.lock() = slot.take();
        }
    }
    cells
}

/// "'a'", "'a' and 'b'", "'a', 'b', and 'c'" (CPython's list of missing arguments).
fn name_list(names: &[Arc<str>]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Binds a call's arguments to `func`'s parameters as CPython does, in a new frame (not pushed).
pub(crate) fn bind(
    interp: &Arc<Interp>,
    func: &Arc<Function>,
    receiver: Option<&Value>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Frame, Flow> {
    let code = &func.code;
    let qualname = &code.qualname;
    let n = code.argcount as usize;
    let posonly = code.posonlyargcount as usize;
    let kwonly = code.kwonlyargcount as usize;
    let total = n + kwonly;
    let nvars = code
        .varnames
        .len()
        .max(total + code.flags.varargs as usize + code.flags.varkw as usize);
    let given = args.len() + receiver.is_some() as usize;
    let mut locals: Vec<Option<Value>> = Vec::with_capacity(nvars);
    let mut positional = receiver.into_iter().chain(args.iter());
    for _ in 0..given.min(n) {
        locals.push(positional.next().cloned());
    }
    locals.resize(nvars, None);
    let mut slot = total;
    if code.flags.varargs {
        locals[slot] = Some(Value::tuple(positional.cloned().collect()));
        slot += 1;
    }
    let mut kwdict = code.flags.varkw.then(IndexMap::new);
    let mut posonly_as_kw: Vec<Arc<str>> = Vec::new();
    for (name, v) in kwargs {
        let found = code.varnames[posonly.min(total)..total]
            .iter()
            .position(|p| p == name)
            .map(|i| i + posonly);
        match found {
            Some(j) => {
                if locals[j].is_some() {
                    return Err(type_error(
                        interp,
                        &format!("{qualname}() got multiple values for argument '{name}'"),
                    ));
                }
                locals[j] = Some(v.clone());
            }
            None => match &mut kwdict {
                Some(d) => {
                    d.insert(HashKey(Value::Str(name.clone())), v.clone());
                }
                None => {
                    if code.varnames[..posonly.min(total)].contains(name) {
                        posonly_as_kw.push(name.clone());
                    } else {
                        return Err(type_error(
                            interp,
                            &format!("{qualname}() got an unexpected keyword argument '{name}'"),
                        ));
                    }
                }
            },
        }
    }
    if !posonly_as_kw.is_empty() {
        let names: Vec<String> = posonly_as_kw.iter().map(|n| format!("'{n}'")).collect();
        return Err(type_error(
            interp,
            &format!(
                "{qualname}() got some positional-only arguments passed as keyword arguments: {}",
                names.join(", ")
            ),
        ));
    }
    if let Some(d) = kwdict {
        locals[slot] = Some(Value::Dict(Arc::new(Dict { map: Lock::new(d) })));
    }
    if !code.flags.varargs && given > n {
        let ndef = func.defaults.len().min(n);
        let kwonly_given = locals[n..total].iter().filter(|v| v.is_some()).count();
        let (sig, plural) = if ndef > 0 {
            (format!("from {} to {}", n - ndef, n), true)
        } else {
            (n.to_string(), n != 1)
        };
        let kwonly_sig = if kwonly_given > 0 {
            format!(
                " positional argument{} (and {} keyword-only argument{})",
                if given != 1 { "s" } else { "" },
                kwonly_given,
                if kwonly_given != 1 { "s" } else { "" }
            )
        } else {
            String::new()
        };
        let was = if given == 1 && kwonly_given == 0 {
            "was"
        } else {
            "were"
        };
        return Err(type_error(
            interp,
            &format!(
                "{qualname}() takes {sig} positional argument{} but {given}{kwonly_sig} {was} given",
                if plural { "s" } else { "" }
            ),
        ));
    }
    let ndef = func.defaults.len().min(n);
    let first_default = n - ndef;
    let mut missing: Vec<Arc<str>> = Vec::new();
    for (i, slot) in locals.iter_mut().enumerate().take(n) {
        if slot.is_none() {
            if i >= first_default {
                *slot =
                    Some(func.defaults[func.defaults.len() - ndef + (i - first_default)].clone());
            } else {
                missing.push(code.varnames[i].clone());
            }
        }
    }
    if !missing.is_empty() {
        return Err(type_error(
            interp,
            &format!(
                "{qualname}() missing {} required positional argument{}: {}",
                missing.len(),
                if missing.len() != 1 { "s" } else { "" },
                name_list(&missing)
            ),
        ));
    }
    for (j, slot) in locals.iter_mut().enumerate().take(total).skip(n) {
        if slot.is_none() {
            let name = &code.varnames[j];
            match func.kwdefaults.iter().find(|(k, _)| k == name) {
                Some((_, v)) => *slot = Some(v.clone()),
                None => missing.push(name.clone()),
            }
        }
    }
    if !missing.is_empty() {
        return Err(type_error(
            interp,
            &format!(
                "{qualname}() missing {} required keyword-only argument{}: {}",
                missing.len(),
                if missing.len() != 1 { "s" } else { "" },
                name_list(&missing)
            ),
        ));
    }
    let cells = make_cells(func, &mut locals);
    Ok(Frame::new(func.clone(), locals, cells))
}

/// Calls a class: builtin types construct their values; other classes make an instance and run its
/// `__init__` (in a frame of its own).
fn call_class(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    cls: &Arc<Class>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
    barrier: bool,
) -> Result<Called, Flow> {
    if let Some(kind) = cls.builtin {
        let mut ctx = Ctx { interp, thread };
        return builtins::construct(&mut ctx, kind, args, kwargs).map(Called::Done);
    }
    let (new, init) = attr::new_and_init(cls);
    // A class implemented in Rust makes its objects itself.
    if let Some(Value::Builtin(new)) = new {
        let mut full = Vec::with_capacity(args.len() + 1);
        full.push(Value::Class(cls.clone()));
        full.extend_from_slice(args);
        return call_native(interp, thread, &new, &full, kwargs).map(Called::Done);
    }
    let is_exc = is_subclass(cls, interp.types.exc(ExcType::BaseException));
    let instance = attr::new_instance(cls.clone());
    if is_exc {
        if let Value::Instance(inst) = &instance {
            let mut dict = inst.dict.lock();
            dict.insert(Arc::from("args"), Value::tuple(args.to_vec()));
            if is_subclass(cls, interp.types.exc(ExcType::StopIteration)) {
                dict.insert(
                    Arc::from("value"),
                    args.first().cloned().unwrap_or_default(),
                );
            }
        }
    }
    match init {
        Some(Value::Function(init)) => {
            let mut frame = if kwargs.is_empty() && simple(&init, args.len() + 1) {
                let mut locals = thread.exec.spare_locals.pop().unwrap_or_default();
                locals.push(Some(instance.clone()));
                locals.extend(args.iter().cloned().map(Some));
                locals.resize(init.code.varnames.len(), None);
                let cells = make_cells(&init, &mut locals);
                Frame::new(init.clone(), locals, cells)
            } else {
                bind(interp, &init, Some(&instance), args, kwargs)?
            };
            frame.on_return = OnReturn::Init(instance);
            frame.barrier = barrier;
            push_frame(interp, thread, frame)?;
            Ok(Called::Pushed)
        }
        Some(other) => {
            let mut full = Vec::with_capacity(args.len() + 1);
            full.push(instance.clone());
            full.extend_from_slice(args);
            let mut ctx = Ctx { interp, thread };
            let r = ctx.call(&other, &full, kwargs)?;
            if !matches!(r, Value::None) {
                let name = ops::type_name(&ctx, &r);
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("__init__() should return None, not '{name}'"),
                ));
            }
            Ok(Called::Done(instance))
        }
        None => {
            if is_exc {
                if !kwargs.is_empty() {
                    return Err(type_error(
                        interp,
                        &format!("{}() takes no keyword arguments", cls.name),
                    ));
                }
            } else if !args.is_empty() || !kwargs.is_empty() {
                return Err(type_error(
                    interp,
                    &format!("{}() takes no arguments", cls.name),
                ));
            }
            Ok(Called::Done(instance))
        }
    }
}

/// `MakeClass`: runs the class body in a frame with a fresh namespace; the class is made when it returns.
pub(crate) fn make_class(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    name: Arc<str>,
    body: Value,
    base: Option<Value>,
) -> Step {
    let base = match base {
        None => interp.types.of(BuiltinType::Object).clone(),
        Some(Value::Class(c)) => {
            if let Some(kind) = c.builtin {
                if kind != BuiltinType::Object {
                    return Err(type_error(
                        interp,
                        &format!("ThreadLab classes can't inherit from {} yet", c.name),
                    ));
                }
            }
            c
        }
        Some(other) => {
            let tname = ops::type_name(&Ctx { interp, thread }, &other);
            return Err(type_error(
                interp,
                &format!(
                    "ThreadLab classes can only inherit from a class, not from a '{tname}' object"
                ),
            ));
        }
    };
    let Value::Function(body) = body else {
        return Err(system_error(interp, "MakeClass without a body function"));
    };
    let mut frame = bind(interp, &body, None, &[], &[])?;
    let mut ns = Namespace::default();
    ns.insert(
        Arc::from("__module__"),
        Value::Str(body.module.name.clone()),
    );
    ns.insert(
        Arc::from("__qualname__"),
        Value::Str(body.code.qualname.clone()),
    );
    frame.namespace = Some(Box::new(ns));
    frame.on_return = OnReturn::Class { name, base };
    push_frame(interp, thread, frame)?;
    Ok(None)
}

/// Makes the class once its body has run; `cell` is what the body returned (the `__class__` cell of
/// methods using `super()`, or `None`).
pub(crate) fn build_class(
    frame: &mut Frame,
    name: Arc<str>,
    base: Arc<Class>,
    cell: Value,
) -> Result<Value, Flow> {
    let mut dict = frame.namespace.take().map(|ns| *ns).unwrap_or_default();
    let qualname = match dict.shift_remove("__qualname__") {
        Some(Value::Str(q)) => q,
        _ => frame.func.code.qualname.clone(),
    };
    let module = match dict.get("__module__") {
        Some(Value::Str(m)) => m.clone(),
        _ => frame.func.module.name.clone(),
    };
    let class = Arc::new(Class {
        name,
        qualname,
        module,
        base: Some(base),
        dict: Lock::new(dict),
        builtin: None,
        id: next_id(),
    });
    if let Value::Cell(c) = cell {
        *c.value.lock() = Some(Value::Class(class.clone()));
    }
    Ok(Value::Class(class))
}

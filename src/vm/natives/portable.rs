//! Values crossing between processes as copies ([`Portable`]), the way pickle makes them: data is
//! copied; module-level functions and classes cross by module and name and are found again by name in
//! the other process; a `multiprocessing.Queue` crosses as its host channel. What pickle refuses
//! (locks, generators, lambdas, nested functions) is refused with pickle's messages.

use std::sync::Arc;

use super::threadlab::ChannelQueue;
use super::{import, native_class};
use crate::vm::host::Portable;
use crate::vm::types::{is_subclass, new_exception_of, ExcType};
use crate::vm::value::{Class, Dict, Flow, HashKey, Instance, Lock, Module, Set, Value};
use crate::vm::{ops, Ctx};

/// How deep containers may nest before copying gives up (pickle's own recursion limit is the
/// interpreter's).
const MAX_DEPTH: usize = 200;

/// Copies `value` for another process (`TypeError`, `AttributeError` or `PicklingError` with pickle's
/// messages for what can't cross).
#[optimize(size)]
pub fn to_portable(ctx: &mut Ctx<'_>, value: &Value) -> Result<Portable, Flow> {
    convert(ctx, value, 0)
}

#[optimize(size)]
fn convert(ctx: &mut Ctx<'_>, value: &Value, depth: usize) -> Result<Portable, Flow> {
    if depth > MAX_DEPTH {
        return Err(ctx.raise(
            ExcType::RecursionError,
            "maximum recursion depth exceeded while pickling an object",
        ));
    }
    let all = |ctx: &mut Ctx<'_>, items: &[Value]| -> Result<Vec<Portable>, Flow> {
        items.iter().map(|v| convert(ctx, v, depth + 1)).collect()
    };
    Ok(match value {
        Value::None => Portable::None,
        Value::Bool(b) => Portable::Bool(*b),
        Value::Int(i) => Portable::Int(*i),
        Value::Float(f) => Portable::Float(*f),
        Value::Str(s) => Portable::Str(s.to_string()),
        Value::Tuple(items) => Portable::Tuple(all(ctx, items)?),
        Value::List(list) => {
            let items = list.items.lock().clone();
            Portable::List(all(ctx, &items)?)
        }
        Value::Set(set) => {
            let items: Vec<Value> = set.items.lock().iter().map(|k| k.0.clone()).collect();
            Portable::Set(all(ctx, &items)?)
        }
        Value::Dict(dict) => {
            let entries: Vec<(Value, Value)> = dict
                .map
                .lock()
                .iter()
                .map(|(k, v)| (k.0.clone(), v.clone()))
                .collect();
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                out.push((convert(ctx, &k, depth + 1)?, convert(ctx, &v, depth + 1)?));
            }
            Portable::Dict(out)
        }
        Value::Function(f) => {
            let module = module_name(ctx, &f.module);
            let qualname = f.code.qualname.to_string();
            let addr = value.identity().unwrap_or(0);
            if &*f.code.name == "<lambda>" {
                return Err(pickling_error(
                    ctx,
                    &format!(
                        "Can't pickle <function <lambda> at {addr:#x}>: attribute lookup <lambda> on {module} failed"
                    ),
                ));
            }
            if qualname.contains("<locals>") {
                return Err(ctx.raise(
                    ExcType::AttributeError,
                    &format!("Can't pickle local object '{qualname}'"),
                ));
            }
            let found = lookup(&f.module, &qualname);
            if !found.is_some_and(|v| v.is(value)) {
                return Err(pickling_error(
                    ctx,
                    &format!(
                        "Can't pickle <function {qualname} at {addr:#x}>: it's not the same object as {module}.{qualname}"
                    ),
                ));
            }
            Portable::Global {
                module,
                name: qualname,
            }
        }
        Value::Class(class) => class_global(ctx, class)?,
        Value::Builtin(b) if b.receiver.is_none() => builtin_global(ctx, value, &b.name)?,
        Value::Instance(inst) => {
            let base = ctx.interp.types.exc(ExcType::BaseException).clone();
            if is_subclass(&inst.class, &base) {
                // An exception crosses whole (class, args, attributes) when it can, as pickle copies
                // it; else by type name and message.
                match object_state(ctx, inst, depth) {
                    Ok(copy) => copy,
                    Err(_) => Portable::Exception {
                        type_name: inst.class.name.to_string(),
                        message: ops::str(ctx, value)?,
                    },
                }
            } else {
                object_state(ctx, inst, depth)?
            }
        }
        Value::Method(m) => {
            let name = match &m.func {
                Value::Function(f) => f.code.name.to_string(),
                other => {
                    let name = super::type_name(ctx, other);
                    return Err(ctx.raise(
                        ExcType::TypeError,
                        &format!("cannot pickle '{name}' object"),
                    ));
                }
            };
            let receiver = convert(ctx, &m.receiver, depth + 1)?;
            Portable::Method {
                receiver: Box::new(receiver),
                name,
            }
        }
        Value::Native(obj) => {
            if let Some(q) = obj.as_any().downcast_ref::<ChannelQueue>() {
                Portable::Channel(q.channel)
            } else {
                let class = obj.class(ctx);
                let name = if &*class.module == "builtins" {
                    class.name.to_string()
                } else {
                    format!("{}.{}", class.module, class.name)
                };
                return Err(ctx.raise(
                    ExcType::TypeError,
                    &format!("cannot pickle '{name}' object"),
                ));
            }
        }
        other => {
            let name = super::type_name(ctx, other);
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!("cannot pickle '{name}' object"),
            ));
        }
    })
}

/// An instance as its class's global name and its attributes.
#[optimize(size)]
fn object_state(ctx: &mut Ctx<'_>, inst: &Instance, depth: usize) -> Result<Portable, Flow> {
    let (module, class) = class_path(ctx, &inst.class)?;
    let entries: Vec<(Arc<str>, Value)> = inst
        .dict
        .lock()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut state = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        state.push((k.to_string(), convert(ctx, &v, depth + 1)?));
    }
    Ok(Portable::Object {
        module,
        class,
        state,
    })
}

/// `_pickle.PicklingError`, one class per interpreter.
#[optimize(size)]
fn pickling_error(ctx: &Ctx<'_>, message: &str) -> Flow {
    let class = native_class(ctx, "_pickle", "PicklingError", Some(ExcType::Exception));
    Flow::Raise(new_exception_of(class, message))
}

/// The module name another process knows a module by: the program is `__main__` everywhere (a spawned
/// process runs it as `__mp_main__`, which pickle maps back).
#[optimize(size)]
fn module_name(ctx: &Ctx<'_>, module: &Arc<Module>) -> String {
    if Arc::ptr_eq(module, &ctx.interp.main) || *module.name == *ctx.interp.config.main_name {
        "__main__".to_string()
    } else {
        module.name.to_string()
    }
}

/// `module.a.b`: a global, then attributes of classes along the dotted path.
#[optimize(size)]
fn lookup(module: &Module, dotted: &str) -> Option<Value> {
    let mut parts = dotted.split('.');
    let mut value = module.globals.lock().get(parts.next()?).cloned()?;
    for part in parts {
        value = match &value {
            Value::Class(class) => class_attr(class, part)?,
            Value::Module(m) => m.globals.lock().get(part).cloned()?,
            _ => return None,
        };
    }
    Some(value)
}

#[optimize(size)]
fn class_attr(class: &Arc<Class>, name: &str) -> Option<Value> {
    let mut c = Some(class);
    while let Some(k) = c {
        if let Some(v) = k.dict.lock().get(name) {
            return Some(v.clone());
        }
        c = k.base.as_ref();
    }
    None
}

#[optimize(size)]
fn class_global(ctx: &mut Ctx<'_>, class: &Arc<Class>) -> Result<Portable, Flow> {
    let (module, name) = class_path(ctx, class)?;
    Ok(Portable::Global { module, name })
}

/// The module and qualified name another process finds `class` by (`AttributeError` for a local class,
/// as pickle).
#[optimize(size)]
fn class_path(ctx: &mut Ctx<'_>, class: &Arc<Class>) -> Result<(String, String), Flow> {
    let is_builtin_exc = ctx
        .interp
        .types
        .exceptions
        .values()
        .any(|c| Arc::ptr_eq(c, class));
    if class
        .builtin
        .is_some_and(|b| b != crate::vm::value::BuiltinType::Native)
        || is_builtin_exc
    {
        return Ok(("builtins".into(), class.name.to_string()));
    }
    let module = if *class.module == *ctx.interp.config.main_name {
        "__main__".to_string()
    } else {
        class.module.to_string()
    };
    if class.qualname.contains("<locals>") {
        return Err(ctx.raise(
            ExcType::AttributeError,
            &format!("Can't pickle local object '{}'", class.qualname),
        ));
    }
    Ok((module, class.qualname.to_string()))
}

#[optimize(size)]
fn builtin_global(ctx: &mut Ctx<'_>, value: &Value, name: &str) -> Result<Portable, Flow> {
    if ctx.interp.builtins.get(name).is_some_and(|b| b.is(value)) {
        return Ok(Portable::Global {
            module: "builtins".into(),
            name: name.to_string(),
        });
    }
    let modules: Vec<Arc<Module>> = ctx.interp.modules.lock().values().cloned().collect();
    for module in modules {
        if module.globals.lock().get(name).is_some_and(|b| b.is(value)) {
            return Ok(Portable::Global {
                module: module.name.to_string(),
                name: name.to_string(),
            });
        }
    }
    Err(ctx.raise(
        ExcType::TypeError,
        &format!("cannot pickle 'builtin_function_or_method' object ({name})"),
    ))
}

/// Makes the value a [`Portable`] stands for in this process: containers are rebuilt, a global is looked
/// up by module and name (importing the module if this process hasn't), a channel becomes a
/// `multiprocessing.Queue` on the same channel.
#[optimize(size)]
pub fn from_portable(ctx: &mut Ctx<'_>, portable: Portable) -> Result<Value, Flow> {
    Ok(match portable {
        Portable::None => Value::None,
        Portable::Bool(b) => Value::Bool(b),
        Portable::Int(i) => Value::Int(i),
        Portable::Float(f) => Value::Float(f),
        Portable::Str(s) => Value::str(&s),
        Portable::Tuple(items) => Value::tuple(all_from(ctx, items)?),
        Portable::List(items) => Value::list(all_from(ctx, items)?),
        Portable::Set(items) => {
            let mut set = indexmap::IndexSet::new();
            for v in all_from(ctx, items)? {
                set.insert(ops::hash_key(ctx, &v)?);
            }
            Value::Set(Arc::new(Set {
                items: Lock::new(set),
            }))
        }
        Portable::Dict(entries) => {
            let mut map = indexmap::IndexMap::new();
            for (k, v) in entries {
                let k = from_portable(ctx, k)?;
                let k: HashKey = ops::hash_key(ctx, &k)?;
                map.insert(k, from_portable(ctx, v)?);
            }
            Value::Dict(Arc::new(Dict {
                map: Lock::new(map),
            }))
        }
        Portable::Global { module, name } => global(ctx, &module, &name)?,
        Portable::Object {
            module,
            class,
            state,
        } => object(ctx, &module, &class, state)?,
        Portable::Method { receiver, name } => {
            let receiver = from_portable(ctx, *receiver)?;
            ctx.getattr(&receiver, &name)?
        }
        Portable::Channel(channel) => Value::Native(Arc::new(ChannelQueue { channel })),
        Portable::Exception { type_name, message } => {
            let class = exception_class(ctx, &type_name);
            new_exception_of(class, &message)
        }
    })
}

/// An instance rebuilt from its class and attributes (its `__init__` is not called, as with pickle).
#[optimize(size)]
fn object(
    ctx: &mut Ctx<'_>,
    module: &str,
    class: &str,
    state: Vec<(String, Portable)>,
) -> Result<Value, Flow> {
    let Value::Class(class) = global(ctx, module, class)? else {
        return Err(ctx.raise(
            ExcType::TypeError,
            &format!("a copied object's class {module}.{class} is not a class"),
        ));
    };
    let mut dict =
        crate::vm::value::Namespace::with_capacity_and_hasher(state.len(), Default::default());
    for (k, v) in state {
        dict.insert(Arc::from(k.as_str()), from_portable(ctx, v)?);
    }
    Ok(Value::Instance(Arc::new(Instance {
        class,
        dict: Lock::new(dict),
        exc: Lock::new(Default::default()),
    })))
}

#[optimize(size)]
fn all_from(ctx: &mut Ctx<'_>, items: Vec<Portable>) -> Result<Vec<Value>, Flow> {
    items.into_iter().map(|p| from_portable(ctx, p)).collect()
}

#[optimize(size)]
fn global(ctx: &mut Ctx<'_>, module: &str, name: &str) -> Result<Value, Flow> {
    if module == "builtins" {
        if let Some(v) = ctx.interp.builtins.get(name) {
            return Ok(v.clone());
        }
        if let Some(&exc) = ExcType::ALL.iter().find(|e| e.name() == name) {
            return Ok(Value::Class(ctx.interp.types.exc(exc).clone()));
        }
    }
    let m = if module == "__main__" {
        ctx.interp.main.clone()
    } else {
        import(ctx, module)?
    };
    lookup(&m, name).ok_or_else(|| {
        ctx.raise(
            ExcType::AttributeError,
            &format!("Can't get attribute '{name}' on <module '{}'>", m.name),
        )
    })
}

/// The class of an exception that crossed by name: a builtin exception, or one the program defines.
#[optimize(size)]
fn exception_class(ctx: &Ctx<'_>, type_name: &str) -> Arc<Class> {
    if let Some(&exc) = ExcType::ALL.iter().find(|e| e.name() == type_name) {
        return ctx.interp.types.exc(exc).clone();
    }
    let base = ctx.interp.types.exc(ExcType::BaseException).clone();
    if let Some(Value::Class(class)) = ctx.interp.main.globals.lock().get(type_name) {
        if is_subclass(class, &base) {
            return class.clone();
        }
    }
    ctx.interp.types.exc(ExcType::Exception).clone()
}

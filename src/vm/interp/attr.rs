//! Attributes: `obj.name` for every kind of value, with CPython's `AttributeError` messages, and the few
//! methods every object and exception has without defining them (`object.__init__`, ...).

use std::sync::Arc;

use super::generators;
use crate::vm::types::{is_subclass, ExcType};
use crate::vm::value::{
    Builtin, BuiltinType, Class, Dict, ExcInfo, Flow, HashKey, Instance, Lock, Method, Name,
    Namespace, NativeAttr, NativeFn, Value,
};
use crate::vm::{methods, ops, Ctx};

/// The class of any value (`type(v)`): builtin values map to `interp.types`, natives name their own.
pub fn class_of(ctx: &Ctx<'_>, v: &Value) -> Arc<Class> {
    let kind = match v {
        Value::Instance(inst) => return inst.class.clone(),
        Value::Native(n) => return n.class(ctx),
        Value::None => BuiltinType::NoneType,
        Value::Bool(_) => BuiltinType::Bool,
        Value::Int(_) => BuiltinType::Int,
        Value::Float(_) => BuiltinType::Float,
        Value::Str(_) => BuiltinType::Str,
        Value::Tuple(_) => BuiltinType::Tuple,
        Value::List(_) => BuiltinType::List,
        Value::Dict(_) => BuiltinType::Dict,
        Value::Set(_) => BuiltinType::Set,
        Value::Range(_) => BuiltinType::Range,
        Value::Slice(_) => BuiltinType::Slice,
        Value::Function(_) => BuiltinType::Function,
        Value::Builtin(_) => BuiltinType::Builtin,
        Value::Method(_) => BuiltinType::Method,
        Value::Class(_) => BuiltinType::Type,
        Value::Module(_) => BuiltinType::Module,
        Value::Generator(_) => BuiltinType::Generator,
        Value::Iterator(_) => BuiltinType::Iterator,
        Value::Cell(_) => BuiltinType::Cell,
        Value::Super(_) => BuiltinType::Super,
        Value::Ellipsis => BuiltinType::Ellipsis,
    };
    ctx.interp.types.of(kind).clone()
}

/// Whether a class's dict is always empty: builtin types and exceptions keep nothing in theirs (their
/// methods come from `methods::lookup` and [`fallback`]) and can't be given attributes.
#[inline]
fn empty_dict(class: &Class) -> bool {
    class.builtin.is_some() || &*class.module == "builtins"
}

/// `name` in the dicts of `cls` and its bases, nearest first.
pub(crate) fn class_lookup(cls: &Arc<Class>, name: &str) -> Option<Value> {
    let mut c = Some(cls);
    while let Some(k) = c {
        if empty_dict(k) {
            return None;
        }
        if let Some(v) = k.dict.lock().get(name) {
            return Some(v.clone());
        }
        c = k.base.as_ref();
    }
    None
}

/// [`class_lookup`] for a name of the code (the hot path of `obj.m(...)`): keys are compared by pointer
/// first, the compiler having interned the file's names.
pub(crate) fn class_lookup_name(cls: &Arc<Class>, name: &Arc<str>) -> Option<Value> {
    let mut c = Some(cls);
    while let Some(k) = c {
        if empty_dict(k) {
            return None;
        }
        if let Some(v) = k.dict.lock().get(&Name(name)) {
            return Some(v.clone());
        }
        c = k.base.as_ref();
    }
    None
}

/// `__new__` and `__init__` of a class, found in one walk of its bases.
pub(crate) fn new_and_init(cls: &Arc<Class>) -> (Option<Value>, Option<Value>) {
    let (mut new, mut init) = (None, None);
    let mut c = Some(cls);
    while let Some(k) = c {
        if empty_dict(k) {
            break;
        }
        let d = k.dict.lock();
        if new.is_none() {
            new = d.get("__new__").cloned();
        }
        if init.is_none() {
            init = d.get("__init__").cloned();
        }
        if new.is_some() && init.is_some() {
            break;
        }
        drop(d);
        c = k.base.as_ref();
    }
    (new, init)
}

/// A new, empty instance of a user class (or exception class).
pub(crate) fn new_instance(cls: Arc<Class>) -> Value {
    Value::Instance(Arc::new(Instance {
        class: cls,
        dict: Lock::new(Default::default()),
        exc: Lock::new(ExcInfo::default()),
    }))
}

fn bound(receiver: &Value, func: Value) -> Value {
    match func {
        Value::Function(_) => Value::Method(Arc::new(Method {
            receiver: receiver.clone(),
            func,
        })),
        other => other,
    }
}

fn bind_native(name: &str, func: NativeFn, receiver: Option<Value>) -> Value {
    Value::Builtin(Arc::new(Builtin {
        name: Arc::from(name),
        func,
        receiver,
    }))
}

/// `LoadAttr`.
pub(crate) fn load_attr(ctx: &mut Ctx<'_>, obj: &Value, name: &str) -> Result<Value, Flow> {
    ctx.getattr(obj, name)
}

/// `StoreAttr`: `setattr` with the name already shared (no new string per store).
pub(crate) fn store_attr(
    ctx: &mut Ctx<'_>,
    obj: &Value,
    name: &Arc<str>,
    v: Value,
) -> Result<(), Flow> {
    match obj {
        Value::Instance(inst) if !name.starts_with("__") => {
            let old = inst.dict.lock().insert(name.clone(), v);
            drop(old);
            Ok(())
        }
        _ => ctx.setattr(obj, name, v),
    }
}

impl Ctx<'_> {
    /// `getattr(obj, name)`: `AttributeError` (CPython's message) if it has none.
    pub fn getattr(&mut self, obj: &Value, name: &str) -> Result<Value, Flow> {
        match self.lookup_attr(obj, name)? {
            Some(v) => Ok(v),
            None => Err(self.attribute_error(obj, name)),
        }
    }

    /// `obj.name` if it exists, `None` if not (no exception is made: `hasattr`, `getattr(o, n, default)`).
    pub fn lookup_attr(&mut self, obj: &Value, name: &str) -> Result<Option<Value>, Flow> {
        let found = match obj {
            Value::Instance(inst) => {
                if let Some(v) = inst.dict.lock().get(name) {
                    return Ok(Some(v.clone()));
                }
                if let Some(v) = instance_special(self, inst, name) {
                    return Ok(Some(v));
                }
                if let Some(v) = class_lookup(&inst.class, name) {
                    return Ok(Some(bound(obj, v)));
                }
                if let Some(f) = fallback(self, &inst.class, name) {
                    return Ok(Some(bind_native(name, f, Some(obj.clone()))));
                }
                if let Some(hook) = class_lookup(&inst.class, "__getattr__") {
                    let hook = bound(obj, hook);
                    return match self.call(&hook, &[Value::str(name)], &[]) {
                        Ok(v) => Ok(Some(v)),
                        Err(Flow::Raise(e))
                            if super::exceptions::is_instance_of(
                                self.interp,
                                &e,
                                ExcType::AttributeError,
                            ) =>
                        {
                            Ok(None)
                        }
                        Err(e) => Err(e),
                    };
                }
                None
            }
            Value::Class(cls) => class_attr(self, cls, obj, name),
            Value::Module(m) => match m.globals.lock().get(name) {
                Some(v) => Some(v.clone()),
                None if name == "__dict__" => Some(dict_of(&m.globals.lock())),
                None => None,
            },
            Value::Function(f) => match name {
                "__name__" => Some(Value::Str(f.code.name.clone())),
                "__qualname__" => Some(Value::Str(f.code.qualname.clone())),
                "__module__" => Some(Value::Str(f.module.name.clone())),
                "__doc__" => Some(Value::None),
                "__defaults__" if !f.defaults.is_empty() => Some(Value::tuple(f.defaults.clone())),
                "__defaults__" => Some(Value::None),
                "__dict__" => Some(dict_of(&f.dict.lock())),
                "__class__" => Some(Value::Class(class_of(self, obj))),
                _ => f.dict.lock().get(name).cloned(),
            },
            Value::Method(m) => match name {
                "__self__" => Some(m.receiver.clone()),
                "__func__" => Some(m.func.clone()),
                "__class__" => Some(Value::Class(class_of(self, obj))),
                _ => {
                    let func = m.func.clone();
                    return self.lookup_attr(&func, name);
                }
            },
            Value::Builtin(b) => match name {
                "__name__" | "__qualname__" => Some(Value::Str(b.name.clone())),
                "__self__" => Some(b.receiver.clone().unwrap_or_default()),
                "__module__" => Some(Value::None),
                "__doc__" => Some(Value::None),
                "__class__" => Some(Value::Class(class_of(self, obj))),
                _ => None,
            },
            Value::Generator(gen) => match name {
                "__class__" => Some(Value::Class(class_of(self, obj))),
                _ => generators::attr(obj, gen, name),
            },
            Value::Super(s) => {
                let start = s.class.base.clone();
                match start.as_ref().and_then(|b| class_lookup(b, name)) {
                    Some(v) => Some(bound(&s.receiver, v)),
                    None => match start.as_ref().and_then(|b| fallback(self, b, name)) {
                        Some(f) => Some(bind_native(name, f, Some(s.receiver.clone()))),
                        None if name == "__class__" => Some(Value::Class(class_of(self, obj))),
                        None => None,
                    },
                }
            }
            Value::Native(n) => match n.attr(name) {
                Some(NativeAttr::Method(f)) => Some(bind_native(name, f, Some(obj.clone()))),
                Some(NativeAttr::Value(v)) => Some(v),
                None if name == "__class__" => Some(Value::Class(n.class(self))),
                None => None,
            },
            _ => {
                if name == "__class__" {
                    Some(Value::Class(class_of(self, obj)))
                } else {
                    methods::lookup(self, obj, name)
                }
            }
        };
        Ok(found)
    }

    /// `setattr(obj, name, v)`.
    pub fn setattr(&mut self, obj: &Value, name: &str, v: Value) -> Result<(), Flow> {
        match obj {
            Value::Instance(inst) => {
                match name {
                    "__cause__" => {
                        // CPython: setting the cause also sets `__suppress_context__`.
                        let mut exc = inst.exc.lock();
                        exc.cause = (!matches!(v, Value::None)).then_some(v);
                        exc.suppress_context = true;
                    }
                    "__suppress_context__" => {
                        let suppress = ops::truthy(self, &v)?;
                        inst.exc.lock().suppress_context = suppress;
                    }
                    "__context__" => {
                        let mut exc = inst.exc.lock();
                        exc.context = if matches!(v, Value::None) {
                            None
                        } else {
                            Some(v)
                        };
                    }
                    "__traceback__" => {}
                    _ => {
                        let old = inst.dict.lock().insert(Arc::from(name), v);
                        drop(old);
                    }
                }
                Ok(())
            }
            Value::Class(cls) if !empty_dict(cls) => {
                let old = cls.dict.lock().insert(Arc::from(name), v);
                drop(old);
                Ok(())
            }
            Value::Module(m) => {
                let old = m.globals.lock().insert(Arc::from(name), v);
                drop(old);
                Ok(())
            }
            Value::Function(f) => {
                let old = f.dict.lock().insert(Arc::from(name), v);
                drop(old);
                Ok(())
            }
            Value::Class(cls) => Err(self.raise(
                ExcType::TypeError,
                &format!(
                    "cannot set '{name}' attribute of immutable type '{}'",
                    cls.name
                ),
            )),
            _ => Err(self.attribute_error(obj, name)),
        }
    }

    /// `delattr(obj, name)`.
    pub fn delattr(&mut self, obj: &Value, name: &str) -> Result<(), Flow> {
        let removed = match obj {
            Value::Instance(inst) => inst.dict.lock().shift_remove(name),
            Value::Class(cls) if !empty_dict(cls) => cls.dict.lock().shift_remove(name),
            Value::Module(m) => m.globals.lock().shift_remove(name),
            Value::Function(f) => f.dict.lock().shift_remove(name),
            _ => None,
        };
        match removed {
            Some(_) => Ok(()),
            None => Err(self.attribute_error(obj, name)),
        }
    }

    /// CPython's `AttributeError` for a missing `obj.name` (with `name` and `obj` set, which the
    /// traceback's "Did you mean" uses).
    pub fn attribute_error(&mut self, obj: &Value, name: &str) -> Flow {
        let msg = match obj {
            Value::Module(m) => format!("module '{}' has no attribute '{name}'", m.name),
            Value::Class(c) => format!("type object '{}' has no attribute '{name}'", c.name),
            Value::Super(_) => format!("'super' object has no attribute '{name}'"),
            _ => format!(
                "'{}' object has no attribute '{name}'",
                ops::type_name(self, obj)
            ),
        };
        let exc = self.exc(ExcType::AttributeError, &msg);
        if let Value::Instance(inst) = &exc {
            let mut d = inst.dict.lock();
            d.insert(Arc::from("name"), Value::str(name));
            d.insert(Arc::from("obj"), obj.clone());
        }
        Flow::Raise(exc)
    }
}

/// A snapshot of a namespace as a dict.
fn dict_of(map: &Namespace) -> Value {
    let map = map
        .iter()
        .map(|(k, v)| (HashKey(Value::Str(k.clone())), v.clone()))
        .collect();
    Value::Dict(Arc::new(Dict {
        map: Lock::new(map),
    }))
}

/// Attributes every instance has that are not in its dict: its class, and an exception's chaining.
fn instance_special(ctx: &Ctx<'_>, inst: &Instance, name: &str) -> Option<Value> {
    if !name.starts_with("__") {
        return None;
    }
    match name {
        "__class__" => Some(Value::Class(inst.class.clone())),
        "__dict__" => Some(dict_of(&inst.dict.lock())),
        "__cause__" | "__context__" | "__traceback__" | "__suppress_context__" => {
            if !is_subclass(&inst.class, ctx.interp.types.exc(ExcType::BaseException)) {
                return None;
            }
            let exc = inst.exc.lock();
            Some(match name {
                "__cause__" => match &exc.cause {
                    Some(c) => c.clone(),
                    None => Value::None,
                },
                "__context__" => exc.context.clone().unwrap_or_default(),
                "__suppress_context__" => Value::Bool(exc.suppress_context),
                _ => Value::None,
            })
        }
        _ => None,
    }
}

/// An attribute of a class: its names, then its dict and its bases' (functions unbound), then the
/// methods of `object` and `BaseException`, then a builtin type's own (`str.join`).
fn class_attr(ctx: &mut Ctx<'_>, cls: &Arc<Class>, obj: &Value, name: &str) -> Option<Value> {
    match name {
        "__name__" => return Some(Value::Str(cls.name.clone())),
        "__qualname__" => return Some(Value::Str(cls.qualname.clone())),
        "__module__" => return Some(Value::Str(cls.module.clone())),
        "__base__" => return Some(cls.base.clone().map(Value::Class).unwrap_or_default()),
        "__bases__" => {
            return Some(Value::tuple(
                cls.base.clone().map(Value::Class).into_iter().collect(),
            ))
        }
        "__mro__" => {
            let mut chain = Vec::new();
            let mut c = Some(cls.clone());
            while let Some(k) = c {
                c = k.base.clone();
                chain.push(Value::Class(k));
            }
            return Some(Value::tuple(chain));
        }
        "__dict__" => return Some(dict_of(&cls.dict.lock())),
        "__doc__" => return Some(cls.dict.lock().get("__doc__").cloned().unwrap_or_default()),
        "__class__" => return Some(Value::Class(ctx.interp.types.of(BuiltinType::Type).clone())),
        _ => {}
    }
    if let Some(v) = class_lookup(cls, name) {
        return Some(v);
    }
    if let Some(f) = fallback(ctx, cls, name) {
        return Some(bind_native(name, f, None));
    }
    if cls.builtin.is_some() {
        return methods::lookup(ctx, obj, name);
    }
    None
}

/// The methods of `object` and `BaseException` a class inherits without defining them.
fn fallback(ctx: &Ctx<'_>, cls: &Arc<Class>, name: &str) -> Option<NativeFn> {
    let is_exc = is_subclass(cls, ctx.interp.types.exc(ExcType::BaseException));
    Some(match (name, is_exc) {
        ("__init__", true) => exc_init,
        ("__init__", false) => object_init,
        ("__new__", _) => object_new,
        ("__str__", true) => exc_str,
        ("__str__", false) => object_str,
        ("__repr__", true) => exc_repr,
        ("__repr__", false) => object_repr,
        ("__eq__", _) => object_eq,
        ("__ne__", _) => object_ne,
        ("__hash__", _) => object_hash,
        ("__setattr__", _) => object_setattr,
        ("__getattribute__", _) => object_getattribute,
        ("__init_subclass__", _) => object_init_subclass,
        _ => return None,
    })
}

fn receiver<'a>(ctx: &Ctx<'_>, args: &'a [Value], what: &str) -> Result<&'a Value, Flow> {
    args.first().ok_or_else(|| {
        ctx.raise(
            ExcType::TypeError,
            &format!("descriptor '{what}' of 'object' object needs an argument"),
        )
    })
}

fn object_init(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    receiver(ctx, args, "__init__")?;
    if args.len() > 1 || !kwargs.is_empty() {
        return Err(ctx.raise(
            ExcType::TypeError,
            "object.__init__() takes exactly one argument (the instance to initialize)",
        ));
    }
    Ok(Value::None)
}

fn object_init_subclass(
    _ctx: &mut Ctx<'_>,
    _args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    Ok(Value::None)
}

fn object_new(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    match args.first() {
        Some(Value::Class(c)) if c.builtin.is_none() => Ok(new_instance(c.clone())),
        _ => Err(ctx.raise(
            ExcType::TypeError,
            "object.__new__(X): X is not a type object",
        )),
    }
}

fn exc_init(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    if let Value::Instance(inst) = receiver(ctx, args, "__init__")? {
        inst.dict
            .lock()
            .insert(Arc::from("args"), Value::tuple(args[1..].to_vec()));
    }
    Ok(Value::None)
}

/// The `args` of an exception instance.
pub(crate) fn exc_args(v: &Value) -> Vec<Value> {
    match v {
        Value::Instance(inst) => match inst.dict.lock().get("args") {
            Some(Value::Tuple(t)) => t.to_vec(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// `BaseException.__str__`: "" for no arguments, `str(arg)` for one, the tuple's repr for several
/// (`KeyError` shows its one argument's repr).
pub(crate) fn exception_str(ctx: &mut Ctx<'_>, exc: &Value) -> Result<String, Flow> {
    let args = exc_args(exc);
    let is_key_error = match exc {
        Value::Instance(inst) => is_subclass(&inst.class, ctx.interp.types.exc(ExcType::KeyError)),
        _ => false,
    };
    match args.len() {
        0 => Ok(String::new()),
        1 if is_key_error => ops::repr(ctx, &args[0]),
        1 => match &args[0] {
            Value::Str(s) => Ok(s.to_string()),
            other => ops::str(ctx, other),
        },
        _ => ops::repr(ctx, &Value::tuple(args)),
    }
}

fn exc_str(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let exc = receiver(ctx, args, "__str__")?.clone();
    Ok(Value::str(&exception_str(ctx, &exc)?))
}

fn exc_repr(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let exc = receiver(ctx, args, "__repr__")?.clone();
    let name = class_of(ctx, &exc).name.clone();
    let items = exc_args(&exc);
    let mut parts = Vec::with_capacity(items.len());
    for item in &items {
        parts.push(ops::repr(ctx, item)?);
    }
    Ok(Value::str(&format!("{name}({})", parts.join(", "))))
}

/// `<__main__.Foo object at 0x...>`.
pub(crate) fn default_repr(ctx: &Ctx<'_>, v: &Value) -> String {
    let cls = class_of(ctx, v);
    format!(
        "<{}.{} object at {:#x}>",
        cls.module,
        cls.qualname,
        v.identity().unwrap_or(0)
    )
}

fn object_repr(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let v = receiver(ctx, args, "__repr__")?;
    Ok(Value::str(&default_repr(ctx, v)))
}

fn object_str(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let v = receiver(ctx, args, "__str__")?.clone();
    Ok(Value::str(&ops::repr(ctx, &v)?))
}

fn object_eq(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let a = receiver(ctx, args, "__eq__")?;
    Ok(Value::Bool(args.get(1).is_some_and(|b| a.is(b))))
}

fn object_ne(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let a = receiver(ctx, args, "__ne__")?;
    Ok(Value::Bool(!args.get(1).is_some_and(|b| a.is(b))))
}

fn object_hash(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let a = receiver(ctx, args, "__hash__")?;
    Ok(Value::Int((a.identity().unwrap_or(0) >> 4) as i64))
}

fn object_setattr(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    match args {
        [obj, Value::Str(name), v] => {
            let (obj, name, v) = (obj.clone(), name.clone(), v.clone());
            ctx.setattr(&obj, &name, v)?;
            Ok(Value::None)
        }
        _ => Err(ctx.raise(ExcType::TypeError, "__setattr__ expected 2 arguments")),
    }
}

fn object_getattribute(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    match args {
        [obj, Value::Str(name)] => {
            let (obj, name) = (obj.clone(), name.clone());
            ctx.getattr(&obj, &name)
        }
        _ => Err(ctx.raise(ExcType::TypeError, "__getattribute__ expected 1 argument")),
    }
}

/// The names `dir(obj)` lists, sorted: for "Did you mean" suggestions.
pub(crate) fn dir_names(ctx: &Ctx<'_>, obj: &Value) -> Vec<Arc<str>> {
    let mut names: Vec<Arc<str>> = Vec::new();
    let add_class_chain = |names: &mut Vec<Arc<str>>, cls: &Arc<Class>| {
        let mut c = Some(cls);
        while let Some(k) = c {
            names.extend(k.dict.lock().keys().cloned());
            c = k.base.as_ref();
        }
    };
    match obj {
        Value::Instance(inst) => {
            names.extend(inst.dict.lock().keys().cloned());
            add_class_chain(&mut names, &inst.class);
        }
        Value::Class(cls) => add_class_chain(&mut names, cls),
        Value::Module(m) => names.extend(m.globals.lock().keys().cloned()),
        Value::Function(f) => names.extend(f.dict.lock().keys().cloned()),
        _ => {
            let _ = ctx;
        }
    }
    if !matches!(obj, Value::Module(_)) {
        for n in [
            "__class__",
            "__delattr__",
            "__dir__",
            "__doc__",
            "__eq__",
            "__format__",
            "__ge__",
            "__getattribute__",
            "__gt__",
            "__hash__",
            "__init__",
            "__init_subclass__",
            "__le__",
            "__lt__",
            "__ne__",
            "__new__",
            "__reduce__",
            "__reduce_ex__",
            "__repr__",
            "__setattr__",
            "__sizeof__",
            "__str__",
            "__subclasshook__",
        ] {
            names.push(Arc::from(n));
        }
    }
    names.sort();
    names.dedup();
    names
}

//! `map`, `filter`, `enumerate` and `zip` over generators or with Python functions, written in Python.
//!
//! A native iterator that pulls from a generator, or calls a Python function, does it in a nested run
//! of the interpreter, where nothing may wait: `for r in map(fetch, urls)` with a `fetch` that sleeps,
//! or `enumerate(executor.map(...))` whose generator waits for futures, would fail. These helpers are
//! generators, so the interpreter's own loop drives them, and what they call, like any Python code.
//! Over lists, ranges and builtin functions the native iterators (faster) are used instead.

use std::sync::Arc;

use crate::python::bytecode::{CodeKind, Const};

use super::super::ops;
use super::super::types::ExcType;
use super::super::value::{Flow, Function, Lock, Module, Value};
use super::super::Ctx;

const SOURCE: &str = r#"
def _enumerate(it, n):
    for x in it:
        yield n, x
        n += 1


def _zip(*iterables):
    if not iterables:
        return
    its = [iter(i) for i in iterables]
    end = object()
    while True:
        items = []
        for i in its:
            x = next(i, end)
            if x is end:
                return
            items.append(x)
        yield tuple(items)


def _map(f, *iterables):
    if len(iterables) == 1:
        for x in iterables[0]:
            yield f(x)
    else:
        for args in _zip(*iterables):
            yield f(*args)


def _filter(f, it):
    if f is None:
        for x in it:
            if x:
                yield x
    else:
        for x in it:
            if f(x):
                yield x
"#;

/// The helpers' module, compiled once per interpreter.
struct Helpers(Arc<Module>);

fn helpers(ctx: &Ctx<'_>) -> Result<Arc<Module>, Flow> {
    if let Some(h) = ctx.interp.extensions.lock().get("builtins.lazy") {
        if let Ok(h) = h.clone().downcast::<Helpers>() {
            return Ok(h.0.clone());
        }
    }
    let code = crate::python::compile_prelude(SOURCE, "<builtins>").map_err(|e| {
        ctx.raise(
            ExcType::SystemError,
            &format!("ThreadLab's builtins don't compile: {e:?}"),
        )
    })?;
    let module = Arc::new(Module {
        name: Arc::from("builtins"),
        globals: Lock::new(Default::default()),
    });
    // The module's functions, made directly from their code objects (nothing else runs at import).
    for c in &code.consts {
        if let Const::Code(f) = c {
            if f.kind == CodeKind::Function {
                let func = Value::Function(Arc::new(Function {
                    code: f.clone(),
                    module: module.clone(),
                    defaults: Vec::new(),
                    kwdefaults: Vec::new(),
                    closure: Vec::new(),
                    dict: Lock::new(Default::default()),
                }));
                module.globals.lock().insert(f.name.clone(), func);
            }
        }
    }
    ctx.interp
        .extensions
        .lock()
        .insert("builtins.lazy", Arc::new(Helpers(module.clone())));
    Ok(module)
}

/// A generator from helper `name` called with `args`.
pub(super) fn generator(ctx: &mut Ctx<'_>, name: &str, args: Vec<Value>) -> Result<Value, Flow> {
    let module = helpers(ctx)?;
    let f = module.globals.lock().get(name).cloned();
    match f {
        Some(f) => ops::call(ctx, &f, args),
        None => Err(ctx.raise(
            ExcType::SystemError,
            &format!("ThreadLab's builtins lack {name}"),
        )),
    }
}

/// Must iterating `it` (an iterator) run Python code that may wait: a generator, or a user iterator?
pub(super) fn runs_python(it: &Value) -> bool {
    matches!(it, Value::Generator(_) | Value::Instance(_))
}

/// Is `f` a Python callable (its calls may wait) rather than a builtin?
pub(super) fn is_python_callable(f: &Value) -> bool {
    !matches!(f, Value::Builtin(_) | Value::None)
        && !matches!(f, Value::Class(c) if c.builtin.is_some())
}

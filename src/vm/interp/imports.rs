//! Imports: `interp.modules` first, then a native module, then a prelude module (Python source compiled
//! once per process and run in a frame of the importing thread, registered before it runs as CPython
//! does for import cycles).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::{module_frame, nested_run, push_frame, top, Exit};
use crate::python::bytecode::Code;
use crate::vm::frame::OnReturn;
use crate::vm::types::ExcType;
use crate::vm::value::{Flow, Lock, Module, Namespace, Value};
use crate::vm::{Ctx, Interp, ThreadState};

/// A native module by name (built for this interpreter), if it is one.
#[optimize(size)]
fn native_module(ctx: &mut Ctx<'_>, name: &str) -> Option<Result<Arc<Module>, Flow>> {
    crate::vm::modules::native_module(ctx, name)
}

/// The Python source of a prelude module, if it is one.
#[optimize(size)]
fn prelude_source(name: &str) -> Option<&'static str> {
    crate::vm::modules::prelude_source(name)
}

/// The file name tracebacks show for a prelude module: `threading.py`, `concurrent/futures.py`.
#[optimize(size)]
fn prelude_filename(name: &str) -> String {
    crate::vm::modules::prelude_filename(name)
}

/// The compiled prelude modules, shared by every interpreter of the process.
#[optimize(size)]
fn prelude_code(interp: &Interp, name: &str, source: &'static str) -> Result<Arc<Code>, Flow> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Code>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(code) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
        return Ok(code.clone());
    }
    match crate::python::compile_prelude(source, &prelude_filename(name)) {
        Ok(code) => {
            cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(name.to_string(), code.clone());
            Ok(code)
        }
        Err(errors) => {
            let detail: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            Err(Flow::Raise(interp.types.new_exception(
                ExcType::ImportError,
                &format!(
                    "ThreadLab's module {name} does not compile: {}",
                    detail.join("; ")
                ),
            )))
        }
    }
}

#[optimize(size)]
fn register(interp: &Interp, name: &Arc<str>, module: &Arc<Module>) {
    interp.modules.lock().insert(name.clone(), module.clone());
}

#[optimize(size)]
fn cached(interp: &Interp, name: &str) -> Option<Arc<Module>> {
    interp.modules.lock().get(name).cloned()
}

/// Whether `name` names a module we could import (without importing it).
#[optimize(size)]
fn exists(name: &str) -> bool {
    prelude_source(name).is_some()
        || matches!(
            name,
            "time" | "math" | "random" | "sys" | "os" | "_threadlab"
        )
}

/// Loads one module not in `interp.modules`: `Some` when it is ready, `None` when its body was pushed as a
/// frame (the importing instruction runs again when it returns).
#[optimize(size)]
fn load(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    name: &Arc<str>,
    full: &str,
) -> Result<Option<Arc<Module>>, Flow> {
    let mut ctx = Ctx { interp, thread };
    if let Some(r) = native_module(&mut ctx, name) {
        let m = r?;
        register(interp, name, &m);
        return Ok(Some(m));
    }
    if let Some(source) = prelude_source(name) {
        let code = prelude_code(interp, name, source)?;
        let mut globals = Namespace::default();
        globals.insert(Arc::from("__name__"), Value::Str(name.clone()));
        globals.insert(
            Arc::from("__file__"),
            Value::str(&format!("<stdlib>/{}", prelude_filename(name))),
        );
        let module = Arc::new(Module {
            name: name.clone(),
            globals: Lock::new(globals),
        });
        register(interp, name, &module);
        let mut frame = module_frame(code, module);
        frame.on_return = OnReturn::Import { name: name.clone() };
        if let Err(e) = push_frame(interp, thread, frame) {
            interp.modules.lock().remove(name);
            return Err(e);
        }
        return Ok(None);
    }
    if **name != *full && full.starts_with(&format!("{name}.")) && exists(full) {
        // A package of ours with nothing in it but its submodules (`concurrent`).
        let mut globals = Namespace::default();
        globals.insert(Arc::from("__name__"), Value::Str(name.clone()));
        let m = Arc::new(Module {
            name: name.clone(),
            globals: Lock::new(globals),
        });
        register(interp, name, &m);
        return Ok(Some(m));
    }
    let exc = interp.types.new_exception(
        ExcType::ModuleNotFoundError,
        &crate::vm::modules::not_found_message(name),
    );
    if let Value::Instance(inst) = &exc {
        inst.dict
            .lock()
            .insert(Arc::from("name"), Value::Str(name.clone()));
    }
    Err(Flow::Raise(exc))
}

/// `ImportName`: the module (the leaf of a dotted name), or `None` when a module body was pushed.
#[optimize(size)]
pub(crate) fn import_name(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    name: &Arc<str>,
) -> Result<Option<Arc<Module>>, Flow> {
    if !name.contains('.') {
        if let Some(m) = cached(interp, name) {
            return Ok(Some(m));
        }
    }
    let mut parent: Option<Arc<Module>> = None;
    let mut prefix = String::new();
    for part in name.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(part);
        let m = match cached(interp, &prefix) {
            Some(m) => m,
            None => match load(interp, thread, &Arc::from(prefix.as_str()), name)? {
                Some(m) => m,
                None => return Ok(None),
            },
        };
        if let Some(p) = &parent {
            let mut globals = p.globals.lock();
            globals
                .entry(Arc::from(part))
                .or_insert_with(|| Value::Module(m.clone()));
        }
        parent = Some(m);
    }
    Ok(parent)
}

/// `ImportFrom`: `[module] → [module, module.name]`, importing a submodule if need be (`None` when its
/// body was pushed).
#[optimize(size)]
pub(crate) fn import_from(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    name: &Arc<str>,
) -> Result<Option<Value>, Flow> {
    let m = top(thread).stack.last().cloned().unwrap_or_default();
    let Value::Module(module) = &m else {
        let mut ctx = Ctx { interp, thread };
        return match ctx.lookup_attr(&m, name)? {
            Some(v) => Ok(Some(v)),
            None => Err(ctx.raise(
                ExcType::ImportError,
                &format!("cannot import name '{name}'"),
            )),
        };
    };
    if let Some(v) = module.globals.lock().get(name) {
        return Ok(Some(v.clone()));
    }
    let full = format!("{}.{name}", module.name);
    if let Some(sub) = cached(interp, &full) {
        return Ok(Some(Value::Module(sub)));
    }
    if exists(&full) {
        return Ok(import_name(interp, thread, &Arc::from(full.as_str()))?.map(Value::Module));
    }
    let location = if prelude_source(&module.name).is_some() {
        format!("<stdlib>/{}", prelude_filename(&module.name))
    } else {
        "unknown location".to_string()
    };
    let exc = interp.types.new_exception(
        ExcType::ImportError,
        &format!(
            "cannot import name '{name}' from '{}' ({location})",
            module.name
        ),
    );
    if let Value::Instance(inst) = &exc {
        let mut d = inst.dict.lock();
        d.insert(Arc::from("name"), Value::Str(module.name.clone()));
    }
    Err(Flow::Raise(exc))
}

impl Ctx<'_> {
    /// `import name` from a native: the module, its body run in a nested run if it is a prelude module
    /// not imported yet.
    #[optimize(size)]
    pub fn import(&mut self, name: &str) -> Result<Arc<Module>, Flow> {
        let interp = self.interp;
        let name: Arc<str> = Arc::from(name);
        loop {
            match import_name(interp, self.thread, &name)? {
                Some(m) => return Ok(m),
                None => {
                    top(self.thread).barrier = true;
                    match nested_run(interp, self.thread) {
                        Exit::Returned(_) => {}
                        Exit::Raised(e) => return Err(Flow::Raise(e)),
                        _ => {
                            return Err(self.raise(
                                ExcType::SystemError,
                                "ThreadLab's VM: an import stopped early",
                            ))
                        }
                    }
                }
            }
        }
    }
}

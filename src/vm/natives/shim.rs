//! The few services of the interpreter these natives need (importing, starting a thread's first frame,
//! iterating any iterable, formatting a traceback), in one place so the modules above don't depend on
//! how the interpreter spells them.

use std::sync::Arc;

use crate::vm::host::ExceptionReport;
use crate::vm::value::Flow;
use crate::vm::value::{Module, Value};
use crate::vm::{Ctx, Interp, ThreadState};

/// Imports a module by name (a prelude module's body runs nested, or a native one is built).
#[optimize(size)]
pub(crate) fn import_module(ctx: &mut Ctx<'_>, name: &str) -> Result<Arc<Module>, Flow> {
    ctx.import(name)
}

/// A new thread whose first frame calls `function(*args)`.
#[optimize(size)]
pub(crate) fn new_thread(
    interp: &Arc<Interp>,
    function: Value,
    args: Vec<Value>,
    name: String,
    daemon: bool,
) -> ThreadState {
    crate::vm::interp::new_thread(interp, function, args, Vec::new(), name, daemon)
}

/// All the items of an iterable (generators and user iterators run nested: they can't wait).
#[optimize(size)]
pub(crate) fn collect(ctx: &mut Ctx<'_>, v: &Value) -> Result<Vec<Value>, Flow> {
    ctx.iterate(v)
}

/// The traceback text of an exception, as CPython prints it.
#[optimize(size)]
pub(crate) fn format_exception(ctx: &mut Ctx<'_>, exc: &Value) -> String {
    crate::vm::interp::format_exception(ctx, exc)
}

/// What tests compare of an uncaught exception.
#[optimize(size)]
pub(crate) fn report_of(ctx: &mut Ctx<'_>, exc: &Value) -> ExceptionReport {
    crate::vm::interp::report_of(ctx, exc)
}

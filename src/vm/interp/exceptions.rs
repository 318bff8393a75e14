//! Exceptions: raising and unwinding through the block stacks of the frames, tracebacks and chaining, and
//! CPython's printed form of an uncaught exception (with its "Did you mean" suggestions).

use std::sync::Arc;

use super::attr::{class_of, dir_names, exception_str};
use super::{generators, pop, recycle, Exit, Step};
use crate::python::bytecode::Instr;
use crate::vm::frame::{BlockEntry, ExecState, GenMode, OnReturn};
use crate::vm::host::ExceptionReport;
use crate::vm::types::{is_subclass, ExcType};
use crate::vm::value::{Class, Flow, TracebackEntry, Value};
use crate::vm::{Ctx, Interp, ThreadState};

/// How an exception comes to be raised, which decides its traceback entry and its `__context__`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Raising {
    /// `raise exc`: the current frame is added to the traceback; the exception being handled becomes
    /// its context.
    Raise,
    /// An error from an operation or a native: as `Raise`, but a context it already has is kept.
    Native,
    /// Thrown into a generator (`gen.throw`): a traceback entry, no new context.
    Throw,
    /// Bare `raise` or the end of a `finally`: nothing added.
    Reraise,
}

/// The exception key under which the suggestion of a `NameError` is kept for the traceback (a name no
/// Python code can spell as an attribute).
const SUGGESTION_KEY: &str = " suggestion";

/// The class of an exception instance.
pub(crate) fn class_of_exception(exc: &Value) -> Option<Arc<Class>> {
    match exc {
        Value::Instance(inst) => Some(inst.class.clone()),
        _ => None,
    }
}

/// Is `exc` an instance of the builtin exception `kind` (or a subclass)?
pub(crate) fn is_instance_of(interp: &Interp, exc: &Value, kind: ExcType) -> bool {
    match exc {
        Value::Instance(inst) => is_subclass(&inst.class, interp.types.exc(kind)),
        _ => false,
    }
}

/// The exception being handled by the innermost running handler of the thread.
pub(crate) fn handled(exec: &ExecState) -> Option<Value> {
    exec.frames
        .iter()
        .rev()
        .flat_map(|f| f.blocks.iter().rev())
        .find_map(|b| match b {
            BlockEntry::Handler(e) => Some(e.clone()),
            _ => None,
        })
}

#[optimize(size)]
fn context_of(v: &Value) -> Option<Value> {
    match v {
        Value::Instance(inst) => inst.exc.lock().context.clone(),
        _ => None,
    }
}

/// Chains `exc` to the exception being handled (`__context__`), as CPython does when raising.
#[optimize(size)]
fn set_context(exec: &ExecState, exc: &Value, overwrite: bool) {
    let Value::Instance(inst) = exc else { return };
    let Some(handled) = handled(exec) else { return };
    if handled.is(exc) {
        return;
    }
    if !overwrite && inst.exc.lock().context.is_some() {
        return;
    }
    // No cycles: if `exc` is already in the handled exception's chain, the chain is cut there.
    let mut o = handled.clone();
    for _ in 0..1000 {
        match context_of(&o) {
            Some(n) if n.is(exc) => {
                if let Value::Instance(i) = &o {
                    i.exc.lock().context = None;
                }
                break;
            }
            Some(n) => o = n,
            None => break,
        }
    }
    inst.exc.lock().context = Some(handled);
}

/// Adds the frame on top of the stack to `exc`'s traceback (at the front: tracebacks list outermost
/// first and an exception travels outwards).
#[optimize(size)]
fn add_traceback(exec: &mut ExecState, exc: &Value) {
    let Value::Instance(inst) = exc else { return };
    let ExecState {
        frames, line_cache, ..
    } = exec;
    let Some(frame) = frames.last() else { return };
    let line = frame.line();
    let code = &frame.func.code;
    let key = (Arc::as_ptr(&code.source) as *const u8 as usize, line);
    if line_cache.len() > 4096 {
        line_cache.clear();
    }
    let text = line_cache
        .entry(key)
        .or_insert_with(|| Arc::from(code.line_text(line)))
        .clone();
    let entry = TracebackEntry {
        filename: code.filename.clone(),
        line,
        function: code.name.clone(),
        text,
    };
    inst.exc.lock().traceback.insert(0, entry);
}

/// Raises `exc` in the thread's top frame: unwinds block stacks and frames until a handler takes it
/// (`None`: the loop carries on there) or it leaves the barrier frame (`Some(Exit::Raised)`).
#[optimize(size)]
pub(crate) fn raise(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    exc: Value,
    how: Raising,
) -> Option<Exit> {
    let mut exc = exc;
    match how {
        Raising::Raise => set_context(&thread.exec, &exc, true),
        Raising::Native => set_context(&thread.exec, &exc, false),
        Raising::Throw | Raising::Reraise => {}
    }
    let mut add_tb = how != Raising::Reraise;
    loop {
        if thread.exec.frames.is_empty() {
            return Some(Exit::Raised(exc));
        }
        if add_tb {
            add_traceback(&mut thread.exec, &exc);
        }
        add_tb = true;
        let frame = thread.exec.frames.last_mut().expect("a frame");
        while let Some(block) = frame.blocks.pop() {
            match block {
                BlockEntry::Handler(_) => {}
                BlockEntry::Except { target, depth } | BlockEntry::Finally { target, depth } => {
                    frame.stack.truncate(depth as usize);
                    frame.stack.push(exc.clone());
                    frame.blocks.push(BlockEntry::Handler(exc));
                    frame.ip = target as usize;
                    return None;
                }
            }
        }
        // No handler here: the frame ends and the exception goes on in its caller.
        let mut frame = thread.exec.frames.pop().expect("a frame");
        recycle(&mut thread.exec, &mut frame);
        let barrier = frame.barrier;
        match std::mem::replace(&mut frame.on_return, OnReturn::Push) {
            OnReturn::Import { name } => {
                interp.modules.lock().remove(&name);
            }
            OnReturn::IterNext
                if !barrier && is_instance_of(interp, &exc, ExcType::StopIteration) =>
            {
                // A user iterator's `__next__` ended the loop.
                if let Some(caller) = thread.exec.frames.last_mut() {
                    caller.stack.pop();
                    if let Some(Instr::ForIter(t)) =
                        caller.func.code.instrs.get(caller.ip.wrapping_sub(1))
                    {
                        caller.ip = *t as usize;
                    }
                }
                return None;
            }
            OnReturn::Generator(gen, mode) => {
                drop(frame);
                generators::finish(&gen);
                if is_instance_of(interp, &exc, ExcType::StopIteration) {
                    // PEP 479: a StopIteration leaking out of a generator becomes a RuntimeError.
                    let what = if gen.is_coroutine {
                        "coroutine"
                    } else {
                        "generator"
                    };
                    let new = interp.types.new_exception(
                        ExcType::RuntimeError,
                        &format!("{what} raised StopIteration"),
                    );
                    if let (Value::Instance(n), Value::Instance(old)) = (&new, &exc) {
                        let tb = old.exc.lock().traceback.clone();
                        let mut info = n.exc.lock();
                        info.traceback = tb;
                        info.cause = Some(exc.clone());
                        info.suppress_context = true;
                        info.context = Some(exc.clone());
                    }
                    exc = new;
                }
                if matches!(mode, GenMode::Finalize) && !barrier {
                    // Whatever a finalized generator raises is dropped (CPython: "Exception ignored").
                    return None;
                }
                if matches!(mode, GenMode::Close)
                    && is_instance_of(interp, &exc, ExcType::GeneratorExit)
                {
                    if barrier {
                        return Some(Exit::GenReturned(Value::None));
                    }
                    if let Some(caller) = thread.exec.frames.last_mut() {
                        caller.stack.push(Value::None);
                    }
                    return None;
                }
            }
            _ => {}
        }
        if barrier {
            return Some(Exit::Raised(exc));
        }
    }
}

/// The exception a `raise` operand names: an instance, or a class instantiated without arguments.
#[optimize(size)]
fn make_exception(interp: &Arc<Interp>, thread: &mut ThreadState, v: Value) -> Result<Value, Flow> {
    let base = interp.types.exc(ExcType::BaseException).clone();
    let mut ctx = Ctx { interp, thread };
    match &v {
        Value::Instance(inst) if is_subclass(&inst.class, &base) => Ok(v),
        Value::Class(c) if is_subclass(c, &base) => {
            let made = ctx.call(&v, &[], &[])?;
            match &made {
                Value::Instance(inst) if is_subclass(&inst.class, &base) => Ok(made),
                other => {
                    let name = crate::vm::ops::type_name(&ctx, other);
                    Err(ctx.raise(
                        ExcType::TypeError,
                        &format!("calling {} should have returned an instance of BaseException, not {name}", c.name),
                    ))
                }
            }
        }
        _ => Err(ctx.raise(
            ExcType::TypeError,
            "exceptions must derive from BaseException",
        )),
    }
}

/// `Raise(n)`.
#[optimize(size)]
pub(crate) fn exec_raise(interp: &Arc<Interp>, thread: &mut ThreadState, n: u32) -> Step {
    match n {
        0 => match handled(&thread.exec) {
            Some(exc) => Ok(raise(interp, thread, exc, Raising::Reraise)),
            None => Err(Flow::Raise(interp.types.new_exception(
                ExcType::RuntimeError,
                "No active exception to reraise",
            ))),
        },
        1 => {
            let v = pop(thread);
            let exc = make_exception(interp, thread, v)?;
            Ok(raise(interp, thread, exc, Raising::Raise))
        }
        _ => {
            let cause = pop(thread);
            let v = pop(thread);
            let exc = make_exception(interp, thread, v)?;
            let cause = match cause {
                Value::None => None,
                other => Some(make_exception(interp, thread, other)?),
            };
            if let Value::Instance(inst) = &exc {
                let mut info = inst.exc.lock();
                info.cause = cause;
                info.suppress_context = true;
            }
            Ok(raise(interp, thread, exc, Raising::Raise))
        }
    }
}

/// `CheckExcMatch`: does `exc` match `class` (a class or a tuple of them)?
#[optimize(size)]
pub(crate) fn exc_matches(ctx: &mut Ctx<'_>, exc: &Value, class: &Value) -> Result<bool, Flow> {
    match class {
        Value::Class(c) => {
            if !is_subclass(c, ctx.interp.types.exc(ExcType::BaseException)) {
                return Err(ctx.raise(
                    ExcType::TypeError,
                    "catching classes that do not inherit from BaseException is not allowed",
                ));
            }
            Ok(is_subclass(&class_of(ctx, exc), c))
        }
        Value::Tuple(items) => {
            for item in items.iter() {
                if exc_matches(ctx, exc, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(ctx.raise(
            ExcType::TypeError,
            "catching classes that do not inherit from BaseException is not allowed",
        )),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Printing.

/// The name a traceback shows for an exception's class: `ValueError`, `MyError`, `threading.BrokenBarrierError`.
#[optimize(size)]
fn printed_type_name(class: &Class) -> String {
    if &*class.module == "builtins" || &*class.module == "__main__" {
        class.qualname.to_string()
    } else {
        format!("{}.{}", class.module, class.qualname)
    }
}

/// `str(exc)`, or CPython's stand-in when that fails.
#[optimize(size)]
fn message_of(ctx: &mut Ctx<'_>, exc: &Value) -> String {
    let has_own_str = match exc {
        Value::Instance(inst) => super::attr::class_lookup(&inst.class, "__str__").is_some(),
        _ => true,
    };
    let r = if has_own_str {
        crate::vm::ops::str(ctx, exc)
    } else {
        exception_str(ctx, exc)
    };
    r.unwrap_or_else(|_| "<exception str() failed>".to_string())
}

/// The "Did you mean" CPython's traceback adds for a `NameError` or `AttributeError`.
#[optimize(size)]
fn suggestion_of(ctx: &Ctx<'_>, exc: &Value) -> Option<String> {
    let Value::Instance(inst) = exc else {
        return None;
    };
    if let Some(Value::Str(s)) = inst.dict.lock().get(SUGGESTION_KEY) {
        return Some(s.to_string());
    }
    if !is_subclass(&inst.class, ctx.interp.types.exc(ExcType::AttributeError)) {
        return None;
    }
    let (name, obj) = {
        let d = inst.dict.lock();
        (d.get("name").cloned(), d.get("obj").cloned())
    };
    let (Some(Value::Str(name)), Some(obj)) = (name, obj) else {
        return None;
    };
    let dir = dir_names(ctx, &obj);
    best_suggestion(dir.iter().map(|s| &**s), &name)
}

/// The last line of a printed exception: `ValueError: bad`, with a suggestion if there is one.
#[optimize(size)]
fn exception_line(ctx: &mut Ctx<'_>, exc: &Value) -> (String, String) {
    let type_name = match exc {
        Value::Instance(inst) => printed_type_name(&inst.class),
        other => crate::vm::ops::type_name(ctx, other),
    };
    let mut message = message_of(ctx, exc);
    if let Some(s) = suggestion_of(ctx, exc) {
        message.push_str(&format!(". Did you mean: '{s}'?"));
    }
    (type_name, message)
}

#[optimize(size)]
fn format_one(ctx: &mut Ctx<'_>, exc: &Value, out: &mut String, seen: &mut Vec<u64>) {
    let Value::Instance(inst) = exc else {
        let (t, m) = exception_line(ctx, exc);
        out.push_str(&if m.is_empty() {
            format!("{t}\n")
        } else {
            format!("{t}: {m}\n")
        });
        return;
    };
    seen.push(exc.identity().unwrap_or(0));
    let info = inst.exc.lock().clone();
    let unseen = |v: &Value, seen: &Vec<u64>| !seen.contains(&v.identity().unwrap_or(0));
    match &info.cause {
        Some(cause @ Value::Instance(_)) => {
            if unseen(cause, seen) {
                format_one(ctx, cause, out, seen);
                out.push_str(
                    "\nThe above exception was the direct cause of the following exception:\n\n",
                );
            }
        }
        _ if info.suppress_context => {}
        _ => {
            if let Some(context @ Value::Instance(_)) = &info.context {
                if unseen(context, seen) {
                    format_one(ctx, context, out, seen);
                    out.push_str(
                        "\nDuring handling of the above exception, another exception occurred:\n\n",
                    );
                }
            }
        }
    }
    if !info.traceback.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
        format_entries(&info.traceback, out);
    }
    let (t, m) = exception_line(ctx, exc);
    if m.is_empty() {
        out.push_str(&format!("{t}\n"));
    } else {
        out.push_str(&format!("{t}: {m}\n"));
    }
}

/// The frames of a traceback, with CPython's collapsing of a line repeated more than 3 times.
#[optimize(size)]
fn format_entries(entries: &[TracebackEntry], out: &mut String) {
    const CUTOFF: usize = 3;
    let mut last: Option<(&str, u32, &str)> = None;
    let mut count = 0usize;
    let repeated = |count: usize, out: &mut String| {
        if count > CUTOFF {
            let more = count - CUTOFF;
            out.push_str(&format!(
                "  [Previous line repeated {more} more time{}]\n",
                if more > 1 { "s" } else { "" }
            ));
        }
    };
    for e in entries {
        let key = (&*e.filename, e.line, &*e.function);
        if last != Some(key) {
            repeated(count, out);
            last = Some(key);
            count = 0;
        }
        count += 1;
        if count > CUTOFF {
            continue;
        }
        out.push_str(&format!(
            "  File \"{}\", line {}, in {}\n",
            e.filename, e.line, e.function
        ));
        if !e.text.is_empty() {
            out.push_str(&format!("    {}\n", e.text));
        }
    }
    repeated(count, out);
}

/// An exception as CPython prints it when uncaught: its cause or context chain first, then
/// `Traceback (most recent call last):`, the frames, and `Type: message`.
#[optimize(size)]
pub fn format_exception(ctx: &mut Ctx<'_>, exc: &Value) -> String {
    let mut out = String::new();
    format_one(ctx, exc, &mut out, &mut Vec::new());
    out
}

/// What the host records of an uncaught exception: the printed type name, the message as printed (with a
/// suggestion), and the innermost line of the user's program in its traceback.
#[optimize(size)]
pub fn report_of(ctx: &mut Ctx<'_>, exc: &Value) -> ExceptionReport {
    let (type_name, message) = exception_line(ctx, exc);
    let line = match exc {
        Value::Instance(inst) => inst
            .exc
            .lock()
            .traceback
            .iter()
            .rev()
            .find(|e| &*e.filename == "<main>")
            .map_or(0, |e| e.line),
        _ => 0,
    };
    ExceptionReport {
        type_name,
        message,
        line,
    }
}

/// Records on a new `NameError` its `name` and the suggestion CPython would print (from the names of the
/// raising frame's locals, then its globals, then the builtins).
#[optimize(size)]
pub(crate) fn note_name_error(interp: &Interp, exec: &ExecState, exc: &Value, name: &str) {
    let Value::Instance(inst) = exc else { return };
    inst.dict.lock().insert(Arc::from("name"), Value::str(name));
    let Some(frame) = exec.frames.last() else {
        return;
    };
    let mut found = best_suggestion(frame.func.code.varnames.iter().map(|s| &**s), name);
    if found.is_none() {
        let globals: Vec<Arc<str>> = frame.func.module.globals.lock().keys().cloned().collect();
        found = best_suggestion(globals.iter().map(|s| &**s), name);
    }
    if found.is_none() {
        found = best_suggestion(interp.builtins.keys().map(|s| &**s), name);
    }
    if let Some(s) = found {
        inst.dict
            .lock()
            .insert(Arc::from(SUGGESTION_KEY), Value::str(&s));
    }
}

const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;
const MAX_STRING_SIZE: usize = 40;
const MAX_CANDIDATE_ITEMS: usize = 750;

#[optimize(size)]
fn substitution_cost(a: u8, b: u8) -> usize {
    if (a & 31) != (b & 31) {
        return MOVE_COST;
    }
    if a == b {
        return 0;
    }
    if a.eq_ignore_ascii_case(&b) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

/// CPython 3.11's `levenshtein_distance` (Python/suggestions.c), on bytes.
#[optimize(size)]
fn levenshtein(a: &[u8], b: &[u8], max_cost: usize) -> usize {
    if a == b {
        return 0;
    }
    let (mut a, mut b) = (a, b);
    while let (Some(x), Some(y)) = (a.first(), b.first()) {
        if x != y {
            break;
        }
        a = &a[1..];
        b = &b[1..];
    }
    while let (Some(x), Some(y)) = (a.last(), b.last()) {
        if x != y {
            break;
        }
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    if b.len() < a.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    let mut buffer: Vec<usize> = (0..a.len()).map(|i| (i + 1) * MOVE_COST).collect();
    let mut result = 0;
    for (b_index, &code) in b.iter().enumerate() {
        result = b_index * MOVE_COST;
        let mut distance = result;
        let mut minimum = usize::MAX;
        for (index, &ac) in a.iter().enumerate() {
            let substitute = distance + substitution_cost(code, ac);
            distance = buffer[index];
            let insert_delete = result.min(distance) + MOVE_COST;
            result = insert_delete.min(substitute);
            buffer[index] = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

/// CPython 3.11's `calculate_suggestions`: the closest candidate within a third of the characters.
#[optimize(size)]
pub(crate) fn best_suggestion<'a>(
    candidates: impl Iterator<Item = &'a str>,
    name: &str,
) -> Option<String> {
    let candidates: Vec<&str> = candidates.collect();
    if candidates.len() >= MAX_CANDIDATE_ITEMS {
        return None;
    }
    let mut best: Option<&str> = None;
    let mut best_distance = usize::MAX;
    for item in candidates {
        if item == name {
            continue;
        }
        let max_distance =
            ((name.len() + item.len() + 3) * MOVE_COST / 6).min(best_distance.saturating_sub(1));
        let d = levenshtein(name.as_bytes(), item.as_bytes(), max_distance);
        if d > max_distance {
            continue;
        }
        if best.is_none() || d < best_distance {
            best = Some(item);
            best_distance = d;
        }
    }
    best.map(str::to_string)
}

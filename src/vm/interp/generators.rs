//! Generators and coroutines: resuming a generator pushes its frame on the resuming thread's stack (no
//! nested run), `Yield` takes it off again, and the consumer gets the value as its [`GenMode`] says.
//! `send`/`__next__`/`throw`/`close` and builtin `next()` called from Python code are recognised by the
//! `Call` instruction ([`intercepts`]); called from natives they resume in a nested run.

use std::sync::Arc;

use super::exceptions::{self, Raising};
use super::{call, check_depth, nested_run, pop, push, push_frame, top, Exit, Step};
use crate::python::bytecode::Instr;
use crate::vm::frame::{BlockEntry, GenMode, GenState, Generator, OnReturn};
use crate::vm::types::ExcType;
use crate::vm::value::{Builtin, BuiltinType, Flow, List, NativeFn, Value};
use crate::vm::{ops, Ctx, Interp, ThreadState};

/// What a resume does to the generator.
#[derive(Debug)]
pub(crate) enum Resume {
    /// `send(v)` (`next` sends `None`).
    Send(Value),
    /// `throw(exc)`.
    Throw(Value),
    /// `close()`.
    Close,
}

/// What a resume did.
#[derive(Debug)]
pub(crate) enum Resumed {
    /// The generator's frame is on top of the thread's stack, ready to run.
    Pushed,
    /// The generator is finished (it was already, or a close/first throw ended it): as if it returned
    /// this value.
    Finished(Value),
}

/// What a nested resume ended with.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The generator yielded this value.
    Yielded(Value),
    /// The generator returned this value.
    Returned(Value),
}

/// Marks a generator finished.
pub(crate) fn finish(gen: &Generator) {
    let mut inner = gen.inner.lock();
    inner.state = GenState::Done;
    inner.frame = None;
}

fn kind(gen: &Generator) -> &'static str {
    if gen.is_coroutine {
        "coroutine"
    } else {
        "generator"
    }
}

/// `StopIteration(value)` (no arguments for `None`), with its `value` attribute.
pub(crate) fn stop_iteration(interp: &Interp, value: Value) -> Value {
    let exc = interp.types.new_exception(ExcType::StopIteration, "");
    if let Value::Instance(inst) = &exc {
        let mut d = inst.dict.lock();
        if !matches!(value, Value::None) {
            d.insert(Arc::from("args"), Value::tuple(vec![value.clone()]));
        }
        d.insert(Arc::from("value"), value);
    }
    exc
}

/// Resumes `gen` on this thread for a consumer expecting `mode`. A thrown exception that must be raised
/// comes back as `Err(Flow::Raise)`: raise it in the thread's top frame (the generator's, if it was
/// pushed).
pub(crate) fn resume(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    gen: &Arc<Generator>,
    mode: GenMode,
    action: Resume,
    barrier: bool,
) -> Result<Resumed, Flow> {
    check_depth(interp, thread)?;
    let (mut frame, created) = {
        let mut inner = gen.inner.lock();
        match inner.state {
            GenState::Running => {
                drop(inner);
                return Err(Flow::Raise(interp.types.new_exception(
                    ExcType::ValueError,
                    &format!("{} already executing", kind(gen)),
                )));
            }
            GenState::Done => {
                drop(inner);
                return match action {
                    Resume::Send(_) if gen.is_coroutine => {
                        Err(Flow::Raise(interp.types.new_exception(
                            ExcType::RuntimeError,
                            "cannot reuse already awaited coroutine",
                        )))
                    }
                    Resume::Send(_) | Resume::Close => Ok(Resumed::Finished(Value::None)),
                    Resume::Throw(e) => Err(Flow::Raise(e)),
                };
            }
            GenState::Created => match &action {
                Resume::Send(v) if !matches!(v, Value::None) => {
                    drop(inner);
                    return Err(Flow::Raise(interp.types.new_exception(
                        ExcType::TypeError,
                        &format!("can't send non-None value to a just-started {}", kind(gen)),
                    )));
                }
                Resume::Send(_) => {}
                Resume::Throw(_) | Resume::Close => {
                    inner.state = GenState::Done;
                    inner.frame = None;
                    drop(inner);
                    return match action {
                        Resume::Throw(e) => Err(Flow::Raise(e)),
                        _ => Ok(Resumed::Finished(Value::None)),
                    };
                }
            },
            GenState::Suspended => {}
        }
        let created = inner.state == GenState::Created;
        let Some(frame) = inner.frame.take() else {
            inner.state = GenState::Done;
            return Ok(Resumed::Finished(Value::None));
        };
        inner.state = GenState::Running;
        (frame, created)
    };
    frame.on_return = OnReturn::Generator(gen.clone(), mode);
    frame.barrier = barrier;
    let delegating = std::mem::take(&mut frame.delegating);
    let exc = match action {
        Resume::Send(v) => {
            if !created {
                frame.stack.push(v);
            }
            push_frame(interp, thread, frame)?;
            return Ok(Resumed::Pushed);
        }
        Resume::Throw(e) => e,
        Resume::Close => interp.types.new_exception(ExcType::GeneratorExit, ""),
    };
    // Thrown in: a generator suspended in `YieldFrom` passes it on to its sub-iterator.
    let sub = if delegating {
        frame.ip += 1;
        frame.stack.last().cloned()
    } else {
        None
    };
    push_frame(interp, thread, frame)?;
    if let Some(Value::Generator(s)) = sub {
        return match resume(
            interp,
            thread,
            &s,
            GenMode::YieldFrom,
            Resume::Throw(exc),
            false,
        )? {
            Resumed::Pushed => Ok(Resumed::Pushed),
            Resumed::Finished(v) => {
                let g = top(thread);
                g.stack.pop();
                g.stack.push(v);
                Ok(Resumed::Pushed)
            }
        };
    }
    Err(Flow::Raise(exc))
}

/// The generator on top of the stack returned `v` (or had nothing left to run): its consumer, now on top,
/// gets what its mode says.
pub(crate) fn returned(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    gen: &Generator,
    mode: GenMode,
    v: Value,
) -> Step {
    let _ = gen;
    match mode {
        GenMode::Send => return Err(Flow::Raise(stop_iteration(interp, v))),
        GenMode::NextDefault(d) => push(thread, d),
        GenMode::ForIter => {
            let c = top(thread);
            c.stack.pop();
            if let Some(Instr::ForIter(t)) = c.func.code.instrs.get(c.ip.wrapping_sub(1)) {
                c.ip = *t as usize;
            }
        }
        GenMode::YieldFrom => {
            let c = top(thread);
            c.stack.pop();
            c.stack.push(v);
        }
        GenMode::Close => push(thread, Value::None),
        GenMode::Finalize => {}
        GenMode::Drain { list, slot } => {
            let c = top(thread);
            if let Some(s) = c.stack.get_mut(slot) {
                *s = Value::List(list);
            }
            // The consuming call runs again, now with a list.
            c.ip -= 1;
        }
    }
    Ok(None)
}

/// Closes a generator whose last reference was just dropped, if it is suspended inside a `try` (so that
/// its `finally` blocks run, as CPython's reference counting makes them run).
pub(crate) fn finalize(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    gen: Arc<Generator>,
) -> Step {
    if Arc::strong_count(&gen) != 1 {
        return Ok(None);
    }
    let pending = {
        let inner = gen.inner.lock();
        inner.state == GenState::Suspended
            && inner.frame.as_ref().is_some_and(|f| {
                f.blocks
                    .iter()
                    .any(|b| matches!(b, BlockEntry::Finally { .. } | BlockEntry::Except { .. }))
            })
    };
    if !pending {
        return Ok(None);
    }
    let depth = thread.exec.frames.len();
    match resume(
        interp,
        thread,
        &gen,
        GenMode::Finalize,
        Resume::Close,
        false,
    ) {
        Ok(_) => Ok(None),
        Err(Flow::Raise(e)) if thread.exec.frames.len() > depth => {
            Ok(exceptions::raise(interp, thread, e, Raising::Throw))
        }
        Err(_) => Ok(None),
    }
}

/// For a call of a native that consumes a whole iterable: the stack index of a generator argument to
/// drain first (see [`GenMode::Drain`]). `stack[base]` is the callee, its positional arguments follow.
pub(crate) fn drain_slot(stack: &[Value], base: usize, npos: usize) -> Option<usize> {
    let consumes = match &stack[base] {
        Value::Class(c) => matches!(
            c.builtin,
            Some(BuiltinType::List | BuiltinType::Tuple | BuiltinType::Set | BuiltinType::Dict)
        ),
        Value::Builtin(b) => matches!(
            (&b.receiver, &*b.name),
            (None, "sum" | "sorted" | "min" | "max")
                | (Some(Value::Str(_)), "join")
                | (Some(Value::List(_)), "extend")
                | (Some(Value::Set(_)), "update")
        ),
        _ => false,
    };
    if !consumes {
        return None;
    }
    (base + 1..base + 1 + npos).find(|&i| matches!(stack.get(i), Some(Value::Generator(_))))
}

/// Starts draining the generator at `stack[slot]` of the top frame for the call being made.
pub(crate) fn drain(interp: &Arc<Interp>, thread: &mut ThreadState, slot: usize) -> Step {
    let Some(Value::Generator(gen)) = top(thread).stack.get(slot).cloned() else {
        return Ok(None);
    };
    let list = Arc::new(List::default());
    let mode = GenMode::Drain {
        list: list.clone(),
        slot,
    };
    match resume(
        interp,
        thread,
        &gen,
        mode.clone(),
        Resume::Send(Value::None),
        false,
    )? {
        Resumed::Pushed => Ok(None),
        Resumed::Finished(v) => returned(interp, thread, &gen, mode, v),
    }
}

/// `Yield`: the generator on top of the stack suspends and its consumer gets `v`.
pub(crate) fn yield_value(interp: &Arc<Interp>, thread: &mut ThreadState, v: Value) -> Step {
    loop {
        if let Some(f) = thread.exec.frames.last_mut() {
            if let OnReturn::Generator(_, GenMode::Drain { list, .. }) = &f.on_return {
                // Drained: keep the value and go on at once, as if `None` had been sent.
                list.items.lock().push(v);
                f.stack.push(Value::None);
                return Ok(None);
            }
        }
        let mut frame = thread.exec.frames.pop().expect("a generator frame");
        let on_return = std::mem::replace(&mut frame.on_return, OnReturn::Push);
        let OnReturn::Generator(gen, mode) = on_return else {
            frame.on_return = on_return;
            thread.exec.frames.push(frame);
            return Err(super::system_error(interp, "yield outside a generator"));
        };
        let barrier = std::mem::replace(&mut frame.barrier, false);
        {
            let mut inner = gen.inner.lock();
            inner.state = GenState::Suspended;
            inner.frame = Some(frame);
        }
        if barrier {
            return Ok(Some(Exit::Yielded(v)));
        }
        match mode {
            GenMode::Send | GenMode::NextDefault(_) | GenMode::ForIter => {
                push(thread, v);
                return Ok(None);
            }
            GenMode::YieldFrom => {
                // The consumer yields the same value on, and stays at its `YieldFrom`.
                let c = top(thread);
                c.ip -= 1;
                c.delegating = true;
            }
            GenMode::Drain { .. } => {
                return Err(super::system_error(interp, "a drained generator suspended"))
            }
            // It ignored GeneratorExit: CPython prints a warning; it is dropped here.
            GenMode::Finalize => return Ok(None),
            GenMode::Close => {
                return Err(Flow::Raise(interp.types.new_exception(
                    ExcType::RuntimeError,
                    &format!("{} ignored GeneratorExit", kind(&gen)),
                )))
            }
        }
    }
}

/// `YieldFrom`: `[subiter, v] → [result]`.
pub(crate) fn yield_from(interp: &Arc<Interp>, thread: &mut ThreadState) -> Step {
    let v = pop(thread);
    let sub = top(thread).stack.last().cloned().unwrap_or_default();
    match &sub {
        Value::Generator(s) => {
            match resume(
                interp,
                thread,
                s,
                GenMode::YieldFrom,
                Resume::Send(v),
                false,
            )? {
                Resumed::Pushed => {}
                Resumed::Finished(r) => {
                    let c = top(thread);
                    c.stack.pop();
                    c.stack.push(r);
                }
            }
            Ok(None)
        }
        _ => {
            // Any other iterator: next (or send) in a nested call; what it yields, this frame yields.
            let mut ctx = Ctx { interp, thread };
            let item = match (&sub, &v) {
                (Value::Iterator(_), _) | (_, Value::None) => ctx.next(&sub)?.map(Outcome::Yielded),
                _ => {
                    let send = ctx.getattr(&sub, "send")?;
                    match ctx.call(&send, &[v], &[]) {
                        Ok(x) => Some(Outcome::Yielded(x)),
                        Err(Flow::Raise(e))
                            if exceptions::is_instance_of(interp, &e, ExcType::StopIteration) =>
                        {
                            let value = match &e {
                                Value::Instance(i) => i.dict.lock().get("value").cloned(),
                                _ => None,
                            };
                            Some(Outcome::Returned(value.unwrap_or_default()))
                        }
                        Err(e) => return Err(e),
                    }
                }
            };
            match item {
                Some(Outcome::Yielded(x)) => {
                    let c = top(thread);
                    c.ip -= 1;
                    c.delegating = true;
                    yield_value(interp, thread, x)
                }
                Some(Outcome::Returned(r)) => {
                    let c = top(thread);
                    c.stack.pop();
                    c.stack.push(r);
                    Ok(None)
                }
                None => {
                    let c = top(thread);
                    c.stack.pop();
                    c.stack.push(Value::None);
                    Ok(None)
                }
            }
        }
    }
}

/// `GetAwaitable`: `[x] → [awaitable iterator]`.
pub(crate) fn get_awaitable(interp: &Arc<Interp>, thread: &mut ThreadState) -> Step {
    let x = pop(thread);
    match &x {
        Value::Generator(g) if g.is_coroutine => {
            push(thread, x);
            Ok(None)
        }
        _ => {
            let mut ctx = Ctx { interp, thread };
            let method = match &x {
                Value::Generator(_) => None,
                _ => ctx.lookup_attr(&x, "__await__")?,
            };
            match method {
                Some(m) => {
                    match call::call_value(interp, thread, &m, &[], &[], false)? {
                        call::Called::Done(v) => push(thread, v),
                        call::Called::Pushed => {}
                    }
                    Ok(None)
                }
                None => {
                    let name = ops::type_name(&ctx, &x);
                    Err(ctx.raise(
                        ExcType::TypeError,
                        &format!("object {name} can't be used in 'await' expression"),
                    ))
                }
            }
        }
    }
}

/// Resumes `gen` in a nested run of the dispatch loop (for natives: `ctx.next`, `gen.send` called
/// from Rust).
pub(crate) fn resume_nested(
    ctx: &mut Ctx<'_>,
    gen: &Arc<Generator>,
    action: Resume,
) -> Result<Outcome, Flow> {
    let interp = ctx.interp;
    let thread = &mut *ctx.thread;
    let mode = if matches!(action, Resume::Close) {
        GenMode::Close
    } else {
        GenMode::Send
    };
    let depth = thread.exec.frames.len();
    let saved = thread.retry.take();
    let exit = match resume(interp, thread, gen, mode, action, true) {
        Ok(Resumed::Finished(v)) => Ok(Exit::GenReturned(v)),
        Ok(Resumed::Pushed) => Ok(nested_run(interp, thread)),
        Err(Flow::Raise(e)) if thread.exec.frames.len() > depth => {
            match exceptions::raise(interp, thread, e, Raising::Throw) {
                Some(exit) => Ok(exit),
                None => Ok(nested_run(interp, thread)),
            }
        }
        Err(e) => Err(e),
    };
    thread.retry = saved;
    match exit? {
        Exit::Yielded(v) => Ok(Outcome::Yielded(v)),
        Exit::GenReturned(v) | Exit::Returned(v) => Ok(Outcome::Returned(v)),
        Exit::Raised(e) => Err(Flow::Raise(e)),
        Exit::Budget | Exit::Block(_) => {
            Err(super::system_error(interp, "a nested resume stopped early"))
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The methods of generator objects.

/// A generator's attribute.
pub(crate) fn attr(obj: &Value, gen: &Generator, name: &str) -> Option<Value> {
    let method = |name: &str, func: NativeFn| {
        Some(Value::Builtin(Arc::new(Builtin {
            name: Arc::from(name),
            func,
            receiver: Some(obj.clone()),
        })))
    };
    match name {
        "send" => method(name, gen_send),
        "__next__" => method(name, gen_next),
        "throw" => method(name, gen_throw),
        "close" => method(name, gen_close),
        "__iter__" | "__await__" => method(name, gen_iter),
        "__name__" => Some(Value::Str(gen.name.clone())),
        "__qualname__" => Some(Value::Str(gen.qualname.clone())),
        "gi_running" | "cr_running" => Some(Value::Bool(gen.state() == GenState::Running)),
        "gi_frame" | "cr_frame" | "gi_yieldfrom" | "cr_await" | "gi_code" | "cr_code" => {
            Some(Value::None)
        }
        _ => None,
    }
}

fn generator_arg(ctx: &Ctx<'_>, args: &[Value], what: &str) -> Result<Arc<Generator>, Flow> {
    match args.first() {
        Some(Value::Generator(g)) => Ok(g.clone()),
        _ => Err(ctx.raise(
            ExcType::TypeError,
            &format!("descriptor '{what}' requires a 'generator' object"),
        )),
    }
}

fn arity(
    ctx: &Ctx<'_>,
    gen: &Generator,
    what: &str,
    args: &[Value],
    want: usize,
) -> Result<(), Flow> {
    if args.len() != want {
        let msg = match want {
            0 => format!(
                "{}.{what}() takes no arguments ({} given)",
                kind(gen),
                args.len()
            ),
            _ => format!(
                "{}.{what}() takes exactly one argument ({} given)",
                kind(gen),
                args.len()
            ),
        };
        return Err(ctx.raise(ExcType::TypeError, &msg));
    }
    Ok(())
}

/// The exception `throw(typ[, val])` raises.
fn thrown(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Flow> {
    let base = ctx.interp.types.exc(ExcType::BaseException).clone();
    match args.first() {
        Some(Value::Instance(i)) if crate::vm::types::is_subclass(&i.class, &base) => {
            Ok(args[0].clone())
        }
        Some(c @ Value::Class(k)) if crate::vm::types::is_subclass(k, &base) => {
            let rest: Vec<Value> = match args.get(1) {
                None | Some(Value::None) => vec![],
                Some(Value::Tuple(t)) => t.to_vec(),
                Some(v) => vec![v.clone()],
            };
            ctx.call(c, &rest, &[])
        }
        _ => {
            let name = args
                .first()
                .map(|v| ops::type_name(ctx, v))
                .unwrap_or_default();
            Err(ctx.raise(
                ExcType::TypeError,
                &format!("exceptions must be classes or instances deriving from BaseException, not {name}"),
            ))
        }
    }
}

fn settle(ctx: &mut Ctx<'_>, outcome: Outcome) -> Result<Value, Flow> {
    match outcome {
        Outcome::Yielded(v) => Ok(v),
        Outcome::Returned(v) => Err(Flow::Raise(stop_iteration(ctx.interp, v))),
    }
}

/// `gen.send(value)`.
fn gen_send(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let gen = generator_arg(ctx, args, "send")?;
    arity(ctx, &gen, "send", &args[1..], 1)?;
    let outcome = resume_nested(ctx, &gen, Resume::Send(args[1].clone()))?;
    settle(ctx, outcome)
}

/// `gen.__next__()`.
fn gen_next(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let gen = generator_arg(ctx, args, "__next__")?;
    arity(ctx, &gen, "__next__", &args[1..], 0)?;
    let outcome = resume_nested(ctx, &gen, Resume::Send(Value::None))?;
    settle(ctx, outcome)
}

/// `gen.throw(exc)`.
fn gen_throw(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let gen = generator_arg(ctx, args, "throw")?;
    let exc = thrown(ctx, &args[1..])?;
    let outcome = resume_nested(ctx, &gen, Resume::Throw(exc))?;
    settle(ctx, outcome)
}

/// `gen.close()`.
fn gen_close(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let gen = generator_arg(ctx, args, "close")?;
    arity(ctx, &gen, "close", &args[1..], 0)?;
    match resume_nested(ctx, &gen, Resume::Close)? {
        Outcome::Returned(_) => Ok(Value::None),
        Outcome::Yielded(_) => Err(ctx.raise(
            ExcType::RuntimeError,
            &format!("{} ignored GeneratorExit", kind(&gen)),
        )),
    }
}

/// `gen.__iter__()` / `gen.__await__()`: the generator itself.
fn gen_iter(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let gen = generator_arg(ctx, args, "__iter__")?;
    Ok(Value::Generator(gen))
}

fn is(f: NativeFn, g: NativeFn) -> bool {
    std::ptr::fn_addr_eq(f, g)
}

fn is_builtin_next(interp: &Interp, b: &Builtin) -> bool {
    matches!(interp.builtins.get("next"), Some(Value::Builtin(n)) if is(n.func, b.func))
}

/// Whether a call of `b` with `args` from Python code is a generator resume the interpreter makes
/// itself (pushing the generator's frame instead of nesting).
pub(crate) fn intercepts(interp: &Interp, b: &Builtin, args: &[Value]) -> bool {
    match &b.receiver {
        Some(Value::Generator(_)) => {
            let f = b.func;
            is(f, gen_send) || is(f, gen_next) || is(f, gen_throw) || is(f, gen_close)
        }
        None => {
            (args.len() == 1 || args.len() == 2)
                && matches!(args[0], Value::Generator(_))
                && is_builtin_next(interp, b)
        }
        _ => false,
    }
}

/// Makes an intercepted call (see [`intercepts`]); `f` and `args` are already off the stack.
pub(crate) fn intercept(
    interp: &Arc<Interp>,
    thread: &mut ThreadState,
    b: &Builtin,
    args: Vec<Value>,
) -> Step {
    let mut ctx = Ctx { interp, thread };
    let (gen, mode, action) = match &b.receiver {
        Some(Value::Generator(g)) => {
            let f = b.func;
            if is(f, gen_send) {
                arity(&ctx, g, "send", &args, 1)?;
                (g.clone(), GenMode::Send, Resume::Send(args[0].clone()))
            } else if is(f, gen_next) {
                arity(&ctx, g, "__next__", &args, 0)?;
                (g.clone(), GenMode::Send, Resume::Send(Value::None))
            } else if is(f, gen_throw) {
                let exc = thrown(&mut ctx, &args)?;
                (g.clone(), GenMode::Send, Resume::Throw(exc))
            } else {
                arity(&ctx, g, "close", &args, 0)?;
                (g.clone(), GenMode::Close, Resume::Close)
            }
        }
        _ => match &args[..] {
            [Value::Generator(g)] => (g.clone(), GenMode::Send, Resume::Send(Value::None)),
            [Value::Generator(g), default] => (
                g.clone(),
                GenMode::NextDefault(default.clone()),
                Resume::Send(Value::None),
            ),
            _ => {
                return Err(super::system_error(
                    interp,
                    "a next() call intercepted wrongly",
                ))
            }
        },
    };
    let depth = thread.exec.frames.len();
    match resume(interp, thread, &gen, mode.clone(), action, false) {
        Ok(Resumed::Pushed) => Ok(None),
        Ok(Resumed::Finished(v)) => {
            if matches!(mode, GenMode::Close) {
                push(thread, Value::None);
                return Ok(None);
            }
            returned(interp, thread, &gen, mode, v)
        }
        Err(Flow::Raise(e)) if thread.exec.frames.len() > depth => {
            Ok(exceptions::raise(interp, thread, e, Raising::Throw))
        }
        Err(e) => Err(e),
    }
}

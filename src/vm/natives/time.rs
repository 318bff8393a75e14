//! `time`: `sleep` and the clocks, all read from the host's clock (virtual seconds in the prediction).

use std::sync::Arc;

use super::{as_float, block, exact, functions, new_module, retry_of, type_name};
use crate::vm::host::{Wait, WaitKind};
use crate::vm::types::ExcType;
use crate::vm::value::{Flow, Module, Value};
use crate::vm::{Ctx, Retry};

/// What `perf_counter()` and `monotonic()` read when the run starts: CPython's monotonic clocks count
/// from the machine's boot, so a program never sees them start at zero; neither should it here.
pub(crate) const CLOCK_OFFSET: f64 = 5000.0;

pub(super) fn module(_ctx: &mut Ctx<'_>) -> Arc<Module> {
    new_module(
        "time",
        functions(&[
            ("sleep", sleep),
            ("perf_counter", perf_counter),
            ("monotonic", perf_counter),
            ("process_time", process_time),
            ("thread_time", process_time),
            ("time", time),
            ("perf_counter_ns", perf_counter_ns),
            ("monotonic_ns", perf_counter_ns),
            ("process_time_ns", process_time_ns),
            ("time_ns", time_ns),
        ]),
    )
}

/// `time.sleep(secs)`: the first attempt asks the runtime to wait until the deadline; the retry after the
/// wait returns `None`. `sleep(0)` still blocks (until now): it gives up the GIL, as CPython's does.
fn sleep(ctx: &mut Ctx<'_>, args: &[Value], kwargs: &[(Arc<str>, Value)]) -> Result<Value, Flow> {
    let args = exact(ctx, "sleep", args, kwargs, 1)?;
    if retry_of(ctx).stage == 1 {
        return Ok(Value::None);
    }
    let secs = match &args[0] {
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => as_float(ctx, &args[0])?,
        other => {
            return Err(ctx.raise(
                ExcType::TypeError,
                &format!(
                    "'{}' object cannot be interpreted as an integer",
                    type_name(ctx, other)
                ),
            ))
        }
    };
    if secs.is_nan() {
        return Err(ctx.raise(ExcType::ValueError, "Invalid value NaN (not a number)"));
    }
    if secs < 0.0 {
        return Err(ctx.raise(ExcType::ValueError, "sleep length must be non-negative"));
    }
    if !secs.is_finite() || secs > 1e12 {
        return Err(ctx.raise(ExcType::OverflowError, "sleep length is too large"));
    }
    let until = ctx.interp.host.now() + secs;
    let retry = Retry {
        stage: 1,
        until: Some(until),
        value: None,
    };
    Err(block(ctx, retry, Wait::Sleep { until }, WaitKind::Sleep))
}

fn clock(ctx: &Ctx<'_>) -> f64 {
    ctx.interp.host.now() + CLOCK_OFFSET
}

fn perf_counter(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    exact(ctx, "perf_counter", args, kwargs, 0)?;
    Ok(Value::Float(clock(ctx)))
}

fn perf_counter_ns(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    exact(ctx, "perf_counter_ns", args, kwargs, 0)?;
    Ok(Value::Int((clock(ctx) * 1e9).round() as i64))
}

/// `process_time()`: the CPU time of the process. The host has no separate CPU clock, so this is the
/// run's clock, which a CPU-bound program's time matches and a sleeping one's exceeds.
fn process_time(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    exact(ctx, "process_time", args, kwargs, 0)?;
    Ok(Value::Float(ctx.interp.host.now()))
}

fn process_time_ns(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    exact(ctx, "process_time_ns", args, kwargs, 0)?;
    Ok(Value::Int((ctx.interp.host.now() * 1e9).round() as i64))
}

fn time(ctx: &mut Ctx<'_>, args: &[Value], kwargs: &[(Arc<str>, Value)]) -> Result<Value, Flow> {
    exact(ctx, "time", args, kwargs, 0)?;
    Ok(Value::Float(
        ctx.interp.host.epoch() + ctx.interp.host.now(),
    ))
}

fn time_ns(ctx: &mut Ctx<'_>, args: &[Value], kwargs: &[(Arc<str>, Value)]) -> Result<Value, Flow> {
    exact(ctx, "time_ns", args, kwargs, 0)?;
    let t = ctx.interp.host.epoch() + ctx.interp.host.now();
    Ok(Value::Int((t * 1e9).round() as i64))
}

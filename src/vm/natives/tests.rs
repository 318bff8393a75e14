//! Unit tests of the natives against CPython 3.11's outputs (the expected values were printed by
//! `python3`).

use std::sync::Arc;

use super::mt::{float_hash, key_of_u64, Mt};
use super::random::{str_key, test_gen, test_sample};
use crate::vm::host::Portable;
use crate::vm::value::{Flow, Value};
use crate::vm::{Config, Ctx, Interp};

use crate::vm::testing::TestHost;

fn with_ctx<R>(f: impl FnOnce(&mut Ctx<'_>) -> R) -> R {
    let interp = Interp::new(Arc::new(TestHost::default()), Config::default());
    let mut thread = crate::vm::testing::main_thread();
    let mut ctx = Ctx {
        interp: &interp,
        thread: &mut thread,
    };
    f(&mut ctx)
}

/// Calls `module.name(*args)`.
fn call(ctx: &mut Ctx<'_>, module: &str, name: &str, args: &[Value]) -> Result<Value, Flow> {
    let m = match super::build_module(ctx, module) {
        Some(Ok(m)) => m,
        _ => panic!("no module {module}"),
    };
    let f = m.globals.lock().get(name).cloned();
    match f {
        Some(Value::Builtin(b)) => (b.func)(ctx, args, &[]),
        other => panic!("{module}.{name} is {other:?}"),
    }
}

fn float(v: Result<Value, Flow>) -> f64 {
    match v {
        Ok(Value::Float(f)) => f,
        other => panic!("expected a float, got {other:?}"),
    }
}

fn int(v: Result<Value, Flow>) -> i64 {
    match v {
        Ok(Value::Int(i)) => i,
        other => panic!("expected an int, got {other:?}"),
    }
}

/// The message of a raised builtin exception, with its type.
fn error(v: Result<Value, Flow>) -> String {
    match v {
        Err(Flow::Raise(Value::Instance(inst))) => {
            let args = inst.dict.lock().get("args").cloned();
            let message = match args {
                Some(Value::Tuple(t)) if !t.is_empty() => match &t[0] {
                    Value::Str(s) => s.to_string(),
                    other => format!("{other:?}"),
                },
                _ => String::new(),
            };
            format!("{}: {message}", inst.class.name)
        }
        other => panic!("expected an exception, got {other:?}"),
    }
}

#[test]
fn the_twister_draws_what_cpython_draws() {
    type Case = (i64, [f64; 3], [u64; 5], [u64; 3]);
    let cases: [Case; 4] = [
        (
            0,
            [0.8444218515250481, 0.7579544029403025, 0.420571580830845],
            [0, 123, 2195908194, 2087043557, 7229265987085887411],
            [849, 310, 991],
        ),
        (
            42,
            [
                0.6394267984578837,
                0.025010755222666936,
                0.27502931836911926,
            ],
            [0, 17, 3163119785, 4735180711, 8228904076685633203],
            [558, 89, 604],
        ),
        (
            (1 << 40) + 5,
            [0.5043802970418443, 0.2686044399723282, 0.9257865475671585],
            [1, 97, 3513130008, 7878115619, 8381444664376839256],
            [778, 912, 47],
        ),
        (
            -7,
            [0.32383276483316237, 0.15084917392450192, 0.6509344730398537],
            [0, 105, 2301595691, 404285457, 534945643873015901],
            [931, 519, 219],
        ),
    ];
    for (seed, randoms, bits, below) in cases {
        let mut mt = Mt::from_key(&key_of_u64(seed.unsigned_abs()));
        for r in randoms {
            assert_eq!(mt.random(), r, "seed {seed}");
        }
        for (k, b) in [1, 7, 32, 33, 63].into_iter().zip(bits) {
            assert_eq!(mt.getrandbits(k), b, "seed {seed}, getrandbits({k})");
        }
        for b in below {
            assert_eq!(mt.randbelow(1000), b, "seed {seed}");
        }
    }
}

#[test]
fn the_module_functions_follow_cpython() {
    with_ctx(|ctx| {
        call(ctx, "random", "seed", &[Value::Int(42)]).unwrap();
        assert_eq!(
            float(call(ctx, "random", "random", &[])),
            0.6394267984578837
        );
        // seed(0): three randoms, five getrandbits, three randrange(1000), then randint(1, 10) x5.
        call(ctx, "random", "seed", &[Value::Int(0)]).unwrap();
        let mut got = vec![];
        for _ in 0..3 {
            call(ctx, "random", "random", &[]).unwrap();
        }
        for k in [1, 7, 32, 33, 63] {
            call(ctx, "random", "getrandbits", &[Value::Int(k)]).unwrap();
        }
        for _ in 0..3 {
            got.push(int(call(ctx, "random", "randrange", &[Value::Int(1000)])));
        }
        for _ in 0..5 {
            got.push(int(call(
                ctx,
                "random",
                "randint",
                &[Value::Int(1), Value::Int(10)],
            )));
        }
        assert_eq!(got, [849, 310, 991, 8, 6, 10, 4, 9]);
        // After seed(42) and choice (one draw of randbelow(3) = 2): uniform, then two gausses.
        call(ctx, "random", "seed", &[Value::Int(42)]).unwrap();
        assert_eq!(test_gen(42).lock().mt().randbelow(3), 2);
        call(ctx, "random", "randrange", &[Value::Int(3)]).unwrap();
        assert_eq!(
            float(call(
                ctx,
                "random",
                "uniform",
                &[Value::Int(1), Value::Int(2)]
            )),
            1.1113310681656805
        );
        assert_eq!(
            float(call(
                ctx,
                "random",
                "gauss",
                &[Value::Int(0), Value::Int(1)]
            )),
            -0.039773455257050304
        );
        assert_eq!(
            float(call(
                ctx,
                "random",
                "gauss",
                &[Value::Int(0), Value::Int(1)]
            )),
            -0.7484695533206984
        );
        call(ctx, "random", "seed", &[Value::str("hello")]).unwrap();
        assert_eq!(
            float(call(ctx, "random", "random", &[])),
            0.3537754404730722
        );
        for (seed, expected) in [
            (3.5, 0.3039190124834461),
            (-3.5, 0.4125139924995227),
            (1e300, 0.2614143642581235),
        ] {
            call(ctx, "random", "seed", &[Value::Float(seed)]).unwrap();
            assert_eq!(
                float(call(ctx, "random", "random", &[])),
                expected,
                "seed {seed}"
            );
        }
        call(ctx, "random", "seed", &[Value::Int(42)]).unwrap();
        let l = Value::list((0..10).map(Value::Int).collect());
        call(ctx, "random", "shuffle", std::slice::from_ref(&l)).unwrap();
        let Value::List(list) = l else { unreachable!() };
        let items: Vec<i64> = list
            .items
            .lock()
            .iter()
            .map(|v| if let Value::Int(i) = v { *i } else { -1 })
            .collect();
        assert_eq!(items, [7, 3, 2, 8, 5, 6, 9, 4, 0, 1]);
    });
}

#[test]
fn sampling_follows_cpython() {
    let gen = test_gen(42);
    assert_eq!(test_sample(&gen, 100, 5), [81, 14, 3, 94, 35]);
    assert_eq!(test_sample(&gen, 10, 10), [3, 9, 2, 5, 0, 4, 6, 7, 1, 8]);
    assert_eq!(
        test_sample(&gen, 1_000_000, 7),
        [31244, 98246, 229258, 243962, 529903, 631262, 27824]
    );
}

#[test]
fn string_and_float_seeds_are_cpythons() {
    assert_eq!(float_hash(3.5), 1152921504606846979);
    assert_eq!(float_hash(-3.5), -1152921504606846979);
    assert_eq!(float_hash(1e300), 1224995262755759164);
    assert_eq!(float_hash(0.1), 230584300921369408);
    let mut mt = Mt::from_key(&str_key("hello"));
    assert_eq!(mt.random(), 0.3537754404730722);
}

#[test]
fn math_matches_cpython() {
    with_ctx(|ctx| {
        let f = |x: f64| Value::Float(x);
        let i = Value::Int;
        assert_eq!(
            error(call(ctx, "math", "sqrt", &[i(-1)])),
            "ValueError: math domain error"
        );
        assert_eq!(
            error(call(ctx, "math", "log", &[i(0)])),
            "ValueError: math domain error"
        );
        assert_eq!(
            error(call(ctx, "math", "log", &[i(10), i(1)])),
            "ZeroDivisionError: float division by zero"
        );
        assert_eq!(
            error(call(ctx, "math", "factorial", &[i(-1)])),
            "ValueError: factorial() not defined for negative values"
        );
        assert_eq!(
            error(call(ctx, "math", "factorial", &[f(2.0)])),
            "TypeError: 'float' object cannot be interpreted as an integer"
        );
        assert_eq!(
            int(call(ctx, "math", "factorial", &[i(20)])),
            2432902008176640000
        );
        assert!(error(call(ctx, "math", "factorial", &[i(21)])).starts_with("OverflowError"));
        assert_eq!(
            error(call(ctx, "math", "floor", &[f(f64::INFINITY)])),
            "OverflowError: cannot convert float infinity to integer"
        );
        assert_eq!(
            error(call(ctx, "math", "floor", &[f(f64::NAN)])),
            "ValueError: cannot convert float NaN to integer"
        );
        assert_eq!(
            error(call(ctx, "math", "exp", &[i(1000)])),
            "OverflowError: math range error"
        );
        assert_eq!(
            error(call(ctx, "math", "pow", &[i(0), i(-1)])),
            "ValueError: math domain error"
        );
        assert_eq!(
            error(call(ctx, "math", "isqrt", &[i(-1)])),
            "ValueError: isqrt() argument must be nonnegative"
        );
        assert_eq!(
            error(call(ctx, "math", "comb", &[i(-1), i(2)])),
            "ValueError: n must be a non-negative integer"
        );
        assert_eq!(int(call(ctx, "math", "ceil", &[f(2.5)])), 3);
        assert_eq!(int(call(ctx, "math", "trunc", &[f(-2.5)])), -2);
        assert_eq!(float(call(ctx, "math", "log2", &[i(8)])), 3.0);
        assert_eq!(float(call(ctx, "math", "log", &[i(8), i(2)])), 3.0);
        assert_eq!(
            float(call(ctx, "math", "hypot", &[i(3), i(4), i(12)])),
            13.0
        );
        assert_eq!(
            float(call(ctx, "math", "degrees", &[f(std::f64::consts::PI)])),
            180.0
        );
        assert_eq!(float(call(ctx, "math", "remainder", &[i(5), i(3)])), -1.0);
        assert_eq!(int(call(ctx, "math", "comb", &[i(52), i(5)])), 2598960);
        assert_eq!(int(call(ctx, "math", "perm", &[i(5), i(2)])), 20);
        assert_eq!(int(call(ctx, "math", "gcd", &[i(12), i(-18)])), 6);
        assert_eq!(int(call(ctx, "math", "lcm", &[i(4), i(6)])), 12);
        assert_eq!(int(call(ctx, "math", "isqrt", &[i(99)])), 9);
        let tenths = Value::list(vec![f(0.1); 10]);
        assert_eq!(float(call(ctx, "math", "fsum", &[tenths])), 1.0);
        assert_eq!(
            float(call(
                ctx,
                "math",
                "fsum",
                &[Value::list(vec![f(1e100), f(1.0), f(-1e100), f(1e-100)])]
            )),
            1.0
        );
        assert_eq!(
            float(call(ctx, "math", "atan2", &[i(1), i(1)])),
            std::f64::consts::FRAC_PI_4
        );
    });
}

#[test]
fn sys_and_time_follow_cpython() {
    with_ctx(|ctx| {
        assert_eq!(
            error(call(ctx, "sys", "setswitchinterval", &[Value::Int(0)])),
            "ValueError: switch interval must be strictly positive"
        );
        assert_eq!(float(call(ctx, "sys", "getswitchinterval", &[])), 0.005);
        call(
            ctx,
            "sys",
            "setswitchinterval",
            &[Value::Float(0.0123456789)],
        )
        .unwrap();
        assert_eq!(float(call(ctx, "sys", "getswitchinterval", &[])), 0.012345);
        assert_eq!(
            error(call(ctx, "time", "sleep", &[Value::Int(-1)])),
            "ValueError: sleep length must be non-negative"
        );
        assert_eq!(float(call(ctx, "time", "time", &[])), 1_700_000_001.5);
        assert!(matches!(
            call(ctx, "time", "sleep", &[Value::Float(0.5)]),
            Err(Flow::Block(_))
        ));
        assert_eq!(ctx.thread.retry.as_ref().map(|r| r.stage), Some(1));
        assert!(matches!(
            call(ctx, "time", "sleep", &[Value::Float(0.5)]),
            Ok(Value::None)
        ));
        ctx.thread.retry = None;
        assert_eq!(int(call(ctx, "os", "cpu_count", &[])), 4);
    });
}

#[test]
fn a_lock_blocks_then_times_out() {
    with_ctx(|ctx| {
        let lock = call(ctx, "_threadlab", "allocate_lock", &[]).unwrap();
        let Value::Native(obj) = &lock else { panic!() };
        let method = |name: &str| match obj.attr(name) {
            Some(crate::vm::value::NativeAttr::Method(m)) => m,
            _ => panic!("no {name}"),
        };
        let acquire = method("acquire");
        let release = method("release");
        assert!(matches!(
            acquire(ctx, std::slice::from_ref(&lock), &[]),
            Ok(Value::Bool(true))
        ));
        assert!(matches!(
            acquire(ctx, &[lock.clone(), Value::Bool(false)], &[]),
            Ok(Value::Bool(false))
        ));
        // Blocking with a timeout: a wait until now + 0.25; once the deadline passed, False.
        match acquire(
            ctx,
            &[lock.clone(), Value::Bool(true), Value::Float(0.25)],
            &[],
        ) {
            Err(Flow::Block(b)) => match b.wait {
                crate::vm::host::Wait::Wait { until, .. } => assert_eq!(until, Some(1.75)),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        ctx.thread.retry.as_mut().unwrap().until = Some(1.0);
        assert!(matches!(
            acquire(
                ctx,
                &[lock.clone(), Value::Bool(true), Value::Float(0.25)],
                &[]
            ),
            Ok(Value::Bool(false))
        ));
        ctx.thread.retry = None;
        assert!(matches!(
            release(ctx, std::slice::from_ref(&lock), &[]),
            Ok(Value::None)
        ));
        assert_eq!(
            error(release(ctx, std::slice::from_ref(&lock), &[])),
            "RuntimeError: release unlocked lock"
        );
        assert_eq!(
            error(acquire(
                ctx,
                &[lock.clone(), Value::Bool(false), Value::Int(1)],
                &[]
            )),
            "ValueError: can't specify a timeout for a non-blocking call"
        );
    });
}

#[test]
fn copies_refuse_what_pickle_refuses() {
    with_ctx(|ctx| {
        let lock = call(ctx, "_threadlab", "allocate_lock", &[]).unwrap();
        assert_eq!(
            error(super::to_portable(ctx, &lock).map(|_| Value::None)),
            "TypeError: cannot pickle '_thread.lock' object"
        );
        let data = Value::tuple(vec![Value::Int(1), Value::list(vec![Value::str("a")])]);
        let copy = super::to_portable(ctx, &data).unwrap();
        assert_eq!(
            copy,
            Portable::Tuple(vec![
                Portable::Int(1),
                Portable::List(vec![Portable::Str("a".into())])
            ])
        );
    });
}

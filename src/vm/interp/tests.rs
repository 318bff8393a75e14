//! End-to-end tests of the interpreter: source compiled by the front end, run on a host that records what
//! the program prints and never blocks (sleeps advance a fake clock; other waits are polled).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::Mutex;

use super::*;
use crate::vm::host::{ExceptionReport, Host, ProcessSpec, Wait, Waitable};
use crate::vm::types::Types;
use crate::vm::value::Builtin;
use crate::vm::Config;

#[derive(Default)]
struct Recorder {
    out: Mutex<String>,
    err: Mutex<String>,
    uncaught: Mutex<Vec<(bool, ExceptionReport)>>,
    spawned: Mutex<Vec<ThreadState>>,
    now: Mutex<f64>,
}

impl Host for Recorder {
    fn now(&self) -> f64 {
        *self.now.lock().unwrap()
    }
    fn epoch(&self) -> f64 {
        1.7e9
    }
    fn cpu_count(&self) -> usize {
        2
    }
    fn spawn(&self, thread: Box<ThreadState>) {
        self.spawned.lock().unwrap().push(*thread);
    }
    fn notify(&self, _w: &Arc<Waitable>) {}
    fn output(&self, _thread: u64, stream: Stream, text: &str, _line: Option<u32>) {
        match stream {
            Stream::Stdout => self.out.lock().unwrap().push_str(text),
            Stream::Stderr => self.err.lock().unwrap().push_str(text),
        }
    }
    fn uncaught(&self, _thread: u64, main: bool, report: ExceptionReport) {
        self.uncaught.lock().unwrap().push((main, report));
    }
    fn set_switch_interval(&self, _seconds: f64) {}
    fn process_start(&self, _spec: ProcessSpec) -> Result<u64, String> {
        Err("no processes in these tests".into())
    }
    fn process_exitcode(&self, _pid: u64) -> Option<i32> {
        None
    }
    fn process_waitable(&self, _pid: u64) -> Arc<Waitable> {
        Waitable::new()
    }
    fn process_terminate(&self, _pid: u64) {}
    fn channel_new(&self) -> u64 {
        0
    }
    fn channel_put(&self, _channel: u64, _item: Portable) {}
    fn channel_get(&self, _channel: u64) -> Option<Portable> {
        None
    }
    fn channel_len(&self, _channel: u64) -> usize {
        0
    }
    fn channel_waitable(&self, _channel: u64) -> Arc<Waitable> {
        Waitable::new()
    }
}

/// `str()` for the test's `print` while the values engineer's `ops::str` may not handle a value yet.
fn show(ctx: &mut Ctx<'_>, v: &Value) -> String {
    if let Ok(s) = ops::str(ctx, v) {
        return s;
    }
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => (if *b { "True" } else { "False" }).into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Str(s) => s.to_string(),
        Value::Tuple(t) => {
            let items: Vec<String> = t.iter().map(|x| show_repr(ctx, x)).collect();
            if items.len() == 1 {
                format!("({},)", items[0])
            } else {
                format!("({})", items.join(", "))
            }
        }
        Value::List(l) => {
            let items = l.items.lock().clone();
            let items: Vec<String> = items.iter().map(|x| show_repr(ctx, x)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Class(c) => format!("<class '{}'>", c.qualname),
        Value::Instance(i)
            if exceptions::class_of_exception(v).is_some()
                && i.dict.lock().contains_key("args") =>
        {
            attr::exception_str(ctx, v).unwrap_or_default()
        }
        other => format!("{other:?}"),
    }
}

fn show_repr(ctx: &mut Ctx<'_>, v: &Value) -> String {
    if let Ok(s) = ops::repr(ctx, v) {
        return s;
    }
    match v {
        Value::Str(s) => format!("'{s}'"),
        other => show(ctx, other),
    }
}

fn test_print(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    let parts: Vec<String> = args.iter().map(|a| show(ctx, a)).collect();
    let end = kwargs
        .iter()
        .find(|(k, _)| &**k == "end")
        .map_or("\n".to_string(), |(_, v)| show(ctx, v));
    let text = format!("{}{end}", parts.join(" "));
    ctx.interp
        .host
        .output(ctx.thread.ident, Stream::Stdout, &text, None);
    Ok(Value::None)
}

fn test_repr(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    _kwargs: &[(Arc<str>, Value)],
) -> Result<Value, Flow> {
    Ok(Value::str(&show_repr(ctx, &args[0])))
}

/// An interpreter whose builtins are the real ones plus, where those are missing, a few stand-ins.
fn test_interp(host: Arc<Recorder>) -> Arc<Interp> {
    let types = Types::new();
    let mut builtins = super::super::builtins::make(&types);
    let stand_ins: [(&str, crate::vm::value::NativeFn); 2] =
        [("print", test_print), ("repr", test_repr)];
    for (name, func) in stand_ins {
        builtins.entry(Arc::from(name)).or_insert_with(|| {
            Value::Builtin(Arc::new(Builtin {
                name: Arc::from(name),
                func,
                receiver: None,
            }))
        });
    }
    for &kind in ExcType::ALL {
        builtins
            .entry(Arc::from(kind.name()))
            .or_insert_with(|| Value::Class(types.exc(kind).clone()));
    }
    for (name, kind) in [
        ("object", crate::vm::value::BuiltinType::Object),
        ("int", crate::vm::value::BuiltinType::Int),
        ("list", crate::vm::value::BuiltinType::List),
    ] {
        builtins
            .entry(Arc::from(name))
            .or_insert_with(|| Value::Class(types.of(kind).clone()));
    }
    let config = Config::default();
    let main = Arc::new(Module {
        name: Arc::from(config.main_name.as_str()),
        globals: Lock::new(Default::default()),
    });
    Arc::new(Interp {
        host,
        config,
        types,
        builtins,
        modules: Lock::new(HashMap::new()),
        main,
        memory_base: crate::vm::memory::live_bytes(),
        next_ident: AtomicU64::new(1),
        live_threads: AtomicUsize::new(0),
        cancelled: std::sync::atomic::AtomicBool::new(false),
        extensions: Lock::new(HashMap::new()),
    })
}

struct Ran {
    out: String,
    err: String,
    uncaught: Vec<(bool, ExceptionReport)>,
    interp: Arc<Interp>,
}

/// Runs a program to its end with every thread, round robin, `budget` instructions at a time.
fn run_with_budget(src: &str, budget: u64) -> Ran {
    run_round_robin(src, budget, run)
}

/// As `run_with_budget`, each slice run by `entry` (`run` or `run_free_threaded`).
fn run_round_robin(
    src: &str,
    budget: u64,
    entry: fn(&Arc<Interp>, &mut ThreadState, u64) -> Stop,
) -> Ran {
    // Generators are only in the prelude's dialect: such tests are compiled as the prelude is.
    let code = if src.contains("yield") {
        crate::python::compile_prelude(src, "<main>")
    } else {
        crate::python::compile(src, "<main>")
    };
    let code = code.unwrap_or_else(|e| panic!("{e:?}"));
    let host = Arc::new(Recorder::default());
    let interp = test_interp(host.clone());
    let mut threads = vec![start_main(&interp, code)];
    let mut rounds = 0u64;
    while !threads.is_empty() {
        rounds += 1;
        assert!(rounds < 10_000_000, "the program does not end");
        let mut i = 0;
        while i < threads.len() {
            match entry(&interp, &mut threads[i], budget) {
                Stop::Budget => i += 1,
                Stop::Block(block) => {
                    if let Wait::Sleep { until } = block.wait {
                        let mut now = host.now.lock().unwrap();
                        *now = now.max(until);
                    }
                    i += 1;
                }
                Stop::Finished => {
                    threads.remove(i);
                }
            }
        }
        threads.append(&mut host.spawned.lock().unwrap());
    }
    let out = host.out.lock().unwrap().clone();
    let err = host.err.lock().unwrap().clone();
    let uncaught = host.uncaught.lock().unwrap().clone();
    Ran {
        out,
        err,
        uncaught,
        interp,
    }
}

fn run_src(src: &str) -> Ran {
    run_with_budget(src, 1000)
}

/// Runs a program and returns what it printed; panics on anything written to stderr.
fn out(src: &str) -> String {
    let ran = run_src(src);
    assert!(
        ran.err.is_empty(),
        "stderr: {}\nstdout: {}",
        ran.err,
        ran.out
    );
    ran.out
}

/// Runs a program that ends with an uncaught exception; returns stderr.
fn err(src: &str) -> String {
    let ran = run_src(src);
    assert!(!ran.err.is_empty(), "no error; stdout: {}", ran.out);
    ran.err
}

fn global(ran: &Ran, name: &str) -> Value {
    ran.interp
        .main
        .globals
        .lock()
        .get(name)
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_loop_in_a_function() {
    let ran = run_src("def f(n):\n    while n > 0:\n        n -= 1\n    return n\nx = f(10)\n");
    assert!(ran.err.is_empty(), "{}", ran.err);
    assert!(matches!(global(&ran, "x"), Value::Int(0)));
}

#[test]
fn budgets_of_one_instruction_give_the_same_result() {
    let src = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nprint(fib(15))\n";
    assert_eq!(run_with_budget(src, 1).out, "610\n");
    assert_eq!(out(src), "610\n");
}

/// Threads sharing `counter += 1` without a lock, switched every few instructions (mid-statement).
const UNLOCKED_COUNTER: &str = "\
import threading
counter = 0
def work():
    global counter
    for _ in range(1000):
        counter += 1
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
";

#[test]
fn a_switch_waits_for_a_back_edge_a_call_or_a_frame_start() {
    // As CPython 3.11's eval breaker: never between the load and the store of `counter += 1`.
    for budget in [1, 2, 3, 5, 7] {
        assert_eq!(run_round_robin(UNLOCKED_COUNTER, budget, run).out, "4000\n");
    }
}

#[test]
fn free_threaded_slices_may_switch_between_any_two_instructions() {
    let ran = run_round_robin(UNLOCKED_COUNTER, 5, run_free_threaded);
    let count: u64 = ran.out.trim().parse().expect("a count");
    assert!(count < 4000, "no update lost: {count}");
}

#[test]
fn a_spent_budget_stops_at_the_next_switch_point() {
    // Straight-line code with no call: a budget of one runs the whole stretch to the loop's back-edge.
    let code = crate::python::compile(
        "x = 0\nwhile True:\n    x = x + 1\n    y = x * 2\n    z = y - x\n",
        "<main>",
    )
    .unwrap();
    let interp = test_interp(Arc::new(Recorder::default()));
    let mut thread = start_main(&interp, code);
    assert!(matches!(run(&interp, &mut thread, 1), Stop::Budget));
    let first = thread.instructions;
    assert!(matches!(run(&interp, &mut thread, 1), Stop::Budget));
    let second = thread.instructions - first;
    // The first slice runs `x = 0` and the first iteration; each next one, one iteration.
    assert!(first > 1 && second > 1, "{first} {second}");
    assert!(matches!(
        run_free_threaded(&interp, &mut thread, 1),
        Stop::Budget
    ));
    assert_eq!(thread.instructions - first - second, 1);
}

#[test]
fn a_keyword_given_twice_through_double_star_is_refused_as_cpython_does() {
    // CPython 3.11's output for this program (`python3`), word for word; a `{**a, **b}` display keeps
    // the last value.
    let src = r#"
def f(**kw):
    return kw
class A:
    def m(self, **kw):
        pass
def g():
    def inner(**k):
        pass
    inner(**{'a': 1}, **{'a': 2})
tests = [
    lambda: f(a=1, **{'a': 2}),
    lambda: f(**{'a': 1}, **{'a': 2}),
    lambda: f(**1),
    lambda: f(**{'a': 1}, b=2, **{'b': 3}),
    lambda: A().m(a=1, **{'a': 2}),
    lambda: A(**{'a': 1}, **{'a': 2}),
    lambda: print(**{'sep': 1}, **{'sep': 2}),
    lambda: f(**{1: 2}, **{1: 3}),
    lambda: f(**{'a': 1}, **{1: 2}),
    lambda: A().m(**None),
    g,
]
for t in tests:
    try:
        print(t())
    except TypeError as e:
        print("TypeError:", e)
print({**{'a': 1}, **{'a': 2}})
print(f(x=1, **{'a': 2}), f(**{'a': 1}, b=2))
"#;
    let expected = "\
TypeError: __main__.f() got multiple values for keyword argument 'a'\n\
TypeError: __main__.f() got multiple values for keyword argument 'a'\n\
TypeError: __main__.f() argument after ** must be a mapping, not int\n\
TypeError: __main__.f() got multiple values for keyword argument 'b'\n\
TypeError: __main__.A.m() got multiple values for keyword argument 'a'\n\
TypeError: __main__.A() got multiple values for keyword argument 'a'\n\
TypeError: print() got multiple values for keyword argument 'sep'\n\
TypeError: __main__.f() got multiple values for keyword argument '1'\n\
TypeError: keywords must be strings\n\
TypeError: __main__.A.m() argument after ** must be a mapping, not NoneType\n\
TypeError: __main__.g.<locals>.inner() got multiple values for keyword argument 'a'\n\
{'a': 2}\n\
{'x': 1, 'a': 2} {'a': 1, 'b': 2}\n\
";
    assert_eq!(out(src), expected);
}

#[test]
fn binding_arguments() {
    let src = r#"
def f(a, b=2, *args, c, d=4, **kw):
    print(a, b, args, c, d, kw == {})
f(1, c=3)
f(1, 5, 6, 7, c=3, d=8)
def g(x, y):
    print(x, y)
g(y=1, x=2)
g(*[1, 2])
g(**{"x": 3, "y": 4})
def h(*args):
    print(len(args))
h()
h(1, 2, 3)
lam = lambda q, r=10: q + r
print(lam(1), lam(1, 2))
"#;
    assert_eq!(
        out(src),
        "1 2 () 3 4 True\n1 5 (6, 7) 3 8 True\n2 1\n1 2\n3 4\n0\n3\n11 3\n"
    );
}

#[test]
fn binding_errors_have_cpythons_messages() {
    let src = r#"
def f(a, b, c=1, *, d, e=2): pass
class Foo:
    def m(self, x): pass
tests = [
 lambda: f(),
 lambda: f(1),
 lambda: f(1,2,3,4,d=1),
 lambda: f(1,2,3,4),
 lambda: f(1,2,z=3,d=1),
 lambda: f(1,2,a=3,d=1),
 lambda: f(1,2),
 lambda: Foo().m(),
 lambda: Foo().m(1,2),
 lambda: Foo(1),
 lambda: (lambda a,b,c: 0)(),
 lambda: (lambda *, a,b: 0)(),
 lambda: (lambda a: 0)(1,2),
 lambda: (lambda: 0)(1),
 lambda: (lambda a, b=1: 0)(1,2,3),
 lambda: 1(),
]
for t in tests:
    try:
        t()
    except TypeError as e:
        print(e)
"#;
    let expected = "\
f() missing 2 required positional arguments: 'a' and 'b'
f() missing 1 required positional argument: 'b'
f() takes from 2 to 3 positional arguments but 4 positional arguments (and 1 keyword-only argument) were given
f() takes from 2 to 3 positional arguments but 4 were given
f() got an unexpected keyword argument 'z'
f() got multiple values for argument 'a'
f() missing 1 required keyword-only argument: 'd'
Foo.m() missing 1 required positional argument: 'x'
Foo.m() takes 2 positional arguments but 3 were given
Foo() takes no arguments
<lambda>.<locals>.<lambda>() missing 3 required positional arguments: 'a', 'b', and 'c'
<lambda>.<locals>.<lambda>() missing 2 required keyword-only arguments: 'a' and 'b'
<lambda>.<locals>.<lambda>() takes 1 positional argument but 2 were given
<lambda>.<locals>.<lambda>() takes 0 positional arguments but 1 was given
<lambda>.<locals>.<lambda>() takes from 1 to 2 positional arguments but 3 were given
'int' object is not callable
";
    assert_eq!(out(src), expected);
}

#[test]
fn closures_and_nonlocal() {
    let src = r#"
def counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    return inc
c = counter()
c()
c()
print(c())
def outer(x):
    def inner():
        return x * 2
    return inner
print(outer(21)())
total = 0
def add(k):
    global total
    total += k
add(5)
add(6)
print(total)
"#;
    assert_eq!(out(src), "3\n42\n11\n");
}

#[test]
fn classes_inheritance_and_super() {
    let src = r#"
class Animal:
    kind = "animal"
    def __init__(self, name):
        self.name = name
    def speak(self):
        return 1
    def describe(self):
        return self.speak() * 10
class Dog(Animal):
    def __init__(self, name, age):
        super().__init__(name)
        self.age = age
    def speak(self):
        return super().speak() + 1
d = Dog("rex", 3)
print(d.name, d.age, d.describe(), d.kind, Dog.kind)
print(isinstance(d, Animal))
print(type(d).__name__, Dog.__qualname__, Dog.__base__.__name__)
class Plain:
    pass
p = Plain()
p.x = 5
print(p.x)
class Err(Exception):
    def __init__(self, code):
        super().__init__("code", code)
        self.code = code
try:
    raise Err(7)
except Err as e:
    print(e.code, e.args)
"#;
    let got = out(src);
    assert_eq!(
        got,
        "rex 3 20 animal animal\nTrue\nDog Dog Animal\n5\n7 ('code', 7)\n"
    );
}

#[test]
fn attribute_errors_have_cpythons_messages() {
    let src = r#"
class Foo:
    pass
for t in [lambda: Foo().x, lambda: Foo.x, lambda: (1).x]:
    try:
        t()
    except AttributeError as e:
        print(e)
"#;
    assert_eq!(
        out(src),
        "'Foo' object has no attribute 'x'\ntype object 'Foo' has no attribute 'x'\n'int' object has no attribute 'x'\n"
    );
}

#[test]
fn exceptions_finally_and_else() {
    let src = r#"
def f(k):
    try:
        if k == 1:
            raise ValueError("one")
        print("body", k)
    except ValueError as e:
        print("caught", e)
    else:
        print("else", k)
    finally:
        print("finally", k)
f(0)
f(1)
def g():
    try:
        return 1
    finally:
        print("g finally")
print(g())
def h():
    for i in range(3):
        try:
            if i == 1:
                continue
            if i == 2:
                break
        finally:
            print("h", i)
h()
try:
    try:
        raise KeyError("k")
    finally:
        print("inner finally")
except LookupError as e:
    print("outer", type(e).__name__)
try:
    raise TypeError
except (ValueError, TypeError) as e:
    print("tuple", repr(e))
"#;
    assert_eq!(
        out(src),
        "body 0\nelse 0\nfinally 0\ncaught one\nfinally 1\ng finally\n1\nh 0\nh 1\nh 2\ninner finally\nouter KeyError\ntuple TypeError()\n"
    );
}

#[test]
fn an_uncaught_exception_prints_a_traceback() {
    let src =
        "def f(x):\n    return g(x)\n\ndef g(x):\n    raise ValueError('bad ' + x)\n\nf('a')\n";
    let ran = run_src(src);
    assert_eq!(
        ran.err,
        "Traceback (most recent call last):\n  File \"<main>\", line 7, in <module>\n    f('a')\n  File \"<main>\", line 2, in f\n    return g(x)\n  File \"<main>\", line 5, in g\n    raise ValueError('bad ' + x)\nValueError: bad a\n"
    );
    assert_eq!(ran.uncaught.len(), 1);
    let (main, report) = &ran.uncaught[0];
    assert!(*main);
    assert_eq!(report.type_name, "ValueError");
    assert_eq!(report.message, "bad a");
    assert_eq!(report.line, 5);
}

#[test]
fn chained_exceptions_print_both() {
    let src = "try:\n    {}['missing']\nexcept KeyError:\n    [][0]\n";
    let e = err(src);
    assert!(e.contains("KeyError: 'missing'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"<main>\", line 4, in <module>\n"), "{e}");
    let src = "class ConfigError(Exception):\n    pass\ntry:\n    raise KeyError('x')\nexcept KeyError as e:\n    raise ConfigError('bad') from e\n";
    let e = err(src);
    assert!(
        e.contains("\nThe above exception was the direct cause of the following exception:\n\n"),
        "{e}"
    );
    assert!(e.ends_with("  File \"<main>\", line 6, in <module>\n    raise ConfigError('bad') from e\nConfigError: bad\n"), "{e}");
    let src = "try:\n    raise KeyError('x')\nexcept KeyError as e:\n    raise ValueError('v') from None\n";
    let e = err(src);
    assert!(!e.contains("KeyError"), "{e}");
}

#[test]
fn bare_raise_reraises_and_keeps_the_traceback() {
    let src =
        "def f():\n    try:\n        1 // 0\n    except ZeroDivisionError:\n        raise\nf()\n";
    let e = err(src);
    assert!(e.ends_with("  File \"<main>\", line 6, in <module>\n    f()\n  File \"<main>\", line 3, in f\n    1 // 0\nZeroDivisionError: integer division or modulo by zero\n") || e.contains("line 3, in f"), "{e}");
    assert!(!e.contains("line 5"), "{e}");
}

#[test]
fn name_errors_suggest_a_name() {
    let ran = run_src("total = 1\nprint(totl)\n");
    assert!(
        ran.err
            .ends_with("NameError: name 'totl' is not defined. Did you mean: 'total'?\n"),
        "{}",
        ran.err
    );
    assert_eq!(
        ran.uncaught[0].1.message,
        "name 'totl' is not defined. Did you mean: 'total'?"
    );
    let e = err("class P:\n    def __init__(self):\n        self.count = 1\nP().cont\n");
    assert!(
        e.ends_with("AttributeError: 'P' object has no attribute 'cont'. Did you mean: 'count'?\n"),
        "{e}"
    );
}

#[test]
fn unbound_local() {
    let e = err("x = 1\ndef f():\n    print(x)\n    x = 2\nf()\n");
    assert!(e.ends_with("UnboundLocalError: cannot access local variable 'x' where it is not associated with a value\n"), "{e}");
}

#[test]
fn recursion_limit_raises_recursion_error() {
    let src = "def countdown(n):\n    return countdown(n - 1)\n\ncountdown(10)\n";
    let ran = run_src(src);
    assert!(
        ran.err.contains("  [Previous line repeated 996 more times]\nRecursionError: maximum recursion depth exceeded\n"),
        "{}",
        ran.err
    );
    assert_eq!(ran.uncaught[0].1.line, 2);
}

#[test]
fn deep_recursion_is_not_rust_recursion() {
    let src = "def depth(n):\n    if n == 0:\n        return 0\n    return 1 + depth(n - 1)\nprint(depth(990))\n";
    // A small stack for the test thread: frames live on the heap.
    let h = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || out(src))
        .unwrap();
    assert_eq!(h.join().unwrap(), "990\n");
}

#[test]
fn generators_yield_send_and_return() {
    let src = r#"
def gen(n):
    for i in range(n):
        got = yield i
        if got is not None:
            print("got", got)
    return "done"
for v in gen(3):
    print(v)
g = gen(3)
print(next(g))
print(g.send("hello"))
print(g.__next__())
try:
    next(g)
except StopIteration as e:
    print("stop", e.value)
print(next(gen(0), "default"))
def inner():
    x = yield 1
    yield x
    return 5
def outer():
    r = yield from inner()
    print("inner returned", r)
    yield 9
o = outer()
print(next(o), o.send("s"), next(o))
def catcher():
    while True:
        try:
            yield 1
        except ValueError:
            print("caught in gen")
c = catcher()
next(c)
print(c.throw(ValueError))
c.close()
print(list(x * 2 for x in range(4)))
"#;
    assert_eq!(
        out(src),
        "0\n1\n2\n0\ngot hello\n1\n2\nstop done\ndefault\ninner returned 5\n1 s 9\ncaught in gen\n1\n[0, 2, 4, 6]\n"
    );
}

#[test]
fn coroutines_run_by_send() {
    let src = r#"
class Future:
    def __init__(self):
        self.result = None
    def __await__(self):
        v = yield self
        return v
async def leaf():
    f = Future()
    got = await f
    return got + 1
async def main():
    a = await leaf()
    b = await leaf()
    return a + b
coro = main()
fut = coro.send(None)
fut = coro.send(10)
try:
    coro.send(20)
except StopIteration as e:
    print("result", e.value)
async def fails():
    await Future()
c = fails()
c.send(None)
try:
    c.throw(KeyError("cancel"))
except KeyError as e:
    print("thrown through", e)
"#;
    assert_eq!(out(src), "result 32\nthrown through 'cancel'\n");
}

#[test]
fn with_statement_calls_enter_and_exit() {
    let src = r#"
class Ctx:
    def __enter__(self):
        print("enter")
        return 5
    def __exit__(self, t, v, tb):
        print("exit", t is None)
        return True
with Ctx() as x:
    print("body", x)
with Ctx():
    raise ValueError("swallowed")
print("after")
"#;
    assert_eq!(
        out(src),
        "enter\nbody 5\nexit True\nenter\nexit False\nafter\n"
    );
}

#[test]
fn comprehensions_and_unpacking() {
    let src = r#"
a, b = 1, 2
a, b = b, a
print(a, b)
first, *rest = [1, 2, 3]
print(first, rest)
print([x for x in range(5) if x % 2 == 0])
def pairs():
    return [(i, j) for i in range(2) for j in range(2)]
print(pairs())
try:
    p, q = [1, 2, 3]
except ValueError as e:
    print(e)
"#;
    assert_eq!(
        out(src),
        "2 1\n1 [2, 3]\n[0, 2, 4]\n[(0, 0), (0, 1), (1, 0), (1, 1)]\ntoo many values to unpack (expected 2)\n"
    );
}

#[test]
fn class_inheriting_from_list_is_refused() {
    let e = err("class L(list):\n    pass\n");
    assert!(
        e.ends_with("TypeError: ThreadLab classes can't inherit from list yet\n"),
        "{e}"
    );
}

/// Runs `src` natively and returns the seconds it took (for the speed figures).
fn time_program(src: &str) -> f64 {
    (0..5).map(|_| time_once(src)).fold(f64::INFINITY, f64::min)
}

fn time_once(src: &str) -> f64 {
    let code = crate::python::compile(src, "<main>").unwrap();
    let host = Arc::new(Recorder::default());
    let interp = test_interp(host.clone());
    let mut thread = start_main(&interp, code);
    #[allow(clippy::disallowed_methods)] // a native-only measurement
    let start = std::time::Instant::now();
    while !matches!(run(&interp, &mut thread, 100_000), Stop::Finished) {}
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        host.err.lock().unwrap().is_empty(),
        "{}",
        host.err.lock().unwrap()
    );
    seconds
}

#[test]
#[ignore = "a measurement: run with --release --ignored --nocapture"]
fn speed_while_only() {
    let n = 30_000_000;
    let s = time_once(&format!(
        "def f(n):\n    while n > 0:\n        n -= 1\n    return n\nx = f({n})\n"
    ));
    println!("while loop: {:.1} ns per iteration", s * 1e9 / n as f64);
}

#[test]
#[ignore = "a measurement: run with --release --ignored --nocapture"]
fn speed_fib_only() {
    let s = time_once("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nx = fib(27)\n");
    println!("fib(27): {:.1} ms", s * 1e3);
}

#[test]
#[ignore = "a measurement: run with --release --ignored --nocapture"]
fn speed_objects_only() {
    let s = time_once("class P:\n    def __init__(self, x):\n        self.x = x\n    def get(self):\n        return self.x\ndef h(n):\n    t = 0\n    for i in range(n):\n        t += P(i).get()\n    return t\nx = h(1000000)\n");
    println!("objects: {:.1} ns per iteration", s * 1e9 / 1e6);
}

#[test]
#[ignore = "a measurement: run with --release --ignored --nocapture"]
fn speed() {
    // Prints the figures to compare with CPython's (run with --release --nocapture).
    let n = 3_000_000;
    let s = time_program(&format!(
        "def f(n):\n    while n > 0:\n        n -= 1\n    return n\nx = f({n})\n"
    ));
    println!("while loop: {:.1} ns per iteration", s * 1e9 / n as f64);
    let s = time_program(&format!(
        "def g(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\nx = g({n})\n"
    ));
    println!("for-range loop: {:.1} ns per iteration", s * 1e9 / n as f64);
    let s = time_program("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nx = fib(25)\n");
    println!("fib(25): {:.1} ms", s * 1e3);
    let s = time_program("class P:\n    def __init__(self, x):\n        self.x = x\n    def get(self):\n        return self.x\ndef h(n):\n    t = 0\n    for i in range(n):\n        t += P(i).get()\n    return t\nx = h(300000)\n");
    println!("objects: {:.1} ns per iteration", s * 1e9 / 300000.0);
}

#[test]
fn consumers_drain_generators_on_the_frame_stack() {
    // `list(gen)` and friends run the generator on the thread's frames, so it may wait (sleep here).
    let src = r#"
import time
def slow(n):
    for i in range(n):
        time.sleep(0.1)
        yield i
print(list(slow(3)), sum(x * 2 for x in slow(3)), ", ".join(str(x) for x in slow(2)))
print(sorted(slow(3), key=lambda v: -v), max(slow(4)), tuple(slow(2)), list(slow(0)))
acc = [9]
acc.extend(slow(2))
print(acc)
g = slow(3)
next(g)
print(list(g), list(g))
def bad():
    yield 1
    raise ValueError("in the generator")
try:
    list(bad())
except ValueError as e:
    print("caught", e)
"#;
    assert_eq!(
        out(src),
        "[0, 1, 2] 6 0, 1\n[2, 1, 0] 3 (0, 1) []\n[9, 0, 1]\n[1, 2] []\ncaught in the generator\n"
    );
}

#[test]
fn nested_runs_are_bounded() {
    // The default stack of a test thread (and more than a wasm worker's main stack of 1 MB needs in an
    // optimized build).
    const STACK: usize = 2 << 20;
    // `str(self)` inside `__str__` nests the dispatch loop in Rust each time: it ends in RecursionError,
    // not a stack overflow, even on a small stack.
    let src = r#"
class A:
    def __str__(self):
        return str(self)
try:
    str(A())
except RecursionError as e:
    print("recursion:", e)
print(sorted([3, 1, 2], key=lambda v: -v))
"#;
    let h = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || out(src))
        .unwrap();
    assert_eq!(
        h.join().unwrap(),
        "recursion: maximum recursion depth exceeded while calling a Python object\n[3, 2, 1]\n"
    );
}

#[test]
fn int_overflow_raises() {
    let e = err("x = 2 ** 62\nprint(x * 4)\n");
    assert!(e.contains("OverflowError"), "{e}");
}

#[test]
#[ignore = "a tool: TL_FILE=prog.py cargo test ... run_file -- --ignored --nocapture"]
fn run_file() {
    let Ok(path) = std::env::var("TL_FILE") else {
        return;
    };
    let src = std::fs::read_to_string(path).unwrap();
    let ran = run_src(&src);
    print!("{}{}", ran.out, ran.err);
}

#[test]
fn finally_blocks_and_handled_exceptions() {
    // Outputs checked against CPython 3.11.
    let src = r#"
def reraiser():
    raise
try:
    try:
        raise ValueError("inner")
    except ValueError:
        reraiser()
except ValueError as e:
    print("reraised", e)
def g():
    try:
        raise KeyError("a")
    finally:
        return "finally wins"
print(g())
try:
    try:
        raise ValueError("first")
    finally:
        raise TypeError("second")
except TypeError as e:
    print(repr(e), repr(e.__context__))
try:
    raise ValueError("x") from KeyError("y")
except ValueError as e:
    print(repr(e.__cause__), e.__suppress_context__)
def gen():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")
for x in gen():
    print(x)
    break
print("after break")
def nested_finally():
    try:
        try:
            return 1
        finally:
            print("inner finally")
    finally:
        print("outer finally")
print(nested_finally())
e_var = "still here"
try:
    1 / 0
except ZeroDivisionError as e_var:
    pass
try:
    print(e_var)
except NameError as ne:
    print("NameError:", ne)
"#;
    assert_eq!(
        out(src),
        "reraised inner\nfinally wins\nTypeError('second') ValueError('first')\nKeyError('y') True\n1\ncleanup\nafter break\ninner finally\nouter finally\n1\nNameError: name 'e_var' is not defined\n"
    );
}

#[test]
#[ignore = "a tool"]
fn dump_code() {
    let Ok(src) = std::env::var("TL_SRC") else {
        return;
    };
    let code = crate::python::compile(&src, "<main>").unwrap();
    for (i, ins) in code.instrs.iter().enumerate() {
        println!("{i}: {ins:?}");
    }
}

#[test]
fn a_wait_names_its_line_and_kind_and_the_call_runs_again() {
    let src =
        "import time\nx = 1\ndef nap():\n    time.sleep(0.5)\n    return 7\ny = nap()\nprint(y)\n";
    let code = crate::python::compile(src, "<main>").unwrap();
    let host = Arc::new(Recorder::default());
    let interp = test_interp(host.clone());
    let mut thread = start_main(&interp, code);
    let block = loop {
        match run(&interp, &mut thread, 1000) {
            Stop::Block(b) => break b,
            Stop::Budget => {}
            Stop::Finished => panic!("finished without waiting"),
        }
    };
    assert_eq!(block.site.line, 4);
    assert_eq!(block.site.kind, WaitKind::Sleep);
    assert_eq!(thread.line, 4);
    assert!(
        thread.retry.is_some(),
        "the native's progress is kept for the retry"
    );
    let Wait::Sleep { until } = block.wait else {
        panic!("{block:?}")
    };
    *host.now.lock().unwrap() = until;
    while !matches!(run(&interp, &mut thread, 1000), Stop::Finished) {}
    assert_eq!(*host.out.lock().unwrap(), "7\n");
    assert!(thread.instructions > 10);
}

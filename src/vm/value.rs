//! Python values and the objects behind them, shared between real threads in one memory.
//!
//! A [`Value`] is small and cheap to clone: immediates (`None`, bools, ints, floats) inline, everything else
//! an `Arc`. Mutable objects guard their state with their own lock ([`Lock`]: a `std::sync::Mutex` that
//! ignores poisoning), so the object model stays memory-safe when threads run without a GIL, while
//! Python-level races stay possible exactly where CPython has them (`x += 1` is a load, then a store).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use indexmap::{IndexMap, IndexSet};

use super::frame::Generator;
use super::Ctx;
use crate::python::bytecode::Code;

/// A lock around an object's mutable state. Poisoning is ignored: a panic is a bug that ends the run
/// anyway (wasm aborts), and Python code must never see a poisoned object.
#[derive(Debug, Default)]
pub struct Lock<T>(Mutex<T>);

impl<T> Lock<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Lock(Mutex::new(value))
    }

    /// Locks it. Never hold two object locks at once unless in address order (see ARCHITECTURE.md),
    /// and never call back into Python while holding one.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A namespace: names to values in insertion order (the order CPython's `__dict__` shows), hashed with
/// FxHash, which is several times faster than SipHash on the short identifiers looked up by every
/// attribute and global access. Removing a name must keep the order: use `shift_remove`.
pub type Namespace = IndexMap<Arc<str>, Value, rustc_hash::FxBuildHasher>;

/// A name to look up in a [`Namespace`], compared by pointer before its bytes: the compiler gives every
/// code object of a file the same `Arc<str>` for an identifier, so the keys stored by `self.x = ...` or a
/// class body are usually the very `Arc` a later load holds. Hashes as the `Arc<str>` itself.
pub struct Name<'a>(pub &'a Arc<str>);

impl Hash for Name<'_> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self.0).hash(state)
    }
}

impl indexmap::Equivalent<Arc<str>> for Name<'_> {
    #[inline]
    fn equivalent(&self, key: &Arc<str>) -> bool {
        Arc::ptr_eq(self.0, key) || **self.0 == **key
    }
}

/// A Python value.
#[derive(Clone, Default)]
pub enum Value {
    /// `None`.
    #[default]
    None,
    /// `True` / `False`.
    Bool(bool),
    /// A 64-bit int; arithmetic that leaves the range raises `OverflowError`.
    Int(i64),
    /// A float.
    Float(f64),
    /// An immutable string.
    Str(Arc<str>),
    /// An immutable tuple.
    Tuple(Arc<[Value]>),
    /// A list.
    List(Arc<List>),
    /// A dict (insertion-ordered).
    Dict(Arc<Dict>),
    /// A set.
    Set(Arc<Set>),
    /// A `range` object.
    Range(Arc<Range>),
    /// A `slice` object.
    Slice(Arc<Slice>),
    /// A function written in Python (`def`, `lambda`, comprehension bodies).
    Function(Arc<Function>),
    /// A function written in Rust, possibly bound to a receiver (`[].append`).
    Builtin(Arc<Builtin>),
    /// A Python function bound to an instance (`obj.method`).
    Method(Arc<Method>),
    /// A class: user classes, builtin types (`int`, `list`), exception classes.
    Class(Arc<Class>),
    /// An instance of a user class (exceptions included).
    Instance(Arc<Instance>),
    /// A module.
    Module(Arc<Module>),
    /// A generator or coroutine object.
    Generator(Arc<Generator>),
    /// A native iterator (over a list, range, dict, zip, enumerate, ...).
    Iterator(Arc<Lock<NativeIter>>),
    /// A closure cell (only on the stack while `MakeFunction` builds a closure).
    Cell(Arc<Cell>),
    /// A `super()` object.
    Super(Arc<Super>),
    /// An object implemented in Rust (locks, process handles, ...).
    Native(Arc<dyn NativeObject>),
    /// `...`.
    Ellipsis,
}

/// A list's items.
#[derive(Debug, Default)]
pub struct List {
    /// The items, locked for every read and write.
    pub items: Lock<Vec<Value>>,
}

/// A dict: keys in insertion order.
#[derive(Debug, Default)]
pub struct Dict {
    /// The entries, locked for every read and write.
    pub map: Lock<IndexMap<HashKey, Value>>,
}

/// A set.
#[derive(Debug, Default)]
pub struct Set {
    /// The members, locked for every read and write.
    pub items: Lock<IndexSet<HashKey>>,
}

/// `range(start, stop, step)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// First value.
    pub start: i64,
    /// End (exclusive).
    pub stop: i64,
    /// Step (never 0).
    pub step: i64,
}

/// `slice(start, stop, step)`; absent parts are `None`.
#[derive(Debug, Clone)]
pub struct Slice {
    /// Start.
    pub start: Value,
    /// Stop.
    pub stop: Value,
    /// Step.
    pub step: Value,
}

/// A closure cell: a variable shared between a function and the functions nested in it.
#[derive(Debug, Default)]
pub struct Cell {
    /// The variable; `None` (Rust's) while unbound.
    pub value: Lock<Option<Value>>,
}

/// A function written in Python.
#[derive(Debug)]
pub struct Function {
    /// The compiled body.
    pub code: Arc<Code>,
    /// The module whose globals the body sees.
    pub module: Arc<Module>,
    /// Defaults of the last positional parameters.
    pub defaults: Vec<Value>,
    /// Defaults of keyword-only parameters.
    pub kwdefaults: Vec<(Arc<str>, Value)>,
    /// Cells of the free variables, in `code.freevars` order.
    pub closure: Vec<Arc<Cell>>,
    /// Attributes set on the function (rare; `f.calls = 0`).
    pub dict: Lock<Namespace>,
}

/// The signature of a function written in Rust: positional and keyword arguments in, a value or a
/// [`Flow`] out. `args[0]` is the receiver for a bound builtin method.
pub type NativeFn = fn(&mut Ctx<'_>, &[Value], &[(Arc<str>, Value)]) -> Result<Value, Flow>;

/// A function written in Rust.
pub struct Builtin {
    /// Its name (`len`, `append`, `acquire`), for reprs and messages.
    pub name: Arc<str>,
    /// The code.
    pub func: NativeFn,
    /// The receiver, prepended to the arguments, for a bound method of a builtin type or native object.
    pub receiver: Option<Value>,
}

impl fmt::Debug for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<built-in function {}>", self.name)
    }
}

/// A Python function bound to its receiver.
#[derive(Debug)]
pub struct Method {
    /// The receiver (`self`).
    pub receiver: Value,
    /// The function (a `Value::Function`, or any callable).
    pub func: Value,
}

/// Which builtin type a class stands for, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinType {
    /// `object`
    Object,
    /// `type`
    Type,
    /// `NoneType`
    NoneType,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `str`
    Str,
    /// `tuple`
    Tuple,
    /// `list`
    List,
    /// `dict`
    Dict,
    /// `set`
    Set,
    /// `range`
    Range,
    /// `slice`
    Slice,
    /// `function`
    Function,
    /// `builtin_function_or_method`
    Builtin,
    /// `method`
    Method,
    /// `module`
    Module,
    /// `generator` and `coroutine`
    Generator,
    /// native iterators
    Iterator,
    /// `cell`
    Cell,
    /// `super`
    Super,
    /// `ellipsis`
    Ellipsis,
    /// objects implemented in Rust: their class comes from [`NativeObject::class`]
    Native,
}

/// A class. User classes have single inheritance (`base`); builtin types have `builtin` set.
#[derive(Debug)]
pub struct Class {
    /// `__name__`.
    pub name: Arc<str>,
    /// `__qualname__`.
    pub qualname: Arc<str>,
    /// `__module__` (`__main__`, `threading`, `builtins`).
    pub module: Arc<str>,
    /// The one base class (`None` only for `object`).
    pub base: Option<Arc<Class>>,
    /// Methods and class attributes.
    pub dict: Lock<Namespace>,
    /// The builtin type this class is, if it is one.
    pub builtin: Option<BuiltinType>,
    /// A number unique in the interpreter, for `id()` and hashing.
    pub id: u64,
}

/// An instance of a user class.
#[derive(Debug)]
pub struct Instance {
    /// Its class.
    pub class: Arc<Class>,
    /// Its attributes (`__dict__`).
    pub dict: Lock<Namespace>,
    /// For exceptions: where it went (innermost last), its cause and context. Empty for other objects.
    pub exc: Lock<ExcInfo>,
}

/// The traceback and chaining of an exception instance.
#[derive(Debug, Default, Clone)]
pub struct ExcInfo {
    /// The frames it passed through, outermost first (as a traceback prints them).
    pub traceback: Vec<TracebackEntry>,
    /// `raise ... from cause` (an exception; `from None` leaves it `None`).
    pub cause: Option<Value>,
    /// `__suppress_context__`: set by `raise ... from ...` (also `from None`) and by assigning
    /// `__cause__`; the context is then not printed.
    pub suppress_context: bool,
    /// The exception being handled when this one was raised.
    pub context: Option<Value>,
}

/// One line of a traceback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracebackEntry {
    /// File (`<main>`, `threading.py`).
    pub filename: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// Function name (`<module>`, `run`).
    pub function: Arc<str>,
    /// The line's text, trimmed.
    pub text: Arc<str>,
}

/// A module: its name and its globals.
#[derive(Debug)]
pub struct Module {
    /// `__name__`.
    pub name: Arc<str>,
    /// The module's namespace.
    pub globals: Lock<Namespace>,
}

/// Zero-argument `super()`: the class the method was defined in, and the receiver.
#[derive(Debug)]
pub struct Super {
    /// The class whose base starts the lookup.
    pub class: Arc<Class>,
    /// The receiver.
    pub receiver: Value,
}

/// State of a native iterator.
#[derive(Debug)]
pub enum NativeIter {
    /// Over a list (by index, so appends during iteration are seen, as in CPython).
    List {
        /// The list.
        list: Arc<List>,
        /// Next index.
        index: usize,
    },
    /// Over a tuple.
    Tuple {
        /// The tuple.
        items: Arc<[Value]>,
        /// Next index.
        index: usize,
    },
    /// Over a string's characters.
    Str {
        /// The string.
        text: Arc<str>,
        /// Next byte offset.
        offset: usize,
    },
    /// Over a range.
    Range {
        /// Next value.
        next: i64,
        /// End (exclusive).
        stop: i64,
        /// Step.
        step: i64,
    },
    /// A snapshot of values (dict keys/values/items, set members, sorted output, ...).
    Values {
        /// The values.
        items: Vec<Value>,
        /// Next index.
        index: usize,
    },
    /// `enumerate(it, start)`.
    Enumerate {
        /// The inner iterator.
        inner: Value,
        /// Next count.
        count: i64,
    },
    /// `zip(a, b, ...)`.
    Zip {
        /// The inner iterators.
        inners: Vec<Value>,
    },
    /// `reversed(seq)` over a snapshot.
    Reversed {
        /// The values, iterated from the end.
        items: Vec<Value>,
    },
    /// Exhausted.
    Done,
}

/// An object implemented in Rust: a lock, an event's waitable, a process handle, a channel.
pub trait NativeObject: Send + Sync + fmt::Debug {
    /// The class `type(obj)` reports (e.g. `_thread.lock`); made once by the module that owns the type.
    fn class(&self, ctx: &Ctx<'_>) -> Arc<Class>;
    /// A method or attribute by name, if it has one. Methods are returned unbound: the caller binds the
    /// receiver (`Builtin { receiver: Some(obj), .. }`).
    fn attr(&self, name: &str) -> Option<NativeAttr>;
    /// For downcasting to the concrete type.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// What [`NativeObject::attr`] finds.
pub enum NativeAttr {
    /// A method: bound to the object when loaded.
    Method(NativeFn),
    /// A plain value (a property read).
    Value(Value),
}

/// Why a call did not produce a value.
#[derive(Debug)]
pub enum Flow {
    /// A Python exception (an instance of a `BaseException` subclass) is raised.
    Raise(Value),
    /// The thread must wait before this call can complete: the runtime waits, then the VM executes the
    /// same call again (with [`super::ThreadState::retry`] telling the native how far it got).
    Block(super::host::Block),
}

/// A value usable as a dict key or set member: hashable values with Python's equality (`1 == 1.0 ==
/// True`); objects hash by identity.
#[derive(Clone, Debug)]
pub struct HashKey(pub Value);

impl HashKey {
    /// Wraps a value if it is hashable; lists, dicts and sets are not (`TypeError: unhashable type`).
    pub fn new(value: Value) -> Result<HashKey, &'static str> {
        match &value {
            Value::List(_) => Err("list"),
            Value::Dict(_) => Err("dict"),
            Value::Set(_) => Err("set"),
            Value::Tuple(items) => {
                for item in items.iter() {
                    HashKey::new(item.clone())?;
                }
                Ok(HashKey(value))
            }
            _ => Ok(HashKey(value)),
        }
    }
}

impl PartialEq for HashKey {
    fn eq(&self, other: &Self) -> bool {
        key_eq(&self.0, &other.0)
    }
}

impl Eq for HashKey {}

impl Hash for HashKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        key_hash(&self.0, state)
    }
}

/// The number a value compares by, if it is a number (bools are ints).
fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn key_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::None, Value::None) | (Value::Ellipsis, Value::Ellipsis) => true,
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| key_eq(p, q))
        }
        (
            Value::Bool(_) | Value::Int(_) | Value::Float(_),
            Value::Bool(_) | Value::Int(_) | Value::Float(_),
        ) => match (a, b) {
            (Value::Float(_), _) | (_, Value::Float(_)) => as_number(a) == as_number(b),
            _ => as_number(a) == as_number(b),
        },
        _ => a.identity().is_some() && a.identity() == b.identity(),
    }
}

fn key_hash<H: Hasher>(v: &Value, state: &mut H) {
    match v {
        Value::None => 0u8.hash(state),
        Value::Bool(b) => (*b as i64).hash(state),
        Value::Int(i) => i.hash(state),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                (*f as i64).hash(state)
            } else {
                f.to_bits().hash(state)
            }
        }
        Value::Str(s) => s.hash(state),
        Value::Tuple(items) => {
            items.len().hash(state);
            for item in items.iter() {
                key_hash(item, state);
            }
        }
        Value::Ellipsis => 1u8.hash(state),
        other => other.identity().unwrap_or(0).hash(state),
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh number for a class or native object's identity.
pub fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    /// A new list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List {
            items: Lock::new(items),
        }))
    }

    /// A new tuple.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Arc::from(items))
    }

    /// The address of the object behind a reference value (its identity for `is`, `id()` and hashing),
    /// or `None` for immediates, strings and tuples (which compare by value).
    pub fn identity(&self) -> Option<u64> {
        fn addr<T: ?Sized>(a: &Arc<T>) -> Option<u64> {
            Some(Arc::as_ptr(a) as *const u8 as usize as u64)
        }
        match self {
            Value::List(a) => addr(a),
            Value::Dict(a) => addr(a),
            Value::Set(a) => addr(a),
            Value::Range(a) => addr(a),
            Value::Slice(a) => addr(a),
            Value::Function(a) => addr(a),
            Value::Builtin(a) => addr(a),
            Value::Method(a) => addr(a),
            Value::Class(a) => addr(a),
            Value::Instance(a) => addr(a),
            Value::Module(a) => addr(a),
            Value::Generator(a) => addr(a),
            Value::Iterator(a) => addr(a),
            Value::Cell(a) => addr(a),
            Value::Super(a) => addr(a),
            Value::Native(a) => addr(a),
            Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::Tuple(_)
            | Value::Ellipsis => None,
        }
    }

    /// `a is b`.
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) | (Value::Ellipsis, Value::Ellipsis) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            // Small ints and equal floats are the same object often enough in CPython that `is`
            // between equal numbers is best answered true.
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Str(a), Value::Str(b)) => Arc::ptr_eq(a, b) || a == b,
            (Value::Tuple(a), Value::Tuple(b)) => Arc::ptr_eq(a, b),
            _ => self.identity().is_some() && self.identity() == other.identity(),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Tuple(items) => f.debug_tuple("").field(items).finish(),
            Value::List(l) => write!(f, "list{:?}", *l.items.lock()),
            Value::Class(c) => write!(f, "<class '{}'>", c.qualname),
            Value::Instance(i) => write!(f, "<{} object>", i.class.qualname),
            Value::Function(func) => write!(f, "<function {}>", func.code.qualname),
            Value::Builtin(b) => write!(f, "<built-in function {}>", b.name),
            Value::Module(m) => write!(f, "<module '{}'>", m.name),
            Value::Native(n) => write!(f, "{n:?}"),
            other => write!(f, "<value at {:x}>", other.identity().unwrap_or(0)),
        }
    }
}

//! The builtin classes: the types of builtin values (`int`, `list`, ...) and the exception hierarchy.

use std::collections::HashMap;
use std::sync::Arc;

use super::value::{next_id, BuiltinType, Class, Instance, Lock, Value};

/// The builtin exception classes ThreadLab knows, each with its base (CPython 3.11's hierarchy, the part a
/// teaching subset meets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variants are CPython's class names
pub enum ExcType {
    BaseException,
    SystemExit,
    KeyboardInterrupt,
    GeneratorExit,
    Exception,
    StopIteration,
    StopAsyncIteration,
    ArithmeticError,
    FloatingPointError,
    OverflowError,
    ZeroDivisionError,
    AssertionError,
    AttributeError,
    BufferError,
    EOFError,
    ImportError,
    ModuleNotFoundError,
    LookupError,
    IndexError,
    KeyError,
    MemoryError,
    NameError,
    UnboundLocalError,
    OSError,
    ConnectionError,
    BrokenPipeError,
    ConnectionResetError,
    ConnectionRefusedError,
    ConnectionAbortedError,
    FileNotFoundError,
    InterruptedError,
    PermissionError,
    ProcessLookupError,
    TimeoutError,
    ReferenceError,
    RuntimeError,
    NotImplementedError,
    RecursionError,
    SyntaxError,
    IndentationError,
    TabError,
    SystemError,
    TypeError,
    ValueError,
    UnicodeError,
    Warning,
    UserWarning,
    DeprecationWarning,
    RuntimeWarning,
}

impl ExcType {
    /// Every exception type, bases before subclasses.
    pub const ALL: &'static [ExcType] = &[
        ExcType::BaseException,
        ExcType::SystemExit,
        ExcType::KeyboardInterrupt,
        ExcType::GeneratorExit,
        ExcType::Exception,
        ExcType::StopIteration,
        ExcType::StopAsyncIteration,
        ExcType::ArithmeticError,
        ExcType::FloatingPointError,
        ExcType::OverflowError,
        ExcType::ZeroDivisionError,
        ExcType::AssertionError,
        ExcType::AttributeError,
        ExcType::BufferError,
        ExcType::EOFError,
        ExcType::ImportError,
        ExcType::ModuleNotFoundError,
        ExcType::LookupError,
        ExcType::IndexError,
        ExcType::KeyError,
        ExcType::MemoryError,
        ExcType::NameError,
        ExcType::UnboundLocalError,
        ExcType::OSError,
        ExcType::ConnectionError,
        ExcType::BrokenPipeError,
        ExcType::ConnectionResetError,
        ExcType::ConnectionRefusedError,
        ExcType::ConnectionAbortedError,
        ExcType::FileNotFoundError,
        ExcType::InterruptedError,
        ExcType::PermissionError,
        ExcType::ProcessLookupError,
        ExcType::TimeoutError,
        ExcType::ReferenceError,
        ExcType::RuntimeError,
        ExcType::NotImplementedError,
        ExcType::RecursionError,
        ExcType::SyntaxError,
        ExcType::IndentationError,
        ExcType::TabError,
        ExcType::SystemError,
        ExcType::TypeError,
        ExcType::ValueError,
        ExcType::UnicodeError,
        ExcType::Warning,
        ExcType::UserWarning,
        ExcType::DeprecationWarning,
        ExcType::RuntimeWarning,
    ];

    /// The class name.
    pub fn name(self) -> &'static str {
        // Debug prints the variant name, which is the class name.
        match self {
            ExcType::BaseException => "BaseException",
            ExcType::SystemExit => "SystemExit",
            ExcType::KeyboardInterrupt => "KeyboardInterrupt",
            ExcType::GeneratorExit => "GeneratorExit",
            ExcType::Exception => "Exception",
            ExcType::StopIteration => "StopIteration",
            ExcType::StopAsyncIteration => "StopAsyncIteration",
            ExcType::ArithmeticError => "ArithmeticError",
            ExcType::FloatingPointError => "FloatingPointError",
            ExcType::OverflowError => "OverflowError",
            ExcType::ZeroDivisionError => "ZeroDivisionError",
            ExcType::AssertionError => "AssertionError",
            ExcType::AttributeError => "AttributeError",
            ExcType::BufferError => "BufferError",
            ExcType::EOFError => "EOFError",
            ExcType::ImportError => "ImportError",
            ExcType::ModuleNotFoundError => "ModuleNotFoundError",
            ExcType::LookupError => "LookupError",
            ExcType::IndexError => "IndexError",
            ExcType::KeyError => "KeyError",
            ExcType::MemoryError => "MemoryError",
            ExcType::NameError => "NameError",
            ExcType::UnboundLocalError => "UnboundLocalError",
            ExcType::OSError => "OSError",
            ExcType::ConnectionError => "ConnectionError",
            ExcType::BrokenPipeError => "BrokenPipeError",
            ExcType::ConnectionResetError => "ConnectionResetError",
            ExcType::ConnectionRefusedError => "ConnectionRefusedError",
            ExcType::ConnectionAbortedError => "ConnectionAbortedError",
            ExcType::FileNotFoundError => "FileNotFoundError",
            ExcType::InterruptedError => "InterruptedError",
            ExcType::PermissionError => "PermissionError",
            ExcType::ProcessLookupError => "ProcessLookupError",
            ExcType::TimeoutError => "TimeoutError",
            ExcType::ReferenceError => "ReferenceError",
            ExcType::RuntimeError => "RuntimeError",
            ExcType::NotImplementedError => "NotImplementedError",
            ExcType::RecursionError => "RecursionError",
            ExcType::SyntaxError => "SyntaxError",
            ExcType::IndentationError => "IndentationError",
            ExcType::TabError => "TabError",
            ExcType::SystemError => "SystemError",
            ExcType::TypeError => "TypeError",
            ExcType::ValueError => "ValueError",
            ExcType::UnicodeError => "UnicodeError",
            ExcType::Warning => "Warning",
            ExcType::UserWarning => "UserWarning",
            ExcType::DeprecationWarning => "DeprecationWarning",
            ExcType::RuntimeWarning => "RuntimeWarning",
        }
    }

    /// The base class (`None` for `BaseException`, whose base is `object`).
    pub fn base(self) -> Option<ExcType> {
        use ExcType::*;
        Some(match self {
            BaseException => return None,
            SystemExit | KeyboardInterrupt | GeneratorExit | Exception => BaseException,
            ArithmeticError | AssertionError | AttributeError | BufferError | EOFError
            | ImportError | LookupError | MemoryError | NameError | OSError | ReferenceError
            | RuntimeError | StopIteration | StopAsyncIteration | SyntaxError | SystemError
            | TypeError | ValueError | Warning => Exception,
            FloatingPointError | OverflowError | ZeroDivisionError => ArithmeticError,
            ModuleNotFoundError => ImportError,
            IndexError | KeyError => LookupError,
            UnboundLocalError => NameError,
            ConnectionError | FileNotFoundError | InterruptedError | PermissionError
            | ProcessLookupError | TimeoutError => OSError,
            BrokenPipeError
            | ConnectionResetError
            | ConnectionRefusedError
            | ConnectionAbortedError => ConnectionError,
            NotImplementedError | RecursionError => RuntimeError,
            IndentationError => SyntaxError,
            TabError => IndentationError,
            UnicodeError => ValueError,
            UserWarning | DeprecationWarning | RuntimeWarning => Warning,
        })
    }
}

/// The builtin classes of one interpreter.
#[derive(Debug)]
pub struct Types {
    /// Builtin value types by kind.
    pub builtin: HashMap<BuiltinType, Arc<Class>>,
    /// Exception classes by kind.
    pub exceptions: HashMap<ExcType, Arc<Class>>,
}

fn new_class(name: &str, base: Option<Arc<Class>>, builtin: Option<BuiltinType>) -> Arc<Class> {
    Arc::new(Class {
        name: Arc::from(name),
        qualname: Arc::from(name),
        module: Arc::from("builtins"),
        base,
        dict: Lock::new(Default::default()),
        builtin,
        id: next_id(),
    })
}

impl Types {
    /// Makes the builtin classes.
    pub fn new() -> Types {
        use BuiltinType as B;
        let object = new_class("object", None, Some(B::Object));
        let mut builtin = HashMap::new();
        builtin.insert(B::Object, object.clone());
        let names = [
            (B::Type, "type"),
            (B::NoneType, "NoneType"),
            (B::Int, "int"),
            (B::Float, "float"),
            (B::Str, "str"),
            (B::Tuple, "tuple"),
            (B::List, "list"),
            (B::Dict, "dict"),
            (B::Set, "set"),
            (B::Range, "range"),
            (B::Slice, "slice"),
            (B::Function, "function"),
            (B::Builtin, "builtin_function_or_method"),
            (B::Method, "method"),
            (B::Module, "module"),
            (B::Generator, "generator"),
            (B::Iterator, "iterator"),
            (B::Cell, "cell"),
            (B::Super, "super"),
            (B::Ellipsis, "ellipsis"),
            (B::Native, "object"),
        ];
        for (kind, name) in names {
            builtin.insert(kind, new_class(name, Some(object.clone()), Some(kind)));
        }
        // bool is a subclass of int, as in CPython (isinstance(True, int) is True).
        let int = builtin[&B::Int].clone();
        builtin.insert(B::Bool, new_class("bool", Some(int), Some(B::Bool)));
        let mut exceptions: HashMap<ExcType, Arc<Class>> = HashMap::new();
        for &exc in ExcType::ALL {
            let base = match exc.base() {
                Some(b) => exceptions[&b].clone(),
                None => object.clone(),
            };
            exceptions.insert(exc, new_class(exc.name(), Some(base), None));
        }
        Types {
            builtin,
            exceptions,
        }
    }

    /// The class of a builtin type.
    pub fn of(&self, kind: BuiltinType) -> &Arc<Class> {
        &self.builtin[&kind]
    }

    /// The class of an exception type.
    pub fn exc(&self, kind: ExcType) -> &Arc<Class> {
        &self.exceptions[&kind]
    }

    /// A new exception instance of `kind` with `args = (message,)` (or `()` if `message` is empty and
    /// the type is one CPython raises bare, like `StopIteration`).
    pub fn new_exception(&self, kind: ExcType, message: &str) -> Value {
        new_exception_of(self.exc(kind).clone(), message)
    }
}

impl Default for Types {
    fn default() -> Self {
        Types::new()
    }
}

/// A new instance of exception class `class` with `args = (message,)`, or `()` for an empty message.
pub fn new_exception_of(class: Arc<Class>, message: &str) -> Value {
    let args = if message.is_empty() {
        Value::tuple(vec![])
    } else {
        Value::tuple(vec![Value::str(message)])
    };
    let mut dict = crate::vm::value::Namespace::default();
    dict.insert(Arc::from("args"), args);
    Value::Instance(Arc::new(Instance {
        class,
        dict: Lock::new(dict),
        exc: Lock::new(Default::default()),
    }))
}

/// Is `class` `ancestor` or a subclass of it?
pub fn is_subclass(class: &Arc<Class>, ancestor: &Arc<Class>) -> bool {
    let mut c = Some(class);
    while let Some(k) = c {
        if Arc::ptr_eq(k, ancestor) {
            return true;
        }
        c = k.base.as_ref();
    }
    false
}

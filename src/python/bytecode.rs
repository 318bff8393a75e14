//! The bytecode: what the compiler writes and the VM runs. This file is the contract between the two.
//!
//! A stack machine in the manner of CPython 3.8–3.10 (a block stack for `try`, `with` and handlers), kept
//! small: one instruction per Python operation, operands as `u32` indices into the code's tables. Each
//! instruction's doc gives its stack effect as `[before] → [after]`, top of stack last.

use std::sync::Arc;

/// A compiled unit: a module, a function, a lambda, a class body or a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// What kind of unit this is; decides how names resolve (see [`CodeKind`]).
    pub kind: CodeKind,
    /// `f`, `<lambda>`, `<listcomp>`, `<genexpr>`, `<module>`, or the class name for a class body.
    pub name: Arc<str>,
    /// Dotted path for tracebacks and reprs: `Worker.run`, `main.<locals>.helper`.
    pub qualname: Arc<str>,
    /// The file tracebacks name: `<main>` for the user's program, `threading.py` for a prelude module.
    pub filename: Arc<str>,
    /// The whole source text of the file, shared by every code object of the file (tracebacks and span
    /// labels show the text of a line).
    pub source: Arc<str>,
    /// Generator, coroutine, `*args`, `**kwargs`.
    pub flags: CodeFlags,
    /// Number of positional parameters (positional-only included).
    pub argcount: u32,
    /// Number of positional-only parameters (the first `posonlyargcount` of `argcount`).
    pub posonlyargcount: u32,
    /// Number of keyword-only parameters, which follow the positional ones in `varnames`.
    pub kwonlyargcount: u32,
    /// The instructions.
    pub instrs: Vec<Instr>,
    /// One location per instruction (same index): where the instruction's source construct starts.
    pub locations: Vec<Location>,
    /// Constants, addressed by `LoadConst`, `MakeFunction` and `CallKw`.
    pub consts: Vec<Const>,
    /// Names of globals, attributes, imported modules and class-body names.
    pub names: Vec<Arc<str>>,
    /// Local variables (fast slots). Parameters come first, in this order: positional, keyword-only,
    /// then `*args` if `flags.varargs`, then `**kwargs` if `flags.varkw`; other locals follow.
    pub varnames: Vec<Arc<str>>,
    /// Locals captured by inner functions: cells made when the frame starts. Cell index `i < cellvars.len()`.
    pub cellvars: Vec<Arc<str>>,
    /// Variables captured from enclosing functions: cell index `cellvars.len() + j`, taken from the
    /// function's closure.
    pub freevars: Vec<Arc<str>>,
    /// Parameters that are also cells: `(cell index, varnames index)`. When the frame starts, the VM moves
    /// each such argument from its fast slot into its cell.
    pub cell_params: Vec<(u32, u32)>,
    /// The line of the `def`, `class` or `lambda` (1 for a module).
    pub first_line: u32,
}

/// What a code object is; it decides how plain names are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// Module level: names are globals (`LoadGlobal`/`StoreGlobal`).
    Module,
    /// A `def` or `async def`: locals are fast slots, other names globals or cells.
    Function,
    /// A `lambda`: as a function.
    Lambda,
    /// A comprehension or generator expression: a function whose one parameter `.0` is the iterator of
    /// the outermost `for`.
    Comprehension,
    /// A class body: names live in the class namespace (`LoadName`/`StoreName`), run once by `MakeClass`.
    Class,
}

/// Flags of a code object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodeFlags {
    /// The body contains `yield`: calling it makes a generator object instead of running it.
    pub generator: bool,
    /// `async def`: calling it makes a coroutine object instead of running it.
    pub coroutine: bool,
    /// Takes `*args`.
    pub varargs: bool,
    /// Takes `**kwargs`.
    pub varkw: bool,
}

/// A source position, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// A constant in a code object's table.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An integer literal (64-bit).
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(Arc<str>),
    /// A tuple of constants (also the keyword names of `CallKw`).
    Tuple(Vec<Const>),
    /// `...`.
    Ellipsis,
    /// A nested code object, for `MakeFunction` and `MakeClass`.
    Code(Arc<Code>),
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `not x` (always a bool)
    Not,
    /// `~x`
    Invert,
}

/// Binary operators, for `Binary` and `InplaceBinary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    TrueDiv,
    /// `//`
    FloorDiv,
    /// `%` (also string formatting)
    Mod,
    /// `**`
    Pow,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
    /// `&`
    And,
    /// `|`
    Or,
    /// `^`
    Xor,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `is`
    Is,
    /// `is not`
    IsNot,
}

/// `MakeFunction` flag: a tuple of positional defaults is on the stack.
pub const FN_DEFAULTS: u8 = 1;
/// `MakeFunction` flag: a dict of keyword-only defaults is on the stack.
pub const FN_KWDEFAULTS: u8 = 2;
/// `MakeFunction` flag: a tuple of cells (the closure) is on the stack.
pub const FN_CLOSURE: u8 = 4;

/// `FormatValue` conversion: none.
pub const CONV_NONE: u8 = 0;
/// `FormatValue` conversion: `!s`.
pub const CONV_STR: u8 = 1;
/// `FormatValue` conversion: `!r`.
pub const CONV_REPR: u8 = 2;
/// `FormatValue` conversion: `!a`.
pub const CONV_ASCII: u8 = 3;

/// One instruction. Jump targets are instruction indices in the same code object.
///
/// Exceptions and blocks: `SetupExcept`/`SetupFinally`/`SetupWith`-style handlers are entries of the
/// frame's block stack, each remembering the value-stack depth at setup. When an exception is raised, the
/// VM pops blocks: a `Handler` entry (see below) is popped and the exception it was handling restored; at
/// the first setup block it truncates the value stack to the block's depth, pushes the exception,
/// pushes a `Handler` entry (so `raise` with no argument and `PopExcept` know what is being handled) and
/// jumps to the block's target. With no block left, the frame ends and the exception continues in the
/// caller, the frame's (file, line, function) appended to the exception's traceback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instr {
    /// Does nothing.
    Nop,
    /// `[] → [consts[i]]`
    LoadConst(u32),
    /// `[] → [local i]`; an unbound local raises `UnboundLocalError`.
    LoadFast(u32),
    /// `[v] → []`, stores local i.
    StoreFast(u32),
    /// `[] → []`, unbinds local i (`UnboundLocalError` if unbound).
    DeleteFast(u32),
    /// `[] → [contents of cell i]` (cells: `cellvars` then `freevars`); empty cell raises `NameError`
    /// (free variable) or `UnboundLocalError` (cell variable).
    LoadDeref(u32),
    /// `[v] → []`, stores into cell i.
    StoreDeref(u32),
    /// `[] → []`, empties cell i.
    DeleteDeref(u32),
    /// `[] → [cell i itself]`, to build a closure tuple for `MakeFunction`.
    LoadClosure(u32),
    /// `[] → [global names[i]]`, falling back to builtins; `NameError: name 'x' is not defined`.
    LoadGlobal(u32),
    /// `[v] → []`, stores module global names[i].
    StoreGlobal(u32),
    /// `[] → []`, deletes global names[i].
    DeleteGlobal(u32),
    /// Class bodies: `[] → [v]` from the class namespace, then globals, then builtins.
    LoadName(u32),
    /// Class bodies: `[v] → []` into the class namespace.
    StoreName(u32),
    /// Class bodies: `[] → []` deletes from the class namespace.
    DeleteName(u32),
    /// `[obj] → [obj.names[i]]` (bound methods made here).
    LoadAttr(u32),
    /// `[v, obj] → []`: `obj.names[i] = v`.
    StoreAttr(u32),
    /// `[obj] → []`: `del obj.names[i]`.
    DeleteAttr(u32),
    /// `[a] → []`
    Pop,
    /// `[a] → [a, a]`
    Dup,
    /// `[a, b] → [a, b, a, b]`
    DupTop2,
    /// `[a, b] → [b, a]`
    Rot2,
    /// `[a, b, c] → [c, a, b]` (top moves down two)
    Rot3,
    /// `[a, b, c, d] → [d, a, b, c]` (top moves down three)
    Rot4,
    /// `[a] → [op a]`
    Unary(UnaryOp),
    /// `[a, b] → [a op b]`
    Binary(BinOp),
    /// `[a, b] → [a op= b]`: in place for mutable containers (`list += iterable` extends the same list),
    /// otherwise as `Binary`.
    InplaceBinary(BinOp),
    /// `[a, b] → [a op b]`
    Compare(CmpOp),
    /// `[x1..xn] → [(x1, .., xn)]`
    BuildTuple(u32),
    /// `[x1..xn] → [[x1, .., xn]]`
    BuildList(u32),
    /// `[x1..xn] → [{x1, .., xn}]`
    BuildSet(u32),
    /// `[k1, v1, .., kn, vn] → [{k1: v1, ..}]`
    BuildMap(u32),
    /// `[start, stop] → [slice]` for 2, `[start, stop, step] → [slice]` for 3 (absent parts are `None`).
    BuildSlice(u32),
    /// Comprehensions: `[.., list, .. (i-1 more), v] → [.., list, ..]` appends v to the list that is `i`
    /// deep once v is popped (i = 1 means the new top).
    ListAppend(u32),
    /// As `ListAppend`, for a set.
    SetAdd(u32),
    /// `[.., dict, .., k, v] → [.., dict, ..]`: `dict[k] = v`, the dict `i` deep once k and v are popped.
    MapAdd(u32),
    /// `[.., list, .., iterable] → [.., list, ..]`: extends the list `i` deep (for `[*a, *b]`, `f(*a)`).
    ListExtend(u32),
    /// `[.., set, .., iterable] → [.., set, ..]`: updates the set `i` deep.
    SetUpdate(u32),
    /// `[.., dict, .., mapping] → [.., dict, ..]`: updates the dict `i` deep, the last value of a key
    /// winning (`{**a, **b}`). A mapping that is not a dict raises `TypeError: 'int' object is not a
    /// mapping`.
    DictUpdate(u32),
    /// Calls: `[f, args, .., dict, .., mapping] → [f, args, .., dict, ..]`: as `DictUpdate` (the dict `i`
    /// deep, the function `i + 1` below it), but a key already there raises `TypeError: __main__.f() got
    /// multiple values for keyword argument 'a'` and a mapping that is not a dict raises `TypeError:
    /// __main__.f() argument after ** must be a mapping, not int`, naming the function as CPython 3.11's
    /// DICT_MERGE does (`module.qualname()`, no module for builtins). For `f(a=1, **k)`, `f(**a, **b)`.
    DictMerge(u32),
    /// `[list] → [tuple]`
    ListToTuple,
    /// `[seq] → [xn, .., x1]`: unpacks exactly n items, the first on top; wrong count raises `ValueError`
    /// ("not enough values to unpack (expected 2, got 1)" / "too many values to unpack (expected 2)").
    UnpackSequence(u32),
    /// `a, *b, c = seq`: `[seq] → [c, b (a list), a]`, `before` items, a list, then `after` items, first
    /// on top.
    UnpackEx {
        /// Targets before the starred one.
        before: u32,
        /// Targets after the starred one.
        after: u32,
    },
    /// `[obj, key] → [obj[key]]` (key may be a slice).
    Subscr,
    /// `[v, obj, key] → []`: `obj[key] = v`.
    StoreSubscr,
    /// `[obj, key] → []`: `del obj[key]`.
    DeleteSubscr,
    /// Unconditional jump.
    Jump(u32),
    /// `[v] → []`, jumps if v is falsy.
    PopJumpIfFalse(u32),
    /// `[v] → []`, jumps if v is truthy.
    PopJumpIfTrue(u32),
    /// `[v] → [v]` and jumps if v is falsy, else `[v] → []` (for `and`).
    JumpIfFalseOrPop(u32),
    /// `[v] → [v]` and jumps if v is truthy, else `[v] → []` (for `or`).
    JumpIfTrueOrPop(u32),
    /// `[iterable] → [iterator]`
    GetIter,
    /// `[it] → [it, next]`, or when exhausted `[it] → []` and jumps to the target.
    ForIter(u32),
    /// `[f, a1..an] → [f(a1..an)]`
    Call(u32),
    /// `[f, a1..an] → [f(..)]`: the last `len(names)` of the n values are keyword arguments, named by
    /// `consts[names]` (a tuple of strings).
    CallKw {
        /// Number of values on the stack after `f` (positional plus keyword).
        argc: u32,
        /// Index of the `Const::Tuple` of keyword names.
        names: u32,
    },
    /// `[f, args] → [f(*args)]`, or with `kwargs` `[f, args, kwargs] → [f(*args, **kwargs)]`; `args` is a
    /// tuple (or list), `kwargs` a dict with string keys.
    CallEx {
        /// A dict of keyword arguments is on top.
        kwargs: bool,
    },
    /// Makes a function from `consts[code]`, popping what `flags` names in this order from the bottom:
    /// `[defaults tuple?, kwdefaults dict?, closure tuple?] → [function]`. The function's globals are the
    /// current frame's globals.
    MakeFunction {
        /// Index of the `Const::Code`.
        code: u32,
        /// `FN_DEFAULTS | FN_KWDEFAULTS | FN_CLOSURE`.
        flags: u8,
    },
    /// `[body function, base?] → [class]`: runs the body (a `CodeKind::Class` function of no parameters)
    /// with a fresh namespace, then makes the class `names[name]` from it. The body returns the
    /// `__class__` cell if a method uses `super()` (the VM then fills that cell with the new class), else
    /// `None`.
    MakeClass {
        /// Index in `names` of the class name.
        name: u32,
        /// A base class is on the stack above the body function.
        has_base: bool,
    },
    /// `[cls, obj] → [super object]`: zero-argument `super()` inside a method, compiled as
    /// `LoadDeref(__class__)`, `LoadFast(0)` (the first parameter), `BuildSuper`.
    BuildSuper,
    /// `[v] → []`: returns v from the frame.
    Return,
    /// `[v] → [sent]`: a generator suspends, giving v to whoever resumed it; when resumed with `send(x)`
    /// (or `next`, which sends `None`), x is pushed.
    Yield,
    /// `[subiter, v] → [result]`: sends v to subiter (a generator or coroutine; `None` means `next`); if it
    /// yields, this frame yields the same value and stays at this instruction, so the next resume sends
    /// on to subiter; when subiter returns, its return value replaces both. For `await` and `yield from`.
    YieldFrom,
    /// `[x] → [awaitable iterator]`: a coroutine stays itself; otherwise `x.__await__()`; neither raises
    /// `TypeError: object X can't be used in 'await' expression`.
    GetAwaitable,
    /// Pushes an except block whose handler starts at the target.
    SetupExcept(u32),
    /// Pushes a finally block whose handler (the exceptional path of `finally`) starts at the target.
    /// The normal and `return`/`break`/`continue` paths run an inlined copy of the finally body instead.
    SetupFinally(u32),
    /// Pops the innermost setup block (leaving the protected region normally).
    PopBlock,
    /// Leaves an exception handler: pops the `Handler` entry the VM pushed when the handler started,
    /// restoring the exception handled before it. The exception value itself must already be popped.
    PopExcept,
    /// `raise`: 0 = re-raise the exception being handled (`RuntimeError: No active exception to
    /// reraise` if none), 1 = `[exc] → raise exc`, 2 = `[exc, cause] → raise exc from cause`. A class is
    /// instantiated with no arguments.
    Raise(u32),
    /// `[exc] → raise exc` again, keeping its traceback (end of a finally handler, no matching except).
    Reraise,
    /// `[exc, type] → [exc, bool]`: does exc match the class or tuple of classes?
    CheckExcMatch,
    /// `[exit, exc] → [exc, exit, type(exc), exc, None]`, ready for `Call(3)` of `__exit__`/`__aexit__`
    /// on the exceptional path of `with`.
    PrepareExit,
    /// `[] → [AssertionError]` (the builtin class, whatever the program calls that name).
    LoadAssertionError,
    /// `[value, spec?] → [str]`: formats for an f-string. Low 2 bits: `CONV_*`; bit 2 (value 4): a format
    /// spec string is on top.
    FormatValue(u8),
    /// `[s1..sn] → [s1 + .. + sn]` (all strings).
    BuildString(u32),
    /// `[] → [module]`: imports `names[i]` (dotted: `concurrent.futures`), pushing the named module itself
    /// (the leaf); the parent package gets the child as an attribute. `import a.b` without `as` is compiled
    /// as `ImportName(a.b)`, `Pop`, `ImportName(a)`, store `a`.
    ImportName(u32),
    /// `[module] → [module, module.names[i]]`; a missing name raises `ImportError: cannot import name 'x'
    /// from 'm'`.
    ImportFrom(u32),
}

impl Code {
    /// The location of instruction `ip` (the first line if `ip` is past the end).
    #[optimize(size)]
    pub fn location(&self, ip: usize) -> Location {
        self.locations.get(ip).copied().unwrap_or(Location {
            line: self.first_line,
            col: 1,
        })
    }

    /// The text of 1-based `line` of the source, trimmed, or "" if there is none.
    #[optimize(size)]
    pub fn line_text(&self, line: u32) -> &str {
        self.source
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .map(str::trim)
            .unwrap_or("")
    }
}

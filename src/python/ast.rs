//! The syntax tree of ThreadLab's Python subset: CPython 3.11's `ast` node names and fields, as Rust types.
//!
//! Conventions (stable; the compiler codes against them):
//! - Every [`Stmt`] and [`Expr`] carries a 1-based `line`/`col` of its first character and an
//!   `end_line`/`end_col` just past its last character (1-based, exclusive, like CPython's
//!   `end_col_offset + 1`). Columns count Unicode characters, not bytes; a tab counts as one.
//! - Multi-field nodes are struct variants with CPython's field names (`type_` for `type`); the only tuple
//!   variant is [`ExprKind::Constant`].
//! - There is no expression context (Load/Store/Del): the compiler knows it from the position.
//! - Annotations on parameters and return types are parsed and dropped; [`StmtKind::AnnAssign`] keeps its
//!   annotation because examples declare their parameters as `coffee_s: float = 1.0  # param: ...`.
//! - Some nodes exist only so the subset check (`check.rs`) can refuse them with a precise message
//!   ([`ExprKind::NamedExpr`], [`ExprKind::Yield`] in user code, decorators, `async for`, ...): a tree
//!   returned by `python::parse` never contains a refused construct, so the compiler may treat them as
//!   unreachable (or report them as internal errors).

/// A whole source file: the result of `python::parse`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// The top-level statements, in source order.
    pub body: Vec<Stmt>,
}

/// A statement with its source span.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// 1-based line of the statement's first token.
    pub line: u32,
    /// 1-based column of the statement's first token.
    pub col: u32,
    /// 1-based line of the statement's last token (the last line of its block for compound statements).
    pub end_line: u32,
    /// 1-based column just past the statement's last character.
    pub end_col: u32,
}

/// The kinds of statement in the subset (CPython's `ast.stmt` subclasses).
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `def name(args): body`, or `async def` when `is_async`.
    FunctionDef {
        /// The function's name.
        name: String,
        /// The parameters.
        args: Box<Arguments>,
        /// The statements of the body (never empty).
        body: Vec<Stmt>,
        /// Decorator expressions, outermost first. Always empty in a tree that passed the check (decorators
        /// are refused); kept so the check can name them.
        decorator_list: Vec<Expr>,
        /// `async def`.
        is_async: bool,
    },
    /// `class name(bases, keywords): body`.
    ClassDef {
        /// The class's name.
        name: String,
        /// Base class expressions (at most one after the check: single inheritance only).
        bases: Vec<Expr>,
        /// Class keywords such as `metaclass=`. Always empty after the check.
        keywords: Vec<Keyword>,
        /// The statements of the body.
        body: Vec<Stmt>,
        /// Decorator expressions. Always empty after the check.
        decorator_list: Vec<Expr>,
    },
    /// `return` or `return value`.
    Return {
        /// The returned value; `None` for a bare `return`.
        value: Option<Expr>,
    },
    /// `del a, b.c, d[e]` (targets are names, attributes or subscripts, or tuples/lists of those).
    Delete {
        /// The deleted targets.
        targets: Vec<Expr>,
    },
    /// `t1 = t2 = value`: one or more targets (names, attributes, subscripts, tuples/lists of targets,
    /// possibly with one [`ExprKind::Starred`] element, as in `a, *b = x`).
    Assign {
        /// The targets, left to right.
        targets: Vec<Expr>,
        /// The assigned value.
        value: Expr,
    },
    /// `target op= value` (the target is a name, attribute or subscript).
    AugAssign {
        /// The single target.
        target: Expr,
        /// The operator (`+=` is [`Operator::Add`]).
        op: Operator,
        /// The right-hand side.
        value: Expr,
    },
    /// `target: annotation` or `target: annotation = value`.
    AnnAssign {
        /// The target (a name, attribute or subscript).
        target: Expr,
        /// The annotation expression (never evaluated by ThreadLab; kept for parameter declarations).
        annotation: Expr,
        /// The value, if any.
        value: Option<Expr>,
        /// True when the target is a plain name not in parentheses (CPython's `simple`).
        simple: bool,
    },
    /// `for target in iter: body else: orelse`.
    For {
        /// The loop target.
        target: Expr,
        /// The iterated expression.
        iter: Expr,
        /// The loop body.
        body: Vec<Stmt>,
        /// The `else` block (empty if absent).
        orelse: Vec<Stmt>,
        /// `async for`. Always false after the check.
        is_async: bool,
    },
    /// `while test: body else: orelse`.
    While {
        /// The condition.
        test: Expr,
        /// The loop body.
        body: Vec<Stmt>,
        /// The `else` block (empty if absent).
        orelse: Vec<Stmt>,
    },
    /// `if test: body else: orelse`; an `elif` is a nested `If` alone in `orelse`, as in CPython.
    If {
        /// The condition.
        test: Expr,
        /// The `if` block.
        body: Vec<Stmt>,
        /// The `else` block (empty if absent).
        orelse: Vec<Stmt>,
    },
    /// `with a as x, b: body`, or `async with` when `is_async`.
    With {
        /// The context managers, left to right.
        items: Vec<WithItem>,
        /// The block.
        body: Vec<Stmt>,
        /// `async with`.
        is_async: bool,
    },
    /// `raise`, `raise exc` or `raise exc from cause`.
    Raise {
        /// The raised exception; `None` for a bare re-raise.
        exc: Option<Expr>,
        /// The `from` clause.
        cause: Option<Expr>,
    },
    /// `try: body except ...: ... else: orelse finally: finalbody`.
    Try {
        /// The protected block.
        body: Vec<Stmt>,
        /// The `except` clauses, in order.
        handlers: Vec<ExceptHandler>,
        /// The `else` block (empty if absent).
        orelse: Vec<Stmt>,
        /// The `finally` block (empty if absent).
        finalbody: Vec<Stmt>,
    },
    /// `assert test, msg`.
    Assert {
        /// The asserted condition.
        test: Expr,
        /// The message, if any.
        msg: Option<Expr>,
    },
    /// `import a.b as c, d`.
    Import {
        /// The imported modules.
        names: Vec<Alias>,
    },
    /// `from module import a as b, c`.
    ImportFrom {
        /// The dotted module name (`None` only for `from . import x`, which the check refuses).
        module: Option<String>,
        /// The imported members (never `*` after the check).
        names: Vec<Alias>,
        /// Number of leading dots; always 0 after the check (relative imports are refused).
        level: u32,
    },
    /// `global a, b`.
    Global {
        /// The declared names.
        names: Vec<String>,
    },
    /// `nonlocal a, b`.
    Nonlocal {
        /// The declared names.
        names: Vec<String>,
    },
    /// An expression evaluated for its effect (a call, usually; a docstring is one too).
    Expr {
        /// The expression.
        value: Expr,
    },
    /// `pass`.
    Pass,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
}

/// An expression with its source span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// 1-based line of the expression's first character.
    pub line: u32,
    /// 1-based column of the expression's first character.
    pub col: u32,
    /// 1-based line of the expression's last character.
    pub end_line: u32,
    /// 1-based column just past the expression's last character.
    pub end_col: u32,
}

/// The kinds of expression in the subset (CPython's `ast.expr` subclasses).
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `a and b and c` / `a or b` (values has at least two elements).
    BoolOp {
        /// `and` or `or`.
        op: BoolOp,
        /// The operands, left to right.
        values: Vec<Expr>,
    },
    /// `target := value`. Refused by the check.
    NamedExpr {
        /// The assigned name.
        target: Box<Expr>,
        /// The value.
        value: Box<Expr>,
    },
    /// `left op right`.
    BinOp {
        /// The left operand.
        left: Box<Expr>,
        /// The operator.
        op: Operator,
        /// The right operand.
        right: Box<Expr>,
    },
    /// `op operand` (`not x`, `-x`, `+x`, `~x`).
    UnaryOp {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `lambda args: body`.
    Lambda {
        /// The parameters.
        args: Box<Arguments>,
        /// The body expression.
        body: Box<Expr>,
    },
    /// `body if test else orelse`.
    IfExp {
        /// The condition.
        test: Box<Expr>,
        /// The value when true.
        body: Box<Expr>,
        /// The value when false.
        orelse: Box<Expr>,
    },
    /// `{k: v, **d}`: `keys[i]` is `None` where `values[i]` is unpacked with `**`.
    Dict {
        /// The keys (`None` for a `**` unpacking).
        keys: Vec<Option<Expr>>,
        /// The values (same length as `keys`).
        values: Vec<Expr>,
    },
    /// `{a, b, *c}` (never empty: `{}` is a dict).
    Set {
        /// The elements (may include [`ExprKind::Starred`]).
        elts: Vec<Expr>,
    },
    /// `[elt for ...]`.
    ListComp {
        /// The element expression.
        elt: Box<Expr>,
        /// The `for`/`if` clauses, outermost first.
        generators: Vec<Comprehension>,
    },
    /// `{elt for ...}`.
    SetComp {
        /// The element expression.
        elt: Box<Expr>,
        /// The `for`/`if` clauses, outermost first.
        generators: Vec<Comprehension>,
    },
    /// `{key: value for ...}`.
    DictComp {
        /// The key expression.
        key: Box<Expr>,
        /// The value expression.
        value: Box<Expr>,
        /// The `for`/`if` clauses, outermost first.
        generators: Vec<Comprehension>,
    },
    /// `(elt for ...)`, also the sole argument in `f(x for x in y)`.
    GeneratorExp {
        /// The element expression.
        elt: Box<Expr>,
        /// The `for`/`if` clauses, outermost first.
        generators: Vec<Comprehension>,
    },
    /// `await value` (only inside `async def` after the check).
    Await {
        /// The awaited expression.
        value: Box<Expr>,
    },
    /// `yield` or `yield value`. Refused in user code; allowed with `ParseOptions::allow_yield`.
    Yield {
        /// The yielded value, if any.
        value: Option<Box<Expr>>,
    },
    /// `yield from value`. Refused in user code; allowed with `ParseOptions::allow_yield`.
    YieldFrom {
        /// The delegated iterable.
        value: Box<Expr>,
    },
    /// `left op1 c1 op2 c2 ...` (a chained comparison; `ops` and `comparators` have equal length >= 1).
    Compare {
        /// The leftmost operand.
        left: Box<Expr>,
        /// The operators, left to right.
        ops: Vec<CmpOp>,
        /// The right operands, left to right.
        comparators: Vec<Expr>,
    },
    /// `func(args, keywords)`; positional `*x` appear in `args` as [`ExprKind::Starred`], `**kw` in
    /// `keywords` with `arg: None`.
    Call {
        /// The called expression.
        func: Box<Expr>,
        /// Positional arguments (including `*x` as Starred), in order.
        args: Vec<Expr>,
        /// Keyword arguments (including `**kw`), in order.
        keywords: Vec<Keyword>,
    },
    /// One `{value!conversion:format_spec}` field of an f-string; only ever inside a [`ExprKind::JoinedStr`].
    FormattedValue {
        /// The interpolated expression.
        value: Box<Expr>,
        /// `Some('s' | 'r' | 'a')` for `!s`, `!r`, `!a`.
        conversion: Option<char>,
        /// The format spec, itself a [`ExprKind::JoinedStr`] (it may contain nested fields).
        format_spec: Option<Box<Expr>>,
    },
    /// An f-string: literal parts are `Constant(Str)`, fields are [`ExprKind::FormattedValue`]. Adjacent
    /// literal parts are merged, and empty ones are dropped, as CPython does. `f"{x=}"` becomes the
    /// literal `"x="` followed by `x` with conversion `'r'` (unless a spec or conversion is given).
    JoinedStr {
        /// The parts, in order.
        values: Vec<Expr>,
    },
    /// A literal (implicitly concatenated plain strings are already joined into one).
    Constant(Constant),
    /// `value.attr`.
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// The attribute name.
        attr: String,
    },
    /// `value[slice]`; `a[1:2]` has a [`ExprKind::Slice`] as its slice, `a[1, 2]` a Tuple.
    Subscript {
        /// The subscripted object.
        value: Box<Expr>,
        /// The index, slice, or tuple of them.
        slice: Box<Expr>,
    },
    /// `*value`, in a call's arguments, a list/tuple/set display, or an assignment target.
    Starred {
        /// The unpacked expression.
        value: Box<Expr>,
    },
    /// A name.
    Name {
        /// The identifier.
        id: String,
    },
    /// `[a, b]`.
    List {
        /// The elements (may include [`ExprKind::Starred`]).
        elts: Vec<Expr>,
    },
    /// `(a, b)` or `a, b` (the span excludes parentheses only when there are none in the source).
    Tuple {
        /// The elements (may include [`ExprKind::Starred`]).
        elts: Vec<Expr>,
    },
    /// `lower:upper:step`, only ever as (part of) a [`ExprKind::Subscript`]'s slice.
    Slice {
        /// The start, if given.
        lower: Option<Box<Expr>>,
        /// The stop, if given.
        upper: Option<Box<Expr>>,
        /// The step, if given.
        step: Option<Box<Expr>>,
    },
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Constant {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An integer literal (ThreadLab's integers are 64-bit; larger literals are a syntax error).
    Int(i64),
    /// A float literal (`1.5`, `1e3`, `1_000.0`).
    Float(f64),
    /// A string literal, escapes already decoded.
    Str(String),
    /// `...`.
    Ellipsis,
}

/// `and` / `or`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoolOp {
    /// `and`.
    And,
    /// `or`.
    Or,
}

/// A binary (or augmented-assignment) operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mult,
    /// `@`. Refused by the check.
    MatMult,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `**`.
    Pow,
    /// `<<`.
    LShift,
    /// `>>`.
    RShift,
    /// `|`.
    BitOr,
    /// `^`.
    BitXor,
    /// `&`.
    BitAnd,
    /// `//`.
    FloorDiv,
}

impl Operator {
    /// The operator's source spelling (`"+"`, `"//"`, ...), for messages.
    #[optimize(size)]
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Add => "+",
            Operator::Sub => "-",
            Operator::Mult => "*",
            Operator::MatMult => "@",
            Operator::Div => "/",
            Operator::Mod => "%",
            Operator::Pow => "**",
            Operator::LShift => "<<",
            Operator::RShift => ">>",
            Operator::BitOr => "|",
            Operator::BitXor => "^",
            Operator::BitAnd => "&",
            Operator::FloorDiv => "//",
        }
    }
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `~`.
    Invert,
    /// `not`.
    Not,
    /// `+`.
    UAdd,
    /// `-`.
    USub,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`.
    Eq,
    /// `!=`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtE,
    /// `>`.
    Gt,
    /// `>=`.
    GtE,
    /// `is`.
    Is,
    /// `is not`.
    IsNot,
    /// `in`.
    In,
    /// `not in`.
    NotIn,
}

impl CmpOp {
    /// The operator's source spelling (`"=="`, `"not in"`, ...), for messages.
    #[optimize(size)]
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

/// One `for target in iter if ...` clause of a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub struct Comprehension {
    /// The loop target.
    pub target: Expr,
    /// The iterated expression.
    pub iter: Expr,
    /// The `if` filters, in order.
    pub ifs: Vec<Expr>,
    /// `async for` in a comprehension. Always false after the check.
    pub is_async: bool,
}

/// One `except type_ as name:` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptHandler {
    /// The exception type expression (`None` for a bare `except:`).
    pub type_: Option<Expr>,
    /// The `as` name, if any.
    pub name: Option<String>,
    /// The handler's block.
    pub body: Vec<Stmt>,
    /// 1-based line of the `except` keyword.
    pub line: u32,
    /// 1-based column of the `except` keyword.
    pub col: u32,
}

/// The parameters of a `def` or `lambda`. Defaults are not per-parameter: as in CPython, `defaults` belong
/// to the last `defaults.len()` of `posonlyargs` followed by `args`, and `kw_defaults[i]` to
/// `kwonlyargs[i]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Arguments {
    /// Parameters before a `/`.
    pub posonlyargs: Vec<Arg>,
    /// Ordinary positional-or-keyword parameters.
    pub args: Vec<Arg>,
    /// `*args`, if present.
    pub vararg: Option<Arg>,
    /// Parameters after `*` or `*args`.
    pub kwonlyargs: Vec<Arg>,
    /// One entry per `kwonlyargs` element: its default, or `None` if it has none (then it is required).
    pub kw_defaults: Vec<Option<Expr>>,
    /// `**kwargs`, if present.
    pub kwarg: Option<Arg>,
    /// Defaults of the trailing positional parameters.
    pub defaults: Vec<Expr>,
}

/// One parameter (its annotation, if any, is dropped).
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The parameter's name.
    pub name: String,
    /// 1-based line of the name.
    pub line: u32,
    /// 1-based column of the name.
    pub col: u32,
}

/// A keyword argument in a call or class header: `arg=value`, or `**value` when `arg` is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyword {
    /// The keyword, or `None` for `**value`.
    pub arg: Option<String>,
    /// The value.
    pub value: Expr,
    /// 1-based line of the keyword (or of the `**`).
    pub line: u32,
    /// 1-based column of the keyword (or of the `**`).
    pub col: u32,
}

/// One `name as asname` of an import: `name` is dotted for `import a.b`, a single member for `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    /// The (possibly dotted) name, or `"*"` for `from m import *` (refused by the check).
    pub name: String,
    /// The `as` name, if any.
    pub asname: Option<String>,
    /// 1-based line of the name.
    pub line: u32,
    /// 1-based column of the name.
    pub col: u32,
}

/// One `context_expr as optional_vars` item of a `with`.
#[derive(Debug, Clone, PartialEq)]
pub struct WithItem {
    /// The context manager expression.
    pub context_expr: Expr,
    /// The `as` target, if any.
    pub optional_vars: Option<Expr>,
}

impl Expr {
    /// An expression spanning `line:col` to `end_line:end_col`.
    #[optimize(size)]
    pub fn new(kind: ExprKind, line: u32, col: u32, end_line: u32, end_col: u32) -> Expr {
        Expr {
            kind,
            line,
            col,
            end_line,
            end_col,
        }
    }
}

impl Stmt {
    /// A statement spanning `line:col` to `end_line:end_col`.
    #[optimize(size)]
    pub fn new(kind: StmtKind, line: u32, col: u32, end_line: u32, end_col: u32) -> Stmt {
        Stmt {
            kind,
            line,
            col,
            end_line,
            end_col,
        }
    }
}

//! The compiler: syntax tree → bytecode ([`Code`]), one code object per module, function, lambda, class body and comprehension.
//!
//! It follows CPython 3.10's `compile.c` on the instruction set of [`super::bytecode`]: names resolve by
//! the scope analysis of [`super::symtable`]; `try`/`with`/loops keep a stack of "frame blocks" so that
//! `return`, `break` and `continue` leave them properly (pop the block, run an inlined copy of a `finally`
//! body, call a `with`'s `__exit__`, pop a `for` loop's iterator); jumps go to labels patched when the code
//! object is finished. Every instruction records the line and column of the statement or expression that
//! produced it (a call's instructions carry the call's position). [`disassemble`] lists code for tests and
//! debugging.
//!
//! Beyond what the parser's subset check lets through, it also compiles decorators; it refuses, as internal
//! errors a checked tree never reaches, `async for`, `:=`, `@`, class keywords and multiple bases.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use indexmap::IndexSet;

use super::ast::{self, Arguments, Comprehension, Expr, ExprKind, Keyword, Stmt, StmtKind};
use super::bytecode::{
    BinOp, CmpOp, Code, CodeFlags, CodeKind, Const, Instr, Location, UnaryOp, CONV_ASCII,
    CONV_NONE, CONV_REPR, CONV_STR, FN_CLOSURE, FN_DEFAULTS, FN_KWDEFAULTS,
};
use super::symtable::{mangle, NameScope, ScopeId, ScopeKind, SymbolTable};
use super::SyntaxError;

type R<T> = Result<T, SyntaxError>;

/// Compiles a parsed module: scope analysis, then one [`Code`] for the module with every nested function,
/// class body, lambda and comprehension as `Const::Code` constants. `source` is the file's text (kept in
/// every code object for tracebacks) and `filename` what tracebacks call it.
#[optimize(size)]
pub fn compile_module(
    module: &ast::Module,
    source: &str,
    filename: &str,
) -> Result<Arc<Code>, Vec<SyntaxError>> {
    let table = SymbolTable::build(module).map_err(|e| vec![e])?;
    let mut c = Compiler {
        table: &table,
        source: Arc::from(source),
        filename: Arc::from(filename),
        unit: Unit::new(0, CodeKind::Module, "<module>", "<module>", 1, 1),
        outer: Vec::new(),
        interned: RefCell::default(),
    };
    c.module(module).map(Arc::new).map_err(|e| vec![e])
}

/// A jump target, bound to an instruction index when its place is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Label(usize);

/// What a `return`/`break`/`continue` must undo on its way out (CPython's fblock).
#[derive(Debug, Clone, Copy)]
enum FBlock<'a> {
    /// A `while` loop: `continue` jumps to `start`, `break` to `exit`.
    WhileLoop { start: Label, exit: Label },
    /// A `for` loop: its iterator is on the stack.
    ForLoop { start: Label, exit: Label },
    /// The body of a `try` with `except` clauses: a `SetupExcept` block is active.
    TryExcept,
    /// The body of a `try` with a `finally`: leaving runs the finally body.
    FinallyTry { body: &'a [Stmt] },
    /// The exceptional copy of a finally body: the exception is on the stack and being handled.
    FinallyEnd,
    /// The body of a `with`: its `__exit__` is on the stack and a `SetupFinally` block active.
    With { is_async: bool, loc: Location },
    /// An `except` clause's body: the handled exception must be released (and the `as` name cleared, with
    /// the cleanup `SetupFinally` block popped, when there is a name).
    HandlerCleanup { name: Option<&'a str> },
    /// A value (a return value being kept while a finally body runs) is on the stack.
    PopValue,
}

/// Load, store or delete, for names and targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Load,
    Store,
    Del,
}

/// The kind of comprehension being compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompKind {
    List,
    Set,
    Dict,
    Gen,
}

/// A code object being built.
struct Unit<'a> {
    scope: ScopeId,
    kind: CodeKind,
    name: Arc<str>,
    qualname: Arc<str>,
    instrs: Vec<Instr>,
    locations: Vec<Location>,
    consts: Vec<Const>,
    names: IndexSet<Arc<str>>,
    varnames: IndexSet<Arc<str>>,
    nparams: usize,
    cellvars: Vec<String>,
    freevars: Vec<String>,
    labels: Vec<Option<u32>>,
    jumps: Vec<(usize, Label)>,
    fblocks: Vec<FBlock<'a>>,
    loc: Location,
    flags: CodeFlags,
    argcount: u32,
    posonlyargcount: u32,
    kwonlyargcount: u32,
    first_line: u32,
}

impl<'a> Unit<'a> {
    #[optimize(size)]
    fn new(
        scope: ScopeId,
        kind: CodeKind,
        name: &str,
        qualname: &str,
        line: u32,
        col: u32,
    ) -> Unit<'a> {
        Unit {
            scope,
            kind,
            name: Arc::from(name),
            qualname: Arc::from(qualname),
            instrs: Vec::new(),
            locations: Vec::new(),
            consts: Vec::new(),
            names: IndexSet::new(),
            varnames: IndexSet::new(),
            nparams: 0,
            cellvars: Vec::new(),
            freevars: Vec::new(),
            labels: Vec::new(),
            jumps: Vec::new(),
            fblocks: Vec::new(),
            loc: Location { line, col },
            flags: CodeFlags::default(),
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            first_line: line,
        }
    }
}

#[optimize(size)]
fn err(line: u32, column: u32, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        line,
        column,
        message: message.into(),
    }
}

#[optimize(size)]
fn expr_err(e: &Expr, message: impl Into<String>) -> SyntaxError {
    err(e.line, e.col, message)
}

/// Points a jump instruction at `target`.
#[optimize(size)]
fn set_target(instr: &mut Instr, target: u32) {
    match instr {
        Instr::Jump(t)
        | Instr::PopJumpIfFalse(t)
        | Instr::PopJumpIfTrue(t)
        | Instr::JumpIfFalseOrPop(t)
        | Instr::JumpIfTrueOrPop(t)
        | Instr::ForIter(t)
        | Instr::SetupExcept(t)
        | Instr::SetupFinally(t) => *t = target,
        _ => {}
    }
}

/// Constants compare by value and kind (`1`, `1.0` and `True` stay distinct, so do `0.0` and `-0.0`);
/// code objects are never shared.
#[optimize(size)]
fn same_const(a: &Const, b: &Const) -> bool {
    match (a, b) {
        (Const::Float(x), Const::Float(y)) => x.to_bits() == y.to_bits(),
        (Const::Tuple(x), Const::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_const(p, q))
        }
        (Const::Code(_), _) | (_, Const::Code(_)) => false,
        _ => a == b,
    }
}

#[optimize(size)]
fn to_const(c: &ast::Constant) -> Const {
    match c {
        ast::Constant::None => Const::None,
        ast::Constant::Bool(b) => Const::Bool(*b),
        ast::Constant::Int(i) => Const::Int(*i),
        ast::Constant::Float(f) => Const::Float(*f),
        ast::Constant::Str(s) => Const::Str(Arc::from(s.as_str())),
        ast::Constant::Ellipsis => Const::Ellipsis,
    }
}

/// The value of a constant expression: literals, negated number literals, tuples of those.
#[optimize(size)]
fn const_value(e: &Expr) -> Option<Const> {
    match &e.kind {
        ExprKind::Constant(c) => Some(to_const(c)),
        ExprKind::UnaryOp {
            op: ast::UnaryOp::USub,
            operand,
        } => match const_value(operand)? {
            Const::Int(i) => i.checked_neg().map(Const::Int),
            Const::Float(f) => Some(Const::Float(-f)),
            _ => None,
        },
        ExprKind::UnaryOp {
            op: ast::UnaryOp::UAdd,
            operand,
        } => match const_value(operand)? {
            c @ (Const::Int(_) | Const::Float(_)) => Some(c),
            _ => None,
        },
        ExprKind::Tuple { elts } => elts
            .iter()
            .map(const_value)
            .collect::<Option<Vec<_>>>()
            .map(Const::Tuple),
        _ => None,
    }
}

/// Truthiness of a literal test (`while True:`), if it is one.
#[optimize(size)]
fn const_truth(e: &Expr) -> Option<bool> {
    match &e.kind {
        ExprKind::Constant(c) => Some(match c {
            ast::Constant::None => false,
            ast::Constant::Bool(b) => *b,
            ast::Constant::Int(i) => *i != 0,
            ast::Constant::Float(f) => *f != 0.0,
            ast::Constant::Str(s) => !s.is_empty(),
            ast::Constant::Ellipsis => true,
        }),
        _ => None,
    }
}

#[optimize(size)]
fn bin_op(op: ast::Operator, e: &Expr) -> R<BinOp> {
    Ok(match op {
        ast::Operator::Add => BinOp::Add,
        ast::Operator::Sub => BinOp::Sub,
        ast::Operator::Mult => BinOp::Mul,
        ast::Operator::Div => BinOp::TrueDiv,
        ast::Operator::FloorDiv => BinOp::FloorDiv,
        ast::Operator::Mod => BinOp::Mod,
        ast::Operator::Pow => BinOp::Pow,
        ast::Operator::LShift => BinOp::LShift,
        ast::Operator::RShift => BinOp::RShift,
        ast::Operator::BitAnd => BinOp::And,
        ast::Operator::BitOr => BinOp::Or,
        ast::Operator::BitXor => BinOp::Xor,
        ast::Operator::MatMult => {
            return Err(expr_err(
                e,
                "the '@' operator (matrix multiplication) is not supported",
            ));
        }
    })
}

#[optimize(size)]
fn cmp_op(op: ast::CmpOp) -> CmpOp {
    match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::NotEq => CmpOp::Ne,
        ast::CmpOp::Lt => CmpOp::Lt,
        ast::CmpOp::LtE => CmpOp::Le,
        ast::CmpOp::Gt => CmpOp::Gt,
        ast::CmpOp::GtE => CmpOp::Ge,
        ast::CmpOp::Is => CmpOp::Is,
        ast::CmpOp::IsNot => CmpOp::IsNot,
        ast::CmpOp::In => CmpOp::In,
        ast::CmpOp::NotIn => CmpOp::NotIn,
    }
}

/// How CPython names an expression that cannot be assigned to or deleted.
#[optimize(size)]
fn describe(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Call { .. } => "function call",
        ExprKind::Constant(ast::Constant::None) => "None",
        ExprKind::Constant(ast::Constant::Bool(true)) => "True",
        ExprKind::Constant(ast::Constant::Bool(false)) => "False",
        ExprKind::Constant(ast::Constant::Ellipsis) => "ellipsis",
        ExprKind::Constant(_) => "literal",
        ExprKind::JoinedStr { .. } | ExprKind::FormattedValue { .. } => "f-string expression",
        ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::BoolOp { .. } => "expression",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Dict { .. } => "dict literal",
        ExprKind::Set { .. } => "set display",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Await { .. } => "await expression",
        ExprKind::Yield { .. } | ExprKind::YieldFrom { .. } => "yield expression",
        ExprKind::NamedExpr { .. } => "named expression",
        ExprKind::Starred { .. } => "starred",
        _ => "expression",
    }
}

/// Does a statement list start with a docstring?
#[optimize(size)]
fn docstring(body: &[Stmt]) -> Option<&str> {
    match body.first().map(|s| &s.kind) {
        Some(StmtKind::Expr { value }) => match &value.kind {
            ExprKind::Constant(ast::Constant::Str(s)) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

struct Compiler<'a> {
    table: &'a SymbolTable,
    source: Arc<str>,
    filename: Arc<str>,
    unit: Unit<'a>,
    outer: Vec<Unit<'a>>,
    /// One `Arc<str>` per distinct identifier of the file, shared by every code object, so the VM's
    /// namespace lookups mostly find their key by pointer.
    interned: RefCell<HashSet<Arc<str>>>,
}

impl<'a> Compiler<'a> {
    // ----- emitting -----

    #[optimize(size)]
    fn emit(&mut self, instr: Instr) -> usize {
        self.unit.instrs.push(instr);
        self.unit.locations.push(self.unit.loc);
        self.unit.instrs.len() - 1
    }

    #[optimize(size)]
    fn new_label(&mut self) -> Label {
        self.unit.labels.push(None);
        Label(self.unit.labels.len() - 1)
    }

    #[optimize(size)]
    fn bind(&mut self, label: Label) {
        self.unit.labels[label.0] = Some(self.unit.instrs.len() as u32);
    }

    #[optimize(size)]
    fn emit_jump(&mut self, make: fn(u32) -> Instr, label: Label) {
        let at = self.emit(make(u32::MAX));
        self.unit.jumps.push((at, label));
    }

    #[optimize(size)]
    fn add_const(&mut self, c: Const) -> u32 {
        if let Some(i) = self.unit.consts.iter().position(|x| same_const(x, &c)) {
            return i as u32;
        }
        self.unit.consts.push(c);
        (self.unit.consts.len() - 1) as u32
    }

    #[optimize(size)]
    fn load_const(&mut self, c: Const) {
        let i = self.add_const(c);
        self.emit(Instr::LoadConst(i));
    }

    #[optimize(size)]
    fn load_none(&mut self) {
        self.load_const(Const::None);
    }

    /// The file's one shared `Arc<str>` for `name`.
    #[optimize(size)]
    fn intern(&self, name: &str) -> Arc<str> {
        let mut set = self.interned.borrow_mut();
        if let Some(s) = set.get(name) {
            return s.clone();
        }
        let s: Arc<str> = Arc::from(name);
        set.insert(s.clone());
        s
    }

    #[optimize(size)]
    fn add_name(&mut self, name: &str) -> u32 {
        if let Some(i) = self.unit.names.get_index_of(name) {
            return i as u32;
        }
        let name = self.intern(name);
        self.unit.names.insert(name);
        (self.unit.names.len() - 1) as u32
    }

    #[optimize(size)]
    fn private(&self) -> Option<&'a str> {
        self.table.scope(self.unit.scope).private.as_deref()
    }

    /// An attribute name, mangled inside a class (`self.__x` → `self._C__x`).
    #[optimize(size)]
    fn attr_name(&mut self, attr: &str) -> u32 {
        let mangled = mangle(self.private(), attr).into_owned();
        self.add_name(&mangled)
    }

    #[optimize(size)]
    fn await_it(&mut self) {
        self.emit(Instr::GetAwaitable);
        self.load_none();
        self.emit(Instr::YieldFrom);
    }

    // ----- units -----

    #[optimize(size)]
    fn push_unit(
        &mut self,
        scope: ScopeId,
        kind: CodeKind,
        name: &str,
        qualname: &str,
        line: u32,
        col: u32,
    ) {
        let mut unit = Unit::new(scope, kind, name, qualname, line, col);
        let s = self.table.scope(scope);
        for p in &s.params {
            unit.varnames.insert(self.intern(p));
        }
        unit.nparams = s.params.len();
        unit.cellvars = s.cellvars();
        unit.freevars = s.freevars();
        unit.flags.generator = s.is_generator;
        unit.flags.coroutine = s.is_coroutine && !s.is_generator;
        let old = std::mem::replace(&mut self.unit, unit);
        self.outer.push(old);
    }

    #[optimize(size)]
    fn pop_unit(&mut self) -> R<Code> {
        let parent = self
            .outer
            .pop()
            .ok_or_else(|| err(1, 1, "internal compiler error: no enclosing unit"))?;
        let unit = std::mem::replace(&mut self.unit, parent);
        self.finish(unit)
    }

    #[optimize(size)]
    fn finish(&self, mut unit: Unit<'a>) -> R<Code> {
        for &(at, label) in &unit.jumps {
            let target = unit.labels[label.0].ok_or_else(|| {
                let loc = unit.locations[at];
                err(
                    loc.line,
                    loc.col,
                    "internal compiler error: a jump to an unplaced label",
                )
            })?;
            set_target(&mut unit.instrs[at], target);
        }
        let mut cell_params = Vec::new();
        for (ci, cell) in unit.cellvars.iter().enumerate() {
            if let Some(vi) = unit.varnames.get_index_of(cell.as_str()) {
                if vi < unit.nparams {
                    cell_params.push((ci as u32, vi as u32));
                }
            }
        }
        Ok(Code {
            kind: unit.kind,
            name: unit.name,
            qualname: unit.qualname,
            filename: self.filename.clone(),
            source: self.source.clone(),
            flags: unit.flags,
            argcount: unit.argcount,
            posonlyargcount: unit.posonlyargcount,
            kwonlyargcount: unit.kwonlyargcount,
            instrs: unit.instrs,
            locations: unit.locations,
            consts: unit.consts,
            names: unit.names.into_iter().collect(),
            varnames: unit.varnames.into_iter().collect(),
            cellvars: unit.cellvars.iter().map(|s| self.intern(s)).collect(),
            freevars: unit.freevars.iter().map(|s| self.intern(s)).collect(),
            cell_params,
            first_line: unit.first_line,
        })
    }

    /// The qualified name of a function, class, lambda or comprehension defined in the current unit.
    #[optimize(size)]
    fn qualname_for(&self, name: &str, kind: ScopeKind) -> String {
        if self.unit.kind == CodeKind::Module {
            return name.to_string();
        }
        if matches!(kind, ScopeKind::Function | ScopeKind::Class) {
            let mangled = mangle(self.private(), name);
            if self.table.scope(self.unit.scope).lookup(&mangled) == NameScope::GlobalExplicit {
                return name.to_string();
            }
        }
        match self.unit.kind {
            CodeKind::Function | CodeKind::Lambda => {
                format!("{}.<locals>.{}", self.unit.qualname, name)
            }
            _ => format!("{}.{}", self.unit.qualname, name),
        }
    }

    /// Does the current code end in a `Return` that nothing jumps past?
    #[optimize(size)]
    fn ends_with_return(&self) -> bool {
        let end = self.unit.instrs.len() as u32;
        matches!(self.unit.instrs.last(), Some(Instr::Return))
            && !self.unit.labels.contains(&Some(end))
    }

    /// Is the innermost non-comprehension unit an `async def`?
    #[optimize(size)]
    fn in_async_function(&self) -> bool {
        std::iter::once(&self.unit)
            .chain(self.outer.iter().rev())
            .find(|u| u.kind != CodeKind::Comprehension)
            .is_some_and(|u| u.kind == CodeKind::Function && self.table.scope(u.scope).is_async_def)
    }

    // ----- names -----

    #[optimize(size)]
    fn varname(&mut self, name: &str) -> u32 {
        if let Some(i) = self.unit.varnames.get_index_of(name) {
            return i as u32;
        }
        let name = self.intern(name);
        self.unit.varnames.insert(name);
        (self.unit.varnames.len() - 1) as u32
    }

    #[optimize(size)]
    fn deref_index(&self, name: &str) -> R<u32> {
        if let Some(i) = self.unit.cellvars.iter().position(|c| c == name) {
            return Ok(i as u32);
        }
        if let Some(j) = self.unit.freevars.iter().position(|c| c == name) {
            return Ok((self.unit.cellvars.len() + j) as u32);
        }
        Err(err(
            self.unit.loc.line,
            self.unit.loc.col,
            format!("internal compiler error: '{name}' is neither a cell nor a free variable"),
        ))
    }

    #[optimize(size)]
    fn name_op(&mut self, name: &str, ctx: Ctx) -> R<()> {
        let mangled = mangle(self.private(), name).into_owned();
        let scope = self.table.scope(self.unit.scope).lookup(&mangled);
        let kind = self.unit.kind;
        let function_like = matches!(
            kind,
            CodeKind::Function | CodeKind::Lambda | CodeKind::Comprehension
        );
        let instr = match scope {
            NameScope::Free | NameScope::Cell => {
                let i = self.deref_index(&mangled)?;
                match ctx {
                    Ctx::Load => Instr::LoadDeref(i),
                    Ctx::Store => Instr::StoreDeref(i),
                    Ctx::Del => Instr::DeleteDeref(i),
                }
            }
            NameScope::Local if function_like => {
                let i = self.varname(&mangled);
                match ctx {
                    Ctx::Load => Instr::LoadFast(i),
                    Ctx::Store => Instr::StoreFast(i),
                    Ctx::Del => Instr::DeleteFast(i),
                }
            }
            NameScope::Local | NameScope::GlobalImplicit if kind == CodeKind::Class => {
                let i = self.add_name(&mangled);
                match ctx {
                    Ctx::Load => Instr::LoadName(i),
                    Ctx::Store => Instr::StoreName(i),
                    Ctx::Del => Instr::DeleteName(i),
                }
            }
            _ => {
                let i = self.add_name(&mangled);
                match ctx {
                    Ctx::Load => Instr::LoadGlobal(i),
                    Ctx::Store => Instr::StoreGlobal(i),
                    Ctx::Del => Instr::DeleteGlobal(i),
                }
            }
        };
        self.emit(instr);
        Ok(())
    }

    // ----- module, statements -----

    #[optimize(size)]
    fn module(&mut self, module: &'a ast::Module) -> R<Code> {
        let mut body = &module.body[..];
        if let Some(doc) = docstring(body) {
            let s = &body[0];
            self.unit.loc = Location {
                line: s.line,
                col: s.col,
            };
            self.load_const(Const::Str(Arc::from(doc)));
            let i = self.add_name("__doc__");
            self.emit(Instr::StoreGlobal(i));
            body = &body[1..];
        }
        self.stmts(body)?;
        self.implicit_return(body);
        let unit = std::mem::replace(
            &mut self.unit,
            Unit::new(0, CodeKind::Module, "<module>", "<module>", 1, 1),
        );
        self.finish(unit)
    }

    /// `LoadConst None; Return` at the end of a body that may fall off its end, located at its last
    /// statement.
    #[optimize(size)]
    fn implicit_return(&mut self, body: &[Stmt]) {
        if self.ends_with_return() {
            return;
        }
        if let Some(last) = body.last() {
            self.unit.loc = Location {
                line: last.line,
                col: last.col,
            };
        }
        self.load_none();
        self.emit(Instr::Return);
    }

    #[optimize(size)]
    fn stmts(&mut self, body: &'a [Stmt]) -> R<()> {
        body.iter().try_for_each(|s| self.stmt(s))
    }

    #[optimize(size)]
    fn stmt(&mut self, s: &'a Stmt) -> R<()> {
        let saved = self.unit.loc;
        self.unit.loc = Location {
            line: s.line,
            col: s.col,
        };
        let r = self.stmt_inner(s);
        self.unit.loc = saved;
        r
    }

    #[optimize(size)]
    fn stmt_inner(&mut self, s: &'a Stmt) -> R<()> {
        match &s.kind {
            StmtKind::FunctionDef {
                name,
                args,
                body,
                decorator_list,
                is_async,
            } => self.function_def(s, name, args, body, decorator_list, *is_async),
            StmtKind::ClassDef {
                name,
                bases,
                keywords,
                body,
                decorator_list,
            } => self.class_def(s, name, bases, keywords, body, decorator_list),
            StmtKind::Return { value } => self.return_stmt(s, value.as_ref()),
            StmtKind::Delete { targets } => targets.iter().try_for_each(|t| self.delete_target(t)),
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Instr::Dup);
                    }
                    self.store_target(t)?;
                }
                Ok(())
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value),
            StmtKind::AnnAssign { target, value, .. } => {
                if let Some(v) = value {
                    self.expr(v)?;
                    return self.store_target(target);
                }
                // Without a value only the target's object (and subscript) are evaluated, as CPython does.
                match &target.kind {
                    ExprKind::Attribute { value, .. } => {
                        self.expr(value)?;
                        self.emit(Instr::Pop);
                    }
                    ExprKind::Subscript { value, slice } => {
                        self.expr(value)?;
                        self.emit(Instr::Pop);
                        self.expr(slice)?;
                        self.emit(Instr::Pop);
                    }
                    _ => {}
                }
                Ok(())
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => {
                if *is_async {
                    return Err(err(s.line, s.col, "'async for' is not supported"));
                }
                self.for_stmt(target, iter, body, orelse)
            }
            StmtKind::While { test, body, orelse } => self.while_stmt(test, body, orelse),
            StmtKind::If { test, body, orelse } => {
                let end = self.new_label();
                if orelse.is_empty() {
                    self.expr(test)?;
                    self.emit_jump(Instr::PopJumpIfFalse, end);
                    self.stmts(body)?;
                } else {
                    let next = self.new_label();
                    self.expr(test)?;
                    self.emit_jump(Instr::PopJumpIfFalse, next);
                    self.stmts(body)?;
                    self.emit_jump(Instr::Jump, end);
                    self.bind(next);
                    self.stmts(orelse)?;
                }
                self.bind(end);
                Ok(())
            }
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                if *is_async && !self.in_async_function_strict() {
                    return Err(err(s.line, s.col, "'async with' outside async function"));
                }
                self.with_stmt(s, items, 0, body, *is_async)
            }
            StmtKind::Raise { exc, cause } => {
                let n = match (exc, cause) {
                    (None, None) => 0,
                    (Some(e), None) => {
                        self.expr(e)?;
                        1
                    }
                    (Some(e), Some(c)) => {
                        self.expr(e)?;
                        self.expr(c)?;
                        2
                    }
                    (None, Some(c)) => {
                        return Err(expr_err(c, "'raise from' needs an exception before 'from'"))
                    }
                };
                self.emit(Instr::Raise(n));
                Ok(())
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse)
                } else {
                    self.try_finally(body, handlers, orelse, finalbody)
                }
            }
            StmtKind::Assert { test, msg } => {
                let ok = self.new_label();
                self.expr(test)?;
                self.emit_jump(Instr::PopJumpIfTrue, ok);
                self.emit(Instr::LoadAssertionError);
                if let Some(m) = msg {
                    self.expr(m)?;
                    self.emit(Instr::Call(1));
                }
                self.emit(Instr::Raise(1));
                self.bind(ok);
                Ok(())
            }
            StmtKind::Import { names } => {
                for alias in names {
                    let i = self.add_name(&alias.name);
                    self.emit(Instr::ImportName(i));
                    match &alias.asname {
                        Some(asname) => self.name_op(asname, Ctx::Store)?,
                        None => match alias.name.split_once('.') {
                            Some((top, _)) => {
                                self.emit(Instr::Pop);
                                let t = self.add_name(top);
                                self.emit(Instr::ImportName(t));
                                self.name_op(top, Ctx::Store)?;
                            }
                            None => self.name_op(&alias.name, Ctx::Store)?,
                        },
                    }
                }
                Ok(())
            }
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => {
                let Some(module) = module.as_deref().filter(|_| *level == 0) else {
                    return Err(err(
                        s.line,
                        s.col,
                        "relative imports ('from . import x') are not supported",
                    ));
                };
                let m = self.add_name(module);
                self.emit(Instr::ImportName(m));
                for alias in names {
                    if alias.name == "*" {
                        return Err(err(
                            alias.line,
                            alias.col,
                            "'from ... import *' is not supported",
                        ));
                    }
                    let i = self.add_name(&alias.name);
                    self.emit(Instr::ImportFrom(i));
                    self.name_op(alias.asname.as_deref().unwrap_or(&alias.name), Ctx::Store)?;
                }
                self.emit(Instr::Pop);
                Ok(())
            }
            StmtKind::Global { .. } | StmtKind::Nonlocal { .. } | StmtKind::Pass => Ok(()),
            StmtKind::Expr { value } => {
                // A lone constant (a docstring, `...`) does nothing, as in CPython.
                if matches!(value.kind, ExprKind::Constant(_)) {
                    return Ok(());
                }
                self.expr(value)?;
                self.emit(Instr::Pop);
                Ok(())
            }
            StmtKind::Break => {
                let Some(fb) = self.unwind_fblock_stack(false, true)? else {
                    return Err(err(s.line, s.col, "'break' outside loop"));
                };
                self.unwind_fblock(fb, false)?;
                match fb {
                    FBlock::WhileLoop { exit, .. } | FBlock::ForLoop { exit, .. } => {
                        self.emit_jump(Instr::Jump, exit)
                    }
                    _ => {}
                }
                Ok(())
            }
            StmtKind::Continue => {
                let Some(fb) = self.unwind_fblock_stack(false, true)? else {
                    return Err(err(s.line, s.col, "'continue' not properly in loop"));
                };
                match fb {
                    FBlock::WhileLoop { start, .. } | FBlock::ForLoop { start, .. } => {
                        self.emit_jump(Instr::Jump, start)
                    }
                    _ => {}
                }
                Ok(())
            }
        }
    }

    /// `async with` is allowed only directly in an `async def` (not in a lambda or comprehension).
    #[optimize(size)]
    fn in_async_function_strict(&self) -> bool {
        self.unit.kind == CodeKind::Function && self.table.scope(self.unit.scope).is_async_def
    }

    #[optimize(size)]
    fn return_stmt(&mut self, s: &'a Stmt, value: Option<&'a Expr>) -> R<()> {
        if !matches!(self.unit.kind, CodeKind::Function | CodeKind::Lambda) {
            return Err(err(s.line, s.col, "'return' outside function"));
        }
        let constant = value.and_then(|v| match &v.kind {
            ExprKind::Constant(c) => Some(to_const(c)),
            _ => None,
        });
        let preserve = value.is_some() && constant.is_none();
        if let (true, Some(v)) = (preserve, value) {
            self.expr(v)?;
        }
        self.unwind_fblock_stack(preserve, false)?;
        self.unit.loc = Location {
            line: s.line,
            col: s.col,
        };
        if !preserve {
            self.load_const(constant.unwrap_or(Const::None));
        }
        self.emit(Instr::Return);
        Ok(())
    }

    /// Undoes the frame blocks from the innermost out, stopping at the innermost loop when `to_loop`
    /// (which it returns, still on the stack). A block being undone is off the stack while its cleanup
    /// is compiled, so a `break` in an inlined finally body does not run that body again.
    #[optimize(size)]
    fn unwind_fblock_stack(&mut self, preserve: bool, to_loop: bool) -> R<Option<FBlock<'a>>> {
        let Some(&top) = self.unit.fblocks.last() else {
            return Ok(None);
        };
        if to_loop && matches!(top, FBlock::WhileLoop { .. } | FBlock::ForLoop { .. }) {
            return Ok(Some(top));
        }
        self.unit.fblocks.pop();
        let r = self
            .unwind_fblock(top, preserve)
            .and_then(|()| self.unwind_fblock_stack(preserve, to_loop));
        self.unit.fblocks.push(top);
        r
    }

    /// Emits what leaving one frame block needs; with `preserve` a value on top of the stack (the return
    /// value) is kept on top.
    #[optimize(size)]
    fn unwind_fblock(&mut self, fb: FBlock<'a>, preserve: bool) -> R<()> {
        match fb {
            FBlock::WhileLoop { .. } => {}
            FBlock::ForLoop { .. } | FBlock::PopValue => {
                if preserve {
                    self.emit(Instr::Rot2);
                }
                self.emit(Instr::Pop);
            }
            FBlock::TryExcept => {
                self.emit(Instr::PopBlock);
            }
            FBlock::FinallyTry { body } => {
                self.emit(Instr::PopBlock);
                if preserve {
                    self.unit.fblocks.push(FBlock::PopValue);
                }
                let saved = self.unit.loc;
                self.stmts(body)?;
                self.unit.loc = saved;
                if preserve {
                    self.unit.fblocks.pop();
                }
            }
            FBlock::FinallyEnd => {
                if preserve {
                    self.emit(Instr::Rot2);
                }
                self.emit(Instr::Pop);
                self.emit(Instr::PopExcept);
            }
            FBlock::With { is_async, loc } => {
                let saved = self.unit.loc;
                self.unit.loc = loc;
                self.emit(Instr::PopBlock);
                if preserve {
                    self.emit(Instr::Rot2);
                }
                self.call_exit_with_nones(is_async);
                self.unit.loc = saved;
            }
            FBlock::HandlerCleanup { name } => {
                if name.is_some() {
                    self.emit(Instr::PopBlock);
                }
                self.emit(Instr::PopExcept);
                if let Some(n) = name {
                    self.clear_name(n)?;
                }
            }
        }
        Ok(())
    }

    /// `[exit] → []`: `exit(None, None, None)`, awaited for `async with`, result dropped.
    #[optimize(size)]
    fn call_exit_with_nones(&mut self, is_async: bool) {
        self.load_none();
        self.load_none();
        self.load_none();
        self.emit(Instr::Call(3));
        if is_async {
            self.await_it();
        }
        self.emit(Instr::Pop);
    }

    /// `name = None; del name`: what ends an `except ... as name:` clause.
    #[optimize(size)]
    fn clear_name(&mut self, name: &str) -> R<()> {
        self.load_none();
        self.name_op(name, Ctx::Store)?;
        self.name_op(name, Ctx::Del)
    }

    #[optimize(size)]
    fn for_stmt(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> R<()> {
        let start = self.new_label();
        let cleanup = self.new_label();
        let end = self.new_label();
        self.expr(iter)?;
        self.emit(Instr::GetIter);
        self.bind(start);
        self.emit_jump(Instr::ForIter, cleanup);
        self.store_target(target)?;
        self.unit.fblocks.push(FBlock::ForLoop { start, exit: end });
        self.stmts(body)?;
        self.unit.fblocks.pop();
        self.emit_jump(Instr::Jump, start);
        self.bind(cleanup);
        self.stmts(orelse)?;
        self.bind(end);
        Ok(())
    }

    #[optimize(size)]
    fn while_stmt(&mut self, test: &'a Expr, body: &'a [Stmt], orelse: &'a [Stmt]) -> R<()> {
        let start = self.new_label();
        let anchor = self.new_label();
        let end = self.new_label();
        self.bind(start);
        if const_truth(test) != Some(true) {
            self.expr(test)?;
            self.emit_jump(Instr::PopJumpIfFalse, anchor);
        }
        self.unit
            .fblocks
            .push(FBlock::WhileLoop { start, exit: end });
        self.stmts(body)?;
        self.unit.fblocks.pop();
        self.emit_jump(Instr::Jump, start);
        self.bind(anchor);
        self.stmts(orelse)?;
        self.bind(end);
        Ok(())
    }

    /// `with a as x, b: body` is `with a as x: with b: body`.
    #[optimize(size)]
    fn with_stmt(
        &mut self,
        s: &'a Stmt,
        items: &'a [ast::WithItem],
        index: usize,
        body: &'a [Stmt],
        is_async: bool,
    ) -> R<()> {
        let Some(item) = items.get(index) else {
            return self.stmts(body);
        };
        let loc = Location {
            line: s.line,
            col: s.col,
        };
        let handler = self.new_label();
        let suppress = self.new_label();
        let end = self.new_label();
        let (enter, exit) = if is_async {
            ("__aenter__", "__aexit__")
        } else {
            ("__enter__", "__exit__")
        };
        self.expr(&item.context_expr)?;
        self.emit(Instr::Dup);
        let exit_name = self.add_name(exit);
        self.emit(Instr::LoadAttr(exit_name));
        self.emit(Instr::Rot2);
        let enter_name = self.add_name(enter);
        self.emit(Instr::LoadAttr(enter_name));
        self.emit(Instr::Call(0));
        if is_async {
            self.await_it();
        }
        match &item.optional_vars {
            Some(target) => self.store_target(target)?,
            None => {
                self.emit(Instr::Pop);
            }
        }
        self.emit_jump(Instr::SetupFinally, handler);
        self.unit.fblocks.push(FBlock::With { is_async, loc });
        self.with_stmt(s, items, index + 1, body, is_async)?;
        self.unit.fblocks.pop();
        self.unit.loc = loc;
        self.emit(Instr::PopBlock);
        self.call_exit_with_nones(is_async);
        self.emit_jump(Instr::Jump, end);
        // The exceptional path: [exit, exc].
        self.bind(handler);
        self.emit(Instr::PrepareExit);
        self.emit(Instr::Call(3));
        if is_async {
            self.await_it();
        }
        self.emit_jump(Instr::PopJumpIfTrue, suppress);
        self.emit(Instr::Reraise);
        self.bind(suppress);
        self.emit(Instr::Pop);
        self.emit(Instr::PopExcept);
        self.emit_jump(Instr::Jump, end);
        self.bind(end);
        Ok(())
    }

    #[optimize(size)]
    fn try_except(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ast::ExceptHandler],
        orelse: &'a [Stmt],
    ) -> R<()> {
        if handlers.is_empty() {
            // `try: ... else: ...` without except or finally cannot be parsed; compile the parts in order.
            self.stmts(body)?;
            return self.stmts(orelse);
        }
        let handler = self.new_label();
        let end = self.new_label();
        self.emit_jump(Instr::SetupExcept, handler);
        self.unit.fblocks.push(FBlock::TryExcept);
        self.stmts(body)?;
        self.unit.fblocks.pop();
        self.emit(Instr::PopBlock);
        self.stmts(orelse)?;
        self.emit_jump(Instr::Jump, end);
        // The handlers: [exc], a Handler entry on the block stack.
        self.bind(handler);
        let saved = self.unit.loc;
        for (i, h) in handlers.iter().enumerate() {
            self.unit.loc = Location {
                line: h.line,
                col: h.col,
            };
            let next = self.new_label();
            match &h.type_ {
                Some(t) => {
                    self.expr(t)?;
                    self.emit(Instr::CheckExcMatch);
                    self.emit_jump(Instr::PopJumpIfFalse, next);
                }
                None if i + 1 < handlers.len() => {
                    return Err(err(h.line, h.col, "default 'except:' must be last"));
                }
                None => {}
            }
            match &h.name {
                Some(name) => {
                    let cleanup = self.new_label();
                    self.name_op(name, Ctx::Store)?;
                    self.emit_jump(Instr::SetupFinally, cleanup);
                    self.unit
                        .fblocks
                        .push(FBlock::HandlerCleanup { name: Some(name) });
                    self.stmts(&h.body)?;
                    self.unit.fblocks.pop();
                    self.emit(Instr::PopBlock);
                    self.emit(Instr::PopExcept);
                    self.clear_name(name)?;
                    self.emit_jump(Instr::Jump, end);
                    // An exception in the handler body: clear the name, then let it propagate.
                    self.bind(cleanup);
                    self.clear_name(name)?;
                    self.emit(Instr::Reraise);
                }
                None => {
                    self.emit(Instr::Pop);
                    self.unit
                        .fblocks
                        .push(FBlock::HandlerCleanup { name: None });
                    self.stmts(&h.body)?;
                    self.unit.fblocks.pop();
                    self.emit(Instr::PopExcept);
                    self.emit_jump(Instr::Jump, end);
                }
            }
            self.bind(next);
        }
        self.unit.loc = saved;
        // No clause matched.
        self.emit(Instr::Reraise);
        self.bind(end);
        Ok(())
    }

    #[optimize(size)]
    fn try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ast::ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> R<()> {
        let handler = self.new_label();
        let end = self.new_label();
        self.emit_jump(Instr::SetupFinally, handler);
        self.unit
            .fblocks
            .push(FBlock::FinallyTry { body: finalbody });
        if handlers.is_empty() {
            self.stmts(body)?;
            self.stmts(orelse)?;
        } else {
            self.try_except(body, handlers, orelse)?;
        }
        self.unit.fblocks.pop();
        self.emit(Instr::PopBlock);
        self.stmts(finalbody)?;
        self.emit_jump(Instr::Jump, end);
        // The exceptional path: [exc], a Handler entry on the block stack.
        self.bind(handler);
        self.unit.fblocks.push(FBlock::FinallyEnd);
        self.stmts(finalbody)?;
        self.unit.fblocks.pop();
        self.emit(Instr::Reraise);
        self.bind(end);
        Ok(())
    }

    #[optimize(size)]
    fn aug_assign(&mut self, target: &'a Expr, op: ast::Operator, value: &'a Expr) -> R<()> {
        let op = bin_op(op, target)?;
        let saved = self.unit.loc;
        self.unit.loc = Location {
            line: target.line,
            col: target.col,
        };
        match &target.kind {
            ExprKind::Name { id } => {
                self.name_op(id, Ctx::Load)?;
                self.expr(value)?;
                self.emit(Instr::InplaceBinary(op));
                self.name_op(id, Ctx::Store)?;
            }
            ExprKind::Attribute { value: obj, attr } => {
                let a = self.attr_name(attr);
                self.expr(obj)?;
                self.emit(Instr::Dup);
                self.emit(Instr::LoadAttr(a));
                self.expr(value)?;
                self.emit(Instr::InplaceBinary(op));
                self.emit(Instr::Rot2);
                self.emit(Instr::StoreAttr(a));
            }
            ExprKind::Subscript { value: obj, slice } => {
                self.expr(obj)?;
                self.expr(slice)?;
                self.emit(Instr::DupTop2);
                self.emit(Instr::Subscr);
                self.expr(value)?;
                self.emit(Instr::InplaceBinary(op));
                self.emit(Instr::Rot3);
                self.emit(Instr::StoreSubscr);
            }
            _ => {
                return Err(expr_err(
                    target,
                    format!(
                        "'{}' is an illegal expression for augmented assignment",
                        describe(target)
                    ),
                ))
            }
        }
        self.unit.loc = saved;
        Ok(())
    }

    // ----- targets -----

    #[optimize(size)]
    fn store_target(&mut self, t: &'a Expr) -> R<()> {
        let saved = self.unit.loc;
        self.unit.loc = Location {
            line: t.line,
            col: t.col,
        };
        let r = self.store_target_inner(t);
        self.unit.loc = saved;
        r
    }

    #[optimize(size)]
    fn store_target_inner(&mut self, t: &'a Expr) -> R<()> {
        match &t.kind {
            ExprKind::Name { id } => self.name_op(id, Ctx::Store),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.attr_name(attr);
                self.emit(Instr::StoreAttr(a));
                Ok(())
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Instr::StoreSubscr);
                Ok(())
            }
            ExprKind::Tuple { elts } | ExprKind::List { elts } => {
                let mut starred = elts
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| matches!(e.kind, ExprKind::Starred { .. }));
                match (starred.next(), starred.next()) {
                    (Some(_), Some((_, second))) => {
                        return Err(expr_err(
                            second,
                            "multiple starred expressions in assignment",
                        ));
                    }
                    (Some((i, _)), None) => {
                        self.emit(Instr::UnpackEx {
                            before: i as u32,
                            after: (elts.len() - i - 1) as u32,
                        });
                    }
                    _ => {
                        self.emit(Instr::UnpackSequence(elts.len() as u32));
                    }
                }
                for e in elts {
                    match &e.kind {
                        ExprKind::Starred { value } => self.store_target(value)?,
                        _ => self.store_target(e)?,
                    }
                }
                Ok(())
            }
            ExprKind::Starred { .. } => Err(expr_err(
                t,
                "starred assignment target must be in a list or tuple",
            )),
            _ => Err(expr_err(t, format!("cannot assign to {}", describe(t)))),
        }
    }

    #[optimize(size)]
    fn delete_target(&mut self, t: &'a Expr) -> R<()> {
        let saved = self.unit.loc;
        self.unit.loc = Location {
            line: t.line,
            col: t.col,
        };
        let r = match &t.kind {
            ExprKind::Name { id } => self.name_op(id, Ctx::Del),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.attr_name(attr);
                self.emit(Instr::DeleteAttr(a));
                Ok(())
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Instr::DeleteSubscr);
                Ok(())
            }
            ExprKind::Tuple { elts } | ExprKind::List { elts } => {
                elts.iter().try_for_each(|e| self.delete_target(e))
            }
            _ => Err(expr_err(t, format!("cannot delete {}", describe(t)))),
        };
        self.unit.loc = saved;
        r
    }

    // ----- functions and classes -----

    /// Evaluates the defaults of a `def`/`lambda` in the enclosing scope; returns the `MakeFunction` flags.
    #[optimize(size)]
    fn defaults(&mut self, args: &'a Arguments) -> R<u8> {
        let mut flags = 0;
        if !args.defaults.is_empty() {
            for d in &args.defaults {
                self.expr(d)?;
            }
            self.emit(Instr::BuildTuple(args.defaults.len() as u32));
            flags |= FN_DEFAULTS;
        }
        let mut n = 0;
        for (a, d) in args.kwonlyargs.iter().zip(&args.kw_defaults) {
            if let Some(d) = d {
                let name = mangle(self.private(), &a.name).into_owned();
                self.load_const(Const::Str(self.intern(&name)));
                self.expr(d)?;
                n += 1;
            }
        }
        if n > 0 {
            self.emit(Instr::BuildMap(n));
            flags |= FN_KWDEFAULTS;
        }
        Ok(flags)
    }

    #[optimize(size)]
    fn set_args(&mut self, args: &Arguments) {
        self.unit.posonlyargcount = args.posonlyargs.len() as u32;
        self.unit.argcount = (args.posonlyargs.len() + args.args.len()) as u32;
        self.unit.kwonlyargcount = args.kwonlyargs.len() as u32;
        self.unit.flags.varargs = args.vararg.is_some();
        self.unit.flags.varkw = args.kwarg.is_some();
    }

    /// `[defaults?, kwdefaults?] → [function]`: adds the closure (the cells of the new code's free
    /// variables, taken from this unit) and makes the function.
    #[optimize(size)]
    fn make_closure(&mut self, code: Code, mut flags: u8) -> R<()> {
        if !code.freevars.is_empty() {
            for name in &code.freevars {
                let i =
                    if self.unit.kind == CodeKind::Class && &**name == "__class__" {
                        self.unit
                            .cellvars
                            .iter()
                            .position(|c| c == "__class__")
                            .map(|i| i as u32)
                            .ok_or_else(|| {
                                err(
                                    code.first_line,
                                    1,
                                    "internal compiler error: no __class__ cell",
                                )
                            })?
                    } else if self.table.scope(self.unit.scope).lookup(name) == NameScope::Cell {
                        self.deref_index(name)?
                    } else {
                        let j =
                            self.unit
                                .freevars
                                .iter()
                                .position(|f| **f == **name)
                                .ok_or_else(|| {
                                    err(
                            code.first_line,
                            1,
                            format!("internal compiler error: free variable '{name}' not found"),
                        )
                                })?;
                        (self.unit.cellvars.len() + j) as u32
                    };
                self.emit(Instr::LoadClosure(i));
            }
            self.emit(Instr::BuildTuple(code.freevars.len() as u32));
            flags |= FN_CLOSURE;
        }
        let c = self.add_const(Const::Code(Arc::new(code)));
        self.emit(Instr::MakeFunction { code: c, flags });
        Ok(())
    }

    #[optimize(size)]
    fn scope_of_stmt(&self, s: &Stmt) -> R<ScopeId> {
        self.table.scope_of_stmt(s).ok_or_else(|| {
            err(
                s.line,
                s.col,
                "internal compiler error: no scope for this definition",
            )
        })
    }

    #[optimize(size)]
    fn scope_of_expr(&self, e: &Expr) -> R<ScopeId> {
        self.table
            .scope_of_expr(e)
            .ok_or_else(|| expr_err(e, "internal compiler error: no scope for this expression"))
    }

    #[optimize(size)]
    fn function_def(
        &mut self,
        s: &'a Stmt,
        name: &'a str,
        args: &'a Arguments,
        body: &'a [Stmt],
        decorators: &'a [Expr],
        is_async: bool,
    ) -> R<()> {
        let scope_id = self.scope_of_stmt(s)?;
        let scope = self.table.scope(scope_id);
        if is_async && scope.is_generator {
            return Err(err(
                s.line,
                s.col,
                format!("'{name}' is an async generator ('yield' inside 'async def'): async generators are not supported"),
            ));
        }
        self.decorators(decorators)?;
        let flags = self.defaults(args)?;
        let qualname = self.qualname_for(name, ScopeKind::Function);
        let first_line = decorators.first().map_or(s.line, |d| d.line);
        self.push_unit(
            scope_id,
            CodeKind::Function,
            name,
            &qualname,
            first_line,
            s.col,
        );
        self.unit.loc = Location {
            line: s.line,
            col: s.col,
        };
        self.set_args(args);
        self.stmts(body)?;
        self.implicit_return(body);
        let code = self.pop_unit()?;
        self.make_closure(code, flags)?;
        self.apply_decorators(decorators);
        self.name_op(name, Ctx::Store)
    }

    /// Decorators are evaluated first, top to bottom (the parser's check refuses them in user code; the
    /// prelude may use them).
    #[optimize(size)]
    fn decorators(&mut self, decorators: &'a [Expr]) -> R<()> {
        decorators.iter().try_for_each(|d| self.expr(d))
    }

    /// `[d1, .., dn, f] → [d1(..(dn(f)))]`: applied bottom to top.
    #[optimize(size)]
    fn apply_decorators(&mut self, decorators: &[Expr]) {
        for d in decorators.iter().rev() {
            let saved = self.unit.loc;
            self.unit.loc = Location {
                line: d.line,
                col: d.col,
            };
            self.emit(Instr::Call(1));
            self.unit.loc = saved;
        }
    }

    #[optimize(size)]
    fn class_def(
        &mut self,
        s: &'a Stmt,
        name: &'a str,
        bases: &'a [Expr],
        keywords: &'a [Keyword],
        body: &'a [Stmt],
        decorators: &'a [Expr],
    ) -> R<()> {
        if let Some(b) = bases.get(1) {
            return Err(expr_err(
                b,
                "a class may have only one base class (multiple inheritance is not supported)",
            ));
        }
        if let Some(k) = keywords.first() {
            return Err(err(
                k.line,
                k.col,
                "class keywords (such as metaclass=) are not supported",
            ));
        }
        let scope_id = self.scope_of_stmt(s)?;
        self.decorators(decorators)?;
        let qualname = self.qualname_for(name, ScopeKind::Class);
        let first_line = decorators.first().map_or(s.line, |d| d.line);
        self.push_unit(
            scope_id,
            CodeKind::Class,
            name,
            &qualname,
            first_line,
            s.col,
        );
        self.unit.loc = Location {
            line: s.line,
            col: s.col,
        };
        let module = self.add_name("__name__");
        self.emit(Instr::LoadGlobal(module));
        let m = self.add_name("__module__");
        self.emit(Instr::StoreName(m));
        self.load_const(Const::Str(Arc::from(qualname.as_str())));
        let q = self.add_name("__qualname__");
        self.emit(Instr::StoreName(q));
        let mut rest = body;
        if let Some(doc) = docstring(body) {
            self.unit.loc = Location {
                line: body[0].line,
                col: body[0].col,
            };
            self.load_const(Const::Str(Arc::from(doc)));
            let d = self.add_name("__doc__");
            self.emit(Instr::StoreName(d));
            rest = &body[1..];
        }
        self.stmts(rest)?;
        if let Some(last) = body.last() {
            self.unit.loc = Location {
                line: last.line,
                col: last.col,
            };
        }
        if self.table.scope(scope_id).needs_class_closure {
            self.emit(Instr::LoadClosure(0));
        } else {
            self.load_none();
        }
        self.emit(Instr::Return);
        let code = self.pop_unit()?;
        self.make_closure(code, 0)?;
        if let Some(base) = bases.first() {
            self.expr(base)?;
        }
        let n = self.add_name(name);
        self.emit(Instr::MakeClass {
            name: n,
            has_base: !bases.is_empty(),
        });
        self.apply_decorators(decorators);
        self.name_op(name, Ctx::Store)
    }

    #[optimize(size)]
    fn lambda(&mut self, e: &'a Expr, args: &'a Arguments, body: &'a Expr) -> R<()> {
        let flags = self.defaults(args)?;
        let scope_id = self.scope_of_expr(e)?;
        let qualname = self.qualname_for("<lambda>", ScopeKind::Lambda);
        self.push_unit(
            scope_id,
            CodeKind::Lambda,
            "<lambda>",
            &qualname,
            e.line,
            e.col,
        );
        self.set_args(args);
        self.expr(body)?;
        if self.unit.flags.generator {
            self.emit(Instr::Pop);
            self.load_none();
        }
        self.emit(Instr::Return);
        let code = self.pop_unit()?;
        self.make_closure(code, flags)
    }

    #[optimize(size)]
    fn comprehension(
        &mut self,
        e: &'a Expr,
        kind: CompKind,
        generators: &'a [Comprehension],
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> R<()> {
        let scope_id = self.scope_of_expr(e)?;
        let is_async = self.table.scope(scope_id).is_coroutine;
        if let Some(g) = generators.iter().find(|g| g.is_async) {
            return Err(expr_err(
                &g.target,
                "'async for' in a comprehension is not supported",
            ));
        }
        if is_async && kind == CompKind::Gen {
            return Err(expr_err(
                e,
                "'await' inside a generator expression makes an asynchronous generator, which is not supported",
            ));
        }
        if is_async
            && !(self.in_async_function_strict() || self.unit.kind == CodeKind::Comprehension)
        {
            return Err(expr_err(
                e,
                "asynchronous comprehension outside of an asynchronous function",
            ));
        }
        let Some(first) = generators.first() else {
            return Err(expr_err(e, "comprehension without a 'for' clause"));
        };
        let name = match kind {
            CompKind::List => "<listcomp>",
            CompKind::Set => "<setcomp>",
            CompKind::Dict => "<dictcomp>",
            CompKind::Gen => "<genexpr>",
        };
        let qualname = self.qualname_for(name, ScopeKind::Comprehension);
        self.push_unit(
            scope_id,
            CodeKind::Comprehension,
            name,
            &qualname,
            e.line,
            e.col,
        );
        self.unit.argcount = 1;
        match kind {
            CompKind::List => {
                self.emit(Instr::BuildList(0));
            }
            CompKind::Set => {
                self.emit(Instr::BuildSet(0));
            }
            CompKind::Dict => {
                self.emit(Instr::BuildMap(0));
            }
            CompKind::Gen => {}
        }
        self.comprehension_loop(generators, 0, kind, elt, value)?;
        if kind == CompKind::Gen {
            self.load_none();
        }
        self.emit(Instr::Return);
        let code = self.pop_unit()?;
        self.make_closure(code, 0)?;
        self.expr(&first.iter)?;
        self.emit(Instr::GetIter);
        self.emit(Instr::Call(1));
        if is_async {
            self.await_it();
        }
        Ok(())
    }

    #[optimize(size)]
    fn comprehension_loop(
        &mut self,
        generators: &'a [Comprehension],
        index: usize,
        kind: CompKind,
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> R<()> {
        let g = &generators[index];
        let start = self.new_label();
        let anchor = self.new_label();
        if index == 0 {
            // The outermost iterator is the parameter `.0`.
            self.emit(Instr::LoadFast(0));
        } else {
            self.expr(&g.iter)?;
            self.emit(Instr::GetIter);
        }
        self.bind(start);
        self.emit_jump(Instr::ForIter, anchor);
        self.store_target(&g.target)?;
        for cond in &g.ifs {
            self.expr(cond)?;
            self.emit_jump(Instr::PopJumpIfFalse, start);
        }
        if index + 1 < generators.len() {
            self.comprehension_loop(generators, index + 1, kind, elt, value)?;
        } else {
            let depth = generators.len() as u32 + 1;
            match kind {
                CompKind::Gen => {
                    self.expr(elt)?;
                    self.emit(Instr::Yield);
                    self.emit(Instr::Pop);
                }
                CompKind::List => {
                    self.expr(elt)?;
                    self.emit(Instr::ListAppend(depth));
                }
                CompKind::Set => {
                    self.expr(elt)?;
                    self.emit(Instr::SetAdd(depth));
                }
                CompKind::Dict => {
                    self.expr(elt)?;
                    if let Some(v) = value {
                        self.expr(v)?;
                    }
                    self.emit(Instr::MapAdd(depth));
                }
            }
        }
        self.emit_jump(Instr::Jump, start);
        self.bind(anchor);
        Ok(())
    }

    // ----- expressions -----

    #[optimize(size)]
    fn expr(&mut self, e: &'a Expr) -> R<()> {
        let saved = self.unit.loc;
        self.unit.loc = Location {
            line: e.line,
            col: e.col,
        };
        let r = self.expr_inner(e);
        self.unit.loc = saved;
        r
    }

    #[optimize(size)]
    fn expr_inner(&mut self, e: &'a Expr) -> R<()> {
        match &e.kind {
            ExprKind::BoolOp { op, values } => {
                let end = self.new_label();
                let jump: fn(u32) -> Instr = match op {
                    ast::BoolOp::And => Instr::JumpIfFalseOrPop,
                    ast::BoolOp::Or => Instr::JumpIfTrueOrPop,
                };
                for (i, v) in values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < values.len() {
                        self.emit_jump(jump, end);
                    }
                }
                self.bind(end);
            }
            ExprKind::NamedExpr { .. } => {
                return Err(expr_err(
                    e,
                    "assignment expressions (':=') are not supported",
                ));
            }
            ExprKind::BinOp { left, op, right } => {
                let op = bin_op(*op, e)?;
                self.expr(left)?;
                self.expr(right)?;
                self.emit(Instr::Binary(op));
            }
            ExprKind::UnaryOp { op, operand } => {
                if let Some(c @ (Const::Int(_) | Const::Float(_))) = const_value(e) {
                    self.load_const(c);
                    return Ok(());
                }
                self.expr(operand)?;
                self.emit(Instr::Unary(match op {
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::UAdd => UnaryOp::Pos,
                    ast::UnaryOp::USub => UnaryOp::Neg,
                }));
            }
            ExprKind::Lambda { args, body } => self.lambda(e, args, body)?,
            ExprKind::IfExp { test, body, orelse } => {
                let other = self.new_label();
                let end = self.new_label();
                self.expr(test)?;
                self.emit_jump(Instr::PopJumpIfFalse, other);
                self.expr(body)?;
                self.emit_jump(Instr::Jump, end);
                self.bind(other);
                self.expr(orelse)?;
                self.bind(end);
            }
            ExprKind::Dict { keys, values } => self.dict_display(keys, values)?,
            ExprKind::Set { elts } => self.sequence_display(elts, CodeSeq::Set)?,
            ExprKind::List { elts } => self.sequence_display(elts, CodeSeq::List)?,
            ExprKind::Tuple { elts } => {
                if let Some(c) = const_value(e) {
                    self.load_const(c);
                } else {
                    self.sequence_display(elts, CodeSeq::Tuple)?;
                }
            }
            ExprKind::ListComp { elt, generators } => {
                self.comprehension(e, CompKind::List, generators, elt, None)?
            }
            ExprKind::SetComp { elt, generators } => {
                self.comprehension(e, CompKind::Set, generators, elt, None)?
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.comprehension(e, CompKind::Dict, generators, key, Some(value))?,
            ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension(e, CompKind::Gen, generators, elt, None)?
            }
            ExprKind::Await { value } => {
                match self.unit.kind {
                    CodeKind::Module | CodeKind::Class => {
                        return Err(expr_err(e, "'await' outside function"))
                    }
                    CodeKind::Comprehension if !self.in_async_function() => {
                        return Err(expr_err(
                            e,
                            "asynchronous comprehension outside of an asynchronous function",
                        ));
                    }
                    CodeKind::Comprehension => {}
                    CodeKind::Function | CodeKind::Lambda if !self.in_async_function_strict() => {
                        return Err(expr_err(e, "'await' outside async function"));
                    }
                    CodeKind::Function | CodeKind::Lambda => {}
                }
                self.expr(value)?;
                self.await_it();
            }
            ExprKind::Yield { value } => {
                self.check_yield(e, "yield")?;
                match value {
                    Some(v) => self.expr(v)?,
                    None => self.load_none(),
                }
                self.emit(Instr::Yield);
            }
            ExprKind::YieldFrom { value } => {
                self.check_yield(e, "yield from")?;
                self.expr(value)?;
                self.emit(Instr::GetIter);
                self.load_none();
                self.emit(Instr::YieldFrom);
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => self.compare(left, ops, comparators)?,
            ExprKind::Call {
                func,
                args,
                keywords,
            } => self.call(func, args, keywords)?,
            ExprKind::FormattedValue {
                value,
                conversion,
                format_spec,
            } => {
                self.expr(value)?;
                let mut flags = match conversion {
                    None => CONV_NONE,
                    Some('s') => CONV_STR,
                    Some('r') => CONV_REPR,
                    Some('a') => CONV_ASCII,
                    Some(c) => {
                        return Err(expr_err(
                            e,
                            format!("f-string: invalid conversion character '{c}': expected 's', 'r', or 'a'"),
                        ))
                    }
                };
                if let Some(spec) = format_spec {
                    self.expr(spec)?;
                    flags |= 4;
                }
                self.emit(Instr::FormatValue(flags));
            }
            ExprKind::JoinedStr { values } => {
                if values.is_empty() {
                    self.load_const(Const::Str(Arc::from("")));
                }
                for v in values {
                    self.expr(v)?;
                }
                if values.len() > 1 {
                    self.emit(Instr::BuildString(values.len() as u32));
                }
            }
            ExprKind::Constant(c) => self.load_const(to_const(c)),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.attr_name(attr);
                self.emit(Instr::LoadAttr(a));
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Instr::Subscr);
            }
            ExprKind::Starred { .. } => {
                return Err(expr_err(e, "can't use starred expression here"))
            }
            ExprKind::Name { id } => self.name_op(id, Ctx::Load)?,
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper] {
                    match part {
                        Some(p) => self.expr(p)?,
                        None => self.load_none(),
                    }
                }
                match step {
                    Some(s) => {
                        self.expr(s)?;
                        self.emit(Instr::BuildSlice(3));
                    }
                    None => {
                        self.emit(Instr::BuildSlice(2));
                    }
                }
            }
        }
        Ok(())
    }

    #[optimize(size)]
    fn check_yield(&self, e: &Expr, what: &str) -> R<()> {
        match self.unit.kind {
            CodeKind::Function | CodeKind::Lambda
                if !self.table.scope(self.unit.scope).is_async_def =>
            {
                Ok(())
            }
            CodeKind::Function => Err(expr_err(
                e,
                format!("'{what}' inside async function: async generators are not supported"),
            )),
            _ => Err(expr_err(e, format!("'{what}' outside function"))),
        }
    }

    #[optimize(size)]
    fn compare(&mut self, left: &'a Expr, ops: &[ast::CmpOp], comparators: &'a [Expr]) -> R<()> {
        self.expr(left)?;
        let n = ops.len().min(comparators.len());
        if n == 0 {
            return Ok(());
        }
        if n == 1 {
            self.expr(&comparators[0])?;
            self.emit(Instr::Compare(cmp_op(ops[0])));
            return Ok(());
        }
        // a < b < c: [a] → [a, b] → Dup, Rot3 → [b, a, b] → Compare → [b, r]; false keeps r (cleanup
        // drops b), true goes on with b.
        let cleanup = self.new_label();
        let end = self.new_label();
        for i in 0..n - 1 {
            self.expr(&comparators[i])?;
            self.emit(Instr::Dup);
            self.emit(Instr::Rot3);
            self.emit(Instr::Compare(cmp_op(ops[i])));
            self.emit_jump(Instr::JumpIfFalseOrPop, cleanup);
        }
        self.expr(&comparators[n - 1])?;
        self.emit(Instr::Compare(cmp_op(ops[n - 1])));
        self.emit_jump(Instr::Jump, end);
        self.bind(cleanup);
        self.emit(Instr::Rot2);
        self.emit(Instr::Pop);
        self.bind(end);
        Ok(())
    }

    /// Zero-argument `super()` in a method: `LoadDeref(__class__)`, the first parameter, `BuildSuper`.
    /// Elsewhere (`super` shadowed, no enclosing class, no parameter) it stays a plain call of the builtin,
    /// which raises CPython's error.
    #[optimize(size)]
    fn try_zero_arg_super(&mut self, func: &Expr, args: &[Expr], keywords: &[Keyword]) -> R<bool> {
        let ExprKind::Name { id } = &func.kind else {
            return Ok(false);
        };
        if id != "super" || !args.is_empty() || !keywords.is_empty() {
            return Ok(false);
        }
        if !matches!(self.unit.kind, CodeKind::Function | CodeKind::Lambda)
            || self.unit.argcount == 0
        {
            return Ok(false);
        }
        let scope = self.table.scope(self.unit.scope);
        if scope.lookup("super") != NameScope::GlobalImplicit
            || scope.lookup("__class__") != NameScope::Free
        {
            return Ok(false);
        }
        let Some(first) = scope.params.first() else {
            return Ok(false);
        };
        let class = self.deref_index("__class__")?;
        self.emit(Instr::LoadDeref(class));
        if scope.lookup(first) == NameScope::Cell {
            let i = self.deref_index(first)?;
            self.emit(Instr::LoadDeref(i));
        } else {
            self.emit(Instr::LoadFast(0));
        }
        self.emit(Instr::BuildSuper);
        Ok(true)
    }

    #[optimize(size)]
    fn call(&mut self, func: &'a Expr, args: &'a [Expr], keywords: &'a [Keyword]) -> R<()> {
        if self.try_zero_arg_super(func, args, keywords)? {
            return Ok(());
        }
        self.expr(func)?;
        let mut seen = HashSet::new();
        for k in keywords {
            if let Some(name) = &k.arg {
                if !seen.insert(name.as_str()) {
                    return Err(err(
                        k.line,
                        k.col,
                        format!("keyword argument repeated: {name}"),
                    ));
                }
            }
        }
        let star = args
            .iter()
            .any(|a| matches!(a.kind, ExprKind::Starred { .. }));
        let double_star = keywords.iter().any(|k| k.arg.is_none());
        if !star && !double_star {
            for a in args {
                self.expr(a)?;
            }
            if keywords.is_empty() {
                self.emit(Instr::Call(args.len() as u32));
            } else {
                for k in keywords {
                    self.expr(&k.value)?;
                }
                let names = keywords
                    .iter()
                    .map(|k| Const::Str(self.intern(k.arg.as_deref().unwrap_or_default())))
                    .collect();
                let names = self.add_const(Const::Tuple(names));
                self.emit(Instr::CallKw {
                    argc: (args.len() + keywords.len()) as u32,
                    names,
                });
            }
            return Ok(());
        }
        // The positional arguments as one tuple.
        if star {
            let lead = args
                .iter()
                .take_while(|a| !matches!(a.kind, ExprKind::Starred { .. }))
                .count();
            for a in &args[..lead] {
                self.expr(a)?;
            }
            self.emit(Instr::BuildList(lead as u32));
            for a in &args[lead..] {
                match &a.kind {
                    ExprKind::Starred { value } => {
                        self.expr(value)?;
                        self.emit(Instr::ListExtend(1));
                    }
                    _ => {
                        self.expr(a)?;
                        self.emit(Instr::ListAppend(1));
                    }
                }
            }
            self.emit(Instr::ListToTuple);
        } else {
            for a in args {
                self.expr(a)?;
            }
            self.emit(Instr::BuildTuple(args.len() as u32));
        }
        // The keyword arguments as one dict; `DictMerge` refuses a keyword given twice.
        if keywords.is_empty() {
            self.emit(Instr::CallEx { kwargs: false });
            return Ok(());
        }
        let mut have_dict = false;
        let mut pending = 0;
        for k in keywords {
            match &k.arg {
                Some(name) => {
                    let name = self.intern(name);
                    self.load_const(Const::Str(name));
                    self.expr(&k.value)?;
                    pending += 1;
                }
                None => {
                    if pending > 0 {
                        self.emit(Instr::BuildMap(pending));
                        if have_dict {
                            self.emit(Instr::DictMerge(1));
                        }
                        have_dict = true;
                        pending = 0;
                    }
                    if !have_dict {
                        self.emit(Instr::BuildMap(0));
                        have_dict = true;
                    }
                    self.expr(&k.value)?;
                    self.emit(Instr::DictMerge(1));
                }
            }
        }
        if pending > 0 {
            self.emit(Instr::BuildMap(pending));
            if have_dict {
                self.emit(Instr::DictMerge(1));
            }
        }
        self.emit(Instr::CallEx { kwargs: true });
        Ok(())
    }

    #[optimize(size)]
    fn sequence_display(&mut self, elts: &'a [Expr], kind: CodeSeq) -> R<()> {
        let Some(lead) = elts
            .iter()
            .position(|e| matches!(e.kind, ExprKind::Starred { .. }))
        else {
            for e in elts {
                self.expr(e)?;
            }
            let n = elts.len() as u32;
            self.emit(match kind {
                CodeSeq::Tuple => Instr::BuildTuple(n),
                CodeSeq::List => Instr::BuildList(n),
                CodeSeq::Set => Instr::BuildSet(n),
            });
            return Ok(());
        };
        for e in &elts[..lead] {
            self.expr(e)?;
        }
        let set = kind == CodeSeq::Set;
        self.emit(if set {
            Instr::BuildSet(lead as u32)
        } else {
            Instr::BuildList(lead as u32)
        });
        for e in &elts[lead..] {
            match &e.kind {
                ExprKind::Starred { value } => {
                    self.expr(value)?;
                    self.emit(if set {
                        Instr::SetUpdate(1)
                    } else {
                        Instr::ListExtend(1)
                    });
                }
                _ => {
                    self.expr(e)?;
                    self.emit(if set {
                        Instr::SetAdd(1)
                    } else {
                        Instr::ListAppend(1)
                    });
                }
            }
        }
        if kind == CodeSeq::Tuple {
            self.emit(Instr::ListToTuple);
        }
        Ok(())
    }

    #[optimize(size)]
    fn dict_display(&mut self, keys: &'a [Option<Expr>], values: &'a [Expr]) -> R<()> {
        let mut have_dict = false;
        let mut pending = 0;
        for (k, v) in keys.iter().zip(values) {
            match k {
                Some(k) => {
                    self.expr(k)?;
                    self.expr(v)?;
                    pending += 1;
                }
                None => {
                    if pending > 0 || !have_dict {
                        self.emit(Instr::BuildMap(pending));
                        if have_dict {
                            self.emit(Instr::DictUpdate(1));
                        }
                        have_dict = true;
                        pending = 0;
                    }
                    self.expr(v)?;
                    self.emit(Instr::DictUpdate(1));
                }
            }
        }
        if pending > 0 || !have_dict {
            self.emit(Instr::BuildMap(pending));
            if have_dict {
                self.emit(Instr::DictUpdate(1));
            }
        }
        Ok(())
    }
}

/// Which display a sequence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeSeq {
    Tuple,
    List,
    Set,
}

// ----- disassembly -----

/// A readable listing of a code object and, after it, of every code object nested in it: a header per
/// code object, then one instruction per line with its index, source line, and operands resolved
/// (`LoadGlobal(3 print)`, `LoadConst(0 'hi')`, `Jump(12)`).
#[optimize(size)]
pub fn disassemble(code: &Code) -> String {
    let mut out = String::new();
    disassemble_into(code, &mut out);
    out
}

#[optimize(size)]
fn disassemble_into(code: &Code, out: &mut String) {
    let _ = write!(out, "== {} ({:?}", code.qualname, code.kind);
    if code.kind != CodeKind::Module && code.kind != CodeKind::Class {
        let _ = write!(out, ", args {}", code.argcount);
        if code.posonlyargcount > 0 {
            let _ = write!(out, ", posonly {}", code.posonlyargcount);
        }
        if code.kwonlyargcount > 0 {
            let _ = write!(out, ", kwonly {}", code.kwonlyargcount);
        }
    }
    let flags = [
        (code.flags.varargs, "varargs"),
        (code.flags.varkw, "varkw"),
        (code.flags.generator, "generator"),
        (code.flags.coroutine, "coroutine"),
    ];
    for (on, name) in flags {
        if on {
            let _ = write!(out, ", {name}");
        }
    }
    let lists = [
        ("varnames", &code.varnames),
        ("cells", &code.cellvars),
        ("free", &code.freevars),
    ];
    for (label, list) in lists {
        if !list.is_empty() {
            let names: Vec<&str> = list.iter().map(|s| &**s).collect();
            let _ = write!(out, ", {label} [{}]", names.join(", "));
        }
    }
    if !code.cell_params.is_empty() {
        let _ = write!(out, ", cell_params {:?}", code.cell_params);
    }
    out.push_str(") ==\n");
    for (i, instr) in code.instrs.iter().enumerate() {
        let line = code.locations.get(i).map_or(0, |l| l.line);
        let _ = writeln!(out, "{i:>3} L{line} {}", instr_text(code, instr));
    }
    for c in &code.consts {
        if let Const::Code(inner) = c {
            out.push('\n');
            disassemble_into(inner, out);
        }
    }
}

#[optimize(size)]
fn const_repr(c: &Const) -> String {
    match c {
        Const::None => "None".into(),
        Const::Bool(true) => "True".into(),
        Const::Bool(false) => "False".into(),
        Const::Int(i) => i.to_string(),
        Const::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else {
                format!("{f:?}")
            }
        }
        Const::Str(s) => {
            let quote = if s.contains('\'') && !s.contains('"') {
                '"'
            } else {
                '\''
            };
            let mut out = String::new();
            out.push(quote);
            for ch in s.chars() {
                match ch {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            out
        }
        Const::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(const_repr).collect();
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Const::Ellipsis => "Ellipsis".into(),
        Const::Code(code) => format!("<code {}>", code.qualname),
    }
}

#[optimize(size)]
fn instr_text(code: &Code, instr: &Instr) -> String {
    let name = |i: &u32| {
        code.names
            .get(*i as usize)
            .map_or("?", |s| &**s)
            .to_string()
    };
    let var = |i: &u32| {
        code.varnames
            .get(*i as usize)
            .map_or("?", |s| &**s)
            .to_string()
    };
    let cell = |i: &u32| {
        let i = *i as usize;
        code.cellvars
            .get(i)
            .or_else(|| code.freevars.get(i.wrapping_sub(code.cellvars.len())))
            .map_or("?", |s| &**s)
            .to_string()
    };
    let konst = |i: &u32| {
        code.consts
            .get(*i as usize)
            .map_or("?".to_string(), const_repr)
    };
    match instr {
        Instr::LoadConst(i) => format!("LoadConst({i} {})", konst(i)),
        Instr::LoadFast(i) => format!("LoadFast({i} {})", var(i)),
        Instr::StoreFast(i) => format!("StoreFast({i} {})", var(i)),
        Instr::DeleteFast(i) => format!("DeleteFast({i} {})", var(i)),
        Instr::LoadDeref(i) => format!("LoadDeref({i} {})", cell(i)),
        Instr::StoreDeref(i) => format!("StoreDeref({i} {})", cell(i)),
        Instr::DeleteDeref(i) => format!("DeleteDeref({i} {})", cell(i)),
        Instr::LoadClosure(i) => format!("LoadClosure({i} {})", cell(i)),
        Instr::LoadGlobal(i) => format!("LoadGlobal({i} {})", name(i)),
        Instr::StoreGlobal(i) => format!("StoreGlobal({i} {})", name(i)),
        Instr::DeleteGlobal(i) => format!("DeleteGlobal({i} {})", name(i)),
        Instr::LoadName(i) => format!("LoadName({i} {})", name(i)),
        Instr::StoreName(i) => format!("StoreName({i} {})", name(i)),
        Instr::DeleteName(i) => format!("DeleteName({i} {})", name(i)),
        Instr::LoadAttr(i) => format!("LoadAttr({i} {})", name(i)),
        Instr::StoreAttr(i) => format!("StoreAttr({i} {})", name(i)),
        Instr::DeleteAttr(i) => format!("DeleteAttr({i} {})", name(i)),
        Instr::ImportName(i) => format!("ImportName({i} {})", name(i)),
        Instr::ImportFrom(i) => format!("ImportFrom({i} {})", name(i)),
        Instr::UnpackEx { before, after } => format!("UnpackEx({before}, {after})"),
        Instr::CallKw { argc, names } => format!("CallKw({argc}, {})", konst(names)),
        Instr::CallEx { kwargs } => format!("CallEx({})", if *kwargs { "kwargs" } else { "" }),
        Instr::MakeFunction { code: c, flags } => {
            let mut parts = vec![konst(c)];
            for (bit, label) in [
                (FN_DEFAULTS, "defaults"),
                (FN_KWDEFAULTS, "kwdefaults"),
                (FN_CLOSURE, "closure"),
            ] {
                if flags & bit != 0 {
                    parts.push(label.to_string());
                }
            }
            format!("MakeFunction({c} {})", parts.join(", "))
        }
        Instr::MakeClass { name: n, has_base } => {
            format!(
                "MakeClass({n} {}{})",
                name(n),
                if *has_base { ", base" } else { "" }
            )
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::python::{compile, compile_prelude};

    /// A block of the VM's block stack, as the verifier tracks it.
    #[derive(Debug, Clone, PartialEq)]
    enum Block {
        Setup { depth: usize },
        Handler,
    }

    /// Simulates the value-stack depth and the block stack along every path of `code` (and of every code
    /// nested in it): depths must agree where paths meet, never go negative, and every `Return` must leave
    /// exactly its value with no block left. Catches stack-discipline mistakes without a VM.
    fn verify(code: &Code) -> Result<(), String> {
        let n = code.instrs.len();
        let mut seen: HashMap<usize, (usize, Vec<Block>)> = HashMap::new();
        let mut work = vec![(0usize, 0usize, Vec::<Block>::new())];
        let fail = |ip: usize, msg: String| {
            Err(format!(
                "{}: ip {ip} ({:?}): {msg}",
                code.qualname,
                code.instrs.get(ip)
            ))
        };
        while let Some((ip, depth, blocks)) = work.pop() {
            if ip >= n {
                return fail(ip, "falls off the end".into());
            }
            if let Some((d, b)) = seen.get(&ip) {
                if *d != depth || *b != blocks {
                    return fail(
                        ip,
                        format!("paths disagree: depth {d} vs {depth}, blocks {b:?} vs {blocks:?}"),
                    );
                }
                continue;
            }
            seen.insert(ip, (depth, blocks.clone()));
            let instr = code.instrs[ip];
            let pop = |k: usize| -> Result<usize, String> {
                depth.checked_sub(k).ok_or_else(|| {
                    format!("{}: ip {ip} ({instr:?}): stack underflow", code.qualname)
                })
            };
            let mut next: Vec<(usize, usize, Vec<Block>)> = Vec::new();
            let simple =
                |pops: usize, pushes: usize| -> Result<Vec<(usize, usize, Vec<Block>)>, String> {
                    Ok(vec![(ip + 1, pop(pops)? + pushes, blocks.clone())])
                };
            match instr {
                Instr::Nop | Instr::Rot2 | Instr::Rot3 | Instr::Rot4 | Instr::Unary(_) => {
                    next = simple(0, 0)?
                }
                Instr::DeleteFast(_)
                | Instr::DeleteDeref(_)
                | Instr::DeleteGlobal(_)
                | Instr::DeleteName(_) => next = simple(0, 0)?,
                Instr::LoadConst(_)
                | Instr::LoadFast(_)
                | Instr::LoadDeref(_)
                | Instr::LoadClosure(_)
                | Instr::LoadGlobal(_)
                | Instr::LoadName(_)
                | Instr::LoadAssertionError
                | Instr::ImportName(_) => next = simple(0, 1)?,
                Instr::StoreFast(_)
                | Instr::StoreDeref(_)
                | Instr::StoreGlobal(_)
                | Instr::StoreName(_)
                | Instr::Pop => next = simple(1, 0)?,
                Instr::LoadAttr(_)
                | Instr::GetIter
                | Instr::GetAwaitable
                | Instr::ListToTuple
                | Instr::Yield => next = simple(1, 1)?,
                Instr::StoreAttr(_) => next = simple(2, 0)?,
                Instr::DeleteAttr(_) => next = simple(1, 0)?,
                Instr::Dup => next = simple(1, 2)?,
                Instr::DupTop2 => next = simple(2, 4)?,
                Instr::Binary(_) | Instr::InplaceBinary(_) | Instr::Compare(_) | Instr::Subscr => {
                    next = simple(2, 1)?
                }
                Instr::BuildTuple(k)
                | Instr::BuildList(k)
                | Instr::BuildSet(k)
                | Instr::BuildString(k) => next = simple(k as usize, 1)?,
                Instr::BuildMap(k) => next = simple(2 * k as usize, 1)?,
                Instr::BuildSlice(k) => next = simple(k as usize, 1)?,
                Instr::ListAppend(k)
                | Instr::SetAdd(k)
                | Instr::ListExtend(k)
                | Instr::SetUpdate(k)
                | Instr::DictUpdate(k)
                | Instr::DictMerge(k) => {
                    pop(k as usize + 1)?;
                    next = simple(1, 0)?
                }
                Instr::MapAdd(k) => {
                    pop(k as usize + 2)?;
                    next = simple(2, 0)?
                }
                Instr::UnpackSequence(k) => next = simple(1, k as usize)?,
                Instr::UnpackEx { before, after } => {
                    next = simple(1, (before + after + 1) as usize)?
                }
                Instr::StoreSubscr => next = simple(3, 0)?,
                Instr::DeleteSubscr => next = simple(2, 0)?,
                Instr::Jump(t) => next.push((t as usize, depth, blocks.clone())),
                Instr::PopJumpIfFalse(t) | Instr::PopJumpIfTrue(t) => {
                    let d = pop(1)?;
                    next.push((t as usize, d, blocks.clone()));
                    next.push((ip + 1, d, blocks.clone()));
                }
                Instr::JumpIfFalseOrPop(t) | Instr::JumpIfTrueOrPop(t) => {
                    next.push((t as usize, depth, blocks.clone()));
                    next.push((ip + 1, pop(1)?, blocks.clone()));
                }
                Instr::ForIter(t) => {
                    next.push((t as usize, pop(1)?, blocks.clone()));
                    next.push((ip + 1, depth + 1, blocks.clone()));
                }
                Instr::Call(k) => next = simple(k as usize + 1, 1)?,
                Instr::CallKw { argc, names } => {
                    let Some(Const::Tuple(names)) = code.consts.get(names as usize) else {
                        return fail(ip, "CallKw names is not a tuple".into());
                    };
                    if names.len() > argc as usize {
                        return fail(ip, "more keyword names than arguments".into());
                    }
                    next = simple(argc as usize + 1, 1)?
                }
                Instr::CallEx { kwargs } => next = simple(2 + kwargs as usize, 1)?,
                Instr::MakeFunction { code: c, flags } => {
                    let Some(Const::Code(_)) = code.consts.get(c as usize) else {
                        return fail(ip, "MakeFunction of a non-code constant".into());
                    };
                    next = simple(flags.count_ones() as usize, 1)?;
                }
                Instr::MakeClass { has_base, .. } => next = simple(1 + has_base as usize, 1)?,
                Instr::BuildSuper => next = simple(2, 1)?,
                Instr::Return => {
                    if depth != 1 || !blocks.is_empty() {
                        return fail(
                            ip,
                            format!("returns with depth {depth} and blocks {blocks:?}"),
                        );
                    }
                }
                Instr::YieldFrom => next = simple(2, 1)?,
                Instr::SetupExcept(t) | Instr::SetupFinally(t) => {
                    let mut inner = blocks.clone();
                    inner.push(Block::Setup { depth });
                    next.push((ip + 1, depth, inner));
                    let mut handler = blocks.clone();
                    handler.push(Block::Handler);
                    next.push((t as usize, depth + 1, handler));
                }
                Instr::PopBlock => {
                    let mut b = blocks.clone();
                    match b.pop() {
                        Some(Block::Setup { depth: d }) if d <= depth => {}
                        other => {
                            return fail(ip, format!("PopBlock of {other:?} at depth {depth}"))
                        }
                    }
                    next.push((ip + 1, depth, b));
                }
                Instr::PopExcept => {
                    let mut b = blocks.clone();
                    if b.pop() != Some(Block::Handler) {
                        return fail(ip, format!("PopExcept without a handler: {blocks:?}"));
                    }
                    next.push((ip + 1, depth, b));
                }
                Instr::Raise(k) => {
                    pop(k as usize)?;
                }
                Instr::Reraise => {
                    pop(1)?;
                }
                Instr::CheckExcMatch => next = simple(2, 2)?,
                Instr::PrepareExit => next = simple(2, 5)?,
                Instr::FormatValue(f) => next = simple(1 + (f & 4 != 0) as usize, 1)?,
                Instr::ImportFrom(_) => next = simple(1, 2)?,
            }
            work.extend(next);
        }
        if code.locations.len() != n {
            return Err(format!(
                "{}: {} locations for {n} instructions",
                code.qualname,
                code.locations.len()
            ));
        }
        if code.locations.iter().any(|l| l.line == 0 || l.col == 0) {
            return Err(format!(
                "{}: an instruction without a location",
                code.qualname
            ));
        }
        for c in &code.consts {
            if let Const::Code(inner) = c {
                verify(inner)?;
            }
        }
        Ok(())
    }

    /// Compiles as a prelude module (any import, generators), then verifies the result.
    fn compiled(src: &str) -> Arc<Code> {
        let code = compile_prelude(src, "<main>").unwrap_or_else(|e| panic!("{src}\n{e:?}"));
        if let Err(e) = verify(&code) {
            panic!("{e}\n{}", disassemble(&code));
        }
        code
    }

    fn normalize(text: &str) -> Vec<String> {
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// Compiles `src` and compares its disassembly with `expected` (whitespace-insensitive per line).
    fn check(src: &str, expected: &str) {
        let code = compiled(src);
        let got = disassemble(&code);
        if normalize(&got) != normalize(expected) {
            panic!("source:\n{src}\ngot:\n{got}\nexpected:\n{expected}");
        }
    }

    fn compile_error(src: &str) -> SyntaxError {
        match compile_prelude(src, "<main>") {
            Ok(code) => panic!(
                "expected an error for:\n{src}\ngot:\n{}",
                disassemble(&code)
            ),
            Err(mut errs) => errs.remove(0),
        }
    }

    #[test]
    fn function_locals_globals_and_defaults() {
        check(
            "def f(a, b=1):\n    global g\n    c = a + b\n    g = c\n    return h(c)\n",
            "
            == <module> (Module) ==
              0 L1 LoadConst(0 1)
              1 L1 BuildTuple(1)
              2 L1 MakeFunction(1 <code f>, defaults)
              3 L1 StoreGlobal(0 f)
              4 L1 LoadConst(2 None)
              5 L1 Return

            == f (Function, args 2, varnames [a, b, c]) ==
              0 L3 LoadFast(0 a)
              1 L3 LoadFast(1 b)
              2 L3 Binary(Add)
              3 L3 StoreFast(2 c)
              4 L4 LoadFast(2 c)
              5 L4 StoreGlobal(0 g)
              6 L5 LoadGlobal(1 h)
              7 L5 LoadFast(2 c)
              8 L5 Call(1)
              9 L5 Return
            ",
        );
    }

    #[test]
    fn calls_with_keywords_and_unpacking() {
        check(
            "f(1, x=2)\nf(*a, 1, *b)\nf(a, **k)\nf(x=1, **k, y=2)\no.m(1)\n",
            "
            == <module> (Module) ==
              0 L1 LoadGlobal(0 f)
              1 L1 LoadConst(0 1)
              2 L1 LoadConst(1 2)
              3 L1 CallKw(2, ('x',))
              4 L1 Pop
              5 L2 LoadGlobal(0 f)
              6 L2 BuildList(0)
              7 L2 LoadGlobal(1 a)
              8 L2 ListExtend(1)
              9 L2 LoadConst(0 1)
             10 L2 ListAppend(1)
             11 L2 LoadGlobal(2 b)
             12 L2 ListExtend(1)
             13 L2 ListToTuple
             14 L2 CallEx()
             15 L2 Pop
             16 L3 LoadGlobal(0 f)
             17 L3 LoadGlobal(1 a)
             18 L3 BuildTuple(1)
             19 L3 BuildMap(0)
             20 L3 LoadGlobal(3 k)
             21 L3 DictMerge(1)
             22 L3 CallEx(kwargs)
             23 L3 Pop
             24 L4 LoadGlobal(0 f)
             25 L4 BuildTuple(0)
             26 L4 LoadConst(3 'x')
             27 L4 LoadConst(0 1)
             28 L4 BuildMap(1)
             29 L4 LoadGlobal(3 k)
             30 L4 DictMerge(1)
             31 L4 LoadConst(4 'y')
             32 L4 LoadConst(1 2)
             33 L4 BuildMap(1)
             34 L4 DictMerge(1)
             35 L4 CallEx(kwargs)
             36 L4 Pop
             37 L5 LoadGlobal(4 o)
             38 L5 LoadAttr(5 m)
             39 L5 LoadConst(0 1)
             40 L5 Call(1)
             41 L5 Pop
             42 L5 LoadConst(5 None)
             43 L5 Return
            ",
        );
    }

    #[test]
    fn double_star_merges_in_calls_and_updates_in_displays() {
        // A call refuses a keyword given twice (`DictMerge`); a display keeps the last value (`DictUpdate`).
        check(
            "f(**a, **b)\n{**a, **b}\n",
            "
            == <module> (Module) ==
              0 L1 LoadGlobal(0 f)
              1 L1 BuildTuple(0)
              2 L1 BuildMap(0)
              3 L1 LoadGlobal(1 a)
              4 L1 DictMerge(1)
              5 L1 LoadGlobal(2 b)
              6 L1 DictMerge(1)
              7 L1 CallEx(kwargs)
              8 L1 Pop
              9 L2 BuildMap(0)
             10 L2 LoadGlobal(1 a)
             11 L2 DictUpdate(1)
             12 L2 LoadGlobal(2 b)
             13 L2 DictUpdate(1)
             14 L2 Pop
             15 L2 LoadConst(0 None)
             16 L2 Return
            ",
        );
    }

    #[test]
    fn while_break_continue_else() {
        check(
            "while x:\n    if y:\n        break\n    continue\nelse:\n    z()\n",
            "
            == <module> (Module) ==
              0 L1 LoadGlobal(0 x)
              1 L1 PopJumpIfFalse(7)
              2 L2 LoadGlobal(1 y)
              3 L2 PopJumpIfFalse(5)
              4 L3 Jump(10)
              5 L4 Jump(0)
              6 L1 Jump(0)
              7 L6 LoadGlobal(2 z)
              8 L6 Call(0)
              9 L6 Pop
             10 L1 LoadConst(0 None)
             11 L1 Return
            ",
        );
    }

    #[test]
    fn return_through_finally_keeps_the_value() {
        check(
            "def f():\n    try:\n        return g()\n    finally:\n        h()\n",
            "
            == <module> (Module) ==
              0 L1 MakeFunction(0 <code f>)
              1 L1 StoreGlobal(0 f)
              2 L1 LoadConst(1 None)
              3 L1 Return

            == f (Function, args 0) ==
              0 L2 SetupFinally(13)
              1 L3 LoadGlobal(0 g)
              2 L3 Call(0)
              3 L3 PopBlock
              4 L5 LoadGlobal(1 h)
              5 L5 Call(0)
              6 L5 Pop
              7 L3 Return
              8 L2 PopBlock
              9 L5 LoadGlobal(1 h)
             10 L5 Call(0)
             11 L5 Pop
             12 L2 Jump(17)
             13 L5 LoadGlobal(1 h)
             14 L5 Call(0)
             15 L5 Pop
             16 L2 Reraise
             17 L2 LoadConst(0 None)
             18 L2 Return
            ",
        );
    }

    #[test]
    fn try_except_as_else() {
        check(
            "try:\n    a()\nexcept E as e:\n    b(e)\nexcept:\n    c()\nelse:\n    d()\n",
            "
            == <module> (Module) ==
              0 L1 SetupExcept(9)
              1 L2 LoadGlobal(0 a)
              2 L2 Call(0)
              3 L2 Pop
              4 L1 PopBlock
              5 L8 LoadGlobal(1 d)
              6 L8 Call(0)
              7 L8 Pop
              8 L1 Jump(35)
              9 L3 LoadGlobal(2 E)
             10 L3 CheckExcMatch
             11 L3 PopJumpIfFalse(28)
             12 L3 StoreGlobal(3 e)
             13 L3 SetupFinally(24)
             14 L4 LoadGlobal(4 b)
             15 L4 LoadGlobal(3 e)
             16 L4 Call(1)
             17 L4 Pop
             18 L3 PopBlock
             19 L3 PopExcept
             20 L3 LoadConst(0 None)
             21 L3 StoreGlobal(3 e)
             22 L3 DeleteGlobal(3 e)
             23 L3 Jump(35)
             24 L3 LoadConst(0 None)
             25 L3 StoreGlobal(3 e)
             26 L3 DeleteGlobal(3 e)
             27 L3 Reraise
             28 L5 Pop
             29 L6 LoadGlobal(5 c)
             30 L6 Call(0)
             31 L6 Pop
             32 L5 PopExcept
             33 L5 Jump(35)
             34 L1 Reraise
             35 L1 LoadConst(0 None)
             36 L1 Return
            ",
        );
    }

    #[test]
    fn class_with_super_and_captured_self() {
        check(
            "class A(B):\n    def m(self, x):\n        def g():\n            return self\n        return super().m(x)\n",
            "
            == <module> (Module) ==
              0 L1 MakeFunction(0 <code A>)
              1 L1 LoadGlobal(0 B)
              2 L1 MakeClass(1 A, base)
              3 L1 StoreGlobal(1 A)
              4 L1 LoadConst(1 None)
              5 L1 Return

            == A (Class, cells [__class__]) ==
              0 L1 LoadGlobal(0 __name__)
              1 L1 StoreName(1 __module__)
              2 L1 LoadConst(0 'A')
              3 L1 StoreName(2 __qualname__)
              4 L2 LoadClosure(0 __class__)
              5 L2 BuildTuple(1)
              6 L2 MakeFunction(1 <code A.m>, closure)
              7 L2 StoreName(3 m)
              8 L2 LoadClosure(0 __class__)
              9 L2 Return

            == A.m (Function, args 2, varnames [self, x, g], cells [self], free [__class__], cell_params [(0, 0)]) ==
              0 L3 LoadClosure(0 self)
              1 L3 BuildTuple(1)
              2 L3 MakeFunction(0 <code A.m.<locals>.g>, closure)
              3 L3 StoreFast(2 g)
              4 L5 LoadDeref(1 __class__)
              5 L5 LoadDeref(0 self)
              6 L5 BuildSuper
              7 L5 LoadAttr(0 m)
              8 L5 LoadFast(1 x)
              9 L5 Call(1)
             10 L5 Return

            == A.m.<locals>.g (Function, args 0, free [self]) ==
              0 L4 LoadDeref(0 self)
              1 L4 Return
            ",
        );
    }

    #[test]
    fn for_else_targets_augassign_del_assert_raise() {
        check(
            "for i in r:\n    if i:\n        break\nelse:\n    e()\no.a += 1\no[k] -= 2\na, (b, *c) = v\n\
             del a, o.x, o[1]\nassert a, \"m\"\nraise E from c\n",
            "
            == <module> (Module) ==
              0 L1 LoadGlobal(0 r)
              1 L1 GetIter
              2 L1 ForIter(9)
              3 L1 StoreGlobal(1 i)
              4 L2 LoadGlobal(1 i)
              5 L2 PopJumpIfFalse(8)
              6 L3 Pop
              7 L3 Jump(12)
              8 L1 Jump(2)
              9 L5 LoadGlobal(2 e)
             10 L5 Call(0)
             11 L5 Pop
             12 L6 LoadGlobal(4 o)
             13 L6 Dup
             14 L6 LoadAttr(3 a)
             15 L6 LoadConst(0 1)
             16 L6 InplaceBinary(Add)
             17 L6 Rot2
             18 L6 StoreAttr(3 a)
             19 L7 LoadGlobal(4 o)
             20 L7 LoadGlobal(5 k)
             21 L7 DupTop2
             22 L7 Subscr
             23 L7 LoadConst(1 2)
             24 L7 InplaceBinary(Sub)
             25 L7 Rot3
             26 L7 StoreSubscr
             27 L8 LoadGlobal(6 v)
             28 L8 UnpackSequence(2)
             29 L8 StoreGlobal(3 a)
             30 L8 UnpackEx(1, 0)
             31 L8 StoreGlobal(7 b)
             32 L8 StoreGlobal(8 c)
             33 L9 DeleteGlobal(3 a)
             34 L9 LoadGlobal(4 o)
             35 L9 DeleteAttr(9 x)
             36 L9 LoadGlobal(4 o)
             37 L9 LoadConst(0 1)
             38 L9 DeleteSubscr
             39 L10 LoadGlobal(3 a)
             40 L10 PopJumpIfTrue(45)
             41 L10 LoadAssertionError
             42 L10 LoadConst(2 'm')
             43 L10 Call(1)
             44 L10 Raise(1)
             45 L11 LoadGlobal(10 E)
             46 L11 LoadGlobal(8 c)
             47 L11 Raise(2)
             48 L11 LoadConst(3 None)
             49 L11 Return
            ",
        );
    }

    #[test]
    fn imports_fstrings_genexpr() {
        check(
            "import a.b.c\nimport a.b as d\nfrom m import x as y, z\ns = f\"{a!r:{w}.{p}} {b}\"\ng = (x for x in y if x)\n",
            "
            == <module> (Module) ==
              0 L1 ImportName(0 a.b.c)
              1 L1 Pop
              2 L1 ImportName(1 a)
              3 L1 StoreGlobal(1 a)
              4 L2 ImportName(2 a.b)
              5 L2 StoreGlobal(3 d)
              6 L3 ImportName(4 m)
              7 L3 ImportFrom(5 x)
              8 L3 StoreGlobal(6 y)
              9 L3 ImportFrom(7 z)
             10 L3 StoreGlobal(7 z)
             11 L3 Pop
             12 L4 LoadGlobal(1 a)
             13 L4 LoadGlobal(8 w)
             14 L4 FormatValue(0)
             15 L4 LoadConst(0 '.')
             16 L4 LoadGlobal(9 p)
             17 L4 FormatValue(0)
             18 L4 BuildString(3)
             19 L4 FormatValue(6)
             20 L4 LoadConst(1 ' ')
             21 L4 LoadGlobal(10 b)
             22 L4 FormatValue(0)
             23 L4 BuildString(3)
             24 L4 StoreGlobal(11 s)
             25 L5 MakeFunction(2 <code <genexpr>>)
             26 L5 LoadGlobal(6 y)
             27 L5 GetIter
             28 L5 Call(1)
             29 L5 StoreGlobal(12 g)
             30 L5 LoadConst(3 None)
             31 L5 Return

            == <genexpr> (Comprehension, args 1, generator, varnames [.0, x]) ==
              0 L5 LoadFast(0 .0)
              1 L5 ForIter(9)
              2 L5 StoreFast(1 x)
              3 L5 LoadFast(1 x)
              4 L5 PopJumpIfFalse(1)
              5 L5 LoadFast(1 x)
              6 L5 Yield
              7 L5 Pop
              8 L5 Jump(1)
              9 L5 LoadConst(0 None)
             10 L5 Return
            ",
        );
    }

    #[test]
    fn return_inside_with_calls_exit() {
        check(
            "def f():\n    with a as b:\n        return 1\n",
            "
            == <module> (Module) ==
              0 L1 MakeFunction(0 <code f>)
              1 L1 StoreGlobal(0 f)
              2 L1 LoadConst(1 None)
              3 L1 Return

            == f (Function, args 0, varnames [b]) ==
              0 L2 LoadGlobal(0 a)
              1 L2 Dup
              2 L2 LoadAttr(1 __exit__)
              3 L2 Rot2
              4 L2 LoadAttr(2 __enter__)
              5 L2 Call(0)
              6 L2 StoreFast(0 b)
              7 L2 SetupFinally(23)
              8 L2 PopBlock
              9 L2 LoadConst(0 None)
             10 L2 LoadConst(0 None)
             11 L2 LoadConst(0 None)
             12 L2 Call(3)
             13 L2 Pop
             14 L3 LoadConst(1 1)
             15 L3 Return
             16 L2 PopBlock
             17 L2 LoadConst(0 None)
             18 L2 LoadConst(0 None)
             19 L2 LoadConst(0 None)
             20 L2 Call(3)
             21 L2 Pop
             22 L2 Jump(30)
             23 L2 PrepareExit
             24 L2 Call(3)
             25 L2 PopJumpIfTrue(27)
             26 L2 Reraise
             27 L2 Pop
             28 L2 PopExcept
             29 L2 Jump(30)
             30 L2 LoadConst(0 None)
             31 L2 Return
            ",
        );
    }

    #[test]
    fn generators_yield_and_yield_from() {
        check(
            "def f():\n    x = yield 1\n    yield from g()\n    return x\n",
            "
            == <module> (Module) ==
              0 L1 MakeFunction(0 <code f>)
              1 L1 StoreGlobal(0 f)
              2 L1 LoadConst(1 None)
              3 L1 Return

            == f (Function, args 0, generator, varnames [x]) ==
              0 L2 LoadConst(0 1)
              1 L2 Yield
              2 L2 StoreFast(0 x)
              3 L3 LoadGlobal(0 g)
              4 L3 Call(0)
              5 L3 GetIter
              6 L3 LoadConst(1 None)
              7 L3 YieldFrom
              8 L3 Pop
              9 L4 LoadFast(0 x)
             10 L4 Return
            ",
        );
    }

    #[test]
    fn expressions_constants_comprehensions_lambda() {
        check(
            "x = a < b\ny = a and b or not c\nz = p if q else r\nw = -5, -2.5, (1, 'a'), ()\nv = t[1:2], t[::3]\n\
             d = {k: v for k, v in items for j in k if j}\ns = {i for i in r}\nf = lambda q, *, r=2: q + r\n",
            "
            == <module> (Module) ==
              0 L1 LoadGlobal(0 a)
              1 L1 LoadGlobal(1 b)
              2 L1 Compare(Lt)
              3 L1 StoreGlobal(2 x)
              4 L2 LoadGlobal(0 a)
              5 L2 JumpIfFalseOrPop(7)
              6 L2 LoadGlobal(1 b)
              7 L2 JumpIfTrueOrPop(10)
              8 L2 LoadGlobal(3 c)
              9 L2 Unary(Not)
             10 L2 StoreGlobal(4 y)
             11 L3 LoadGlobal(5 q)
             12 L3 PopJumpIfFalse(15)
             13 L3 LoadGlobal(6 p)
             14 L3 Jump(16)
             15 L3 LoadGlobal(7 r)
             16 L3 StoreGlobal(8 z)
             17 L4 LoadConst(0 (-5, -2.5, (1, 'a'), ()))
             18 L4 StoreGlobal(9 w)
             19 L5 LoadGlobal(10 t)
             20 L5 LoadConst(1 1)
             21 L5 LoadConst(2 2)
             22 L5 BuildSlice(2)
             23 L5 Subscr
             24 L5 LoadGlobal(10 t)
             25 L5 LoadConst(3 None)
             26 L5 LoadConst(3 None)
             27 L5 LoadConst(4 3)
             28 L5 BuildSlice(3)
             29 L5 Subscr
             30 L5 BuildTuple(2)
             31 L5 StoreGlobal(11 v)
             32 L6 MakeFunction(5 <code <dictcomp>>)
             33 L6 LoadGlobal(12 items)
             34 L6 GetIter
             35 L6 Call(1)
             36 L6 StoreGlobal(13 d)
             37 L7 MakeFunction(6 <code <setcomp>>)
             38 L7 LoadGlobal(7 r)
             39 L7 GetIter
             40 L7 Call(1)
             41 L7 StoreGlobal(14 s)
             42 L8 LoadConst(7 'r')
             43 L8 LoadConst(2 2)
             44 L8 BuildMap(1)
             45 L8 MakeFunction(8 <code <lambda>>, kwdefaults)
             46 L8 StoreGlobal(15 f)
             47 L8 LoadConst(3 None)
             48 L8 Return

            == <dictcomp> (Comprehension, args 1, varnames [.0, k, v, j]) ==
              0 L6 BuildMap(0)
              1 L6 LoadFast(0 .0)
              2 L6 ForIter(17)
              3 L6 UnpackSequence(2)
              4 L6 StoreFast(1 k)
              5 L6 StoreFast(2 v)
              6 L6 LoadFast(1 k)
              7 L6 GetIter
              8 L6 ForIter(16)
              9 L6 StoreFast(3 j)
             10 L6 LoadFast(3 j)
             11 L6 PopJumpIfFalse(8)
             12 L6 LoadFast(1 k)
             13 L6 LoadFast(2 v)
             14 L6 MapAdd(3)
             15 L6 Jump(8)
             16 L6 Jump(2)
             17 L6 Return

            == <setcomp> (Comprehension, args 1, varnames [.0, i]) ==
              0 L7 BuildSet(0)
              1 L7 LoadFast(0 .0)
              2 L7 ForIter(7)
              3 L7 StoreFast(1 i)
              4 L7 LoadFast(1 i)
              5 L7 SetAdd(2)
              6 L7 Jump(2)
              7 L7 Return

            == <lambda> (Lambda, args 1, kwonly 1, varnames [q, r]) ==
              0 L8 LoadFast(0 q)
              1 L8 LoadFast(1 r)
              2 L8 Binary(Add)
              3 L8 Return
            ",
        );
    }

    #[test]
    fn class_body_names_free_class_and_mangling() {
        check(
            "def outer():\n    v = 1\n    class C:\n        v = 2\n        w = v\n        def m(self):\n            return v\n\
             \x20       u = __x\n    return C\n",
            "
            == <module> (Module) ==
              0 L1 MakeFunction(0 <code outer>)
              1 L1 StoreGlobal(0 outer)
              2 L1 LoadConst(1 None)
              3 L1 Return

            == outer (Function, args 0, varnames [C], cells [v]) ==
              0 L2 LoadConst(0 1)
              1 L2 StoreDeref(0 v)
              2 L3 LoadClosure(0 v)
              3 L3 BuildTuple(1)
              4 L3 MakeFunction(1 <code outer.<locals>.C>, closure)
              5 L3 MakeClass(0 C)
              6 L3 StoreFast(0 C)
              7 L9 LoadFast(0 C)
              8 L9 Return

            == outer.<locals>.C (Class, free [v]) ==
              0 L3 LoadGlobal(0 __name__)
              1 L3 StoreName(1 __module__)
              2 L3 LoadConst(0 'outer.<locals>.C')
              3 L3 StoreName(2 __qualname__)
              4 L4 LoadConst(1 2)
              5 L4 StoreName(3 v)
              6 L5 LoadName(3 v)
              7 L5 StoreName(4 w)
              8 L6 LoadClosure(0 v)
              9 L6 BuildTuple(1)
             10 L6 MakeFunction(2 <code outer.<locals>.C.m>, closure)
             11 L6 StoreName(5 m)
             12 L8 LoadName(6 _C__x)
             13 L8 StoreName(7 u)
             14 L8 LoadConst(3 None)
             15 L8 Return

            == outer.<locals>.C.m (Function, args 1, varnames [self], free [v]) ==
              0 L7 LoadDeref(0 v)
              1 L7 Return
            ",
        );
    }

    #[test]
    fn a_call_carries_its_own_line() {
        check(
            "r = f(a,\n      g(b),\n      c)\n",
            "
            == <module> (Module) ==
              0 L1 LoadGlobal(0 f)
              1 L1 LoadGlobal(1 a)
              2 L2 LoadGlobal(2 g)
              3 L2 LoadGlobal(3 b)
              4 L2 Call(1)
              5 L3 LoadGlobal(4 c)
              6 L1 Call(3)
              7 L1 StoreGlobal(5 r)
              8 L1 LoadConst(0 None)
              9 L1 Return
            ",
        );
    }

    #[test]
    fn chained_comparison() {
        check(
            "x = 1 < y <= 3\n",
            "
            == <module> (Module) ==
              0 L1 LoadConst(0 1)
              1 L1 LoadGlobal(0 y)
              2 L1 Dup
              3 L1 Rot3
              4 L1 Compare(Lt)
              5 L1 JumpIfFalseOrPop(9)
              6 L1 LoadConst(1 3)
              7 L1 Compare(Le)
              8 L1 Jump(11)
              9 L1 Rot2
             10 L1 Pop
             11 L1 StoreGlobal(1 x)
             12 L1 LoadConst(2 None)
             13 L1 Return
            ",
        );
    }

    #[test]
    fn async_with_await_and_async_comprehension() {
        check(
            "async def main():\n    async with lock:\n        r = await sleep(1)\n    return [await t for t in ts]\n",
            "
            == <module> (Module) ==
              0 L1 MakeFunction(0 <code main>)
              1 L1 StoreGlobal(0 main)
              2 L1 LoadConst(1 None)
              3 L1 Return

            == main (Function, args 0, coroutine, varnames [r]) ==
              0 L2 LoadGlobal(0 lock)
              1 L2 Dup
              2 L2 LoadAttr(1 __aexit__)
              3 L2 Rot2
              4 L2 LoadAttr(2 __aenter__)
              5 L2 Call(0)
              6 L2 GetAwaitable
              7 L2 LoadConst(0 None)
              8 L2 YieldFrom
              9 L2 Pop
             10 L2 SetupFinally(28)
             11 L3 LoadGlobal(3 sleep)
             12 L3 LoadConst(1 1)
             13 L3 Call(1)
             14 L3 GetAwaitable
             15 L3 LoadConst(0 None)
             16 L3 YieldFrom
             17 L3 StoreFast(0 r)
             18 L2 PopBlock
             19 L2 LoadConst(0 None)
             20 L2 LoadConst(0 None)
             21 L2 LoadConst(0 None)
             22 L2 Call(3)
             23 L2 GetAwaitable
             24 L2 LoadConst(0 None)
             25 L2 YieldFrom
             26 L2 Pop
             27 L2 Jump(38)
             28 L2 PrepareExit
             29 L2 Call(3)
             30 L2 GetAwaitable
             31 L2 LoadConst(0 None)
             32 L2 YieldFrom
             33 L2 PopJumpIfTrue(35)
             34 L2 Reraise
             35 L2 Pop
             36 L2 PopExcept
             37 L2 Jump(38)
             38 L4 MakeFunction(2 <code main.<locals>.<listcomp>>)
             39 L4 LoadGlobal(4 ts)
             40 L4 GetIter
             41 L4 Call(1)
             42 L4 GetAwaitable
             43 L4 LoadConst(0 None)
             44 L4 YieldFrom
             45 L4 Return

            == main.<locals>.<listcomp> (Comprehension, args 1, coroutine, varnames [.0, t]) ==
              0 L4 BuildList(0)
              1 L4 LoadFast(0 .0)
              2 L4 ForIter(10)
              3 L4 StoreFast(1 t)
              4 L4 LoadFast(1 t)
              5 L4 GetAwaitable
              6 L4 LoadConst(0 None)
              7 L4 YieldFrom
              8 L4 ListAppend(2)
              9 L4 Jump(2)
             10 L4 Return
            ",
        );
    }

    /// Every construct of the subset, nested in the ways that stress unwinding: compiles, and every path
    /// of every code object keeps the stack and block discipline.
    #[test]
    fn every_construct_compiles_and_verifies() {
        let src = r#"
"""Module docstring."""
import threading
import concurrent.futures
import concurrent.futures as cf
from queue import Queue, Empty as QEmpty
import time, random

COUNT: int = 0
LIMIT: int
counter = 0
lock = threading.Lock()

class Worker(threading.Thread):
    """A worker."""
    total = 0
    __secret = 1

    def __init__(self, n, *args, name=None, **kwargs):
        super().__init__(*args, name=name, **kwargs)
        self.n = n
        self.__private = n
        self.items: list = []

    def run(self):
        global counter
        for i in range(self.n):
            try:
                if i % 2 == 0:
                    continue
                with lock as held, open_thing() as (a, b):
                    counter += 1
                    Worker.total += 1
                    self.items[0] += 1
                    if i > 5:
                        break
                    if i > 6:
                        return i
            except (ValueError, KeyError) as e:
                print("err", e, repr(e), sep=", ", end="\n")
                continue
            except Exception:
                raise
            else:
                pass
            finally:
                for j in range(2):
                    if j:
                        break
                else:
                    pass
        else:
            print("done")
        while True:
            try:
                break
            finally:
                print("finally after break")

    def nothing(self):
        pass
"""
"""

def make_counter(start=0, *, step=1):
    count = start
    def inc(by=None):
        nonlocal count
        count += step if by is None else by
        return count
    def get():
        return count
    return inc, get

def closures_in_comprehensions(xs):
    k = 3
    return [lambda y=x: y * k for x in xs if x], {x: [y for y in range(x) if y != k] for x in xs}

def unpacking(seq):
    a, *rest = seq
    (b, c), d = rest[0], rest[1:]
    first, *middle, last = [*seq, *rest]
    x = y = z = {**{}, 'k': 1, **{'j': 2}}
    del x, y
    t = (*seq,)
    s = {*seq, 1}
    return a, b, c, d, first, middle, last, z, t, s

def fmt(x, width=8, prec=2):
    return f"{x!r:>{width}.{prec}f}|{x!s}|{x:{'^' if x else '<'}10}|{'nested'}|{x=}"

def try_return():
    try:
        return 1
    except ZeroDivisionError as err:
        return str(err)
    finally:
        print("cleanup")

def finally_swallow():
    for i in range(3):
        try:
            raise ValueError(i)
        finally:
            continue
    return "swallowed"

def gen(n):
    total = 0
    for i in range(n):
        got = yield i
        if got:
            total += got
    yield from range(2)
    return total

async def worker(q, name):
    async with q.lock:
        item = await q.get()
    results = [await f for f in q.futures]
    return (await asyncio.sleep(0), item, results, name)

def conditions(a, b, c):
    if a < b < c and not (a == c or b is None) and a not in [b, c] and b in {c}:
        return -a ** 2 + ~b // 3 % 4 - (c << 1 >> 1) & 5 | 6 ^ 7
    elif a:
        return [i for i in range(10) if i % 2 if i % 3]
    else:
        assert b, f"b was {b}"
        assert c
        raise RuntimeError("bad") from None

def slicing(xs):
    xs[1:2] = [0]
    del xs[::2]
    return xs[-1], xs[:-1], xs[1:], xs[::-1], xs[1:2:3]

def defaults(a, b=2, /, c=3, *args, d, e=5, **kw):
    return a, b, c, args, d, e, kw

def main():
    threads = [Worker(i, name=f"w{i}") for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=1.0)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(pow, 2, i) for i in range(4)]
        print(sum(f.result() for f in concurrent.futures.as_completed(futures)))
    g = gen(3)
    print(next(g), g.send(5), list(g))
    print(*unpacking([1, (2, 3), 4, 5]), **{"sep": "-"})
    big = -9223372036854775807 - 1

if __name__ == "__main__":
    main()
"#;
        let code = compiled(src);
        let listing = disassemble(&code);
        assert!(
            listing.contains("StoreAttr(") && listing.contains("_Worker__private"),
            "{listing}"
        );
        assert!(
            listing.contains("LoadName(") && listing.contains("_Worker__secret")
                || listing.contains("StoreName(")
        );
    }

    #[test]
    fn negative_literals_fold() {
        let code = compiled("a = -9223372036854775807\nb = -1.5\nc = --3\nd = -x\n");
        assert!(code.consts.contains(&Const::Int(-9223372036854775807)));
        assert!(code.consts.contains(&Const::Float(-1.5)));
        assert!(code.consts.contains(&Const::Int(3)));
        assert!(code.instrs.contains(&Instr::Unary(UnaryOp::Neg)));
    }

    #[test]
    fn qualnames_flags_and_parameters() {
        let code = compiled(
            "class C:\n    def m(self):\n        def f(a, b, /, c, *args, d, e=1, **kw):\n            return lambda: [x for x in a]\n        return f\n\
             def g():\n    global H\n    class H:\n        pass\n",
        );
        let mut all = Vec::new();
        fn walk(c: &Code, out: &mut Vec<Code>) {
            out.push(c.clone());
            for k in &c.consts {
                if let Const::Code(inner) = k {
                    walk(inner, out);
                }
            }
        }
        walk(&code, &mut all);
        let names: Vec<&str> = all.iter().map(|c| &*c.qualname).collect();
        assert_eq!(
            names,
            [
                "<module>",
                "C",
                "C.m",
                "C.m.<locals>.f",
                "C.m.<locals>.f.<locals>.<lambda>",
                "C.m.<locals>.f.<locals>.<lambda>.<locals>.<listcomp>",
                "g",
                "H",
            ]
        );
        let f = &all[3];
        assert_eq!((f.argcount, f.posonlyargcount, f.kwonlyargcount), (3, 2, 2));
        assert!(f.flags.varargs && f.flags.varkw);
        let varnames: Vec<&str> = f.varnames.iter().map(|s| &**s).collect();
        assert_eq!(varnames, ["a", "b", "c", "d", "e", "args", "kw"]);
        assert_eq!(&*f.cellvars[0], "a");
        assert_eq!(f.cell_params, [(0, 0)]);
        assert_eq!(f.first_line, 3);
        assert_eq!(&*all[4].freevars[0], "a");
        assert!(Arc::ptr_eq(&all[0].source, &all[5].source));
        assert_eq!(&*all[5].filename, "<main>");
    }

    #[test]
    fn break_and_continue_unwind_handlers_and_loops() {
        check(
            "for x in y:\n    try:\n        pass\n    except E:\n        break\n",
            "
            == <module> (Module) ==
              0 L1 LoadGlobal(0 y)
              1 L1 GetIter
              2 L1 ForIter(18)
              3 L1 StoreGlobal(1 x)
              4 L2 SetupExcept(7)
              5 L2 PopBlock
              6 L2 Jump(17)
              7 L4 LoadGlobal(2 E)
              8 L4 CheckExcMatch
              9 L4 PopJumpIfFalse(16)
             10 L4 Pop
             11 L5 PopExcept
             12 L5 Pop
             13 L5 Jump(18)
             14 L4 PopExcept
             15 L4 Jump(17)
             16 L2 Reraise
             17 L1 Jump(2)
             18 L1 LoadConst(0 None)
             19 L1 Return
            ",
        );
    }

    /// Errors CPython raises at compile time. The parser's check refuses many of them first (with its own
    /// wording); the fragments here are common to both.
    #[test]
    fn compile_errors() {
        let cases = [
            ("def f():\n    nonlocal x\n", "no binding for nonlocal 'x' found"),
            ("def f():\n    class C:\n        x = 1\n        def g(self):\n            nonlocal x\n", "no binding for nonlocal 'x'"),
            ("x = 1\ndef f():\n    print(x)\n    global x\n", "used prior to global declaration"),
            ("def f():\n    x = 1\n    global x\n", "assigned to before global declaration"),
            ("def f(x):\n    global x\n", "is parameter and global"),
            ("nonlocal x\n", "nonlocal declaration not allowed at module level"),
            ("return 1\n", "'return' outside"),
            ("class C:\n    return 1\n", "'return' outside"),
            ("break\n", "'break' outside"),
            ("def f():\n    continue\n", "'continue'"),
            ("def f():\n    await g()\n", "'await' outside"),
            ("await g()\n", "'await' outside"),
            ("def f(a, a):\n    pass\n", "duplicate argument 'a'"),
            ("f(a=1, a=2)\n", "keyword argument repeated: a"),
            ("a, *b, *c = d\n", "multiple starred expressions"),
            ("x = yield 1\n", "'yield' outside"),
            ("async def f():\n    yield 1\n", "async generator"),
            ("def f():\n    [(yield x) for x in y]\n", "'yield' inside list comprehension"),
        ];
        for (src, want) in cases {
            let e = compile_error(src);
            assert!(
                e.message.contains(want),
                "{src}: got {:?}, want {want:?}",
                e.message
            );
        }
        let e = compile_error("def f():\n    x = 1\n    def g():\n        nonlocal y\n");
        assert_eq!((e.line, e.column), (4, 9));
    }

    fn at(kind: StmtKind, line: u32) -> Stmt {
        Stmt::new(kind, line, 1, line, 10)
    }

    fn e(kind: ExprKind) -> Expr {
        Expr::new(kind, 1, 1, 1, 2)
    }

    fn own_error(body: Vec<Stmt>) -> String {
        let module = ast::Module { body };
        match compile_module(&module, "", "<main>") {
            Ok(code) => panic!("expected an error, got:\n{}", disassemble(&code)),
            Err(errs) => errs[0].message.clone(),
        }
    }

    /// The compiler's own errors, on trees the parser's check would have refused first.
    #[test]
    fn compiler_errors_without_the_check() {
        let ret = at(StmtKind::Return { value: None }, 1);
        assert_eq!(own_error(vec![ret.clone()]), "'return' outside function");
        assert_eq!(
            own_error(vec![at(StmtKind::Break, 1)]),
            "'break' outside loop"
        );
        let await_ = at(
            StmtKind::Expr {
                value: e(ExprKind::Await {
                    value: Box::new(e(ExprKind::Name { id: "g".into() })),
                }),
            },
            2,
        );
        let def = |is_async: bool, body: Vec<Stmt>| {
            at(
                StmtKind::FunctionDef {
                    name: "f".into(),
                    args: Box::default(),
                    body,
                    decorator_list: vec![],
                    is_async,
                },
                1,
            )
        };
        assert_eq!(own_error(vec![await_.clone()]), "'await' outside function");
        assert_eq!(
            own_error(vec![def(false, vec![await_.clone()])]),
            "'await' outside async function"
        );
        let cont = at(StmtKind::Continue, 2);
        assert_eq!(
            own_error(vec![def(false, vec![cont])]),
            "'continue' not properly in loop"
        );
        let nonlocal = at(
            StmtKind::Nonlocal {
                names: vec!["x".into()],
            },
            1,
        );
        assert_eq!(
            own_error(vec![nonlocal]),
            "nonlocal declaration not allowed at module level"
        );
        let yield_ = at(
            StmtKind::Expr {
                value: e(ExprKind::Yield { value: None }),
            },
            2,
        );
        assert!(
            own_error(vec![def(true, vec![yield_])]).contains("async generators are not supported")
        );
        let starred = at(
            StmtKind::Assign {
                targets: vec![e(ExprKind::Starred {
                    value: Box::new(e(ExprKind::Name { id: "a".into() })),
                })],
                value: e(ExprKind::Name { id: "b".into() }),
            },
            1,
        );
        assert_eq!(
            own_error(vec![starred]),
            "starred assignment target must be in a list or tuple"
        );
    }

    /// The prelude modules (ThreadLab's own Python) compile and verify, whichever exist yet.
    #[test]
    fn prelude_modules_compile_and_verify() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/vm/prelude");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "py") {
                let src = std::fs::read_to_string(&path).unwrap_or_default();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match compile_prelude(&src, &name) {
                    Ok(code) => {
                        if let Err(e) = verify(&code) {
                            panic!("{name}: {e}");
                        }
                    }
                    Err(errs) => panic!("{name}: {errs:?}"),
                }
            }
        }
    }

    #[test]
    fn user_programs_compile_and_verify() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "py") {
                let src = std::fs::read_to_string(&path).unwrap_or_default();
                // Programs that are meant to fail to compile are the parser's and corpus's business.
                if let Ok(code) = compile(&src, "<main>") {
                    if let Err(e) = verify(&code) {
                        panic!("{}: {e}", path.display());
                    }
                }
            }
        }
    }

    /// Decorators (refused by the parser's check today, so the tree is edited here): evaluated first,
    /// applied bottom-up after the function or class is made.
    #[test]
    fn decorators_when_the_tree_has_them() {
        let opts = crate::python::parser::ParseOptions {
            allow_yield: true,
            allow_any_import: true,
        };
        let src = "def f(x=1):\n    return x\nclass C:\n    pass\n";
        let mut module = crate::python::parser::parse_with(src, opts).expect("parses");
        let decos = crate::python::parser::parse_with("dec\nmk(1)\n", opts).expect("parses");
        let exprs: Vec<Expr> = decos
            .body
            .into_iter()
            .filter_map(|s| match s.kind {
                StmtKind::Expr { value } => Some(value),
                _ => None,
            })
            .collect();
        for s in &mut module.body {
            match &mut s.kind {
                StmtKind::FunctionDef { decorator_list, .. } => *decorator_list = exprs.clone(),
                StmtKind::ClassDef { decorator_list, .. } => *decorator_list = exprs[..1].to_vec(),
                _ => {}
            }
        }
        let code = compile_module(&module, src, "<main>").expect("compiles");
        verify(&code).expect("verifies");
        let expected = "
            == <module> (Module) ==
              0 L1 LoadGlobal(0 dec)
              1 L2 LoadGlobal(1 mk)
              2 L2 LoadConst(0 1)
              3 L2 Call(1)
              4 L1 LoadConst(0 1)
              5 L1 BuildTuple(1)
              6 L1 MakeFunction(1 <code f>, defaults)
              7 L2 Call(1)
              8 L1 Call(1)
              9 L1 StoreGlobal(2 f)
             10 L1 LoadGlobal(0 dec)
             11 L3 MakeFunction(2 <code C>)
             12 L3 MakeClass(3 C)
             13 L1 Call(1)
             14 L3 StoreGlobal(3 C)
             15 L3 LoadConst(3 None)
             16 L3 Return

            == f (Function, args 1, varnames [x]) ==
              0 L2 LoadFast(0 x)
              1 L2 Return

            == C (Class) ==
              0 L3 LoadGlobal(0 __name__)
              1 L3 StoreName(1 __module__)
              2 L3 LoadConst(0 'C')
              3 L3 StoreName(2 __qualname__)
              4 L4 LoadConst(1 None)
              5 L4 Return
        ";
        let got = disassemble(&code);
        assert_eq!(normalize(&got), normalize(expected), "{got}");
    }
}

//! The subset check: refuses, with a message naming the construct and what ThreadLab supports instead,
//! what parses as Python 3.11 but ThreadLab does not run, and reports the context errors CPython's compiler
//! raises as SyntaxError (`'return' outside function`, `'await' outside async function`, ...).
//!
//! Decisions (documented here so the compiler can rely on them):
//! - Refused: decorators, `yield`/`yield from` (unless `ParseOptions::allow_yield`), `match`, `:=`,
//!   `async for` and async comprehensions, `except*`, the `@` operator, bytes and complex literals,
//!   imports outside [`SUPPORTED_MODULES`] (unless `ParseOptions::allow_any_import`), `from m import *`,
//!   relative imports, class keywords (`metaclass=`), more than one base class, starred bases.
//! - Allowed: star targets (`a, *rest = xs`), `global` at module level, `lambda`, annotations (parameter
//!   and return annotations are dropped by the parser), positional-only parameters (`/`), parenthesized
//!   `with` items, `return value` in `async def`.
//! - Checked as CPython does: `return`/`yield` outside a function, `break`/`continue` outside a loop,
//!   `await`/`async with` outside `async def` (top-level await is refused), `nonlocal` at module level,
//!   a `global`/`nonlocal` name used or assigned before its declaration in the same scope, or that is
//!   also a parameter.

use std::collections::HashMap;

use super::ast::*;
use super::parser::ParseOptions;
use super::SyntaxError;

/// The deepest tree `parse` returns (statements and expressions together): the compiler and this check
/// recurse over the tree, and this keeps them far from the end of a wasm stack.
pub const MAX_TREE_DEPTH: u32 = 200;

/// The modules a user's program may import (`import x`, `import x as y`, `from x import a`).
pub const SUPPORTED_MODULES: [&str; 13] = [
    "threading",
    "_thread",
    "queue",
    "concurrent.futures",
    "asyncio",
    "multiprocessing",
    "network",
    "urllib.request",
    "time",
    "random",
    "sys",
    "os",
    "math",
];

#[optimize(size)]
fn supported_list() -> String {
    SUPPORTED_MODULES.join(", ")
}

/// The message refusing `import name`, with a suggestion when the name looks like a typo of a supported
/// module (`import tme`).
#[optimize(size)]
fn unsupported_import(name: &str) -> String {
    let close = SUPPORTED_MODULES
        .iter()
        .map(|m| (edit_distance(name, m), m))
        .filter(|&(d, m)| d <= 2 && d < m.len() / 2 + 1)
        .min();
    match close {
        Some((_, m)) => format!(
            "import {name}: ThreadLab runs the modules {} (did you mean {m}?)",
            supported_list()
        ),
        None => format!(
            "import {name}: ThreadLab runs the modules {}",
            supported_list()
        ),
    }
}

/// Levenshtein distance between two short names.
#[optimize(size)]
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A node of the tree, for the iterative depth walk.
enum Node<'a> {
    S(&'a Stmt),
    E(&'a Expr),
}

#[optimize(size)]
fn opt<'a>(e: &'a Option<Expr>, out: &mut Vec<Node<'a>>) {
    if let Some(e) = e {
        out.push(Node::E(e));
    }
}

#[optimize(size)]
fn opt_box<'a>(e: &'a Option<Box<Expr>>, out: &mut Vec<Node<'a>>) {
    if let Some(e) = e {
        out.push(Node::E(e));
    }
}

#[optimize(size)]
fn exprs<'a>(es: &'a [Expr], out: &mut Vec<Node<'a>>) {
    out.extend(es.iter().map(Node::E));
}

#[optimize(size)]
fn stmts<'a>(ss: &'a [Stmt], out: &mut Vec<Node<'a>>) {
    out.extend(ss.iter().map(Node::S));
}

#[optimize(size)]
fn arguments<'a>(a: &'a Arguments, out: &mut Vec<Node<'a>>) {
    exprs(&a.defaults, out);
    for d in a.kw_defaults.iter().flatten() {
        out.push(Node::E(d));
    }
}

#[optimize(size)]
fn generators<'a>(gens: &'a [Comprehension], out: &mut Vec<Node<'a>>) {
    for g in gens {
        out.push(Node::E(&g.target));
        out.push(Node::E(&g.iter));
        exprs(&g.ifs, out);
    }
}

/// The direct children of a node.
#[optimize(size)]
fn children<'a>(node: &Node<'a>, out: &mut Vec<Node<'a>>) {
    match node {
        Node::S(s) => match &s.kind {
            StmtKind::FunctionDef {
                args,
                body,
                decorator_list,
                ..
            } => {
                arguments(args, out);
                exprs(decorator_list, out);
                stmts(body, out);
            }
            StmtKind::ClassDef {
                bases,
                keywords,
                body,
                decorator_list,
                ..
            } => {
                exprs(bases, out);
                out.extend(keywords.iter().map(|k| Node::E(&k.value)));
                exprs(decorator_list, out);
                stmts(body, out);
            }
            StmtKind::Return { value } => opt(value, out),
            StmtKind::Delete { targets } => exprs(targets, out),
            StmtKind::Assign { targets, value } => {
                exprs(targets, out);
                out.push(Node::E(value));
            }
            StmtKind::AugAssign { target, value, .. } => {
                out.push(Node::E(target));
                out.push(Node::E(value));
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                ..
            } => {
                out.push(Node::E(target));
                out.push(Node::E(annotation));
                opt(value, out);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                ..
            } => {
                out.push(Node::E(target));
                out.push(Node::E(iter));
                stmts(body, out);
                stmts(orelse, out);
            }
            StmtKind::While { test, body, orelse } | StmtKind::If { test, body, orelse } => {
                out.push(Node::E(test));
                stmts(body, out);
                stmts(orelse, out);
            }
            StmtKind::With { items, body, .. } => {
                for it in items {
                    out.push(Node::E(&it.context_expr));
                    opt(&it.optional_vars, out);
                }
                stmts(body, out);
            }
            StmtKind::Raise { exc, cause } => {
                opt(exc, out);
                opt(cause, out);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                stmts(body, out);
                for h in handlers {
                    opt(&h.type_, out);
                    stmts(&h.body, out);
                }
                stmts(orelse, out);
                stmts(finalbody, out);
            }
            StmtKind::Assert { test, msg } => {
                out.push(Node::E(test));
                opt(msg, out);
            }
            StmtKind::Expr { value } => out.push(Node::E(value)),
            StmtKind::Import { .. }
            | StmtKind::ImportFrom { .. }
            | StmtKind::Global { .. }
            | StmtKind::Nonlocal { .. }
            | StmtKind::Pass
            | StmtKind::Break
            | StmtKind::Continue => {}
        },
        Node::E(e) => match &e.kind {
            ExprKind::BoolOp { values, .. } => exprs(values, out),
            ExprKind::NamedExpr { target, value } => {
                out.push(Node::E(target));
                out.push(Node::E(value));
            }
            ExprKind::BinOp { left, right, .. } => {
                out.push(Node::E(left));
                out.push(Node::E(right));
            }
            ExprKind::UnaryOp { operand, .. } => out.push(Node::E(operand)),
            ExprKind::Lambda { args, body } => {
                arguments(args, out);
                out.push(Node::E(body));
            }
            ExprKind::IfExp { test, body, orelse } => {
                out.push(Node::E(test));
                out.push(Node::E(body));
                out.push(Node::E(orelse));
            }
            ExprKind::Dict { keys, values } => {
                for k in keys.iter().flatten() {
                    out.push(Node::E(k));
                }
                exprs(values, out);
            }
            ExprKind::Set { elts } | ExprKind::List { elts } | ExprKind::Tuple { elts } => {
                exprs(elts, out)
            }
            ExprKind::ListComp { elt, generators: g }
            | ExprKind::SetComp { elt, generators: g }
            | ExprKind::GeneratorExp { elt, generators: g } => {
                out.push(Node::E(elt));
                generators(g, out);
            }
            ExprKind::DictComp {
                key,
                value,
                generators: g,
            } => {
                out.push(Node::E(key));
                out.push(Node::E(value));
                generators(g, out);
            }
            ExprKind::Await { value }
            | ExprKind::YieldFrom { value }
            | ExprKind::Starred { value } => out.push(Node::E(value)),
            ExprKind::Attribute { value, .. } => out.push(Node::E(value)),
            ExprKind::Yield { value } => opt_box(value, out),
            ExprKind::Compare {
                left, comparators, ..
            } => {
                out.push(Node::E(left));
                exprs(comparators, out);
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                out.push(Node::E(func));
                exprs(args, out);
                out.extend(keywords.iter().map(|k| Node::E(&k.value)));
            }
            ExprKind::FormattedValue {
                value, format_spec, ..
            } => {
                out.push(Node::E(value));
                opt_box(format_spec, out);
            }
            ExprKind::JoinedStr { values } => exprs(values, out),
            ExprKind::Subscript { value, slice } => {
                out.push(Node::E(value));
                out.push(Node::E(slice));
            }
            ExprKind::Slice { lower, upper, step } => {
                opt_box(lower, out);
                opt_box(upper, out);
                opt_box(step, out);
            }
            ExprKind::Constant(_) | ExprKind::Name { .. } => {}
        },
    }
}

/// The first node deeper than [`MAX_TREE_DEPTH`], as an error; found without recursion, so it is safe on
/// any tree the parser can build.
#[optimize(size)]
pub fn depth_error(module: &Module) -> Option<SyntaxError> {
    let mut stack: Vec<(Node, u32)> = module.body.iter().map(|s| (Node::S(s), 1)).collect();
    let mut kids = Vec::new();
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_TREE_DEPTH {
            let (line, column) = match node {
                Node::S(s) => (s.line, s.col),
                Node::E(e) => (e.line, e.col),
            };
            return Some(SyntaxError {
                line,
                column,
                message: format!(
                    "this code is nested too deeply: ThreadLab allows {MAX_TREE_DEPTH} levels of statements \
                     and expressions inside one another (split it into smaller pieces)"
                ),
            });
        }
        children(&node, &mut kids);
        stack.extend(kids.drain(..).map(|k| (k, depth + 1)));
    }
    None
}

/// Runs the subset and context checks over a parsed module; returns the errors in source order (at most
/// the parser's error cap).
#[optimize(size)]
pub fn check(module: &Module, source: &str, opts: &ParseOptions) -> Vec<SyntaxError> {
    let mut c = Checker {
        source,
        opts: *opts,
        errors: Vec::new(),
    };
    let ctx = Ctx {
        function: false,
        is_async: false,
        in_loop: false,
        module: true,
    };
    c.scope_declarations(&module.body, &[], true);
    c.stmts(&module.body, ctx);
    c.errors.sort_by_key(|e| (e.line, e.column));
    c.errors.dedup_by_key(|e| (e.line, e.column));
    c.errors.truncate(super::parser::MAX_ERRORS);
    c.errors
}

#[derive(Clone, Copy)]
struct Ctx {
    /// Inside a function body (or lambda, or comprehension).
    function: bool,
    /// Inside an `async def` body (not a nested def or lambda).
    is_async: bool,
    /// Inside a loop body (not a nested def or class).
    in_loop: bool,
    /// At module level (not inside a def or class).
    module: bool,
}

struct Checker<'a> {
    source: &'a str,
    opts: ParseOptions,
    errors: Vec<SyntaxError>,
}

impl Checker<'_> {
    #[optimize(size)]
    fn error(&mut self, line: u32, column: u32, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            line,
            column,
            message: message.into(),
        });
    }

    /// The source text of an expression's first line (for messages naming it).
    #[optimize(size)]
    fn text(&self, e: &Expr) -> String {
        let Some(line) = self.source.lines().nth(e.line.saturating_sub(1) as usize) else {
            return String::new();
        };
        let end = if e.end_line == e.line {
            e.end_col.saturating_sub(e.col) as usize
        } else {
            usize::MAX
        };
        line.chars()
            .skip(e.col.saturating_sub(1) as usize)
            .take(end)
            .collect()
    }

    #[optimize(size)]
    fn stmts(&mut self, body: &[Stmt], ctx: Ctx) {
        for s in body {
            self.stmt(s, ctx);
        }
    }

    #[optimize(size)]
    fn stmt(&mut self, s: &Stmt, ctx: Ctx) {
        match &s.kind {
            StmtKind::FunctionDef {
                args,
                body,
                decorator_list,
                is_async,
                ..
            } => {
                self.decorators(decorator_list, ctx);
                self.arguments(args, ctx);
                let params = param_names(args);
                self.scope_declarations(body, &params, false);
                let inner = Ctx {
                    function: true,
                    is_async: *is_async,
                    in_loop: false,
                    module: false,
                };
                self.stmts(body, inner);
            }
            StmtKind::ClassDef {
                name,
                bases,
                keywords,
                body,
                decorator_list,
            } => {
                self.decorators(decorator_list, ctx);
                if bases.len() > 1 {
                    let list: Vec<String> = bases.iter().map(|b| self.text(b)).collect();
                    self.error(
                        bases[1].line,
                        bases[1].col,
                        format!(
                            "class {name}({}): ThreadLab supports single inheritance (one base class)",
                            list.join(", ")
                        ),
                    );
                }
                for b in bases {
                    if matches!(b.kind, ExprKind::Starred { .. }) {
                        self.error(
                            b.line,
                            b.col,
                            "a starred base class (*bases) is not supported",
                        );
                    } else {
                        self.expr(b, ctx);
                    }
                }
                for k in keywords {
                    let what = match &k.arg {
                        Some(a) => format!("{a}="),
                        None => "**".to_string(),
                    };
                    self.error(
                        k.line,
                        k.col,
                        format!(
                            "class {name}({what}...): class keywords such as metaclass= are not supported; \
                             ThreadLab's classes take at most one base class"
                        ),
                    );
                }
                self.scope_declarations(body, &[], false);
                let inner = Ctx {
                    function: false,
                    is_async: false,
                    in_loop: false,
                    module: false,
                };
                self.stmts(body, inner);
            }
            StmtKind::Return { value } => {
                if !ctx.function {
                    self.error(s.line, s.col, "'return' outside a function");
                }
                self.opt(value, ctx);
            }
            StmtKind::Delete { targets } => self.exprs(targets, ctx),
            StmtKind::Assign { targets, value } => {
                for t in targets {
                    self.target(t, ctx);
                }
                self.expr(value, ctx);
            }
            StmtKind::AugAssign { target, op, value } => {
                if *op == Operator::MatMult {
                    self.matmult(s.line, s.col);
                }
                self.target(target, ctx);
                self.expr(value, ctx);
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                ..
            } => {
                self.target(target, ctx);
                self.expr(annotation, ctx);
                self.opt(value, ctx);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => {
                if *is_async {
                    self.error(
                        s.line,
                        s.col,
                        "'async for' is not supported: ThreadLab's asyncio has no async iterators (use a \
                         plain for loop, or await inside it)",
                    );
                }
                self.target(target, ctx);
                self.expr(iter, ctx);
                self.stmts(
                    body,
                    Ctx {
                        in_loop: true,
                        ..ctx
                    },
                );
                self.stmts(orelse, ctx);
            }
            StmtKind::While { test, body, orelse } => {
                self.expr(test, ctx);
                self.stmts(
                    body,
                    Ctx {
                        in_loop: true,
                        ..ctx
                    },
                );
                self.stmts(orelse, ctx);
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test, ctx);
                self.stmts(body, ctx);
                self.stmts(orelse, ctx);
            }
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                if *is_async && !ctx.is_async {
                    self.error(
                        s.line,
                        s.col,
                        "'async with' outside an async function (async def)",
                    );
                }
                for it in items {
                    self.expr(&it.context_expr, ctx);
                    if let Some(v) = &it.optional_vars {
                        self.target(v, ctx);
                    }
                }
                self.stmts(body, ctx);
            }
            StmtKind::Raise { exc, cause } => {
                self.opt(exc, ctx);
                self.opt(cause, ctx);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.stmts(body, ctx);
                for h in handlers {
                    self.opt(&h.type_, ctx);
                    self.stmts(&h.body, ctx);
                }
                self.stmts(orelse, ctx);
                self.stmts(finalbody, ctx);
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test, ctx);
                self.opt(msg, ctx);
            }
            StmtKind::Import { names } => {
                if !self.opts.allow_any_import {
                    for a in names {
                        if !SUPPORTED_MODULES.contains(&a.name.as_str()) {
                            self.error(a.line, a.col, unsupported_import(&a.name));
                        }
                    }
                }
            }
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => self.import_from(s, module.as_deref(), names, *level),
            StmtKind::Global { .. } => {}
            StmtKind::Nonlocal { .. } => {
                if ctx.module {
                    self.error(
                        s.line,
                        s.col,
                        "nonlocal declaration not allowed at module level",
                    );
                }
            }
            StmtKind::Expr { value } => self.expr(value, ctx),
            StmtKind::Pass => {}
            StmtKind::Break | StmtKind::Continue => {
                if !ctx.in_loop {
                    let word = if matches!(s.kind, StmtKind::Break) {
                        "break"
                    } else {
                        "continue"
                    };
                    self.error(s.line, s.col, format!("'{word}' outside a loop"));
                }
            }
        }
    }

    #[optimize(size)]
    fn import_from(&mut self, s: &Stmt, module: Option<&str>, names: &[Alias], level: u32) {
        let shown = format!("{}{}", ".".repeat(level as usize), module.unwrap_or(""));
        if level > 0 {
            self.error(
                s.line,
                s.col,
                format!(
                    "from {shown} import ...: relative imports are not supported (a ThreadLab program is a \
                     single file)"
                ),
            );
            return;
        }
        for a in names {
            if a.name == "*" {
                self.error(
                    a.line,
                    a.col,
                    format!(
                        "from {shown} import *: ThreadLab needs the names listed, so it is clear where each \
                         comes from (write from {shown} import name1, name2)"
                    ),
                );
            }
        }
        if self.opts.allow_any_import {
            return;
        }
        let m = module.unwrap_or("");
        let ok = SUPPORTED_MODULES.contains(&m)
            || (m == "concurrent" && names.iter().all(|a| a.name == "futures"))
            || (m == "urllib" && names.iter().all(|a| a.name == "request"));
        if !ok {
            self.error(s.line, s.col + 5, unsupported_import(m));
        }
    }

    #[optimize(size)]
    fn decorators(&mut self, decorators: &[Expr], ctx: Ctx) {
        for d in decorators {
            let text = self.text(d);
            // The decorator's '@' is just before the expression.
            self.error(
                d.line,
                d.col.saturating_sub(1).max(1),
                format!("@{text}: decorators are not supported yet (call the function explicitly instead)"),
            );
            self.expr(d, ctx);
        }
    }

    #[optimize(size)]
    fn matmult(&mut self, line: u32, col: u32) {
        self.error(
            line,
            col,
            "the @ operator (matrix multiplication) is not supported: ThreadLab has no matrices",
        );
    }

    #[optimize(size)]
    fn arguments(&mut self, a: &Arguments, ctx: Ctx) {
        self.exprs(&a.defaults, ctx);
        for d in a.kw_defaults.iter().flatten() {
            self.expr(d, ctx);
        }
    }

    #[optimize(size)]
    fn opt(&mut self, e: &Option<Expr>, ctx: Ctx) {
        if let Some(e) = e {
            self.expr(e, ctx);
        }
    }

    #[optimize(size)]
    fn exprs(&mut self, es: &[Expr], ctx: Ctx) {
        for e in es {
            self.expr(e, ctx);
        }
    }

    /// Elements of a display, call or target list, where `*x` is allowed.
    #[optimize(size)]
    fn elements(&mut self, es: &[Expr], ctx: Ctx) {
        for e in es {
            match &e.kind {
                ExprKind::Starred { value } => self.expr(value, ctx),
                _ => self.expr(e, ctx),
            }
        }
    }

    /// An assignment target (the parser has checked its shape).
    #[optimize(size)]
    fn target(&mut self, t: &Expr, ctx: Ctx) {
        match &t.kind {
            ExprKind::Tuple { elts } | ExprKind::List { elts } => {
                for e in elts {
                    match &e.kind {
                        ExprKind::Starred { value } => self.target(value, ctx),
                        _ => self.target(e, ctx),
                    }
                }
            }
            _ => self.expr(t, ctx),
        }
    }

    #[optimize(size)]
    fn comprehension(&mut self, elts: &[&Expr], gens: &[Comprehension], ctx: Ctx) {
        // A comprehension is a function of its own: `yield` is not allowed in it, `await` is (inside async).
        let inner = Ctx {
            function: true,
            in_loop: false,
            module: false,
            ..ctx
        };
        for (i, g) in gens.iter().enumerate() {
            if g.is_async {
                self.error(
                    g.target.line,
                    g.target.col,
                    "async comprehensions ('async for' inside brackets) are not supported",
                );
            }
            // The first iterable is evaluated outside the comprehension.
            self.expr(&g.iter, if i == 0 { ctx } else { inner });
            self.target(&g.target, inner);
            self.exprs(&g.ifs, inner);
        }
        for e in elts {
            self.expr(e, inner);
        }
    }

    #[optimize(size)]
    fn expr(&mut self, e: &Expr, ctx: Ctx) {
        match &e.kind {
            ExprKind::NamedExpr { value, .. } => {
                self.error(
                    e.line,
                    e.col,
                    "the walrus operator ':=' is not supported: assign on a line of its own first (x = ...)",
                );
                self.expr(value, ctx);
            }
            ExprKind::Yield { value } => {
                self.yield_(e, ctx);
                if let Some(v) = value {
                    self.expr(v, ctx);
                }
            }
            ExprKind::YieldFrom { value } => {
                self.yield_(e, ctx);
                self.expr(value, ctx);
            }
            ExprKind::Await { value } => {
                if !ctx.is_async {
                    self.error(
                        e.line,
                        e.col,
                        "'await' outside an async function (async def)",
                    );
                }
                self.expr(value, ctx);
            }
            ExprKind::BinOp { left, op, right } => {
                if *op == Operator::MatMult {
                    self.matmult(e.line, e.col);
                }
                self.expr(left, ctx);
                self.expr(right, ctx);
            }
            ExprKind::Lambda { args, body } => {
                self.arguments(args, ctx);
                let inner = Ctx {
                    function: true,
                    is_async: false,
                    in_loop: false,
                    module: false,
                };
                self.expr(body, inner);
            }
            ExprKind::Starred { .. } => {
                self.error(e.line, e.col, "cannot use a starred expression (*x) here");
            }
            ExprKind::Set { elts } | ExprKind::List { elts } | ExprKind::Tuple { elts } => {
                self.elements(elts, ctx)
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.expr(func, ctx);
                self.elements(args, ctx);
                for k in keywords {
                    self.expr(&k.value, ctx);
                }
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension(&[elt], generators, ctx)
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.comprehension(&[key, value], generators, ctx),
            ExprKind::Subscript { value, slice } => {
                self.expr(value, ctx);
                match &slice.kind {
                    ExprKind::Tuple { elts } => self.elements(elts, ctx),
                    _ => self.expr(slice, ctx),
                }
            }
            _ => {
                let mut kids = Vec::new();
                children(&Node::E(e), &mut kids);
                for k in kids {
                    if let Node::E(k) = k {
                        self.expr(k, ctx);
                    }
                }
            }
        }
    }

    #[optimize(size)]
    fn yield_(&mut self, e: &Expr, ctx: Ctx) {
        if !self.opts.allow_yield {
            self.error(
                e.line,
                e.col,
                "'yield' is not supported: generators are not in ThreadLab's subset (generator expressions \
                 and comprehensions are; build a list and return it)",
            );
        } else if !ctx.function {
            self.error(e.line, e.col, "'yield' outside a function");
        }
    }

    /// CPython's symtable rules for `global`/`nonlocal` in one scope's body (not nested defs/classes):
    /// a declared name must not be used or assigned earlier in the scope, nor be a parameter.
    #[optimize(size)]
    fn scope_declarations(&mut self, body: &[Stmt], params: &[String], module: bool) {
        let mut seen: HashMap<String, bool> = HashMap::new(); // name -> assigned (at its first mention)
        let mut global: Vec<String> = Vec::new();
        let mut nonlocal: Vec<String> = Vec::new();
        let mut stack: Vec<&Stmt> = body.iter().rev().collect();
        let mut kids = Vec::new();
        while let Some(s) = stack.pop() {
            match &s.kind {
                StmtKind::Global { names } | StmtKind::Nonlocal { names } => {
                    let is_global = matches!(s.kind, StmtKind::Global { .. });
                    let word = if is_global { "global" } else { "nonlocal" };
                    for n in names {
                        if let Some(assigned) = seen.get(n) {
                            let msg = if *assigned {
                                format!("name '{n}' is assigned to before {word} declaration")
                            } else {
                                format!("name '{n}' is used prior to {word} declaration")
                            };
                            self.error(s.line, s.col, msg);
                        } else if params.contains(n) {
                            self.error(
                                s.line,
                                s.col,
                                format!("name '{n}' is parameter and {word}"),
                            );
                        } else if (is_global && nonlocal.contains(n))
                            || (!is_global && global.contains(n))
                        {
                            self.error(s.line, s.col, format!("name '{n}' is nonlocal and global"));
                        }
                        if is_global {
                            global.push(n.clone());
                        } else if !module {
                            nonlocal.push(n.clone());
                        }
                    }
                }
                StmtKind::FunctionDef { .. } | StmtKind::ClassDef { .. } => {
                    names_in_stmt(s, &mut seen)
                }
                _ => {
                    names_in_stmt(s, &mut seen);
                    // Blocks of compound statements belong to the same scope; push them in order.
                    children(&Node::S(s), &mut kids);
                    for k in kids.drain(..).rev() {
                        if let Node::S(k) = k {
                            stack.push(k);
                        }
                    }
                }
            }
        }
    }
}

#[optimize(size)]
fn param_names(a: &Arguments) -> Vec<String> {
    a.posonlyargs
        .iter()
        .chain(&a.args)
        .chain(&a.vararg)
        .chain(&a.kwonlyargs)
        .chain(&a.kwarg)
        .map(|p| p.name.clone())
        .collect()
}

/// Names a statement's own header uses or binds (not those of nested blocks, which are visited
/// separately, and not inside nested functions, classes, lambdas or comprehensions beyond their first
/// iterable).
#[optimize(size)]
fn names_in_stmt(s: &Stmt, seen: &mut HashMap<String, bool>) {
    let note = |name: &str, assigned: bool, seen: &mut HashMap<String, bool>| {
        if !seen.contains_key(name) {
            seen.insert(name.to_string(), assigned);
        }
    };
    let mut loads: Vec<&Expr> = Vec::new();
    let mut stores: Vec<&Expr> = Vec::new();
    match &s.kind {
        StmtKind::FunctionDef { name, .. } | StmtKind::ClassDef { name, .. } => {
            note(name, true, seen)
        }
        StmtKind::Assign { targets, value } => {
            loads.push(value);
            stores.extend(targets);
        }
        StmtKind::AugAssign { target, value, .. } => {
            loads.push(value);
            stores.push(target);
        }
        StmtKind::AnnAssign { target, value, .. } => {
            loads.extend(value);
            stores.push(target);
        }
        StmtKind::For { target, iter, .. } => {
            loads.push(iter);
            stores.push(target);
        }
        StmtKind::With { items, .. } => {
            for it in items {
                loads.push(&it.context_expr);
                stores.extend(&it.optional_vars);
            }
        }
        StmtKind::Delete { targets } => stores.extend(targets),
        StmtKind::Import { names } | StmtKind::ImportFrom { names, .. } => {
            for a in names {
                let bound = a
                    .asname
                    .as_deref()
                    .unwrap_or_else(|| a.name.split('.').next().unwrap_or(""));
                note(bound, true, seen);
            }
        }
        StmtKind::Try { handlers, .. } => {
            for h in handlers {
                loads.extend(&h.type_);
                if let Some(n) = &h.name {
                    note(n, true, seen);
                }
            }
        }
        StmtKind::Return { value } => loads.extend(value),
        StmtKind::Raise { exc, cause } => {
            loads.extend(exc);
            loads.extend(cause);
        }
        StmtKind::Assert { test, msg } => {
            loads.push(test);
            loads.extend(msg);
        }
        StmtKind::While { test, .. } | StmtKind::If { test, .. } => loads.push(test),
        StmtKind::Expr { value } => loads.push(value),
        _ => {}
    }
    let mut stack: Vec<(&Expr, bool)> = stores.into_iter().map(|e| (e, true)).collect();
    stack.extend(loads.into_iter().map(|e| (e, false)));
    let mut kids = Vec::new();
    while let Some((e, assigned)) = stack.pop() {
        match &e.kind {
            ExprKind::Name { id } => note(id, assigned, seen),
            ExprKind::Lambda { .. }
            | ExprKind::ListComp { .. }
            | ExprKind::SetComp { .. }
            | ExprKind::DictComp { .. }
            | ExprKind::GeneratorExp { .. } => {}
            _ => {
                // In `a.b = 1` or `a[i] = 1`, `a` and `i` are used, not assigned.
                let still = assigned
                    && matches!(
                        e.kind,
                        ExprKind::Tuple { .. } | ExprKind::List { .. } | ExprKind::Starred { .. }
                    );
                children(&Node::E(e), &mut kids);
                for k in kids.drain(..) {
                    if let Node::E(k) = k {
                        stack.push((k, still));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parser::{parse, parse_with};

    fn messages(src: &str) -> Vec<String> {
        match parse(src) {
            Ok(_) => Vec::new(),
            Err(errs) => errs
                .into_iter()
                .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
                .collect(),
        }
    }

    #[test]
    fn supported_imports_pass() {
        for src in [
            "import threading, _thread, queue, asyncio, multiprocessing, network, time, random, sys, os, math",
            "import concurrent.futures\nimport concurrent.futures as cf",
            "from concurrent.futures import ThreadPoolExecutor, as_completed",
            "from concurrent import futures",
            "import urllib.request\nfrom urllib.request import urlopen, URLError\nfrom urllib import request",
            "from multiprocessing import Process, Queue",
            "def f():\n    import time\n    return time",
        ] {
            assert_eq!(messages(src), Vec::<String>::new(), "{src}");
        }
    }

    #[test]
    fn refusals_are_all_reported_in_order() {
        let got = messages(
            "import numpy\n@dec\ndef f():\n    yield 1\nclass C(A, B, metaclass=M):\n    pass\n",
        );
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(got[0].starts_with("1:8 import numpy"));
        assert!(got[1].starts_with("2:1 @dec: decorators are not supported yet"));
        assert!(got[2].starts_with("4:5 'yield' is not supported"));
        assert!(got[3].starts_with("5:12 class C(A, B): ThreadLab supports single inheritance"));
        // The keyword is reported too, at its own position.
        assert!(got[4].starts_with("5:15 class C(metaclass=...)"));
    }

    #[test]
    fn scope_rules() {
        assert!(messages("x = 1\nglobal x\n")[0].contains("assigned to before global declaration"));
        assert!(messages("def f():\n    x.y = 1\n    global x\n")[0]
            .contains("used prior to global declaration"));
        assert!(
            messages("def f():\n    global x\n    nonlocal x\n")[0].contains("nonlocal and global")
        );
        assert!(messages("def f():\n    def g():\n        x = 1\n    global x\n").is_empty());
        assert!(messages("for i in x:\n    class C:\n        break\n")[0]
            .contains("'break' outside a loop"));
        assert!(
            messages("while x:\n    try:\n        break\n    finally:\n        continue\n")
                .is_empty()
        );
        assert!(messages("class C:\n    return 1\n")[0].contains("'return' outside a function"));
        assert!(messages("async def f():\n    return [await g() for g in h]\n").is_empty());
        assert!(messages("def f():\n    async with l:\n        pass\n")[0]
            .contains("'async with' outside"));
    }

    #[test]
    fn prelude_may_import_anything_but_not_relatively() {
        let opts = ParseOptions {
            allow_yield: true,
            allow_any_import: true,
        };
        assert!(parse_with("import _threadlab_internal\nfrom json import dumps\n", opts).is_ok());
        assert!(parse_with("from . import x\n", opts).is_err());
        assert!(parse_with("from m import *\n", opts).is_err());
    }

    #[test]
    fn typo_suggestions() {
        assert_eq!(edit_distance("tme", "time"), 1);
        assert_eq!(edit_distance("threding", "threading"), 1);
        assert!(unsupported_import("tme").ends_with("(did you mean time?)"));
        assert!(unsupported_import("asynco").ends_with("(did you mean asyncio?)"));
        assert!(!unsupported_import("numpy").contains("did you mean"));
        assert!(!unsupported_import("re").contains("did you mean"));
    }

    #[test]
    fn depth_walk_is_iterative_and_bounded() {
        // A 90-deep list nest is fine; trees deeper than the limit are refused with a position.
        let ok = format!("x = {}1{}", "[".repeat(90), "]".repeat(90));
        assert!(parse(&ok).is_ok());
        let mut e = Expr::new(ExprKind::Name { id: "x".into() }, 1, 1, 1, 2);
        for _ in 0..(MAX_TREE_DEPTH + 5) {
            e = Expr::new(ExprKind::List { elts: vec![e] }, 1, 1, 1, 2);
        }
        let m = Module {
            body: vec![Stmt::new(StmtKind::Expr { value: e }, 3, 1, 3, 2)],
        };
        let err = depth_error(&m).expect("too deep");
        assert!(err.message.contains("nested too deeply"));
    }
}

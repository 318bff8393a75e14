//! A test harness for the values engineer's modules: an interpreter with a host that records output, and
//! a small evaluator of Python statements and expressions (parsed by the real parser) over the builtins,
//! so tables of expressions can be checked against what CPython 3.11 printed for them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::python::ast::{self, Constant, ExprKind, Operator, StmtKind};
use crate::python::bytecode::{BinOp, CmpOp, UnaryOp, CONV_ASCII, CONV_NONE, CONV_REPR, CONV_STR};
use crate::vm::value::{Flow, Slice, Value};
use crate::vm::{Config, Ctx, Interp};

pub(crate) use crate::vm::testing::TestHost;

/// Runs `f` with a fresh interpreter's context; returns its result and the printed output.
pub(crate) fn with_ctx<R>(f: impl FnOnce(&mut Ctx<'_>) -> R) -> (R, String) {
    let host = Arc::new(TestHost::default());
    let interp = Interp::new(host.clone(), Config::default());
    let mut thread = crate::vm::testing::main_thread();
    let mut ctx = Ctx {
        interp: &interp,
        thread: &mut thread,
    };
    let r = f(&mut ctx);
    let out = host.out.lock().unwrap_or_else(|e| e.into_inner()).clone();
    (r, out)
}

/// `Type: message` of a raised exception, as the table's expected results spell errors.
pub(crate) fn describe_error(ctx: &mut Ctx<'_>, flow: Flow) -> String {
    match flow {
        Flow::Raise(e) => {
            let name = match &e {
                Value::Instance(i) => i.class.name.to_string(),
                _ => "?".into(),
            };
            let msg = super::str(ctx, &e).unwrap_or_else(|_| "<str failed>".into());
            if msg.is_empty() {
                name
            } else {
                format!("{name}: {msg}")
            }
        }
        Flow::Block(_) => "<block>".into(),
    }
}

/// A small evaluator of the expression subset the tables use.
pub(crate) struct Eval {
    vars: HashMap<String, Value>,
}

impl Eval {
    pub(crate) fn new() -> Self {
        Eval {
            vars: HashMap::new(),
        }
    }

    /// Runs `source` (statements; the last may be an expression) and returns the last expression's value.
    pub(crate) fn run(&mut self, ctx: &mut Ctx<'_>, source: &str) -> Result<Value, Flow> {
        let module = match crate::python::parse(source) {
            Ok(m) => m,
            Err(e) => panic!("test source doesn't parse: {source:?}: {e:?}"),
        };
        let mut last = Value::None;
        for stmt in &module.body {
            last = Value::None;
            match &stmt.kind {
                StmtKind::Expr { value } => last = self.expr(ctx, value)?,
                StmtKind::Assign { targets, value } => {
                    let v = self.expr(ctx, value)?;
                    for t in targets {
                        self.assign(ctx, t, v.clone())?;
                    }
                }
                StmtKind::AugAssign { target, op, value } => {
                    let cur = self.expr(ctx, target)?;
                    let v = self.expr(ctx, value)?;
                    let r = super::inplace(ctx, binop(*op), &cur, &v)?;
                    self.assign(ctx, target, r)?;
                }
                StmtKind::Delete { targets } => {
                    for t in targets {
                        if let ExprKind::Subscript { value, slice } = &t.kind {
                            let obj = self.expr(ctx, value)?;
                            let key = self.expr(ctx, slice)?;
                            super::delitem(ctx, &obj, &key)?;
                        }
                    }
                }
                other => panic!("unsupported statement in test: {other:?}"),
            }
        }
        Ok(last)
    }

    fn assign(&mut self, ctx: &mut Ctx<'_>, target: &ast::Expr, v: Value) -> Result<(), Flow> {
        match &target.kind {
            ExprKind::Name { id } => {
                self.vars.insert(id.clone(), v);
            }
            ExprKind::Subscript { value, slice } => {
                let obj = self.expr(ctx, value)?;
                let key = self.expr(ctx, slice)?;
                super::setitem(ctx, &obj, &key, v)?;
            }
            ExprKind::Tuple { elts } | ExprKind::List { elts } => {
                let items = super::iterate(ctx, &v)?;
                for (t, x) in elts.iter().zip(items) {
                    self.assign(ctx, t, x)?;
                }
            }
            other => panic!("unsupported target in test: {other:?}"),
        }
        Ok(())
    }

    fn exprs(&mut self, ctx: &mut Ctx<'_>, es: &[ast::Expr]) -> Result<Vec<Value>, Flow> {
        let mut out = Vec::new();
        for e in es {
            if let ExprKind::Starred { value } = &e.kind {
                let v = self.expr(ctx, value)?;
                out.extend(super::iterate(ctx, &v)?);
            } else {
                out.push(self.expr(ctx, e)?);
            }
        }
        Ok(out)
    }

    fn opt(&mut self, ctx: &mut Ctx<'_>, e: &Option<Box<ast::Expr>>) -> Result<Value, Flow> {
        match e {
            None => Ok(Value::None),
            Some(e) => self.expr(ctx, e),
        }
    }

    pub(crate) fn expr(&mut self, ctx: &mut Ctx<'_>, e: &ast::Expr) -> Result<Value, Flow> {
        Ok(match &e.kind {
            ExprKind::Constant(c) => match c {
                Constant::None => Value::None,
                Constant::Bool(b) => Value::Bool(*b),
                Constant::Int(i) => Value::Int(*i),
                Constant::Float(f) => Value::Float(*f),
                Constant::Str(s) => Value::str(s),
                Constant::Ellipsis => Value::Ellipsis,
            },
            ExprKind::Name { id } => match self.vars.get(id) {
                Some(v) => v.clone(),
                None => match ctx.interp.builtins.get(id.as_str()) {
                    Some(v) => v.clone(),
                    None => {
                        return Err(ctx.raise(
                            crate::vm::types::ExcType::NameError,
                            &format!("name '{id}' is not defined"),
                        ))
                    }
                },
            },
            ExprKind::BinOp { left, op, right } => {
                let a = self.expr(ctx, left)?;
                let b = self.expr(ctx, right)?;
                super::binary(ctx, binop(*op), &a, &b)?
            }
            ExprKind::UnaryOp { op, operand } => {
                let a = self.expr(ctx, operand)?;
                let op = match op {
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::UAdd => UnaryOp::Pos,
                    ast::UnaryOp::USub => UnaryOp::Neg,
                };
                super::unary(ctx, op, &a)?
            }
            ExprKind::BoolOp { op, values } => {
                let mut v = Value::None;
                for x in values {
                    v = self.expr(ctx, x)?;
                    let t = super::truthy(ctx, &v)?;
                    if (*op == ast::BoolOp::And) != t {
                        break;
                    }
                }
                v
            }
            ExprKind::IfExp { test, body, orelse } => {
                let t = self.expr(ctx, test)?;
                if super::truthy(ctx, &t)? {
                    self.expr(ctx, body)?
                } else {
                    self.expr(ctx, orelse)?
                }
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                let mut a = self.expr(ctx, left)?;
                let mut r = Value::Bool(true);
                for (op, c) in ops.iter().zip(comparators) {
                    let b = self.expr(ctx, c)?;
                    r = super::compare(ctx, cmpop(*op), &a, &b)?;
                    if !super::truthy(ctx, &r)? {
                        break;
                    }
                    a = b;
                }
                r
            }
            ExprKind::List { elts } => Value::list(self.exprs(ctx, elts)?),
            ExprKind::Tuple { elts } => Value::tuple(self.exprs(ctx, elts)?),
            ExprKind::Set { elts } => {
                let mut items = indexmap::IndexSet::new();
                for v in self.exprs(ctx, elts)? {
                    items.insert(super::hash_key(ctx, &v)?);
                }
                super::new_set(items)
            }
            ExprKind::Dict { keys, values } => {
                let mut map = indexmap::IndexMap::new();
                for (k, v) in keys.iter().zip(values) {
                    let v = self.expr(ctx, v)?;
                    match k {
                        Some(k) => {
                            let k = self.expr(ctx, k)?;
                            map.insert(super::hash_key(ctx, &k)?, v);
                        }
                        None => {
                            for (k, x) in super::dict_pairs(ctx, &v)? {
                                map.insert(k, x);
                            }
                        }
                    }
                }
                super::new_dict(map)
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                let f = self.expr(ctx, func)?;
                let args = self.exprs(ctx, args)?;
                let mut kwargs = Vec::new();
                for k in keywords {
                    let v = self.expr(ctx, &k.value)?;
                    match &k.arg {
                        Some(name) => kwargs.push((Arc::from(name.as_str()), v)),
                        None => {
                            for (key, x) in super::dict_pairs(ctx, &v)? {
                                if let Value::Str(s) = key.0 {
                                    kwargs.push((s, x));
                                }
                            }
                        }
                    }
                }
                super::call_kw(ctx, &f, args, kwargs)?
            }
            ExprKind::Attribute { value, attr } => {
                let v = self.expr(ctx, value)?;
                super::getattr(ctx, &v, attr)?
            }
            ExprKind::Subscript { value, slice } => {
                let v = self.expr(ctx, value)?;
                let k = self.expr(ctx, slice)?;
                super::getitem(ctx, &v, &k)?
            }
            ExprKind::Slice { lower, upper, step } => Value::Slice(Arc::new(Slice {
                start: self.opt(ctx, lower)?,
                stop: self.opt(ctx, upper)?,
                step: self.opt(ctx, step)?,
            })),
            ExprKind::JoinedStr { values } => {
                let mut out = String::new();
                for v in values {
                    match &v.kind {
                        ExprKind::FormattedValue {
                            value,
                            conversion,
                            format_spec,
                        } => {
                            let x = self.expr(ctx, value)?;
                            let conv = match conversion {
                                Some('s') => CONV_STR,
                                Some('r') => CONV_REPR,
                                Some('a') => CONV_ASCII,
                                _ => CONV_NONE,
                            };
                            let spec = match format_spec {
                                Some(s) => match self.expr(ctx, s)? {
                                    Value::Str(s) => Some(s),
                                    _ => None,
                                },
                                None => None,
                            };
                            out.push_str(&crate::vm::format::format_value(
                                ctx,
                                &x,
                                conv,
                                spec.as_deref(),
                            )?);
                        }
                        _ => {
                            let x = self.expr(ctx, v)?;
                            out.push_str(&super::str(ctx, &x)?);
                        }
                    }
                }
                Value::str(&out)
            }
            ExprKind::ListComp { elt, generators } if generators.len() == 1 => {
                let g = &generators[0];
                let it = self.expr(ctx, &g.iter)?;
                let mut out = Vec::new();
                for x in super::iterate(ctx, &it)? {
                    self.assign(ctx, &g.target, x)?;
                    let mut keep = true;
                    for cond in &g.ifs {
                        let c = self.expr(ctx, cond)?;
                        keep &= super::truthy(ctx, &c)?;
                    }
                    if keep {
                        out.push(self.expr(ctx, elt)?);
                    }
                }
                Value::list(out)
            }
            other => panic!("unsupported expression in test: {other:?}"),
        })
    }
}

fn binop(op: Operator) -> BinOp {
    match op {
        Operator::Add => BinOp::Add,
        Operator::Sub => BinOp::Sub,
        Operator::Mult => BinOp::Mul,
        Operator::Div => BinOp::TrueDiv,
        Operator::FloorDiv => BinOp::FloorDiv,
        Operator::Mod => BinOp::Mod,
        Operator::Pow => BinOp::Pow,
        Operator::LShift => BinOp::LShift,
        Operator::RShift => BinOp::RShift,
        Operator::BitAnd => BinOp::And,
        Operator::BitOr => BinOp::Or,
        Operator::BitXor => BinOp::Xor,
        Operator::MatMult => panic!("@ in a test"),
    }
}

fn cmpop(op: ast::CmpOp) -> CmpOp {
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

/// Evaluates `source` and describes the result: the repr of the last expression, or `Type: message`.
pub(crate) fn eval_repr(source: &str) -> String {
    let (r, out) = with_ctx(|ctx| {
        let mut ev = Eval::new();
        match ev.run(ctx, source) {
            Ok(v) => super::repr(ctx, &v).unwrap_or_else(|e| describe_error(ctx, e)),
            Err(e) => describe_error(ctx, e),
        }
    });
    if out.is_empty() {
        r
    } else {
        format!("{out}{r}")
    }
}

/// Checks a table of `source ⇒ expected` lines recorded from CPython 3.11: the source is statements
/// separated by `;` whose last is an expression; the expected side is what it printed followed by
/// `repr()` of the value (or `Type: message` if it raised), newlines written `⏎`. Reports every
/// mismatch at once. To add cases, write source lines to a file and record them with:
///
/// ```text
/// import sys, io, contextlib
/// def run1(src):
///     *stmts, last = [s.strip() for s in src.split(';')]; env = {}
///     try:
///         for s in stmts: exec(s, env)
///         try: code = compile(last, '<t>', 'eval')
///         except SyntaxError: exec(last, env); return 'None'
///         v = eval(code, env)
///         if type(v) is int and not -2**63 <= v < 2**63:
///             return "OverflowError: integer overflow: ThreadLab's integers are 64-bit (at most 9223372036854775807)"
///         return repr(v)
///     except BaseException as e:
///         return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
/// for line in open(sys.argv[1]):
///     line = line.rstrip('\n')
///     if not line.strip() or line.startswith('#'): print(line); continue
///     buf = io.StringIO()
///     with contextlib.redirect_stdout(buf): r = run1(line)
///     print(line, '⇒', (buf.getvalue() + r).replace('\n', '⏎'))
/// ```
pub(crate) fn check_table(table: &str) {
    let mut failures = Vec::new();
    let mut count = 0;
    for line in table.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let Some((src, expected)) = line.split_once(" ⇒ ") else {
            panic!("bad table line: {line:?}");
        };
        count += 1;
        let got = eval_repr(src.trim());
        let expected = expected.replace('⏎', "\n");
        if got != expected {
            failures.push(format!(
                "{src}\n    expected: {expected}\n    got:      {got}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ from CPython:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn harness_evaluates() {
    assert_eq!(eval_repr("1 + 2"), "3");
    assert_eq!(eval_repr("x = [1, 2]; x += (3,); x"), "[1, 2, 3]");
    assert_eq!(eval_repr("1 / 0"), "ZeroDivisionError: division by zero");
}

#[test]
fn operators_match_cpython() {
    check_table(include_str!("tests/operators.txt"));
}

#[test]
fn reprs_match_cpython() {
    check_table(include_str!("tests/reprs.txt"));
}

/// Runs a whole program on the prediction runtime and compares its output with CPython's, line by line.
pub(crate) fn check_program(source: &str, expected: &str) {
    let outcome = crate::runtime::virtual_time::run(source, &Default::default());
    assert!(
        outcome.syntax_errors.is_empty(),
        "syntax errors: {:?}",
        outcome.syntax_errors
    );
    let got: Vec<&str> = outcome.stdout.lines().collect();
    let want: Vec<&str> = expected.lines().collect();
    let mut diffs = Vec::new();
    for i in 0..got.len().max(want.len()) {
        let (g, w) = (got.get(i).copied(), want.get(i).copied());
        if g != w {
            diffs.push(format!(
                "line {}:\n    expected: {}\n    got:      {}",
                i + 1,
                w.unwrap_or("<nothing>"),
                g.unwrap_or("<nothing>")
            ));
        }
    }
    assert!(
        diffs.is_empty() && outcome.exception.is_none(),
        "{} lines differ from CPython; exception: {:?}\n{}\nstderr:\n{}",
        diffs.len(),
        outcome.exception,
        diffs.join("\n"),
        outcome.stderr
    );
}

#[test]
fn a_program_of_values_prints_what_cpython_prints() {
    check_program(
        include_str!("tests/values.py"),
        include_str!("tests/values.out"),
    );
}

#[test]
fn a_program_of_classes_and_loops_prints_what_cpython_prints() {
    check_program(
        include_str!("tests/values2.py"),
        include_str!("tests/values2.out"),
    );
}

#[test]
fn map_filter_enumerate_zip_drive_generators_that_wait() {
    check_program(
        include_str!("tests/lazy.py"),
        include_str!("tests/lazy.out"),
    );
}

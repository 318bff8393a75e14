//! The parser: tokens → [`ast::Module`] by recursive descent over CPython 3.11's grammar, with recovery so
//! one run reports several errors, then the subset check.
//!
//! Error conventions (for whoever displays them):
//! - [`SyntaxError::message`] carries no position; `line`/`column` are 1-based and point at the offending
//!   token (the line is CPython 3.11's for the common errors).
//! - The messages of errors CPython raises as `IndentationError` or `TabError` start with CPython's own
//!   words (`unexpected indent`, `expected an indented block ...`, `unindent does not match ...`,
//!   `inconsistent use of tabs and spaces ...`); [`error_kind`] names the class for a traceback-style
//!   display.
//! - At most [`MAX_ERRORS`] errors, in source order, except that the first is the one CPython would
//!   report (a tokenizer error such as an unterminated string wins over an earlier parse error, and an
//!   unclosed bracket wins over the parse errors it caused on later lines).
//!
//! Guarantees to the compiler: `parse` never panics, never overflows the stack (brackets and blocks nest
//! at most [`lexer::MAX_NESTING`] deep, one statement holds at most [`MAX_CHAIN`] operators, and a tree it
//! returns is at most [`check::MAX_TREE_DEPTH`] levels deep), and a tree it returns contains no refused
//! construct (see `check.rs`).

use super::ast::*;
use super::check;
use super::lexer::{self, FStr, Kw, LexErrorKind, Op, Tok, Token};
use super::SyntaxError;

/// The most errors one parse reports.
pub const MAX_ERRORS: usize = 10;

/// The most operators chained in one statement (`a + b + ...`, `x.a.b...`, `- - x`): such chains are built
/// in loops, so this bounds the tree's depth where the recursion counter cannot.
pub const MAX_CHAIN: u32 = 1000;

/// The parser's recursion budget (brackets, blocks, nested conditionals and lambdas together).
const MAX_DEPTH: u32 = 200;

// Binding strength of the binary operators, loosest first (`not` is a prefix at its own level).
const PREC_OR: u8 = 1;
const PREC_AND: u8 = 2;
const PREC_NOT: u8 = 3;
const PREC_CMP: u8 = 4;
/// `|`; then `^`, `&`, shifts, `+ -`, `* / // % @` at +1 .. +5.
const PREC_BITOR: u8 = 5;

/// What the parser accepts beyond the user-code subset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Allow `yield` and `yield from` (ThreadLab's own prelude modules use generators).
    pub allow_yield: bool,
    /// Allow any `import` (the prelude imports internal modules).
    pub allow_any_import: bool,
}

/// Parses and checks a user's program: lexing, parsing and the subset check.
#[optimize(size)]
pub fn parse(source: &str) -> Result<Module, Vec<SyntaxError>> {
    parse_with(source, ParseOptions::default())
}

/// Parses and checks with `opts` (the prelude's modules allow generators and any import).
#[optimize(size)]
pub fn parse_with(source: &str, opts: ParseOptions) -> Result<Module, Vec<SyntaxError>> {
    let lexed = lexer::tokenize(source);
    let mut p = Parser::new(source, lexed.tokens, opts, 0);
    let body = p.module();
    let mut errors = p.errors;
    let (mut first, mut last) = (None, None);
    if let Some(le) = lexed.error {
        match le.kind {
            LexErrorKind::Tokenizer => first = Some(le.error),
            LexErrorKind::Indentation => errors.push(le.error),
            LexErrorKind::Unclosed { line } => {
                // CPython reports the bracket instead of a parse error whose parser had read past the
                // bracket's line; the parse errors found beyond that line are the bracket's consequences.
                if p.detected.first().is_none_or(|&d| d > line) {
                    errors.clear();
                    first = Some(le.error);
                } else {
                    let keep: Vec<bool> = p.detected.iter().map(|&d| d <= line).collect();
                    let mut it = keep.iter();
                    errors.retain(|_| *it.next().unwrap_or(&false));
                    last = Some(le.error);
                }
            }
        }
    }
    errors.extend(lexed.diagnostics);
    errors.sort_by_key(|e| (e.line, e.column));
    // CPython's tokenizer error (or the unclosed bracket) is the one it reports, so it comes first.
    if let Some(f) = first {
        errors.insert(0, f);
    }
    errors.extend(last);
    errors.dedup_by_key(|e| (e.line, e.column));
    let module = Module { body };
    if errors.is_empty() {
        // The check recurses over the tree (as the compiler will), so the depth is checked first.
        errors = match check::depth_error(&module) {
            Some(e) => vec![e],
            None => check::check(&module, source, &opts),
        };
    }
    if errors.is_empty() {
        Ok(module)
    } else {
        errors.truncate(MAX_ERRORS);
        Err(errors)
    }
}

/// The Python exception class CPython would raise for `error`: `"IndentationError"`, `"TabError"` or
/// `"SyntaxError"` (refusals of constructs outside the subset are `"SyntaxError"` too).
#[optimize(size)]
pub fn error_kind(error: &SyntaxError) -> &'static str {
    const INDENTATION: [&str; 5] = [
        "unexpected indent",
        "unexpected unindent",
        "unindent does not match",
        "expected an indented block",
        "too many levels of indentation",
    ];
    if error
        .message
        .starts_with("inconsistent use of tabs and spaces")
    {
        "TabError"
    } else if INDENTATION.iter().any(|p| error.message.starts_with(p)) {
        "IndentationError"
    } else {
        "SyntaxError"
    }
}

/// An error has been recorded (or parsing must stop); unwind to the statement loop.
#[derive(Debug)]
struct Fail;

type PResult<T> = Result<T, Fail>;

/// A 1-based (line, column).
type Pos = (u32, u32);

/// Where an assignment-like target appears, for its error messages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TargetCtx {
    Assign,
    AugAssign(Operator),
    AnnAssign,
    Del,
    For,
    With,
    Comprehension,
}

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    errors: Vec<SyntaxError>,
    /// For each of `errors`, the line of the token the parser was at when it found it (CPython compares
    /// that line with an unclosed bracket's).
    detected: Vec<u32>,
    /// Current recursion depth (see MAX_DEPTH).
    depth: u32,
    /// Operators built by loops in the current statement (see MAX_CHAIN).
    chain: u32,
    /// Reached the lexer's error token or the error cap: parse no further.
    stopped: bool,
    /// End of the last real token consumed (for spans).
    last_end: Pos,
    opts: ParseOptions,
}

#[optimize(size)]
fn describe_tok(src: &str, t: &Token) -> String {
    match &t.kind {
        Tok::Newline => "end of line".to_string(),
        Tok::Eof => "end of file".to_string(),
        Tok::Indent => "indent".to_string(),
        Tok::Dedent => "unindent".to_string(),
        Tok::Error => "error".to_string(),
        _ => {
            let text = src.get(t.start..t.end).unwrap_or("");
            let mut short: String = text.chars().take(30).collect();
            if short.len() < text.len() {
                short.push_str("...");
            }
            if short.contains('\n') {
                short = short.lines().next().unwrap_or("").to_string() + "...";
            }
            format!("'{short}'")
        }
    }
}

/// What a non-target expression is, for "cannot assign to ..." messages.
#[optimize(size)]
fn describe_expr(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Call { .. } => "a function call",
        ExprKind::Constant(Constant::None) => "None",
        ExprKind::Constant(Constant::Bool(true)) => "True",
        ExprKind::Constant(Constant::Bool(false)) => "False",
        ExprKind::Constant(Constant::Ellipsis) => "an ellipsis (...)",
        ExprKind::Constant(_) | ExprKind::JoinedStr { .. } => "a literal",
        ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } | ExprKind::BoolOp { .. } => {
            "an expression"
        }
        ExprKind::Compare { .. } => "a comparison",
        ExprKind::Lambda { .. } => "a lambda",
        ExprKind::IfExp { .. } => "a conditional expression",
        ExprKind::Dict { .. } => "a dict literal",
        ExprKind::Set { .. } => "a set literal",
        ExprKind::ListComp { .. } => "a list comprehension",
        ExprKind::SetComp { .. } => "a set comprehension",
        ExprKind::DictComp { .. } => "a dict comprehension",
        ExprKind::GeneratorExp { .. } => "a generator expression",
        ExprKind::Await { .. } => "an await expression",
        ExprKind::Yield { .. } | ExprKind::YieldFrom { .. } => "a yield expression",
        ExprKind::NamedExpr { .. } => "a named expression",
        ExprKind::Starred { .. } => "a starred expression",
        ExprKind::Tuple { .. } => "a tuple",
        ExprKind::List { .. } => "a list",
        ExprKind::Slice { .. } => "a slice",
        ExprKind::FormattedValue { .. } => "an f-string field",
        ExprKind::Name { .. } => "a name",
        ExprKind::Attribute { .. } => "an attribute",
        ExprKind::Subscript { .. } => "a subscript",
    }
}

impl<'s> Parser<'s> {
    #[optimize(size)]
    fn new(src: &'s str, toks: Vec<Token>, opts: ParseOptions, depth: u32) -> Parser<'s> {
        Parser {
            src,
            toks,
            pos: 0,
            errors: Vec::new(),
            detected: Vec::new(),
            depth,
            chain: 0,
            stopped: false,
            last_end: (1, 1),
            opts,
        }
    }

    // ----- token access -----

    #[optimize(size)]
    fn tok(&self) -> &Token {
        // The lexer always ends the list with Eof or Error, and the parser never moves past it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    #[optimize(size)]
    fn kind(&self) -> &Tok {
        &self.tok().kind
    }

    #[optimize(size)]
    fn peek_kind(&self, ahead: usize) -> &Tok {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)].kind
    }

    #[optimize(size)]
    fn here(&self) -> Pos {
        let t = self.tok();
        (t.line, t.col)
    }

    #[optimize(size)]
    fn bump(&mut self) {
        let t = self.tok();
        match t.kind {
            Tok::Eof | Tok::Error => return,
            Tok::Newline | Tok::Indent | Tok::Dedent => {}
            _ => self.last_end = (t.end_line, t.end_col),
        }
        self.pos += 1;
    }

    #[optimize(size)]
    fn at_op(&self, op: Op) -> bool {
        matches!(self.kind(), Tok::Op(o) if *o == op)
    }

    #[optimize(size)]
    fn at_kw(&self, kw: Kw) -> bool {
        matches!(self.kind(), Tok::Kw(k) if *k == kw)
    }

    #[optimize(size)]
    fn eat_op(&mut self, op: Op) -> bool {
        let at = self.at_op(op);
        if at {
            self.bump();
        }
        at
    }

    #[optimize(size)]
    fn eat_kw(&mut self, kw: Kw) -> bool {
        let at = self.at_kw(kw);
        if at {
            self.bump();
        }
        at
    }

    #[optimize(size)]
    fn at_line_end(&self) -> bool {
        matches!(self.kind(), Tok::Newline | Tok::Eof | Tok::Error) || self.at_op(Op::Semi)
    }

    /// Whether the current token can start an expression.
    #[optimize(size)]
    fn starts_expr(&self) -> bool {
        match self.kind() {
            Tok::Name(_) | Tok::Int(_) | Tok::Float(_) | Tok::Str(_) | Tok::FStr(_) => true,
            Tok::Kw(k) => matches!(
                k,
                Kw::None | Kw::True | Kw::False | Kw::Not | Kw::Lambda | Kw::Await | Kw::Yield
            ),
            Tok::Op(o) => matches!(
                o,
                Op::LPar
                    | Op::LSqb
                    | Op::LBrace
                    | Op::Minus
                    | Op::Plus
                    | Op::Tilde
                    | Op::Ellipsis
                    | Op::Star
            ),
            _ => false,
        }
    }

    #[optimize(size)]
    fn describe_current(&self) -> String {
        describe_tok(self.src, self.tok())
    }

    // ----- errors -----

    #[optimize(size)]
    fn record(&mut self, pos: Pos, message: String) {
        if self.stopped {
            return;
        }
        self.errors.push(SyntaxError {
            line: pos.0,
            column: pos.1,
            message,
        });
        let at = self.tok().line;
        self.detected.push(at);
        if self.errors.len() >= MAX_ERRORS {
            self.stopped = true;
        }
    }

    /// Records an error at `pos`.
    #[optimize(size)]
    fn error_at(&mut self, pos: Pos, message: impl Into<String>) -> Fail {
        self.record(pos, message.into());
        Fail
    }

    /// Records an error at the current token, unless it is the lexer's error token (whose own error the
    /// caller of the parser reports).
    #[optimize(size)]
    fn error_here(&mut self, message: impl Into<String>) -> Fail {
        if matches!(self.kind(), Tok::Error) {
            self.stopped = true;
            return Fail;
        }
        let pos = self.here();
        self.error_at(pos, message)
    }

    /// "invalid syntax: unexpected X", with CPython's wording for an indent.
    #[optimize(size)]
    fn unexpected(&mut self) -> Fail {
        let msg = match self.kind() {
            Tok::Indent => "unexpected indent".to_string(),
            Tok::Unknown('!') => {
                "invalid syntax: '!' is not an operator on its own (use 'not', or '!=' to compare)"
                    .into()
            }
            Tok::Unknown(c) => format!("invalid syntax: unexpected character '{c}'"),
            Tok::Newline => "invalid syntax: the line ends too early".to_string(),
            Tok::Eof => "invalid syntax: unexpected end of file".to_string(),
            _ => format!("invalid syntax: unexpected {}", self.describe_current()),
        };
        self.error_here(msg)
    }

    #[optimize(size)]
    fn expect_op(&mut self, op: Op, message: &str) -> PResult<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.error_here(message))
        }
    }

    /// Goes one recursion level deeper, refusing to go past MAX_DEPTH; the caller decrements `depth`
    /// when it returns (a closure-taking helper would add a stack frame per level).
    #[optimize(size)]
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            self.error_here(format!(
                "this is nested too deeply: ThreadLab allows {MAX_DEPTH} levels of brackets, blocks and \
                 expressions inside one another"
            ));
            self.stopped = true;
            return Err(Fail);
        }
        self.depth += 1;
        Ok(())
    }

    /// Counts one operator built in a loop (see MAX_CHAIN).
    #[optimize(size)]
    fn chained(&mut self, pos: Pos) -> PResult<()> {
        self.chain += 1;
        if self.chain > MAX_CHAIN {
            return Err(self.error_at(
                pos,
                format!(
                    "this statement is too long: it has more than {MAX_CHAIN} operators (split it into \
                     several statements)"
                ),
            ));
        }
        Ok(())
    }

    // ----- node construction -----

    #[optimize(size)]
    fn expr(&self, kind: ExprKind, start: Pos) -> Expr {
        Expr::new(kind, start.0, start.1, self.last_end.0, self.last_end.1)
    }

    #[optimize(size)]
    fn stmt(&self, kind: StmtKind, start: Pos) -> Stmt {
        Stmt::new(kind, start.0, start.1, self.last_end.0, self.last_end.1)
    }

    #[optimize(size)]
    fn name(&mut self, what: &str) -> PResult<(String, Pos)> {
        if let Tok::Name(n) = self.kind() {
            let n = n.clone();
            let pos = self.here();
            self.bump();
            return Ok((n, pos));
        }
        let msg = if let Tok::Kw(k) = self.kind() {
            format!(
                "expected {what}, but '{}' is a keyword and cannot be used as a name",
                k.as_str()
            )
        } else {
            format!("expected {what}, found {}", self.describe_current())
        };
        Err(self.error_here(msg))
    }

    // ----- statements -----

    #[optimize(size)]
    fn module(&mut self) -> Vec<Stmt> {
        let mut body = Vec::new();
        while !self.stopped {
            match self.kind() {
                Tok::Eof => break,
                Tok::Error => {
                    self.stopped = true;
                    break;
                }
                Tok::Newline | Tok::Dedent => self.bump(),
                Tok::Indent => self.unexpected_indent(),
                _ => self.statement_or_recover(&mut body),
            }
        }
        body
    }

    /// An indented line where none was expected: report it, then parse the block (for its own errors).
    #[optimize(size)]
    fn unexpected_indent(&mut self) {
        self.bump();
        let pos = self.here();
        self.error_at(
            pos,
            "unexpected indent: this line is indented more than the block it is in",
        );
        let _ = self.block_body();
    }

    /// The statements of an indented block, after its INDENT, through its DEDENT.
    #[optimize(size)]
    fn block_body(&mut self) -> Vec<Stmt> {
        let mut body = Vec::new();
        while !self.stopped {
            match self.kind() {
                Tok::Dedent => {
                    self.bump();
                    break;
                }
                Tok::Eof => break,
                Tok::Error => {
                    self.stopped = true;
                    break;
                }
                Tok::Newline => self.bump(),
                Tok::Indent => self.unexpected_indent(),
                _ => self.statement_or_recover(&mut body),
            }
        }
        body
    }

    #[optimize(size)]
    fn statement_or_recover(&mut self, body: &mut Vec<Stmt>) {
        self.chain = 0;
        if self.statement(body).is_err() {
            self.recover();
        }
    }

    /// After an error: skip the rest of the logical line and any block indented under it (and the
    /// `elif`/`else`/`except`/`finally` clauses that continue a failed compound statement), so parsing
    /// resumes at the next line at the same or a lower indentation.
    #[optimize(size)]
    fn recover(&mut self) {
        loop {
            if self.stopped {
                return;
            }
            loop {
                match self.kind() {
                    Tok::Newline => {
                        self.bump();
                        break;
                    }
                    Tok::Eof | Tok::Error => return,
                    _ => self.pos += 1,
                }
            }
            while matches!(self.kind(), Tok::Indent) {
                let mut level = 0usize;
                loop {
                    match self.kind() {
                        Tok::Indent => level += 1,
                        Tok::Dedent => {
                            level -= 1;
                            if level == 0 {
                                self.pos += 1;
                                break;
                            }
                        }
                        Tok::Eof | Tok::Error => return,
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            if !matches!(
                self.kind(),
                Tok::Kw(Kw::Elif | Kw::Else | Kw::Except | Kw::Finally)
            ) {
                return;
            }
        }
    }

    #[optimize(size)]
    fn statement(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.here();
        let stmt = match self.kind() {
            Tok::Kw(Kw::If) => self.if_stmt(start)?,
            Tok::Kw(Kw::While) => self.while_stmt(start)?,
            Tok::Kw(Kw::For) => self.for_stmt(start, false)?,
            Tok::Kw(Kw::Try) => self.try_stmt(start)?,
            Tok::Kw(Kw::With) => self.with_stmt(start, false)?,
            Tok::Kw(Kw::Def) => self.funcdef(start, Vec::new(), false)?,
            Tok::Kw(Kw::Class) => self.classdef(start, Vec::new())?,
            Tok::Kw(Kw::Async) => self.async_stmt(start, Vec::new())?,
            Tok::Op(Op::At) => self.decorated()?,
            Tok::Name(n) if n == "match" && self.looks_like_match() => {
                return Err(self.error_here(
                    "'match' statements are not supported: ThreadLab's subset has if/elif/else for that",
                ));
            }
            _ => return self.simple_stmts(out),
        };
        out.push(stmt);
        Ok(())
    }

    /// `match x:` followed by an indented block (a call `match(x)` does not end with a colon).
    #[optimize(size)]
    fn looks_like_match(&self) -> bool {
        if !matches!(
            self.peek_kind(1),
            Tok::Name(_)
                | Tok::Int(_)
                | Tok::Float(_)
                | Tok::Str(_)
                | Tok::FStr(_)
                | Tok::Op(Op::LPar | Op::LSqb | Op::LBrace | Op::Minus)
        ) {
            return false;
        }
        let mut i = self.pos;
        while i + 1 < self.toks.len() {
            if matches!(self.toks[i + 1].kind, Tok::Newline) {
                return matches!(self.toks[i].kind, Tok::Op(Op::Colon))
                    && matches!(self.toks.get(i + 2).map(|t| &t.kind), Some(Tok::Indent));
            }
            if matches!(self.toks[i + 1].kind, Tok::Eof | Tok::Error) {
                return false;
            }
            i += 1;
        }
        false
    }

    #[optimize(size)]
    fn simple_stmts(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        loop {
            let s = self.simple_stmt()?;
            out.push(s);
            if self.eat_op(Op::Semi) {
                if matches!(self.kind(), Tok::Newline | Tok::Eof) {
                    break;
                }
                continue;
            }
            break;
        }
        match self.kind() {
            Tok::Newline => {
                self.bump();
                Ok(())
            }
            Tok::Eof => Ok(()),
            _ => Err(self.unexpected()),
        }
    }

    #[optimize(size)]
    fn simple_stmt(&mut self) -> PResult<Stmt> {
        let start = self.here();
        let kind = match self.kind().clone() {
            Tok::Kw(Kw::Pass) => {
                self.bump();
                StmtKind::Pass
            }
            Tok::Kw(Kw::Break) => {
                self.bump();
                StmtKind::Break
            }
            Tok::Kw(Kw::Continue) => {
                self.bump();
                StmtKind::Continue
            }
            Tok::Kw(Kw::Return) => {
                self.bump();
                let value = if self.at_line_end() {
                    None
                } else {
                    Some(self.star_expressions()?)
                };
                StmtKind::Return { value }
            }
            Tok::Kw(Kw::Raise) => {
                self.bump();
                let (mut exc, mut cause) = (None, None);
                if !self.at_line_end() {
                    exc = Some(self.expression()?);
                    if self.eat_kw(Kw::From) {
                        cause = Some(self.expression()?);
                    }
                }
                StmtKind::Raise { exc, cause }
            }
            Tok::Kw(k @ (Kw::Global | Kw::Nonlocal)) => {
                self.bump();
                let mut names = Vec::new();
                loop {
                    names.push(self.name(&format!("a name after '{}'", k.as_str()))?.0);
                    if !self.eat_op(Op::Comma) {
                        break;
                    }
                }
                if k == Kw::Global {
                    StmtKind::Global { names }
                } else {
                    StmtKind::Nonlocal { names }
                }
            }
            Tok::Kw(Kw::Del) => {
                self.bump();
                let mut targets = Vec::new();
                loop {
                    let t = self.bitwise_or()?;
                    self.check_target(&t, TargetCtx::Del)?;
                    targets.push(t);
                    if !self.eat_op(Op::Comma) || self.at_line_end() {
                        break;
                    }
                }
                StmtKind::Delete { targets }
            }
            Tok::Kw(Kw::Assert) => {
                self.bump();
                let test = self.expression()?;
                let msg = if self.eat_op(Op::Comma) {
                    Some(self.expression()?)
                } else {
                    None
                };
                StmtKind::Assert { test, msg }
            }
            Tok::Kw(Kw::Import) => {
                self.bump();
                let mut names = Vec::new();
                loop {
                    let (name, pos) = self.dotted_name("a module name after 'import'")?;
                    let asname = self.as_name()?;
                    names.push(Alias {
                        name,
                        asname,
                        line: pos.0,
                        col: pos.1,
                    });
                    if !self.eat_op(Op::Comma) {
                        break;
                    }
                }
                StmtKind::Import { names }
            }
            Tok::Kw(Kw::From) => self.import_from()?,
            Tok::Kw(k @ (Kw::Elif | Kw::Else)) => {
                let msg = if k == Kw::Elif {
                    "invalid syntax: 'elif' must follow an 'if' block at the same indentation"
                } else {
                    "invalid syntax: 'else' must follow an if, for, while or try block at the same \
                     indentation"
                };
                return Err(self.error_here(msg));
            }
            Tok::Kw(k @ (Kw::Except | Kw::Finally)) => {
                return Err(self.error_here(format!(
                    "invalid syntax: '{}' must follow a 'try' block at the same indentation",
                    k.as_str()
                )));
            }
            Tok::Kw(
                k @ (Kw::If
                | Kw::While
                | Kw::For
                | Kw::Try
                | Kw::With
                | Kw::Def
                | Kw::Class
                | Kw::Async),
            ) => {
                return Err(self.error_here(format!(
                    "invalid syntax: '{}' cannot follow ':' on the same line; put it on its own indented \
                     line",
                    k.as_str()
                )));
            }
            _ => return self.expr_stmt(start),
        };
        Ok(self.stmt(kind, start))
    }

    #[optimize(size)]
    fn dotted_name(&mut self, what: &str) -> PResult<(String, Pos)> {
        let (mut name, pos) = self.name(what)?;
        while self.eat_op(Op::Dot) {
            name.push('.');
            name.push_str(&self.name("a name after '.'")?.0);
        }
        Ok((name, pos))
    }

    #[optimize(size)]
    fn as_name(&mut self) -> PResult<Option<String>> {
        if self.eat_kw(Kw::As) {
            Ok(Some(self.name("a name after 'as'")?.0))
        } else {
            Ok(None)
        }
    }

    #[optimize(size)]
    fn import_from(&mut self) -> PResult<StmtKind> {
        self.bump(); // from
        let mut level = 0u32;
        loop {
            if self.eat_op(Op::Dot) {
                level += 1;
            } else if self.eat_op(Op::Ellipsis) {
                level += 3;
            } else {
                break;
            }
        }
        let module = if level > 0 && self.at_kw(Kw::Import) {
            None
        } else {
            Some(self.dotted_name("a module name after 'from'")?.0)
        };
        if !self.eat_kw(Kw::Import) {
            return Err(self.error_here(format!(
                "expected 'import' after 'from {}'",
                module.as_deref().unwrap_or(".")
            )));
        }
        let mut names = Vec::new();
        if self.at_op(Op::Star) {
            let pos = self.here();
            self.bump();
            names.push(Alias {
                name: "*".to_string(),
                asname: None,
                line: pos.0,
                col: pos.1,
            });
        } else {
            let paren = self.eat_op(Op::LPar);
            loop {
                let (name, pos) = self.name("a name to import")?;
                let asname = self.as_name()?;
                names.push(Alias {
                    name,
                    asname,
                    line: pos.0,
                    col: pos.1,
                });
                if !self.eat_op(Op::Comma) {
                    break;
                }
                if paren && self.at_op(Op::RPar) {
                    break;
                }
                if !paren && self.at_line_end() {
                    return Err(self
                        .error_here("trailing comma not allowed without surrounding parentheses"));
                }
            }
            if paren {
                self.expect_op(Op::RPar, "expected ')' to close the list of imported names")?;
            }
        }
        Ok(StmtKind::ImportFrom {
            module,
            names,
            level,
        })
    }

    #[optimize(size)]
    fn expr_stmt(&mut self, start: Pos) -> PResult<Stmt> {
        let starts_with_paren = matches!(self.kind(), Tok::Op(Op::LPar));
        let first = if self.at_kw(Kw::Yield) {
            self.yield_expr()?
        } else {
            self.star_expressions()?
        };
        if self.at_op(Op::Equal) {
            let mut targets = vec![first];
            let value;
            loop {
                self.bump(); // =
                let v = if self.at_kw(Kw::Yield) {
                    self.yield_expr()?
                } else {
                    self.star_expressions()?
                };
                if !self.at_op(Op::Equal) {
                    value = v;
                    break;
                }
                targets.push(v);
            }
            for t in &targets {
                self.check_target(t, TargetCtx::Assign)?;
            }
            return Ok(self.stmt(StmtKind::Assign { targets, value }, start));
        }
        if let Tok::Op(op) = self.kind() {
            if let Some(op) = aug_op(*op) {
                self.check_target(&first, TargetCtx::AugAssign(op))?;
                self.bump();
                let value = if self.at_kw(Kw::Yield) {
                    self.yield_expr()?
                } else {
                    self.star_expressions()?
                };
                return Ok(self.stmt(
                    StmtKind::AugAssign {
                        target: first,
                        op,
                        value,
                    },
                    start,
                ));
            }
        }
        if self.at_op(Op::Colon) {
            if matches!(first.kind, ExprKind::Tuple { .. }) {
                return Err(self.error_at(
                    (first.line, first.col),
                    "only a single target (not a tuple) can be annotated",
                ));
            }
            self.check_target(&first, TargetCtx::AnnAssign)?;
            self.bump();
            let annotation = self.expression()?;
            let value = if self.eat_op(Op::Equal) {
                Some(if self.at_kw(Kw::Yield) {
                    self.yield_expr()?
                } else {
                    self.star_expressions()?
                })
            } else {
                None
            };
            let simple = matches!(first.kind, ExprKind::Name { .. }) && !starts_with_paren;
            return Ok(self.stmt(
                StmtKind::AnnAssign {
                    target: first,
                    annotation,
                    value,
                    simple,
                },
                start,
            ));
        }
        if let ExprKind::Name { id } = &first.kind {
            if id == "print" && !self.at_line_end() && self.starts_expr() && !self.at_op(Op::Star) {
                let rest = self.rest_of_line();
                return Err(self.error_at(
                    start,
                    format!("print is a function in Python 3: write print({rest})"),
                ));
            }
        }
        if !self.at_line_end() && self.at_op(Op::ColonEqual) {
            return Err(self.error_here(format!(
                "cannot use ':=' with {}: the walrus operator needs a plain name on its left",
                describe_expr(&first)
            )));
        }
        Ok(self.stmt(StmtKind::Expr { value: first }, start))
    }

    /// Just after the last non-blank character of the source (comments included): where CPython reports
    /// an error found at the end of the file.
    #[optimize(size)]
    fn last_content_pos(&self) -> Pos {
        let trimmed = self.src.trim_end();
        let line = trimmed.matches('\n').count() as u32 + 1;
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let col = trimmed[line_start..].chars().count() as u32 + 1;
        (line, col)
    }

    /// The source text from the current token to the end of the logical line (for the print hint).
    #[optimize(size)]
    fn rest_of_line(&self) -> String {
        let from = self.tok().start;
        let mut i = self.pos;
        while i + 1 < self.toks.len()
            && !matches!(self.toks[i + 1].kind, Tok::Newline | Tok::Eof | Tok::Error)
        {
            i += 1;
        }
        let to = self.toks[i].end.max(from);
        self.src.get(from..to).unwrap_or("...").to_string()
    }

    /// Checks that `e` can be assigned to (or deleted) in `ctx`, with CPython's rules and plain messages.
    #[optimize(size)]
    fn check_target(&mut self, e: &Expr, ctx: TargetCtx) -> PResult<()> {
        match &e.kind {
            ExprKind::Name { .. } | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {
                Ok(())
            }
            ExprKind::Tuple { elts } | ExprKind::List { elts }
                if !matches!(ctx, TargetCtx::AugAssign(_) | TargetCtx::AnnAssign) =>
            {
                let mut stars = 0;
                for elt in elts {
                    if let ExprKind::Starred { value } = &elt.kind {
                        if ctx == TargetCtx::Del {
                            return Err(self.error_at(
                                (elt.line, elt.col),
                                "cannot delete a starred expression",
                            ));
                        }
                        stars += 1;
                        if stars > 1 {
                            return Err(self.error_at(
                                (e.line, e.col),
                                "multiple starred expressions in assignment",
                            ));
                        }
                        self.check_target(value, ctx)?;
                    } else {
                        self.check_target(elt, ctx)?;
                    }
                }
                Ok(())
            }
            ExprKind::Starred { .. }
                if ctx != TargetCtx::Del && !matches!(ctx, TargetCtx::AugAssign(_)) =>
            {
                Err(self.error_at(
                    (e.line, e.col),
                    "a starred assignment target must be in a list or tuple (write a, *rest = ...)",
                ))
            }
            _ => {
                let what = describe_expr(e);
                let msg = match ctx {
                    TargetCtx::Del => format!("cannot delete {what}"),
                    TargetCtx::AugAssign(op) => format!(
                        "cannot use {what} as the target of '{}=': it needs a name, attribute or subscript",
                        op.symbol()
                    ),
                    TargetCtx::AnnAssign => format!("cannot annotate {what}"),
                    TargetCtx::Assign if matches!(e.kind, ExprKind::Compare { .. }) => {
                        format!("cannot assign to {what} (to compare, use '==' instead of '=')")
                    }
                    TargetCtx::Assign | TargetCtx::With => format!("cannot assign to {what}"),
                    TargetCtx::For | TargetCtx::Comprehension => {
                        format!("cannot assign to {what}: the loop variable must be a name")
                    }
                };
                Err(self.error_at((e.line, e.col), msg))
            }
        }
    }

    // ----- compound statements -----

    /// `':' block` after a compound statement's header; `what` names the statement for messages.
    #[optimize(size)]
    fn colon_block(&mut self, what: &str, header: Pos, colon_msg: &str) -> PResult<Vec<Stmt>> {
        if !self.eat_op(Op::Colon) {
            return Err(self.error_here(colon_msg));
        }
        self.block(what, header)
    }

    #[optimize(size)]
    fn block(&mut self, what: &str, header: Pos) -> PResult<Vec<Stmt>> {
        if matches!(self.kind(), Tok::Newline) {
            self.bump();
            if matches!(self.kind(), Tok::Indent) {
                self.bump();
                self.enter()?;
                let body = self.block_body();
                self.depth -= 1;
                return Ok(body);
            }
            // Reported, but parsing goes on with the next line as the following statement.
            let msg = format!(
                "expected an indented block after {what} on line {}",
                header.0
            );
            if matches!(self.kind(), Tok::Eof) {
                let pos = self.last_content_pos();
                self.error_at(pos, msg);
            } else {
                self.error_here(msg);
            }
            return Ok(Vec::new());
        }
        if matches!(self.kind(), Tok::Eof) {
            let msg = format!(
                "expected an indented block after {what} on line {}",
                header.0
            );
            return Err(self.error_here(msg));
        }
        let mut body = Vec::new();
        self.simple_stmts(&mut body)?;
        Ok(body)
    }

    #[optimize(size)]
    fn if_stmt(&mut self, start: Pos) -> PResult<Stmt> {
        // Each `elif` nests one level deeper in the tree (it is an If inside the previous orelse), so it
        // spends the recursion budget like a block does; the budget is given back here.
        let saved = self.depth;
        let r = self.if_chain(start);
        self.depth = saved;
        r
    }

    #[optimize(size)]
    fn if_chain(&mut self, start: Pos) -> PResult<Stmt> {
        // `if/elif/elif/...` is parsed in a loop and folded, so a long chain does not recurse.
        let mut clauses: Vec<(Expr, Vec<Stmt>, Pos)> = Vec::new();
        let mut clause_start = start;
        let mut keyword = "if";
        loop {
            self.bump(); // if / elif
            let test = self.named_expression()?;
            let colon_msg = if self.at_op(Op::Equal) {
                "expected ':' after the condition (to compare, use '==' instead of '=')".to_string()
            } else {
                format!("expected ':' after the {keyword} condition")
            };
            let clause_what = format!("'{keyword}' statement");
            let body = self.colon_block(&clause_what, clause_start, &colon_msg)?;
            clauses.push((test, body, clause_start));
            if self.at_kw(Kw::Elif) {
                clause_start = self.here();
                keyword = "elif";
                self.enter()?;
                continue;
            }
            break;
        }
        let mut orelse = Vec::new();
        if self.at_kw(Kw::Else) {
            orelse = self.else_block()?;
        }
        let end = self.last_end;
        let mut result: Option<Stmt> = None;
        while let Some((test, body, pos)) = clauses.pop() {
            let orelse = match result.take() {
                Some(s) => vec![s],
                None => std::mem::take(&mut orelse),
            };
            result = Some(Stmt::new(
                StmtKind::If { test, body, orelse },
                pos.0,
                pos.1,
                end.0,
                end.1,
            ));
        }
        result.ok_or(Fail)
    }

    #[optimize(size)]
    fn else_block(&mut self) -> PResult<Vec<Stmt>> {
        let pos = self.here();
        self.bump(); // else
        let msg = if self.at_kw(Kw::If) {
            "expected ':' after 'else' (for another condition, write 'elif')"
        } else {
            "expected ':' after 'else'"
        };
        self.colon_block("'else' statement", pos, msg)
    }

    #[optimize(size)]
    fn while_stmt(&mut self, start: Pos) -> PResult<Stmt> {
        self.bump();
        let test = self.named_expression()?;
        let msg = if self.at_op(Op::Equal) {
            "expected ':' after the condition (to compare, use '==' instead of '=')"
        } else {
            "expected ':' after the while condition"
        };
        let body = self.colon_block("'while' statement", start, msg)?;
        let orelse = if self.at_kw(Kw::Else) {
            self.else_block()?
        } else {
            Vec::new()
        };
        Ok(self.stmt(StmtKind::While { test, body, orelse }, start))
    }

    #[optimize(size)]
    fn for_stmt(&mut self, start: Pos, is_async: bool) -> PResult<Stmt> {
        self.bump(); // for
        let target = self.star_targets()?;
        self.check_target(&target, TargetCtx::For)?;
        if !self.eat_kw(Kw::In) {
            return Err(self.error_here("expected 'in' after the for-loop variable"));
        }
        let iter = self.star_expressions()?;
        let body = self.colon_block(
            "'for' statement",
            start,
            "expected ':' at the end of the for line",
        )?;
        let orelse = if self.at_kw(Kw::Else) {
            self.else_block()?
        } else {
            Vec::new()
        };
        Ok(self.stmt(
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            },
            start,
        ))
    }

    #[optimize(size)]
    fn try_stmt(&mut self, start: Pos) -> PResult<Stmt> {
        self.bump();
        let body = self.colon_block("'try' statement", start, "expected ':' after 'try'")?;
        let mut handlers: Vec<ExceptHandler> = Vec::new();
        let mut bare_at: Option<Pos> = None;
        while self.at_kw(Kw::Except) {
            let pos = self.here();
            if let Some(bare) = bare_at {
                return Err(self.error_at(bare, "default 'except:' must be last"));
            }
            self.bump();
            if self.at_op(Op::Star) {
                return Err(self.error_here(
                    "'except*' (exception groups) is not supported: ThreadLab's subset has plain 'except'",
                ));
            }
            let mut type_ = None;
            let mut name = None;
            if !self.at_op(Op::Colon) {
                let t = self.expression()?;
                if self.at_op(Op::Comma) {
                    return Err(self.error_at(
                        (t.line, t.col),
                        "multiple exception types must be parenthesized: except (A, B):",
                    ));
                }
                type_ = Some(t);
                if self.eat_kw(Kw::As) {
                    name = Some(self.name("a name after 'as'")?.0);
                }
            } else {
                bare_at = Some(pos);
            }
            let body = self.colon_block(
                "'except' statement",
                pos,
                "expected ':' at the end of the except line",
            )?;
            handlers.push(ExceptHandler {
                type_,
                name,
                body,
                line: pos.0,
                col: pos.1,
            });
        }
        let mut orelse = Vec::new();
        if self.at_kw(Kw::Else) {
            if handlers.is_empty() {
                return Err(
                    self.error_here("a try's 'else' block needs an 'except' block before it")
                );
            }
            orelse = self.else_block()?;
        }
        let mut finalbody = Vec::new();
        if self.at_kw(Kw::Finally) {
            let pos = self.here();
            self.bump();
            finalbody =
                self.colon_block("'finally' statement", pos, "expected ':' after 'finally'")?;
        } else if handlers.is_empty() {
            return Err(self.error_here("expected 'except' or 'finally' block after the try block"));
        }
        Ok(self.stmt(
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            },
            start,
        ))
    }

    #[optimize(size)]
    fn with_stmt(&mut self, start: Pos, is_async: bool) -> PResult<Stmt> {
        self.bump(); // with
        let mut items = None;
        if self.at_op(Op::LPar) {
            // `with (a as b, c):` — try the parenthesized item list first, as CPython does; fall back to
            // reading `(...)` as an expression.
            let saved = (
                self.pos,
                self.errors.len(),
                self.stopped,
                self.last_end,
                self.chain,
            );
            let attempt = (|| -> PResult<Vec<WithItem>> {
                self.bump();
                let items = self.with_items(true)?;
                if !self.eat_op(Op::RPar) || !self.at_op(Op::Colon) {
                    return Err(Fail);
                }
                Ok(items)
            })();
            match attempt {
                Ok(it) => items = Some(it),
                Err(Fail) => {
                    (self.pos, _, self.stopped, self.last_end, self.chain) = saved;
                    self.errors.truncate(saved.1);
                }
            }
        }
        let items = match items {
            Some(items) => items,
            None => self.with_items(false)?,
        };
        let body = self.colon_block(
            "'with' statement",
            start,
            "expected ':' at the end of the with line",
        )?;
        Ok(self.stmt(
            StmtKind::With {
                items,
                body,
                is_async,
            },
            start,
        ))
    }

    #[optimize(size)]
    fn with_items(&mut self, in_parens: bool) -> PResult<Vec<WithItem>> {
        let mut items = Vec::new();
        loop {
            let context_expr = self.expression()?;
            let optional_vars = if self.eat_kw(Kw::As) {
                let t = self.star_target()?;
                self.check_target(&t, TargetCtx::With)?;
                Some(t)
            } else {
                None
            };
            items.push(WithItem {
                context_expr,
                optional_vars,
            });
            if !self.eat_op(Op::Comma) {
                break;
            }
            if in_parens && self.at_op(Op::RPar) {
                break;
            }
        }
        Ok(items)
    }

    #[optimize(size)]
    fn decorated(&mut self) -> PResult<Stmt> {
        let mut decorators = Vec::new();
        while self.at_op(Op::At) {
            self.bump();
            decorators.push(self.named_expression()?);
            if !matches!(self.kind(), Tok::Newline) {
                return Err(self.unexpected());
            }
            self.bump();
        }
        let start = self.here();
        match self.kind() {
            Tok::Kw(Kw::Def) => self.funcdef(start, decorators, false),
            Tok::Kw(Kw::Class) => self.classdef(start, decorators),
            Tok::Kw(Kw::Async) => self.async_stmt(start, decorators),
            _ => {
                Err(self
                    .error_here("invalid syntax: a decorator must be followed by a def or a class"))
            }
        }
    }

    #[optimize(size)]
    fn async_stmt(&mut self, start: Pos, decorators: Vec<Expr>) -> PResult<Stmt> {
        self.bump(); // async
        match self.kind() {
            Tok::Kw(Kw::Def) => self.funcdef(start, decorators, true),
            Tok::Kw(Kw::With) if decorators.is_empty() => self.with_stmt(start, true),
            Tok::Kw(Kw::For) if decorators.is_empty() => self.for_stmt(start, true),
            _ => {
                Err(self.error_here("invalid syntax: 'async' must be followed by def, with or for"))
            }
        }
    }

    #[optimize(size)]
    fn funcdef(&mut self, start: Pos, decorator_list: Vec<Expr>, is_async: bool) -> PResult<Stmt> {
        self.bump(); // def
        let (name, _) = self.name("a function name after 'def'")?;
        self.expect_op(Op::LPar, "expected '(' after the function name")?;
        let args = self.parameters(false)?;
        self.expect_op(Op::RPar, "expected ')' to close the parameter list")?;
        if self.eat_op(Op::RArrow) {
            self.expression()?; // the return annotation is accepted and dropped
        }
        let body = self.colon_block(
            "function definition",
            start,
            "expected ':' at the end of the def line",
        )?;
        Ok(self.stmt(
            StmtKind::FunctionDef {
                name,
                args: Box::new(args),
                body,
                decorator_list,
                is_async,
            },
            start,
        ))
    }

    #[optimize(size)]
    fn classdef(&mut self, start: Pos, decorator_list: Vec<Expr>) -> PResult<Stmt> {
        self.bump(); // class
        let (name, _) = self.name("a class name after 'class'")?;
        let (mut bases, mut keywords) = (Vec::new(), Vec::new());
        if self.eat_op(Op::LPar) {
            (bases, keywords) = self.call_args()?;
        }
        let body = self.colon_block(
            "class definition",
            start,
            "expected ':' at the end of the class line",
        )?;
        Ok(self.stmt(
            StmtKind::ClassDef {
                name,
                bases,
                keywords,
                body,
                decorator_list,
            },
            start,
        ))
    }

    /// The parameter list of a `def` (after `(`, up to `)`) or a `lambda` (up to `:`).
    #[optimize(size)]
    fn parameters(&mut self, is_lambda: bool) -> PResult<Arguments> {
        let close = if is_lambda { Op::Colon } else { Op::RPar };
        let mut a = Arguments::default();
        let mut seen_star: Option<Pos> = None;
        let mut seen_slash = false;
        let mut seen_kwarg = false;
        let mut names: Vec<String> = Vec::new();
        let mut check_dup = |p: &mut Self, arg: &Arg| -> PResult<()> {
            if names.contains(&arg.name) {
                return Err(p.error_at(
                    (arg.line, arg.col),
                    format!("duplicate argument '{}' in function definition", arg.name),
                ));
            }
            names.push(arg.name.clone());
            Ok(())
        };
        while !self.at_op(close) {
            if seen_kwarg {
                return Err(self.error_here(
                    "arguments cannot follow var-keyword argument (**kwargs comes last)",
                ));
            }
            let pos = self.here();
            if self.eat_op(Op::Slash) {
                if seen_slash || seen_star.is_some() || a.args.is_empty() {
                    return Err(self.error_at(
                        pos,
                        "'/' must come after at least one parameter, once, before '*'",
                    ));
                }
                seen_slash = true;
                a.posonlyargs = std::mem::take(&mut a.args);
            } else if self.eat_op(Op::Star) {
                if seen_star.is_some() {
                    return Err(self.error_at(pos, "'*' can appear only once in a parameter list"));
                }
                seen_star = Some(pos);
                if let Tok::Name(_) = self.kind() {
                    let arg = self.param(is_lambda)?;
                    check_dup(self, &arg)?;
                    if self.at_op(Op::Equal) {
                        return Err(
                            self.error_here("var-positional argument cannot have default value")
                        );
                    }
                    a.vararg = Some(arg);
                }
            } else if self.eat_op(Op::DoubleStar) {
                let arg = self.param(is_lambda)?;
                check_dup(self, &arg)?;
                if self.at_op(Op::Equal) {
                    return Err(self.error_here("var-keyword argument cannot have default value"));
                }
                a.kwarg = Some(arg);
                seen_kwarg = true;
            } else if let Tok::Name(_) = self.kind() {
                let arg = self.param(is_lambda)?;
                check_dup(self, &arg)?;
                let default = if self.eat_op(Op::Equal) {
                    Some(self.expression()?)
                } else {
                    None
                };
                if seen_star.is_some() {
                    a.kwonlyargs.push(arg);
                    a.kw_defaults.push(default);
                } else {
                    match default {
                        Some(d) => a.defaults.push(d),
                        None if !a.defaults.is_empty() => {
                            return Err(self.error_at(
                                (arg.line, arg.col),
                                "non-default argument follows default argument (parameters with a default \
                                 value must come last)",
                            ))
                        }
                        None => {}
                    }
                    a.args.push(arg);
                }
            } else {
                return Err(self.error_here(format!(
                    "invalid syntax: unexpected {} in the parameter list",
                    self.describe_current()
                )));
            }
            if !self.eat_op(Op::Comma) {
                break;
            }
        }
        if !self.at_op(close) {
            return Err(if self.starts_expr() && !is_lambda {
                self.error_here(format!(
                    "invalid syntax: unexpected {} in the parameter list (a missing comma?)",
                    self.describe_current()
                ))
            } else if is_lambda {
                self.error_here("expected ':' after the lambda's parameters")
            } else {
                self.error_here(format!(
                    "invalid syntax: unexpected {} in the parameter list",
                    self.describe_current()
                ))
            });
        }
        if let Some(star) = seen_star {
            if a.vararg.is_none() && a.kwonlyargs.is_empty() {
                return Err(self.error_at(star, "named arguments must follow bare *"));
            }
        }
        Ok(a)
    }

    #[optimize(size)]
    fn param(&mut self, is_lambda: bool) -> PResult<Arg> {
        let (name, pos) = self.name("a parameter name")?;
        if !is_lambda && self.eat_op(Op::Colon) {
            self.expression()?; // the annotation is accepted and dropped
        }
        Ok(Arg {
            name,
            line: pos.0,
            col: pos.1,
        })
    }

    // ----- expressions -----

    /// `a, *b, c` (a tuple when there is a comma), as on the right of `=` or after `return`.
    #[optimize(size)]
    fn star_expressions(&mut self) -> PResult<Expr> {
        let start = self.here();
        let first = self.star_expression()?;
        if !self.at_op(Op::Comma) {
            return Ok(first);
        }
        let mut elts = vec![first];
        while self.eat_op(Op::Comma) {
            if !self.starts_expr() {
                break;
            }
            elts.push(self.star_expression()?);
        }
        Ok(self.expr(ExprKind::Tuple { elts }, start))
    }

    #[optimize(size)]
    fn star_expression(&mut self) -> PResult<Expr> {
        if self.at_op(Op::Star) {
            let start = self.here();
            self.bump();
            let value = self.bitwise_or()?;
            return Ok(self.expr(
                ExprKind::Starred {
                    value: Box::new(value),
                },
                start,
            ));
        }
        self.expression()
    }

    #[optimize(size)]
    fn star_named_expression(&mut self) -> PResult<Expr> {
        if self.at_op(Op::Star) {
            return self.star_expression();
        }
        self.named_expression()
    }

    /// A loop target: `x`, `a, b`, `(a, b)`, `a, *rest` (parsed below comparisons so `in` ends it).
    #[optimize(size)]
    fn star_targets(&mut self) -> PResult<Expr> {
        let start = self.here();
        let first = self.star_target()?;
        if !self.at_op(Op::Comma) {
            return Ok(first);
        }
        let mut elts = vec![first];
        while self.eat_op(Op::Comma) {
            if self.at_kw(Kw::In) || self.at_op(Op::Equal) {
                break;
            }
            elts.push(self.star_target()?);
        }
        Ok(self.expr(ExprKind::Tuple { elts }, start))
    }

    #[optimize(size)]
    fn star_target(&mut self) -> PResult<Expr> {
        if self.at_op(Op::Star) {
            let start = self.here();
            self.bump();
            let value = self.bitwise_or()?;
            return Ok(self.expr(
                ExprKind::Starred {
                    value: Box::new(value),
                },
                start,
            ));
        }
        self.bitwise_or()
    }

    #[optimize(size)]
    fn named_expression(&mut self) -> PResult<Expr> {
        if let Tok::Name(id) = self.kind() {
            if matches!(self.peek_kind(1), Tok::Op(Op::ColonEqual)) {
                let id = id.clone();
                let start = self.here();
                self.bump();
                let target = self.expr(ExprKind::Name { id }, start);
                self.bump(); // :=
                let value = self.expression()?;
                return Ok(self.expr(
                    ExprKind::NamedExpr {
                        target: Box::new(target),
                        value: Box::new(value),
                    },
                    start,
                ));
            }
        }
        let e = self.expression()?;
        if self.at_op(Op::ColonEqual) {
            return Err(self.error_at(
                (e.line, e.col),
                format!(
                    "cannot use ':=' with {}: the walrus operator needs a plain name on its left",
                    describe_expr(&e)
                ),
            ));
        }
        Ok(e)
    }

    /// A full expression: conditional expressions and lambdas included, tuples not. Every level of
    /// brackets passes through here once, so this is where the recursion budget is spent.
    #[optimize(size)]
    fn expression(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.expression_inner();
        self.depth -= 1;
        r
    }

    #[optimize(size)]
    fn expression_inner(&mut self) -> PResult<Expr> {
        if self.at_kw(Kw::Lambda) {
            return self.lambda();
        }
        let start = self.here();
        let body = self.disjunction()?;
        if !self.at_kw(Kw::If) {
            return Ok(body);
        }
        self.if_exp(start, body)
    }

    #[inline(never)]
    #[optimize(size)]
    fn if_exp(&mut self, start: Pos, body: Expr) -> PResult<Expr> {
        self.bump(); // if
        let test = self.disjunction()?;
        if !self.eat_kw(Kw::Else) {
            return Err(
                self.error_here("expected 'else' after 'if' expression (x if condition else y)")
            );
        }
        let orelse = self.expression()?;
        Ok(self.expr(
            ExprKind::IfExp {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            },
            start,
        ))
    }

    #[inline(never)]
    #[optimize(size)]
    fn lambda(&mut self) -> PResult<Expr> {
        let start = self.here();
        self.bump(); // lambda
        let args = self.parameters(true)?;
        self.expect_op(Op::Colon, "expected ':' after the lambda's parameters")?;
        let body = self.expression()?;
        Ok(self.expr(
            ExprKind::Lambda {
                args: Box::new(args),
                body: Box::new(body),
            },
            start,
        ))
    }

    #[optimize(size)]
    fn yield_expr(&mut self) -> PResult<Expr> {
        let start = self.here();
        self.bump(); // yield
        if self.eat_kw(Kw::From) {
            let value = self.expression()?;
            return Ok(self.expr(
                ExprKind::YieldFrom {
                    value: Box::new(value),
                },
                start,
            ));
        }
        let value = if self.starts_expr() {
            Some(Box::new(self.star_expressions()?))
        } else {
            None
        };
        Ok(self.expr(ExprKind::Yield { value }, start))
    }

    #[optimize(size)]
    fn disjunction(&mut self) -> PResult<Expr> {
        self.binop_expr(PREC_OR)
    }

    #[optimize(size)]
    fn bitwise_or(&mut self) -> PResult<Expr> {
        self.binop_expr(PREC_BITOR)
    }

    /// Everything from `or` down to `*`, by precedence climbing: one frame per precedence step instead of
    /// one per grammar level, which keeps each bracket level's stack use small.
    #[optimize(size)]
    fn binop_expr(&mut self, min: u8) -> PResult<Expr> {
        let start = self.here();
        let mut left = if min <= PREC_NOT && self.at_kw(Kw::Not) {
            self.not_expr()?
        } else {
            self.factor()?
        };
        loop {
            let prec = match self.kind() {
                Tok::Kw(Kw::Or) => PREC_OR,
                Tok::Kw(Kw::And) => PREC_AND,
                Tok::Kw(Kw::In | Kw::Is) => PREC_CMP,
                Tok::Kw(Kw::Not) if matches!(self.peek_kind(1), Tok::Kw(Kw::In)) => PREC_CMP,
                Tok::Op(op) => match op {
                    Op::EqEqual
                    | Op::NotEqual
                    | Op::Less
                    | Op::LessEqual
                    | Op::Greater
                    | Op::GreaterEqual => PREC_CMP,
                    Op::VBar => PREC_BITOR,
                    Op::Circumflex => PREC_BITOR + 1,
                    Op::Amper => PREC_BITOR + 2,
                    Op::LeftShift | Op::RightShift => PREC_BITOR + 3,
                    Op::Plus | Op::Minus => PREC_BITOR + 4,
                    Op::Star | Op::Slash | Op::DoubleSlash | Op::Percent | Op::At => PREC_BITOR + 5,
                    _ => return Ok(left),
                },
                _ => return Ok(left),
            };
            if prec < min {
                return Ok(left);
            }
            left = match prec {
                PREC_OR | PREC_AND => self.bool_op(start, left, prec)?,
                PREC_CMP => self.compare(start, left)?,
                _ => {
                    let op = match self.kind() {
                        Tok::Op(Op::VBar) => Operator::BitOr,
                        Tok::Op(Op::Circumflex) => Operator::BitXor,
                        Tok::Op(Op::Amper) => Operator::BitAnd,
                        Tok::Op(Op::LeftShift) => Operator::LShift,
                        Tok::Op(Op::RightShift) => Operator::RShift,
                        Tok::Op(Op::Plus) => Operator::Add,
                        Tok::Op(Op::Minus) => Operator::Sub,
                        Tok::Op(Op::Star) => Operator::Mult,
                        Tok::Op(Op::Slash) => Operator::Div,
                        Tok::Op(Op::DoubleSlash) => Operator::FloorDiv,
                        Tok::Op(Op::Percent) => Operator::Mod,
                        _ => Operator::MatMult,
                    };
                    self.chained(start)?;
                    self.bump();
                    let right = self.binop_expr(prec + 1)?;
                    self.expr(
                        ExprKind::BinOp {
                            left: Box::new(left),
                            op,
                            right: Box::new(right),
                        },
                        start,
                    )
                }
            };
        }
    }

    /// `a or b or c` / `a and b`: one flat BoolOp, as CPython builds it.
    #[inline(never)]
    #[optimize(size)]
    fn bool_op(&mut self, start: Pos, first: Expr, prec: u8) -> PResult<Expr> {
        let kw = if prec == PREC_OR { Kw::Or } else { Kw::And };
        let mut values = vec![first];
        while self.at_kw(kw) {
            self.chained(start)?;
            self.bump();
            values.push(self.binop_expr(prec + 1)?);
        }
        let op = if kw == Kw::Or {
            BoolOp::Or
        } else {
            BoolOp::And
        };
        Ok(self.expr(ExprKind::BoolOp { op, values }, start))
    }

    /// `not not x`: the operators are collected in a loop, so a long run of them does not recurse.
    #[inline(never)]
    #[optimize(size)]
    fn not_expr(&mut self) -> PResult<Expr> {
        let mut nots = Vec::new();
        while self.at_kw(Kw::Not) {
            nots.push(self.here());
            self.chained(self.here())?;
            self.bump();
        }
        let mut e = self.binop_expr(PREC_CMP)?;
        while let Some(pos) = nots.pop() {
            e = self.expr(
                ExprKind::UnaryOp {
                    op: UnaryOp::Not,
                    operand: Box::new(e),
                },
                pos,
            );
        }
        Ok(e)
    }

    /// A chained comparison `a < b <= c` after its first operand.
    #[inline(never)]
    #[optimize(size)]
    fn compare(&mut self, start: Pos, left: Expr) -> PResult<Expr> {
        let mut ops = Vec::new();
        let mut comparators = Vec::new();
        loop {
            let op = match self.kind() {
                Tok::Op(Op::EqEqual) => CmpOp::Eq,
                Tok::Op(Op::NotEqual) => CmpOp::NotEq,
                Tok::Op(Op::Less) => CmpOp::Lt,
                Tok::Op(Op::LessEqual) => CmpOp::LtE,
                Tok::Op(Op::Greater) => CmpOp::Gt,
                Tok::Op(Op::GreaterEqual) => CmpOp::GtE,
                Tok::Kw(Kw::In) => CmpOp::In,
                Tok::Kw(Kw::Not) if matches!(self.peek_kind(1), Tok::Kw(Kw::In)) => {
                    self.bump();
                    CmpOp::NotIn
                }
                Tok::Kw(Kw::Is) => {
                    if matches!(self.peek_kind(1), Tok::Kw(Kw::Not)) {
                        self.bump();
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                _ => break,
            };
            self.chained(start)?;
            self.bump();
            ops.push(op);
            comparators.push(self.binop_expr(PREC_BITOR)?);
        }
        Ok(self.expr(
            ExprKind::Compare {
                left: Box::new(left),
                ops,
                comparators,
            },
            start,
        ))
    }

    /// Unary `+ - ~`, `await`, an atom with its trailers (`.name`, `(...)`, `[...]`), and `**`: one
    /// function, so a bracket level costs one frame here.
    #[optimize(size)]
    fn factor(&mut self) -> PResult<Expr> {
        let mut unary: Vec<(UnaryOp, Pos)> = Vec::new();
        loop {
            let op = match self.kind() {
                Tok::Op(Op::Minus) => UnaryOp::USub,
                Tok::Op(Op::Plus) => UnaryOp::UAdd,
                Tok::Op(Op::Tilde) => UnaryOp::Invert,
                _ => break,
            };
            unary.push((op, self.here()));
            self.chained(self.here())?;
            self.bump();
        }
        let start = self.here();
        let is_await = self.eat_kw(Kw::Await);
        let atom_start = self.here();
        let mut e = self.atom()?;
        while matches!(self.kind(), Tok::Op(Op::Dot | Op::LPar | Op::LSqb)) {
            self.chained(atom_start)?;
            e = self.trailer(atom_start, e)?;
        }
        if is_await {
            e = self.expr(ExprKind::Await { value: Box::new(e) }, start);
        }
        if self.at_op(Op::DoubleStar) {
            e = self.power_rest(start, e)?;
        }
        while let Some((op, pos)) = unary.pop() {
            e = self.expr(
                ExprKind::UnaryOp {
                    op,
                    operand: Box::new(e),
                },
                pos,
            );
        }
        Ok(e)
    }

    #[inline(never)]
    #[optimize(size)]
    fn power_rest(&mut self, start: Pos, base: Expr) -> PResult<Expr> {
        self.bump(); // **
        self.enter()?;
        let exp = self.factor();
        self.depth -= 1;
        Ok(self.expr(
            ExprKind::BinOp {
                left: Box::new(base),
                op: Operator::Pow,
                right: Box::new(exp?),
            },
            start,
        ))
    }

    /// One `.name`, `(args)` or `[index]` after a primary.
    #[inline(never)]
    #[optimize(size)]
    fn trailer(&mut self, start: Pos, e: Expr) -> PResult<Expr> {
        match self.kind() {
            Tok::Op(Op::Dot) => {
                self.bump();
                let (attr, _) = self.name("an attribute name after '.'")?;
                Ok(self.expr(
                    ExprKind::Attribute {
                        value: Box::new(e),
                        attr,
                    },
                    start,
                ))
            }
            Tok::Op(Op::LPar) => {
                self.bump();
                let (args, keywords) = self.call_args()?;
                Ok(self.expr(
                    ExprKind::Call {
                        func: Box::new(e),
                        args,
                        keywords,
                    },
                    start,
                ))
            }
            _ => {
                self.bump(); // [
                let slice = self.slices()?;
                self.expect_op(Op::RSqb, "expected ']' to close the subscript")?;
                Ok(self.expr(
                    ExprKind::Subscript {
                        value: Box::new(e),
                        slice: Box::new(slice),
                    },
                    start,
                ))
            }
        }
    }

    /// A call's arguments after `(`, through `)`.
    #[inline(never)]
    #[optimize(size)]
    fn call_args(&mut self) -> PResult<(Vec<Expr>, Vec<Keyword>)> {
        let mut args: Vec<Expr> = Vec::new();
        let mut keywords: Vec<Keyword> = Vec::new();
        let mut seen_kwunpack = false;
        let mut genexp_at: Option<Pos> = None;
        let open_col = self.last_end;
        while !self.at_op(Op::RPar) {
            let pos = self.here();
            if self.eat_op(Op::Star) {
                if seen_kwunpack {
                    return Err(self.error_at(
                        pos,
                        "iterable argument unpacking (*) follows keyword argument unpacking (**)",
                    ));
                }
                let value = self.expression()?;
                args.push(self.expr(
                    ExprKind::Starred {
                        value: Box::new(value),
                    },
                    pos,
                ));
            } else if self.eat_op(Op::DoubleStar) {
                let value = self.expression()?;
                seen_kwunpack = true;
                keywords.push(Keyword {
                    arg: None,
                    value,
                    line: pos.0,
                    col: pos.1,
                });
            } else if matches!(self.kind(), Tok::Name(_))
                && matches!(self.peek_kind(1), Tok::Op(Op::Equal))
            {
                let (name, _) = self.name("a keyword")?;
                self.bump(); // =
                if keywords.iter().any(|k| k.arg.as_deref() == Some(&name)) {
                    return Err(self.error_at(pos, format!("keyword argument repeated: {name}")));
                }
                let value = self.expression()?;
                keywords.push(Keyword {
                    arg: Some(name),
                    value,
                    line: pos.0,
                    col: pos.1,
                });
            } else {
                let e = self.named_expression()?;
                if self.at_op(Op::Equal) {
                    return Err(self.error_at(
                        (e.line, e.col),
                        "expression cannot contain assignment: a keyword argument needs a plain name \
                         (to compare, use '==')",
                    ));
                }
                let e = if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
                    let generators = self.comprehension_clauses()?;
                    genexp_at = Some(pos);
                    Expr::new(
                        ExprKind::GeneratorExp {
                            elt: Box::new(e),
                            generators,
                        },
                        open_col.0,
                        open_col.1 - 1,
                        self.last_end.0,
                        self.last_end.1,
                    )
                } else {
                    e
                };
                if !keywords.is_empty() {
                    let msg = if seen_kwunpack {
                        "positional argument follows keyword argument unpacking (**)"
                    } else {
                        "positional argument follows keyword argument"
                    };
                    return Err(self.error_at(pos, msg));
                }
                args.push(e);
            }
            if !self.eat_op(Op::Comma) {
                break;
            }
        }
        if !self.at_op(Op::RPar) {
            let prev = args
                .iter()
                .chain(keywords.iter().map(|k| &k.value))
                .map(|e| (e.line, e.col))
                .max();
            return Err(self.bracket_error(')', prev));
        }
        self.bump(); // )
        if let Some(pos) = genexp_at {
            if args.len() + keywords.len() > 1 {
                return Err(self.error_at(
                    pos,
                    "a generator expression must be parenthesized when it is not the only argument",
                ));
            }
            // `f(x for x in y)`: the genexp's span is the call's parentheses, as in CPython.
            if let Some(g) = args.last_mut() {
                g.end_line = self.last_end.0;
                g.end_col = self.last_end.1;
            }
        }
        Ok((args, keywords))
    }

    /// A subscript's contents: one slice or index, or a tuple of them.
    #[inline(never)]
    #[optimize(size)]
    fn slices(&mut self) -> PResult<Expr> {
        let start = self.here();
        let first = self.slice()?;
        if !self.at_op(Op::Comma) {
            return Ok(first);
        }
        let mut elts = vec![first];
        while self.eat_op(Op::Comma) {
            if self.at_op(Op::RSqb) {
                break;
            }
            elts.push(self.slice()?);
        }
        Ok(self.expr(ExprKind::Tuple { elts }, start))
    }

    #[optimize(size)]
    fn slice(&mut self) -> PResult<Expr> {
        let start = self.here();
        let lower = if self.at_op(Op::Colon) {
            None
        } else {
            let e = self.star_named_expression()?;
            if !self.at_op(Op::Colon) {
                return Ok(e);
            }
            Some(Box::new(e))
        };
        self.bump(); // :
        let ends = |p: &Self| p.at_op(Op::Colon) || p.at_op(Op::Comma) || p.at_op(Op::RSqb);
        let upper = if ends(self) {
            None
        } else {
            Some(Box::new(self.expression()?))
        };
        let step = if self.eat_op(Op::Colon) {
            if ends(self) {
                None
            } else {
                Some(Box::new(self.expression()?))
            }
        } else {
            None
        };
        Ok(self.expr(ExprKind::Slice { lower, upper, step }, start))
    }

    #[inline(never)]
    #[optimize(size)]
    fn comprehension_clauses(&mut self) -> PResult<Vec<Comprehension>> {
        let mut gens = Vec::new();
        while self.at_kw(Kw::For)
            || (self.at_kw(Kw::Async) && matches!(self.peek_kind(1), Tok::Kw(Kw::For)))
        {
            let is_async = self.eat_kw(Kw::Async);
            self.bump(); // for
            let target = self.star_targets()?;
            self.check_target(&target, TargetCtx::Comprehension)?;
            if !self.eat_kw(Kw::In) {
                return Err(
                    self.error_here("expected 'in' after the comprehension's loop variable")
                );
            }
            let iter = self.disjunction()?;
            let mut ifs = Vec::new();
            while self.eat_kw(Kw::If) {
                ifs.push(self.disjunction()?);
            }
            gens.push(Comprehension {
                target,
                iter,
                ifs,
                is_async,
            });
        }
        Ok(gens)
    }

    /// After an element inside brackets: anything but `,` or the closing bracket is an error. When the
    /// next token could start another element, a comma is probably missing: like CPython, the error
    /// then points at the element before (`prev`).
    #[optimize(size)]
    fn bracket_error(&mut self, close: char, prev: Option<Pos>) -> Fail {
        match prev {
            Some(prev) if self.starts_expr() => {
                let msg = format!(
                    "invalid syntax: perhaps you forgot a comma before {}?",
                    self.describe_current()
                );
                self.error_at(prev, msg)
            }
            _ => self.error_here(format!(
                "invalid syntax: unexpected {} (expected ',' or '{close}')",
                self.describe_current()
            )),
        }
    }

    #[optimize(size)]
    fn atom(&mut self) -> PResult<Expr> {
        let start = self.here();
        let kind = match self.kind() {
            Tok::Name(id) => {
                let id = id.clone();
                self.bump();
                ExprKind::Name { id }
            }
            &Tok::Int(v) => {
                self.bump();
                ExprKind::Constant(Constant::Int(v))
            }
            &Tok::Float(v) => {
                self.bump();
                ExprKind::Constant(Constant::Float(v))
            }
            Tok::Kw(Kw::None) => {
                self.bump();
                ExprKind::Constant(Constant::None)
            }
            Tok::Kw(Kw::True) => {
                self.bump();
                ExprKind::Constant(Constant::Bool(true))
            }
            Tok::Kw(Kw::False) => {
                self.bump();
                ExprKind::Constant(Constant::Bool(false))
            }
            Tok::Op(Op::Ellipsis) => {
                self.bump();
                ExprKind::Constant(Constant::Ellipsis)
            }
            Tok::Str(_) | Tok::FStr(_) => return self.strings(),
            Tok::Op(Op::LPar) => return self.paren_atom(),
            Tok::Op(Op::LSqb) => return self.list_atom(),
            Tok::Op(Op::LBrace) => return self.brace_atom(),
            Tok::Op(Op::Star) => {
                return Err(self.error_here("cannot use a starred expression (*x) here"));
            }
            Tok::Kw(Kw::Yield) => {
                return Err(self.error_here(
                    "invalid syntax: a 'yield' inside an expression must be in parentheses: (yield x)",
                ));
            }
            Tok::Newline | Tok::Eof => {
                return Err(
                    self.error_here("invalid syntax: the line ends where an expression should be")
                );
            }
            &Tok::Kw(k) => {
                return Err(self.error_here(format!(
                    "invalid syntax: unexpected '{}' where an expression should be",
                    k.as_str()
                )));
            }
            _ => return Err(self.unexpected()),
        };
        Ok(self.expr(kind, start))
    }

    #[inline(never)]
    #[optimize(size)]
    fn paren_atom(&mut self) -> PResult<Expr> {
        let start = self.here();
        self.bump(); // (
        if self.eat_op(Op::RPar) {
            return Ok(self.expr(ExprKind::Tuple { elts: Vec::new() }, start));
        }
        if self.at_kw(Kw::Yield) {
            let y = self.yield_expr()?;
            self.expect_op(Op::RPar, "expected ')' after the yield expression")?;
            return Ok(y);
        }
        let first = self.star_named_expression()?;
        if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            let generators = self.comprehension_clauses()?;
            self.expect_op(Op::RPar, "expected ')' to close the generator expression")?;
            return Ok(self.expr(
                ExprKind::GeneratorExp {
                    elt: Box::new(first),
                    generators,
                },
                start,
            ));
        }
        if self.eat_op(Op::RPar) {
            if matches!(first.kind, ExprKind::Starred { .. }) {
                return Err(self.error_at(
                    (first.line, first.col),
                    "cannot use a starred expression (*x) here",
                ));
            }
            return Ok(first);
        }
        if !self.at_op(Op::Comma) {
            let prev = Some((first.line, first.col));
            return Err(self.bracket_error(')', prev));
        }
        let mut elts = vec![first];
        while self.eat_op(Op::Comma) {
            if self.at_op(Op::RPar) {
                break;
            }
            elts.push(self.star_named_expression()?);
        }
        if !self.eat_op(Op::RPar) {
            let prev = elts.last().map(|e| (e.line, e.col));
            return Err(self.bracket_error(')', prev));
        }
        Ok(self.expr(ExprKind::Tuple { elts }, start))
    }

    #[inline(never)]
    #[optimize(size)]
    fn list_atom(&mut self) -> PResult<Expr> {
        let start = self.here();
        self.bump(); // [
        if self.eat_op(Op::RSqb) {
            return Ok(self.expr(ExprKind::List { elts: Vec::new() }, start));
        }
        let first = self.star_named_expression()?;
        if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            let generators = self.comprehension_clauses()?;
            self.expect_op(Op::RSqb, "expected ']' to close the list comprehension")?;
            return Ok(self.expr(
                ExprKind::ListComp {
                    elt: Box::new(first),
                    generators,
                },
                start,
            ));
        }
        let mut elts = vec![first];
        while self.eat_op(Op::Comma) {
            if self.at_op(Op::RSqb) {
                break;
            }
            elts.push(self.star_named_expression()?);
        }
        if !self.eat_op(Op::RSqb) {
            let prev = elts.last().map(|e| (e.line, e.col));
            return Err(self.bracket_error(']', prev));
        }
        Ok(self.expr(ExprKind::List { elts }, start))
    }

    #[inline(never)]
    #[optimize(size)]
    fn brace_atom(&mut self) -> PResult<Expr> {
        let start = self.here();
        self.bump(); // {
        if self.eat_op(Op::RBrace) {
            return Ok(self.expr(
                ExprKind::Dict {
                    keys: Vec::new(),
                    values: Vec::new(),
                },
                start,
            ));
        }
        // A dict starts with `**d` or `key:`; anything else is a set.
        let first_key = if self.eat_op(Op::DoubleStar) {
            None
        } else {
            let k = self.star_named_expression()?;
            if !self.at_op(Op::Colon) {
                return self.set_rest(start, k);
            }
            Some(k)
        };
        let mut keys = Vec::new();
        let mut values = Vec::new();
        match first_key {
            None => values.push(self.bitwise_or()?),
            Some(k) => {
                if matches!(k.kind, ExprKind::Starred { .. }) {
                    return Err(self.error_at(
                        (k.line, k.col),
                        "cannot use a starred expression (*x) as a dict key",
                    ));
                }
                self.bump(); // :
                let v = self.expression()?;
                if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
                    let generators = self.comprehension_clauses()?;
                    self.expect_op(Op::RBrace, "expected '}' to close the dict comprehension")?;
                    return Ok(self.expr(
                        ExprKind::DictComp {
                            key: Box::new(k),
                            value: Box::new(v),
                            generators,
                        },
                        start,
                    ));
                }
                keys.push(Some(k));
                values.push(v);
            }
        }
        if first_key_was_unpack(&keys, &values) {
            keys.push(None);
        }
        while self.eat_op(Op::Comma) {
            if self.at_op(Op::RBrace) {
                break;
            }
            if self.eat_op(Op::DoubleStar) {
                keys.push(None);
                values.push(self.bitwise_or()?);
            } else {
                keys.push(Some(self.expression()?));
                if !self.eat_op(Op::Colon) {
                    return Err(self.error_here("expected ':' after the dict key"));
                }
                values.push(self.expression()?);
            }
        }
        if !self.eat_op(Op::RBrace) {
            let prev = values.last().map(|e| (e.line, e.col));
            return Err(self.bracket_error('}', prev));
        }
        Ok(self.expr(ExprKind::Dict { keys, values }, start))
    }

    #[inline(never)]
    #[optimize(size)]
    fn set_rest(&mut self, start: Pos, first: Expr) -> PResult<Expr> {
        if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            let generators = self.comprehension_clauses()?;
            self.expect_op(Op::RBrace, "expected '}' to close the set comprehension")?;
            return Ok(self.expr(
                ExprKind::SetComp {
                    elt: Box::new(first),
                    generators,
                },
                start,
            ));
        }
        let mut elts = vec![first];
        while self.eat_op(Op::Comma) {
            if self.at_op(Op::RBrace) {
                break;
            }
            elts.push(self.star_named_expression()?);
        }
        if !self.eat_op(Op::RBrace) {
            let prev = elts.last().map(|e| (e.line, e.col));
            return Err(self.bracket_error('}', prev));
        }
        Ok(self.expr(ExprKind::Set { elts }, start))
    }

    // ----- strings and f-strings -----

    /// One or more adjacent string literals, concatenated (a JoinedStr if any is an f-string).
    #[inline(never)]
    #[optimize(size)]
    fn strings(&mut self) -> PResult<Expr> {
        let start = self.here();
        let mut parts: Vec<Expr> = Vec::new();
        let mut any_f = false;
        let mut text = String::new();
        loop {
            match self.kind().clone() {
                Tok::Str(s) => {
                    let t = self.tok();
                    let (pos, end) = ((t.line, t.col), (t.end_line, t.end_col));
                    self.bump();
                    if any_f {
                        push_literal(&mut parts, s, pos, end);
                    } else {
                        text.push_str(&s);
                    }
                }
                Tok::FStr(f) => {
                    let t = self.tok();
                    let (pos, end) = ((t.line, t.col), (t.end_line, t.end_col));
                    self.bump();
                    if !any_f {
                        any_f = true;
                        if !text.is_empty() {
                            push_literal(&mut parts, std::mem::take(&mut text), start, pos);
                        }
                    }
                    self.fstring(&f, pos, end, &mut parts)?;
                }
                _ => break,
            }
        }
        if any_f {
            return Ok(self.expr(ExprKind::JoinedStr { values: parts }, start));
        }
        Ok(self.expr(ExprKind::Constant(Constant::Str(text)), start))
    }

    /// Splits an f-string's body into literal text and `{...}` fields, appending them to `parts`.
    #[optimize(size)]
    fn fstring(&mut self, f: &FStr, pos: Pos, end: Pos, parts: &mut Vec<Expr>) -> PResult<()> {
        let mut cur = FCursor {
            body: &f.body,
            i: 0,
            line: f.line,
            col: f.col,
        };
        let values = self.fstring_parts(&mut cur, f.raw, pos, end, 0)?;
        for v in values {
            match v.kind {
                ExprKind::Constant(Constant::Str(s)) => {
                    push_literal(parts, s, (v.line, v.col), (v.end_line, v.end_col))
                }
                _ => parts.push(v),
            }
        }
        Ok(())
    }

    /// Literal text and fields until the end of the body, or (inside a format spec, `nesting > 0`) until
    /// the `}` that closes the field.
    #[optimize(size)]
    fn fstring_parts(
        &mut self,
        cur: &mut FCursor,
        raw: bool,
        pos: Pos,
        end: Pos,
        nesting: u32,
    ) -> PResult<Vec<Expr>> {
        let mut parts: Vec<Expr> = Vec::new();
        let mut lit = String::new();
        let mut lit_pos = (cur.line, cur.col);
        let flush = |p: &mut Self,
                     lit: &mut String,
                     lit_pos: Pos,
                     parts: &mut Vec<Expr>,
                     at: Pos|
         -> PResult<()> {
            if lit.is_empty() {
                return Ok(());
            }
            let text = if raw || !lit.contains('\\') {
                std::mem::take(lit)
            } else {
                match lexer::decode_escapes(lit) {
                    Ok(s) => {
                        lit.clear();
                        s
                    }
                    Err(m) => return Err(p.error_at(pos, m)),
                }
            };
            push_literal(parts, text, lit_pos, at);
            Ok(())
        };
        while let Some(c) = cur.peek() {
            match c {
                '{' if cur.peek2() == Some('{') && nesting == 0 => {
                    cur.bump();
                    cur.bump();
                    lit.push('{');
                }
                '{' => {
                    let here = (cur.line, cur.col);
                    flush(self, &mut lit, lit_pos, &mut parts, here)?;
                    if nesting >= 2 {
                        return Err(self.error_at(here, "f-string: expressions nested too deeply"));
                    }
                    let field = self.fstring_field(cur, raw, pos, end, nesting)?;
                    parts.extend(field);
                    lit_pos = (cur.line, cur.col);
                }
                '}' if nesting > 0 => break,
                '}' => {
                    if cur.peek2() == Some('}') {
                        cur.bump();
                        cur.bump();
                        lit.push('}');
                    } else {
                        let here = (cur.line, cur.col);
                        return Err(self.error_at(
                            here,
                            "f-string: single '}' is not allowed (write '}}' for a literal brace)",
                        ));
                    }
                }
                _ => {
                    cur.bump();
                    lit.push(c);
                }
            }
        }
        let here = (cur.line, cur.col);
        flush(self, &mut lit, lit_pos, &mut parts, here)?;
        Ok(parts)
    }

    /// One `{expr=!c:spec}` field; the cursor is on the `{`. Returns the debug text (for `=`) and the
    /// FormattedValue.
    #[optimize(size)]
    fn fstring_field(
        &mut self,
        cur: &mut FCursor,
        raw: bool,
        pos: Pos,
        end: Pos,
        nesting: u32,
    ) -> PResult<Vec<Expr>> {
        let open = (cur.line, cur.col);
        cur.bump(); // {
        let expr_start = cur.i;
        let expr_pos = (cur.line, cur.col);
        // Find where the expression ends: CPython 3.11 scans for `!`, `:`, `=` or `}` outside brackets
        // and strings (`!=`, `==`, `<=`, `>=` are operators, not field syntax).
        let mut depth = 0u32;
        let stop = loop {
            let Some(c) = cur.peek() else {
                return Err(self.error_at(open, "f-string: expecting '}' to close the field"));
            };
            match c {
                '\'' | '"' => {
                    let q = c;
                    let spos = (cur.line, cur.col);
                    cur.bump();
                    let triple = cur.peek() == Some(q) && cur.peek2() == Some(q);
                    if triple {
                        cur.bump();
                        cur.bump();
                    }
                    loop {
                        match cur.bump() {
                            None => {
                                return Err(self.error_at(spos, "f-string: unterminated string"))
                            }
                            Some(ch) if ch == q => {
                                if !triple {
                                    break;
                                }
                                if cur.peek() == Some(q) && cur.peek2() == Some(q) {
                                    cur.bump();
                                    cur.bump();
                                    break;
                                }
                            }
                            Some(_) => {}
                        }
                    }
                    continue;
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                '}' if depth > 0 => depth -= 1,
                '}' => break '}',
                '#' => {
                    let here = (cur.line, cur.col);
                    return Err(self.error_at(here, "f-string expression part cannot include '#'"));
                }
                '\\' => {
                    let here = (cur.line, cur.col);
                    return Err(self.error_at(
                        here,
                        "f-string expression part cannot include a backslash (compute the value on its own line)",
                    ));
                }
                '!' | '=' | '<' | '>' if cur.peek2() == Some('=') => {
                    cur.bump();
                }
                '!' if depth == 0 => break '!',
                ':' if depth == 0 => break ':',
                '=' if depth == 0 => break '=',
                _ => {}
            }
            cur.bump();
        };
        let expr_text = &cur.body[expr_start..cur.i];
        if expr_text.trim().is_empty() {
            return Err(self.error_at(open, "f-string: empty expression not allowed"));
        }
        let value = self.fstring_expression(expr_text, expr_pos)?;
        let mut out = Vec::new();
        let mut stop = stop;
        let mut debug = false;
        if stop == '=' {
            cur.bump();
            while let Some(' ' | '\t' | '\n' | '\r') = cur.peek() {
                cur.bump();
            }
            debug = true;
            let text = cur.body[expr_start..cur.i].to_string();
            out.push(Expr::new(
                ExprKind::Constant(Constant::Str(text)),
                open.0,
                open.1,
                cur.line,
                cur.col,
            ));
            stop = match cur.peek() {
                Some(c @ ('!' | ':' | '}')) => c,
                _ => {
                    let here = (cur.line, cur.col);
                    return Err(self.error_at(here, "f-string: expecting '}' after '='"));
                }
            };
        }
        let mut conversion = None;
        if stop == '!' {
            cur.bump();
            let here = (cur.line, cur.col);
            match cur.bump() {
                Some(c @ ('s' | 'r' | 'a')) => conversion = Some(c),
                _ => {
                    return Err(self.error_at(
                        here,
                        "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    ))
                }
            }
            stop = match cur.peek() {
                Some(c @ (':' | '}')) => c,
                _ => {
                    let here = (cur.line, cur.col);
                    return Err(self.error_at(here, "f-string: expecting '}' after the conversion"));
                }
            };
        }
        let mut format_spec = None;
        if stop == ':' {
            cur.bump();
            let spec_pos = (cur.line, cur.col);
            let parts = self.fstring_parts(cur, raw, pos, end, nesting + 1)?;
            format_spec = Some(Box::new(Expr::new(
                ExprKind::JoinedStr { values: parts },
                spec_pos.0,
                spec_pos.1,
                cur.line,
                cur.col,
            )));
        }
        if cur.peek() != Some('}') {
            return Err(self.error_at(open, "f-string: expecting '}' to close the field"));
        }
        cur.bump();
        if debug && conversion.is_none() && format_spec.is_none() {
            conversion = Some('r');
        }
        out.push(Expr::new(
            ExprKind::FormattedValue {
                value: Box::new(value),
                conversion,
                format_spec,
            },
            open.0,
            open.1,
            cur.line,
            cur.col,
        ));
        Ok(out)
    }

    /// Parses the expression of an f-string field (as if in parentheses, so it may span lines).
    #[optimize(size)]
    fn fstring_expression(&mut self, text: &str, at: Pos) -> PResult<Expr> {
        let lexed = lexer::tokenize_expression(text, at.0, at.1);
        if let Some(e) = lexed.error {
            let msg = format!("f-string: {}", e.error.message);
            return Err(self.error_at((e.error.line, e.error.column), msg));
        }
        if let Some(d) = lexed.diagnostics.into_iter().next() {
            return Err(self.error_at((d.line, d.column), d.message));
        }
        let mut sub = Parser::new(text, lexed.tokens, self.opts, self.depth + 1);
        sub.chain = self.chain;
        let result = (|| {
            let e = if sub.at_kw(Kw::Yield) {
                sub.yield_expr()?
            } else {
                sub.star_expressions()?
            };
            if !matches!(sub.kind(), Tok::Eof) {
                return Err(sub.error_here(format!(
                    "f-string: invalid syntax: unexpected {}",
                    sub.describe_current()
                )));
            }
            Ok(e)
        })();
        self.chain = sub.chain;
        for e in sub.errors {
            self.record((e.line, e.column), e.message);
        }
        result
    }
}

/// A position in an f-string body that keeps line and column.
struct FCursor<'b> {
    body: &'b str,
    i: usize,
    line: u32,
    col: u32,
}

impl FCursor<'_> {
    #[optimize(size)]
    fn peek(&self) -> Option<char> {
        self.body[self.i..].chars().next()
    }

    #[optimize(size)]
    fn peek2(&self) -> Option<char> {
        let mut it = self.body[self.i..].chars();
        it.next();
        it.next()
    }

    #[optimize(size)]
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }
}

/// Appends literal text to a JoinedStr's parts, merging with a preceding literal and dropping empty text.
#[optimize(size)]
fn push_literal(parts: &mut Vec<Expr>, text: String, pos: Pos, end: Pos) {
    if text.is_empty() {
        return;
    }
    if let Some(Expr {
        kind: ExprKind::Constant(Constant::Str(prev)),
        end_line,
        end_col,
        ..
    }) = parts.last_mut()
    {
        prev.push_str(&text);
        *end_line = end.0;
        *end_col = end.1;
        return;
    }
    parts.push(Expr::new(
        ExprKind::Constant(Constant::Str(text)),
        pos.0,
        pos.1,
        end.0,
        end.1,
    ));
}

/// A dict display that began with `**d` has one value and no key yet.
#[optimize(size)]
fn first_key_was_unpack(keys: &[Option<Expr>], values: &[Expr]) -> bool {
    keys.len() < values.len()
}

#[optimize(size)]
fn aug_op(op: Op) -> Option<Operator> {
    Some(match op {
        Op::PlusEqual => Operator::Add,
        Op::MinEqual => Operator::Sub,
        Op::StarEqual => Operator::Mult,
        Op::SlashEqual => Operator::Div,
        Op::DoubleSlashEqual => Operator::FloorDiv,
        Op::PercentEqual => Operator::Mod,
        Op::DoubleStarEqual => Operator::Pow,
        Op::LeftShiftEqual => Operator::LShift,
        Op::RightShiftEqual => Operator::RShift,
        Op::AmperEqual => Operator::BitAnd,
        Op::VBarEqual => Operator::BitOr,
        Op::CircumflexEqual => Operator::BitXor,
        Op::AtEqual => Operator::MatMult,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    /// A compact S-expression rendering of a tree, so expected shapes fit on one line.
    fn e(x: &Expr) -> String {
        let list = |xs: &[Expr]| xs.iter().map(e).collect::<Vec<_>>().join(" ");
        let ob = |x: &Option<Box<Expr>>| x.as_deref().map_or("_".to_string(), e);
        let gens = |gs: &[Comprehension]| {
            gs.iter()
                .map(|g| {
                    let mut s = format!("(for {} {}", e(&g.target), e(&g.iter));
                    for i in &g.ifs {
                        let _ = write!(s, " (if {})", e(i));
                    }
                    s + ")"
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        match &x.kind {
            ExprKind::Name { id } => id.clone(),
            ExprKind::Constant(c) => match c {
                Constant::None => "None".into(),
                Constant::Bool(b) => if *b { "True" } else { "False" }.into(),
                Constant::Int(i) => i.to_string(),
                Constant::Float(f) => format!("{f:?}"),
                Constant::Str(s) => format!("{s:?}"),
                Constant::Ellipsis => "...".into(),
            },
            ExprKind::BinOp { left, op, right } => {
                format!("({} {} {})", op.symbol(), e(left), e(right))
            }
            ExprKind::UnaryOp { op, operand } => {
                let o = match op {
                    UnaryOp::Not => "not",
                    UnaryOp::USub => "neg",
                    UnaryOp::UAdd => "pos",
                    UnaryOp::Invert => "~",
                };
                format!("({o} {})", e(operand))
            }
            ExprKind::BoolOp { op, values } => {
                format!(
                    "({} {})",
                    if *op == BoolOp::And { "and" } else { "or" },
                    list(values)
                )
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                let mut s = format!("(cmp {}", e(left));
                for (o, c) in ops.iter().zip(comparators) {
                    let _ = write!(s, " {} {}", o.symbol(), e(c));
                }
                s + ")"
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                let mut s = format!("(call {}", e(func));
                for a in args {
                    let _ = write!(s, " {}", e(a));
                }
                for k in keywords {
                    match &k.arg {
                        Some(a) => {
                            let _ = write!(s, " {a}={}", e(&k.value));
                        }
                        None => {
                            let _ = write!(s, " **{}", e(&k.value));
                        }
                    }
                }
                s + ")"
            }
            ExprKind::Attribute { value, attr } => format!("(. {} {attr})", e(value)),
            ExprKind::Subscript { value, slice } => format!("(sub {} {})", e(value), e(slice)),
            ExprKind::Slice { lower, upper, step } => {
                format!("(slice {} {} {})", ob(lower), ob(upper), ob(step))
            }
            ExprKind::Tuple { elts } => format!("(tuple {})", list(elts)),
            ExprKind::List { elts } => format!("(list {})", list(elts)),
            ExprKind::Set { elts } => format!("(set {})", list(elts)),
            ExprKind::Dict { keys, values } => {
                let items: Vec<String> = keys
                    .iter()
                    .zip(values)
                    .map(|(k, v)| match k {
                        Some(k) => format!("{}:{}", e(k), e(v)),
                        None => format!("**{}", e(v)),
                    })
                    .collect();
                format!("(dict {})", items.join(" "))
            }
            ExprKind::Starred { value } => format!("*{}", e(value)),
            ExprKind::IfExp { test, body, orelse } => {
                format!("(ifexp {} {} {})", e(test), e(body), e(orelse))
            }
            ExprKind::Lambda { args, body } => format!("(lambda ({}) {})", a(args), e(body)),
            ExprKind::ListComp { elt, generators } => {
                format!("(listcomp {} {})", e(elt), gens(generators))
            }
            ExprKind::SetComp { elt, generators } => {
                format!("(setcomp {} {})", e(elt), gens(generators))
            }
            ExprKind::GeneratorExp { elt, generators } => {
                format!("(genexp {} {})", e(elt), gens(generators))
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                format!("(dictcomp {}:{} {})", e(key), e(value), gens(generators))
            }
            ExprKind::Await { value } => format!("(await {})", e(value)),
            ExprKind::Yield { value } => format!("(yield {})", ob(value)),
            ExprKind::YieldFrom { value } => format!("(yieldfrom {})", e(value)),
            ExprKind::NamedExpr { target, value } => format!("(:= {} {})", e(target), e(value)),
            ExprKind::JoinedStr { values } => format!("(f {})", list(values)),
            ExprKind::FormattedValue {
                value,
                conversion,
                format_spec,
            } => {
                let mut s = format!("(fv {}", e(value));
                if let Some(c) = conversion {
                    let _ = write!(s, " !{c}");
                }
                if let Some(spec) = format_spec {
                    let _ = write!(s, " :{}", e(spec));
                }
                s + ")"
            }
        }
    }

    fn a(args: &Arguments) -> String {
        let mut parts: Vec<String> = args.posonlyargs.iter().map(|p| p.name.clone()).collect();
        if !args.posonlyargs.is_empty() {
            parts.push("/".into());
        }
        parts.extend(args.args.iter().map(|p| p.name.clone()));
        if let Some(v) = &args.vararg {
            parts.push(format!("*{}", v.name));
        } else if !args.kwonlyargs.is_empty() {
            parts.push("*".into());
        }
        for (k, d) in args.kwonlyargs.iter().zip(&args.kw_defaults) {
            parts.push(match d {
                Some(d) => format!("{}={}", k.name, e(d)),
                None => k.name.clone(),
            });
        }
        if let Some(k) = &args.kwarg {
            parts.push(format!("**{}", k.name));
        }
        if !args.defaults.is_empty() {
            parts.push(format!(
                "defaults={}",
                args.defaults.iter().map(e).collect::<Vec<_>>().join(",")
            ));
        }
        parts.join(" ")
    }

    fn block(b: &[Stmt]) -> String {
        format!("{{{}}}", b.iter().map(s).collect::<Vec<_>>().join("; "))
    }

    fn s(x: &Stmt) -> String {
        let oe = |v: &Option<Expr>| v.as_ref().map_or("_".to_string(), e);
        match &x.kind {
            StmtKind::FunctionDef {
                name,
                args,
                body,
                is_async,
                ..
            } => {
                format!(
                    "({}def {name} ({}) {})",
                    if *is_async { "async " } else { "" },
                    a(args),
                    block(body)
                )
            }
            StmtKind::ClassDef {
                name, bases, body, ..
            } => {
                format!(
                    "(class {name} ({}) {})",
                    bases.iter().map(e).collect::<Vec<_>>().join(" "),
                    block(body)
                )
            }
            StmtKind::Return { value } => format!("(return {})", oe(value)),
            StmtKind::Delete { targets } => format!(
                "(del {})",
                targets.iter().map(e).collect::<Vec<_>>().join(" ")
            ),
            StmtKind::Assign { targets, value } => {
                format!(
                    "(= {} {})",
                    targets.iter().map(e).collect::<Vec<_>>().join(" "),
                    e(value)
                )
            }
            StmtKind::AugAssign { target, op, value } => {
                format!("({}= {} {})", op.symbol(), e(target), e(value))
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                simple,
            } => {
                format!(
                    "(ann{} {} {} {})",
                    if *simple { "" } else { "!" },
                    e(target),
                    e(annotation),
                    oe(value)
                )
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                ..
            } => {
                format!(
                    "(for {} {} {} {})",
                    e(target),
                    e(iter),
                    block(body),
                    block(orelse)
                )
            }
            StmtKind::While { test, body, orelse } => {
                format!("(while {} {} {})", e(test), block(body), block(orelse))
            }
            StmtKind::If { test, body, orelse } => {
                format!("(if {} {} {})", e(test), block(body), block(orelse))
            }
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| match &i.optional_vars {
                        Some(v) => format!("{} as {}", e(&i.context_expr), e(v)),
                        None => e(&i.context_expr),
                    })
                    .collect();
                format!(
                    "({}with {} {})",
                    if *is_async { "async " } else { "" },
                    items.join(", "),
                    block(body)
                )
            }
            StmtKind::Raise { exc, cause } => format!("(raise {} {})", oe(exc), oe(cause)),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                let hs: Vec<String> = handlers
                    .iter()
                    .map(|h| {
                        format!(
                            "(except {} {} {})",
                            oe(&h.type_),
                            h.name.as_deref().unwrap_or("_"),
                            block(&h.body)
                        )
                    })
                    .collect();
                format!(
                    "(try {} {} {} {})",
                    block(body),
                    hs.join(" "),
                    block(orelse),
                    block(finalbody)
                )
            }
            StmtKind::Assert { test, msg } => format!("(assert {} {})", e(test), oe(msg)),
            StmtKind::Import { names } => format!("(import {})", aliases(names)),
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => {
                format!(
                    "(from {}{} {})",
                    ".".repeat(*level as usize),
                    module.as_deref().unwrap_or(""),
                    aliases(names)
                )
            }
            StmtKind::Global { names } => format!("(global {})", names.join(" ")),
            StmtKind::Nonlocal { names } => format!("(nonlocal {})", names.join(" ")),
            StmtKind::Expr { value } => e(value),
            StmtKind::Pass => "pass".into(),
            StmtKind::Break => "break".into(),
            StmtKind::Continue => "continue".into(),
        }
    }

    fn aliases(names: &[Alias]) -> String {
        names
            .iter()
            .map(|a| match &a.asname {
                Some(n) => format!("{} as {n}", a.name),
                None => a.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn dump_with(src: &str, opts: ParseOptions) -> String {
        match parse_with(src, opts) {
            Ok(m) => m.body.iter().map(s).collect::<Vec<_>>().join("; "),
            Err(errs) => format!("ERR {errs:?}"),
        }
    }

    fn dump(src: &str) -> String {
        dump_with(src, ParseOptions::default())
    }

    #[test]
    fn statements_and_expressions() {
        let cases: &[(&str, &str)] = &[
            ("x = 1", "(= x 1)"),
            ("a = b = 2.5", "(= a b 2.5)"),
            ("a, b = b, a", "(= (tuple a b) (tuple b a))"),
            ("a, *rest = xs", "(= (tuple a *rest) xs)"),
            ("[a, b] = 1, 2,", "(= (list a b) (tuple 1 2))"),
            ("x.y[0] += 1", "(+= (sub (. x y) 0) 1)"),
            ("n //= 2; m **= 3", "(//= n 2); (**= m 3)"),
            ("coffee_s: float = 1.0  # param: seconds", "(ann coffee_s float 1.0)"),
            ("(x): int", "(ann! x int _)"),
            ("del a, b.c, d[0]", "(del a (. b c) (sub d 0))"),
            ("1 + 2 * 3 - 4", "(- (+ 1 (* 2 3)) 4)"),
            ("-x ** 2", "(neg (** x 2))"),
            ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
            ("2 ** -1", "(** 2 (neg 1))"),
            ("a | b ^ c & d << 1 >> 2", "(| a (^ b (& c (>> (<< d 1) 2))))"),
            ("a // b % c / d", "(/ (% (// a b) c) d)"),
            ("~x + +y", "(+ (~ x) (pos y))"),
            ("not a and b or c and not d", "(or (and (not a) b) (and c (not d)))"),
            ("a or b or c", "(or a b c)"),
            ("a < b <= c != d", "(cmp a < b <= c != d)"),
            ("a is not b", "(cmp a is not b)"),
            ("a not in b", "(cmp a not in b)"),
            ("not a in b", "(not (cmp a in b))"),
            ("x if c else y", "(ifexp c x y)"),
            ("a if b else c if d else e", "(ifexp b a (ifexp d c e))"),
            ("f(a, *b, k=1, **d)", "(call f a *b k=1 **d)"),
            ("f(x for x in y)", "(call f (genexp x (for x y)))"),
            ("f()()[1][::2]", "(sub (sub (call (call f)) 1) (slice _ _ 2))"),
            ("a[1:2, ::3]", "(sub a (tuple (slice 1 2 _) (slice _ _ 3)))"),
            ("a[i, j]", "(sub a (tuple i j))"),
            ("a[:]", "(sub a (slice _ _ _))"),
            ("a.b.c", "(. (. a b) c)"),
            ("(1,)", "(tuple 1)"),
            ("()", "(tuple )"),
            ("(1)", "1"),
            ("[]", "(list )"),
            ("[1, *a, 2,]", "(list 1 *a 2)"),
            ("{}", "(dict )"),
            ("{1: 2, **d, 'k': v}", "(dict 1:2 **d \"k\":v)"),
            ("{**d}", "(dict **d)"),
            ("{1, 2}", "(set 1 2)"),
            ("[x * 2 for x in xs if x if y for z in x]", "(listcomp (* x 2) (for x xs (if x) (if y)) (for z x))"),
            ("{x for x in y}", "(setcomp x (for x y))"),
            ("{k: v for k, v in d.items()}", "(dictcomp k:v (for (tuple k v) (call (. d items))))"),
            ("(x for x in y)", "(genexp x (for x y))"),
            ("lambda: 0", "(lambda () 0)"),
            ("lambda a, b=1, *c, d, e=2, **f: a", "(lambda (a b *c d e=2 **f defaults=1) a)"),
            ("None, True, False, ...", "(tuple None True False ...)"),
            ("0x_ff + 0o7 + 0b1 + 1_000 + 1e3 + .5", "(+ (+ (+ (+ (+ 255 7) 1) 1000) 1000.0) 0.5)"),
            ("'a' \"b\" '''c'''", "\"abc\""),
            (r"'\t\\'", "\"\\t\\\\\""),
            ("f'x{y}z'", "(f \"x\" (fv y) \"z\")"),
            ("f'{x!r:>{w}.2}'", "(f (fv x !r :(f \">\" (fv w) \".2\")))"),
            ("f'{x=}'", "(f \"x=\" (fv x !r))"),
            ("f'{x = :.2f}'", "(f \"x = \" (fv x :(f \".2f\")))"),
            ("f'{x=!s}'", "(f \"x=\" (fv x !s))"),
            ("f'{{}}{a}' 'b' f'c'", "(f \"{}\" (fv a) \"bc\")"),
            ("f'{a[\"k\"]}{b!=c}'", "(f (fv (sub a \"k\")) (fv (cmp b != c)))"),
            ("f'{ {1: 2}[1] }'", "(f (fv (sub (dict 1:2) 1)))"),
            ("f''", "(f )"),
            ("f'{a, b}'", "(f (fv (tuple a b)))"),
            ("rf'\\n{x}'", "(f \"\\\\n\" (fv x))"),
            ("f'\\n{x}'", "(f \"\\n\" (fv x))"),
            ("x = '''a\nb'''", "(= x \"a\\nb\")"),
            ("x = (1 +\n  2)", "(= x (+ 1 2))"),
            ("x = 1 + \\\n  2", "(= x (+ 1 2))"),
            ("pass; break_ = 1", "pass; (= break_ 1)"),
            ("if a:\n  b\nelif c:\n  d\nelse:\n  e", "(if a {b} {(if c {d} {e})})"),
            ("if a: b; c", "(if a {b; c} {})"),
            ("while x:\n  x -= 1\nelse:\n  pass", "(while x {(-= x 1)} {pass})"),
            ("for i, (a, b) in enumerate(z):\n  continue", "(for (tuple i (tuple a b)) (call enumerate z) {continue} {})"),
            ("for x in 1, 2:\n  break\nelse:\n  pass", "(for x (tuple 1 2) {break} {pass})"),
            ("with a as b, c:\n  pass", "(with a as b, c {pass})"),
            ("with (a as b, c as d,):\n  pass", "(with a as b, c as d {pass})"),
            ("with (a, b) as c:\n  pass", "(with (tuple a b) as c {pass})"),
            ("with (yield_):\n  pass", "(with yield_ {pass})"),
            (
                "try:\n  a\nexcept (A, B) as e:\n  b\nexcept C:\n  c\nexcept:\n  d\nelse:\n  f\nfinally:\n  g",
                "(try {a} (except (tuple A B) e {b}) (except C _ {c}) (except _ _ {d}) {f} {g})",
            ),
            ("try:\n  a\nfinally:\n  b", "(try {a}  {} {b})"),
            ("raise", "(raise _ _)"),
            ("raise E('x') from e", "(raise (call E \"x\") e)"),
            ("assert x, 'msg'", "(assert x \"msg\")"),
            ("import threading, time as t", "(import threading, time as t)"),
            ("import concurrent.futures as cf", "(import concurrent.futures as cf)"),
            ("from concurrent.futures import ThreadPoolExecutor", "(from concurrent.futures ThreadPoolExecutor)"),
            ("from multiprocessing import (Process,\n Queue as Q,)", "(from multiprocessing Process, Queue as Q)"),
            ("from concurrent import futures", "(from concurrent futures)"),
            ("global a, b", "(global a b)"),
            ("def f(a, b=1, *args, c, d=2, **kw):\n  return a", "(def f (a b *args c d=2 **kw defaults=1) {(return a)})"),
            ("def f(a, /, b):\n  pass", "(def f (a / b) {pass})"),
            ("def f(*, k):\n  pass", "(def f (* k) {pass})"),
            ("def f(x: int = 1, *a: str) -> None:\n  '''doc'''", "(def f (x *a defaults=1) {\"doc\"})"),
            ("def f():\n  def g():\n    nonlocal x\n  x = 1", "(def f () {(def g () {(nonlocal x)}); (= x 1)})"),
            ("async def f():\n  await g()\n  async with l:\n    return 1", "(async def f () {(await (call g)); (async with l {(return 1)})})"),
            ("class C(Base):\n  x = 1\n  def m(self):\n    return self.x", "(class C (Base) {(= x 1); (def m (self) {(return (. self x))})})"),
            ("class C:\n  pass", "(class C () {pass})"),
            ("match = 1\nmatch(x)", "(= match 1); (call match x)"),
            ("print('a', end='')", "(call print \"a\" end=\"\")"),
            ("x = [\n  1,\n  2,\n]\n", "(= x (list 1 2))"),
            ("if x:\n\tpass\n", "(if x {pass} {})"),
            ("if x:\n        a\n        b\n", "(if x {a; b} {})"),
            ("\n\n# only comments\n\n", ""),
            ("", ""),
            ("x = 9223372036854775807", "(= x 9223372036854775807)"),
            ("x = 3if y else 2", "(= x (ifexp y 3 2))"),
            ("é = 'ü'", "(= é \"ü\")"),
            ("x = a @ b if False else 1", "ERR"),
        ];
        for (src, want) in cases {
            let got = dump(src);
            if *want == "ERR" {
                assert!(got.starts_with("ERR"), "{src:?} -> {got}");
            } else {
                assert_eq!(got, *want, "source: {src:?}");
            }
        }
    }

    #[test]
    fn prelude_options() {
        let opts = ParseOptions {
            allow_yield: true,
            allow_any_import: true,
        };
        assert_eq!(
            dump_with(
                "import _threadlab\ndef g():\n  x = yield 1\n  yield from h()\n  yield",
                opts
            ),
            "(import _threadlab); (def g () {(= x (yield 1)); (yieldfrom (call h)); (yield _)})"
        );
        assert!(dump_with("yield 1", opts).contains("'yield' outside a function"));
    }

    /// (source, line, column, message fragment) of the first error.
    fn first_error(src: &str) -> SyntaxError {
        match parse(src) {
            Ok(m) => panic!("{src:?} parsed: {m:?}"),
            Err(errs) => errs[0].clone(),
        }
    }

    #[test]
    fn errors_point_where_cpython_does() {
        let cases: &[(&str, u32, u32, &str)] = &[
            ("print(\"a\"\nx = 5\ny = 6\n", 1, 6, "'(' was never closed"),
            ("foo(1,\nx = 2\n", 1, 4, "'(' was never closed"),
            ("x = [1, 2\ny = 3\n", 1, 5, "'[' was never closed"),
            ("if x\n  pass\n", 1, 5, "expected ':' after the if condition"),
            ("while x\n  pass\n", 1, 8, "expected ':' after the while condition"),
            ("for x in y\n  pass\n", 1, 11, "expected ':'"),
            ("def f()\n  pass\n", 1, 8, "expected ':'"),
            ("class C\n  pass\n", 1, 8, "expected ':'"),
            ("x = 1\n  y = 2\n", 2, 3, "unexpected indent"),
            ("if x:\n    a\n  b\n", 3, 3, "unindent does not match any outer indentation level"),
            ("if x:\npass\n", 2, 1, "expected an indented block after 'if' statement on line 1"),
            ("if x:\n", 1, 6, "expected an indented block after 'if' statement on line 1"),
            ("def f():\n# c\nx = 1\n", 3, 1, "expected an indented block after function definition on line 1"),
            ("(]", 1, 2, "closing parenthesis ']' does not match opening parenthesis '('"),
            (")", 1, 1, "unmatched ')'"),
            ("x = = 1\nf(\n", 1, 5, "invalid syntax: unexpected '='"),
            ("x = = 1\n\"abc\n", 2, 1, "unterminated string literal (detected at line 2)"),
            ("x = 1 then 2\n", 1, 7, "invalid syntax: unexpected 'then'"),
            ("print \"x\"\n", 1, 1, "print is a function in Python 3: write print(\"x\")"),
            ("print x, y\n", 1, 1, "write print(x, y)"),
            ("f() = 1\n", 1, 1, "cannot assign to a function call"),
            ("None = 1\n", 1, 1, "cannot assign to None"),
            ("x = True = 1\n", 1, 5, "cannot assign to True"),
            ("del f()\n", 1, 5, "cannot delete a function call"),
            ("(a, b) += 1\n", 1, 1, "cannot use a tuple as the target of '+='"),
            ("a, *b, *c = d\n", 1, 1, "multiple starred expressions in assignment"),
            ("*a = b\n", 1, 1, "starred assignment target must be in a list or tuple"),
            ("for 1 in x:\n  pass\n", 1, 5, "cannot assign to a literal"),
            ("return 1\n", 1, 1, "'return' outside a function"),
            ("break\n", 1, 1, "'break' outside a loop"),
            ("while x:\n  def f():\n    continue\n", 3, 5, "'continue' outside a loop"),
            ("await x\n", 1, 1, "'await' outside an async function"),
            ("def f():\n  await x\n", 2, 3, "'await' outside an async function"),
            ("async def f():\n  g = lambda: await x\n", 2, 15, "'await' outside"),
            ("x = 1j\n", 1, 5, "complex numbers (1j) are not supported"),
            ("x = b'x'\n", 1, 5, "bytes literals"),
            ("x = 123456789012345678901234\n", 1, 5,
             "the number 123456789012345678901234 is too large: ThreadLab's integers are 64-bit (up to 9223372036854775807)"),
            ("x = 09\n", 1, 5, "leading zeros"),
            ("x = 1__0\n", 1, 6, "invalid decimal literal"),
            ("x = 0b12\n", 1, 8, "invalid digit '2' in binary literal"),
            ("c = a @ b\n", 1, 5, "the @ operator (matrix multiplication) is not supported"),
            ("if x:\n\tpass\n        pass\n", 3, 9, "inconsistent use of tabs and spaces in indentation"),
            ("def f():\n    x = 1\n    global x\n", 3, 5, "name 'x' is assigned to before global declaration"),
            ("def f():\n  print(x)\n  global x\n", 3, 3, "name 'x' is used prior to global declaration"),
            ("def f(x):\n  global x\n", 2, 3, "name 'x' is parameter and global"),
            ("nonlocal x\n", 1, 1, "nonlocal declaration not allowed at module level"),
            ("import numpy\n", 1, 8,
             "import numpy: ThreadLab runs the modules threading, _thread, queue, concurrent.futures, asyncio, multiprocessing, network, urllib.request, time, random, sys, os, math"),
            ("import os.path\n", 1, 8, "import os.path: ThreadLab runs"),
            ("import tme\n", 1, 8, "import tme: ThreadLab runs the modules threading, _thread, queue, concurrent.futures, asyncio, multiprocessing, network, urllib.request, time, random, sys, os, math (did you mean time?)"),
            ("from threding import Thread\n", 1, 6, "(did you mean threading?)"),
            ("import numpy as np\n", 1, 8, "the modules threading, _thread, queue, concurrent.futures, asyncio, multiprocessing, network, urllib.request, time, random, sys, os, math"),
            ("from numpy import array\n", 1, 6, "import numpy: ThreadLab runs"),
            ("from threading import *\n", 1, 23, "from threading import *"),
            ("from . import x\n", 1, 1, "relative imports are not supported"),
            ("@decorator\ndef f():\n  pass\n", 1, 1, "@decorator: decorators are not supported yet"),
            ("@functools.wraps(g)\ndef f():\n  pass\n", 1, 1, "@functools.wraps(g): decorators"),
            ("@dec\nx = 1\n", 2, 1, "a decorator must be followed by a def or a class"),
            ("def g():\n  yield 1\n", 2, 3, "'yield' is not supported: generators are not in ThreadLab's subset"),
            ("match x:\n  case 1:\n    pass\n", 1, 1, "'match' statements are not supported"),
            ("if (n := 10) > 5:\n  pass\n", 1, 5, "the walrus operator ':=' is not supported"),
            ("async def f():\n  async for x in y:\n    pass\n", 2, 3, "'async for' is not supported"),
            ("async def f():\n  return [x async for x in y]\n", 2, 23, "async comprehensions"),
            ("try:\n  pass\nexcept* E:\n  pass\n", 3, 7, "'except*'"),
            ("class C(A, B):\n  pass\n", 1, 12, "class C(A, B): ThreadLab supports single inheritance (one base class)"),
            ("class C(metaclass=M):\n  pass\n", 1, 9, "class keywords such as metaclass= are not supported"),
            ("x = 1 +\n", 1, 8, "invalid syntax"),
            ("x = 1 if y\n", 1, 11, "expected 'else' after 'if' expression"),
            ("f(x for x in y, 1)\n", 1, 3, "generator expression must be parenthesized"),
            ("f(a=1, b)\n", 1, 8, "positional argument follows keyword argument"),
            ("f(**k, b)\n", 1, 8, "positional argument follows keyword argument unpacking"),
            ("f(**k, *a)\n", 1, 8, "iterable argument unpacking (*) follows keyword argument unpacking"),
            ("f(a=1, a=2)\n", 1, 8, "keyword argument repeated: a"),
            ("f(x.y=1)\n", 1, 3, "expression cannot contain assignment"),
            ("foo(a b)\n", 1, 5, "perhaps you forgot a comma before 'b'?"),
            ("x = [1, 2 3]\n", 1, 9, "perhaps you forgot a comma before '3'?"),
            ("x = (1, 2\n     3)\n", 1, 9, "perhaps you forgot a comma"),
            ("x = {'a': 1 'b': 2}\n", 1, 11, "perhaps you forgot a comma"),
            ("f(a=1 b)\n", 1, 5, "perhaps you forgot a comma"),
            ("def f(a=1, b):\n  pass\n", 1, 12, "non-default argument follows default argument"),
            ("def f(*):\n  pass\n", 1, 7, "named arguments must follow bare *"),
            ("def f(a, a):\n  pass\n", 1, 10, "duplicate argument 'a' in function definition"),
            ("def f(**k, a):\n  pass\n", 1, 12, "arguments cannot follow var-keyword argument"),
            ("try:\n  pass\nx = 1\n", 3, 1, "expected 'except' or 'finally' block"),
            ("try:\n  pass\nexcept:\n  pass\nexcept E:\n  pass\n", 3, 1, "default 'except:' must be last"),
            ("try:\n  pass\nexcept A, B:\n  pass\n", 3, 8, "multiple exception types must be parenthesized"),
            ("else:\n  pass\n", 1, 1, "'else' must follow"),
            ("if x = 1:\n  pass\n", 1, 6, "use '==' instead of '='"),
            ("if x:\n  pass\nelse if y:\n  pass\n", 3, 6, "write 'elif'"),
            ("if x: if y: pass\n", 1, 7, "'if' cannot follow ':' on the same line"),
            ("x = $\n", 1, 5, "unexpected character '$'"),
            ("x = \u{201c}a\u{201d}\n", 1, 5, "plain double quote"),
            ("x = 1\n\\\n", 2, 2, "unexpected end of file"),
            ("x = 1 \\ y\n", 1, 8, "unexpected character after line continuation character"),
            ("f'{x!z}'\n", 1, 6, "invalid conversion character"),
            ("f'{}'\n", 1, 3, "f-string: empty expression not allowed"),
            ("f'{x'\n", 1, 3, "f-string: expecting '}'"),
            ("f'}'\n", 1, 3, "f-string: single '}' is not allowed"),
            ("f'{a b}'\n", 1, 6, "f-string: invalid syntax: unexpected 'b'"),
            ("x = 1\n\n\n)\n", 4, 1, "unmatched ')'"),
            ("lambda x: (yield)\n", 1, 12, "'yield' is not supported"),
            ("x = *a\n", 1, 5, "cannot use a starred expression (*x) here"),
            ("'\\N{DASH}'\n", 1, 1, "\\N{...} escapes"),
            ("'\\x4'\n", 1, 1, "\\x needs exactly 2 hexadecimal digits"),
            ("x = 'abc\n", 1, 5, "unterminated string literal"),
            ("x = '''abc\n", 1, 5, "unterminated triple-quoted string literal"),
            ("class = 1\n", 1, 7, "expected a class name after 'class'"),
            ("def f(:\n  pass\n", 1, 7, "unexpected ':' in the parameter list"),
            ("async x\n", 1, 7, "'async' must be followed by def, with or for"),
            ("x = yield\n", 1, 5, "'yield' is not supported"),
            ("a.b := 1\n", 1, 5, "cannot use ':=' with an attribute"),
            ("(a.b := 1)\n", 1, 2, "cannot use ':=' with an attribute"),
        ];
        let mut failures = Vec::new();
        for &(src, line, col, frag) in cases {
            let err = first_error(src);
            if !err.message.contains(frag) || (err.line, err.column) != (line, col) {
                failures.push(format!("{src:?}: want {line}:{col} {frag:?}, got {err:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn recovery_reports_several_errors() {
        let src = "x = = 1\nif y\n    z = 2\nelse:\n    w\nok = 1\nf(a b)\nfor i in range(3):\n    i +\nprint(ok)\n";
        let errs = parse(src).unwrap_err();
        let lines: Vec<u32> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![1, 2, 7, 9], "{errs:?}");
    }

    #[test]
    fn error_cap_is_ten() {
        let src = "x = = 1\n".repeat(50);
        assert_eq!(parse(&src).unwrap_err().len(), MAX_ERRORS);
    }

    #[test]
    fn error_kinds() {
        let kind = |src: &str| error_kind(&first_error(src));
        assert_eq!(kind("x\n  y\n"), "IndentationError");
        assert_eq!(kind("if x:\ny\n"), "IndentationError");
        assert_eq!(kind("if x:\n    a\n  b\n"), "IndentationError");
        assert_eq!(kind("if x:\n\tpass\n        pass\n"), "TabError");
        assert_eq!(kind("x = = 1\n"), "SyntaxError");
    }

    #[test]
    fn spans() {
        let m = parse("x = foo(1,\n  2)\nif a:\n    b = 'é' + c\n").unwrap();
        let s0 = &m.body[0];
        assert_eq!((s0.line, s0.col, s0.end_line, s0.end_col), (1, 1, 2, 5));
        let StmtKind::Assign { value, .. } = &s0.kind else {
            panic!()
        };
        assert_eq!(
            (value.line, value.col, value.end_line, value.end_col),
            (1, 5, 2, 5)
        );
        let s1 = &m.body[1];
        assert_eq!((s1.line, s1.col, s1.end_line, s1.end_col), (3, 1, 4, 16));
        let StmtKind::If { body, .. } = &s1.kind else {
            panic!()
        };
        let StmtKind::Assign { value, .. } = &body[0].kind else {
            panic!()
        };
        let ExprKind::BinOp { right, .. } = &value.kind else {
            panic!()
        };
        assert_eq!((right.line, right.col), (4, 15));
        // f-string fields report positions in the file.
        let m = parse("x = f'''ab{\n  y}'''\n").unwrap();
        let StmtKind::Assign { value, .. } = &m.body[0].kind else {
            panic!()
        };
        let ExprKind::JoinedStr { values } = &value.kind else {
            panic!()
        };
        let ExprKind::FormattedValue { value: y, .. } = &values[1].kind else {
            panic!()
        };
        assert_eq!((y.line, y.col), (2, 3));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for src in [
            "(".repeat(10_000),
            format!("x = {}1{}", "(".repeat(10_000), ")".repeat(10_000)),
            format!("x = {}1{}", "[".repeat(150), "]".repeat(150)),
            format!("x = {}1", "-".repeat(100_000)),
            format!("x = {}1", "not ".repeat(100_000)),
            format!("x = 1{}", " + 1".repeat(100_000)),
            format!("x = a{}", ".b".repeat(100_000)),
            format!("x = 2{}", " ** 2".repeat(10_000)),
            format!("x = {}0", "lambda: ".repeat(10_000)),
            format!("x = 1{}", " if c else 1".repeat(10_000)),
            "if x:\n".to_string()
                + &(1..200)
                    .map(|i| format!("{}if x:\n", " ".repeat(i)))
                    .collect::<String>(),
            format!("x = {}", "f'{".repeat(50)),
            "if a:\n  pass\n".to_string() + &"elif a:\n  pass\n".repeat(5000),
        ] {
            // The default test thread's stack in debug builds (whose frames are several times larger);
            // half of a wasm stack in release builds.
            let stack = if cfg!(debug_assertions) {
                2 << 20
            } else {
                512 << 10
            };
            let r = std::thread::Builder::new()
                .stack_size(stack)
                .spawn(move || parse(&src).map(|_| ()))
                .unwrap()
                .join()
                .expect("parse must not overflow the stack");
            assert!(r.is_err());
        }
        let errs = parse(&"(".repeat(10_000)).unwrap_err();
        assert!(
            errs[0].message.contains("too many nested parentheses"),
            "{errs:?}"
        );
    }

    #[test]
    fn random_input_never_panics() {
        // A small deterministic generator (no dependencies): xorshift.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet: Vec<char> = "abcxyz019_ ()[]{}:;,.+-*/%@=<>!&|^~'\"\\#\n\t\r fifdefclasslambdayieldawait\u{e9}\u{201c}\0"
            .chars()
            .collect();
        let words = [
            "if ", "else", "elif ", "for ", " in ", "while ", "def ", "class ", "lambda ",
            "yield ", "await ", "async ", "try:", "except", "finally:", "with ", " as ", "return ",
            "f'{", "}'", "'''", "\"\"\"", "\n    ", "\n", "(", ")", "import ", "from ", "*", "**",
            "=", ":=", "0x", "1e", "rb'", "\\\n",
        ];
        for _ in 0..3000 {
            let len = (next() % 80) as usize;
            let mut src = String::new();
            for _ in 0..len {
                let r = next();
                if r % 3 == 0 {
                    src.push_str(words[(r / 3 % words.len() as u64) as usize]);
                } else {
                    src.push(alphabet[(r / 3 % alphabet.len() as u64) as usize]);
                }
            }
            let _ = parse(&src);
            let _ = parse_with(
                &src,
                ParseOptions {
                    allow_yield: true,
                    allow_any_import: true,
                },
            );
        }
        // Random bytes that happen to be UTF-8.
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..(next() % 60)).map(|_| (next() % 256) as u8).collect();
            let src = String::from_utf8_lossy(&bytes);
            let _ = parse(&src);
        }
    }

    // Native only: wasm32 has no clock here (the product's clock is engine::clock) and no std threads.
    #[cfg(not(target_arch = "wasm32"))]
    #[allow(clippy::disallowed_methods)]
    #[test]
    fn fast_enough() {
        // 300 lines of typical example code; debug builds are slow, so only a loose bound here (the
        // release build is far below a millisecond).
        let block = "import threading\nimport time\n\nlock = threading.Lock()\ncounter = 0\n\ndef worker(n: int) -> None:\n    global counter\n    for i in range(n):\n        with lock:\n            counter += 1\n        time.sleep(0.01)\n    print(f\"done {n=} {counter:>5}\")\n\nthreads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]\n";
        let src = block.repeat(20);
        assert!(src.lines().count() >= 300);
        let start = std::time::Instant::now();
        for _ in 0..10 {
            parse(&src).unwrap();
        }
        assert!(start.elapsed().as_millis() < 2000);
    }
}

//! Parameters declared in an example's Python source, the checks of given values against them, and the
//! rewriting of the source (and of its Rust translation) to given values.
//!
//! # Declaring
//!
//! A top-level statement `NAME = LITERAL` on one line whose trailing comment starts with `# param`
//! declares a parameter; the literal is its default:
//!
//! ```python
//! coffee_s = 1.0           # param [0..60 s] Coffee: how long the coffee takes to arrive.
//! tasks = 4                # param [1..32] Tasks: how many tasks of equal size.
//! numbers = [2, 3, 8, 9]   # param [-999..999, 12 items] Numbers: the list both threads work through.
//! work = "cpu"             # param [cpu|io] Work: compute, or sleep as if waiting for I/O.
//! join = True              # param join() before main's last line
//! pictures_url = ""        # param [url, 500 chars] pictures.zip address: empty = the playground's file.
//! ```
//!
//! The type comes from the literal: `True`/`False` a toggle (no brackets); an int literal with int limits an
//! integer; a float literal, or a limit written with `.` or `e`, a number; a list of numbers a list (its
//! items' limits and `N items`; whole numbers unless the literal holds a float or a limit is a float); a
//! string a choice (`[a|b|c]`), an address (`[url, N chars]`) or a text (`[N chars]`). After the brackets,
//! `Label: help` (the label runs up to the first `: `).
//!
//! # Rewriting (the rule `tools/record_examples.py` shares)
//!
//! A parameter's literal is replaced only when the new value differs from the literal's value. The new
//! literal is: `True`/`False`; an integer in decimal (`-3`); a number as Python's `repr()` of the float
//! (`0.2`, `1.0`, `1e-05`); a list as `[` items joined by `, ` `]`, each an integer or a number as above;
//! a string in double quotes with `\` and `"` escaped by a backslash, newline, carriage return and tab as
//! `\n` `\r` `\t`, any other control character (Unicode category Cc) as `\xNN`, U+2028/U+2029 as
//! `\u2028`/`\u2029`, everything else as itself. `tests/examples.rs` checks the tool writes the same.

use super::input::{fmt_num, InputError};
use crate::python::ast::{Constant, ExprKind, StmtKind, UnaryOp};
use crate::python::lexer::{self, Tok};
use crate::python::{self, SyntaxError};
use serde::Serialize;
use serde_json::Value;

/// The type of a parameter's value (the form's field type; the names are today's catalogue's, plus
/// `text`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// A finite number between the limits.
    Number,
    /// A whole number between the limits.
    Integer,
    /// A list of numbers (whole numbers unless [`Param::whole`] is false), each between the limits.
    List,
    /// A toggle.
    Bool,
    /// One of [`Param::options`].
    Choice,
    /// Empty, or an `http://`/`https://` address of at most [`Param::max_len`] characters.
    Url,
    /// Any text of at most [`Param::max_len`] characters, without control characters.
    Text,
}

/// A checked value (or a declared default).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A toggle.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number.
    Float(f64),
    /// A list of whole numbers.
    Ints(Vec<i64>),
    /// A list of numbers.
    Floats(Vec<f64>),
    /// A choice, an address or a text.
    Str(String),
}

/// Where a parameter's literal is: 1-based line, 1-based column of its first character and column just
/// past its last (columns count characters, as the front end's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    /// The line.
    pub line: u32,
    /// The first column.
    pub col: u32,
    /// The column just past the literal.
    pub end_col: u32,
}

/// One declared parameter: the schema the form and the JavaScript API consume (the JSON of today's
/// page's catalogue: name, label, type, default, min, max, maxLen, options, unit, help).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Param {
    /// The variable's name: stable, part of links and of the API.
    pub name: String,
    /// The form's label.
    pub label: String,
    /// The value's type.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// The literal in the source.
    pub default: ParamValue,
    /// Smallest number (of each item, for lists), inclusive; 0 when not a number.
    pub min: f64,
    /// Largest number (of each item, for lists), inclusive; 0 when not a number.
    pub max: f64,
    /// The most items (lists) or characters (addresses, texts); 0 otherwise.
    pub max_len: usize,
    /// The choices.
    pub options: Vec<String>,
    /// The unit shown beside the field, or empty.
    pub unit: String,
    /// The help sentence, or empty.
    pub help: String,
    /// For lists: the items are whole numbers.
    #[serde(skip)]
    pub whole: bool,
    /// Where the literal is in the source.
    #[serde(skip)]
    pub span: Span,
}

impl Param {
    /// What the field accepts, in words (as today's `ParamSpec::allowed`).
    #[optimize(size)]
    pub fn allowed(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        let range = format!("from {} to {}{unit}", fmt_num(self.min), fmt_num(self.max));
        match self.ty {
            ParamType::Number => format!("a number {range}"),
            ParamType::Integer => format!("a whole number {range}"),
            ParamType::List => format!(
                "1 to {} {}numbers separated by commas, each {range}",
                self.max_len,
                if self.whole { "whole " } else { "" }
            ),
            ParamType::Bool => "true or false".into(),
            ParamType::Choice => format!("one of {}", self.options.join(", ")),
            ParamType::Url => format!(
                "empty (the playground's own files) or an http:// or https:// address of at most {} characters, without a user name or password",
                self.max_len
            ),
            ParamType::Text => format!(
                "a text of at most {} characters, without control characters",
                self.max_len
            ),
        }
    }

    /// Checks a value given for this parameter (JSON from the API, or text from a form or a link); the
    /// field is named `params.NAME` in a refusal.
    #[optimize(size)]
    pub fn check(&self, value: &Value) -> Result<ParamValue, InputError> {
        check(self, value)
    }
}

/// Checks `value` against `param`: numbers as text accepted, lists as arrays or "2, 3 8", every refusal
/// naming field, value, problem and what is allowed.
#[optimize(size)]
pub fn check(param: &Param, value: &Value) -> Result<ParamValue, InputError> {
    let field = format!("params.{}", param.name);
    let refuse = |problem: &str| InputError::new(&field, value, problem, param.allowed());
    match param.ty {
        ParamType::Number => check_number(param, value, false)
            .map(ParamValue::Float)
            .map_err(refuse),
        ParamType::Integer => check_number(param, value, true)
            .map(|x| ParamValue::Int(x as i64))
            .map_err(refuse),
        ParamType::List => {
            let items: Vec<Value> = match value {
                Value::Array(items) => items.clone(),
                Value::String(s) => s
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_string()))
                    .collect(),
                _ => return Err(refuse("is not a list of numbers")),
            };
            if items.is_empty() {
                return Err(refuse("is empty"));
            }
            if items.len() > param.max_len {
                return Err(refuse(&format!("has {} items", items.len())));
            }
            let mut xs = Vec::with_capacity(items.len());
            for item in &items {
                match check_number(param, item, param.whole) {
                    Ok(x) => xs.push(x),
                    Err(problem) => {
                        let item = shorten(&item.to_string());
                        return Err(refuse(&format!("has an item ({item}) that {problem}")));
                    }
                }
            }
            Ok(if param.whole {
                ParamValue::Ints(xs.iter().map(|x| *x as i64).collect())
            } else {
                ParamValue::Floats(xs)
            })
        }
        ParamType::Bool => match value {
            Value::Bool(b) => Ok(ParamValue::Bool(*b)),
            Value::String(s) if s.trim() == "true" => Ok(ParamValue::Bool(true)),
            Value::String(s) if s.trim() == "false" => Ok(ParamValue::Bool(false)),
            _ => Err(refuse("is not true or false")),
        },
        ParamType::Url => match value {
            Value::String(s) => {
                let s = s.trim();
                let lower = s.to_ascii_lowercase();
                let authority = s
                    .split("://")
                    .nth(1)
                    .unwrap_or("")
                    .split(['/', '?', '#'])
                    .next()
                    .unwrap_or("");
                if s.is_empty() {
                    Ok(ParamValue::Str(String::new()))
                } else if s.chars().count() > param.max_len {
                    Err(refuse("is too long"))
                } else if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                    Err(refuse("is not an http:// or https:// address"))
                } else if authority.contains('@') {
                    Err(refuse("carries credentials"))
                } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    Err(refuse("has spaces or control characters"))
                } else {
                    Ok(ParamValue::Str(s.to_string()))
                }
            }
            _ => Err(refuse("is not an address")),
        },
        ParamType::Text => match value {
            Value::String(s) if s.chars().count() > param.max_len => Err(refuse("is too long")),
            Value::String(s) if s.chars().any(char::is_control) => {
                Err(refuse("has control characters"))
            }
            Value::String(s) => Ok(ParamValue::Str(s.clone())),
            _ => Err(refuse("is not a text")),
        },
        ParamType::Choice => match value {
            Value::String(s) => match param.options.iter().find(|o| **o == s.trim()) {
                Some(o) => Ok(ParamValue::Str(o.clone())),
                None => Err(refuse("is not one of the choices")),
            },
            _ => Err(refuse("is not one of the choices")),
        },
    }
}

/// A number, integer or list item: its problem in words, if any.
#[optimize(size)]
fn check_number(param: &Param, value: &Value, whole: bool) -> Result<f64, &'static str> {
    let x = match value {
        Value::Number(n) => n.as_f64().ok_or("is not a number")?,
        Value::String(s) => match s.trim().parse::<f64>() {
            Ok(x) if !s.trim().is_empty() => x,
            _ => return Err("is not a number"),
        },
        _ => return Err("is not a number"),
    };
    if !x.is_finite() {
        return Err("is not a finite number");
    }
    if whole && x.fract() != 0.0 {
        return Err("is not a whole number");
    }
    if x < param.min || x > param.max {
        return Err("is out of range");
    }
    Ok(x)
}

/// Keeps messages readable when someone pastes a novel into a field.
#[optimize(size)]
fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}… ({} characters)", text.chars().count())
    }
}

// ---------------------------------------------------------------------------------------------------
// Finding the declarations

/// How a declaration's comment must look, for messages.
const FORM: &str = "`NAME = LITERAL  # param [LIMITS] Label: help`";

/// Whether a comment's text is a `# param` declaration.
#[optimize(size)]
fn is_param_comment(comment: &str) -> bool {
    let Some(rest) = comment.strip_prefix('#') else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix("param") else {
        return false;
    };
    rest.is_empty() || rest.starts_with('[') || rest.starts_with(char::is_whitespace)
}

/// The trailing comment of each line that has code before it: (line, 1-based column of `#`, text).
#[optimize(size)]
fn trailing_comments(source: &str) -> Vec<(u32, u32, String)> {
    let lexed = lexer::tokenize(source);
    // The last byte of code on each line (tokens that end there).
    let mut ends: Vec<(u32, usize)> = Vec::new();
    for t in &lexed.tokens {
        if matches!(
            t.kind,
            Tok::Newline | Tok::Indent | Tok::Dedent | Tok::Eof | Tok::Error
        ) {
            continue;
        }
        match ends.last_mut() {
            Some((line, end)) if *line == t.end_line => *end = (*end).max(t.end),
            _ => ends.push((t.end_line, t.end)),
        }
    }
    let mut out = Vec::new();
    for (line, end) in ends {
        let rest = &source[end..];
        let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let trimmed = rest.trim_start();
        if trimmed.starts_with('#') {
            let line_start = source[..end].rfind('\n').map_or(0, |i| i + 1);
            let col = source[line_start..end].chars().count() + (rest.len() - trimmed.len()) + 1;
            out.push((line, col as u32, trimmed.trim_end().to_string()));
        }
    }
    out
}

/// The value of a literal expression, if it is one a parameter may have.
#[optimize(size)]
fn literal_value(expr: &python::ast::Expr) -> Option<Lit> {
    match &expr.kind {
        ExprKind::Constant(Constant::Bool(b)) => Some(Lit::Bool(*b)),
        ExprKind::Constant(Constant::Int(i)) => Some(Lit::Int(*i)),
        ExprKind::Constant(Constant::Float(f)) => Some(Lit::Float(*f)),
        ExprKind::Constant(Constant::Str(s)) => Some(Lit::Str(s.clone())),
        ExprKind::UnaryOp {
            op: UnaryOp::USub,
            operand,
        } => match literal_value(operand)? {
            Lit::Int(i) => Some(Lit::Int(-i)),
            Lit::Float(f) => Some(Lit::Float(-f)),
            _ => None,
        },
        ExprKind::List { elts } => {
            let mut items = Vec::new();
            for e in elts {
                match literal_value(e)? {
                    Lit::Int(i) => items.push((i as f64, false)),
                    Lit::Float(f) => items.push((f, true)),
                    _ => return None,
                }
            }
            Some(Lit::List(items))
        }
        _ => None,
    }
}

/// A declared literal, before its type is decided.
enum Lit {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// Items and whether each was written as a float.
    List(Vec<(f64, bool)>),
}

/// What the brackets of a declaration hold.
#[derive(Default)]
struct Bracket {
    limits: Option<(f64, f64, bool)>,
    unit: String,
    items: Option<usize>,
    chars: Option<usize>,
    url: bool,
    choices: Option<Vec<String>>,
}

/// Parses the declaration's comment into the bracket's contents, the label and the help.
#[optimize(size)]
fn parse_comment(comment: &str) -> Result<(Bracket, String, String), String> {
    let rest = comment[1..].trim_start()["param".len()..].trim_start();
    let mut bracket = Bracket::default();
    let text = if let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return Err(format!("the declaration's `[` is not closed: write {FORM}"));
        };
        for part in inner[..close].split(',') {
            let part = part.trim();
            parse_part(part, &mut bracket)?;
        }
        inner[close + 1..].trim()
    } else {
        rest
    };
    let (label, help) = match text.split_once(": ") {
        Some((label, help)) => (label.trim(), help.trim()),
        None => (text.trim(), ""),
    };
    if label.is_empty() {
        return Err(format!(
            "a parameter needs a label after `# param`: write {FORM}, e.g. `coffee_s = 1.0  # param [0..60 s] Coffee: how long the coffee takes`"
        ));
    }
    Ok((bracket, label.to_string(), help.to_string()))
}

/// One comma-separated part of the brackets.
#[optimize(size)]
fn parse_part(part: &str, b: &mut Bracket) -> Result<(), String> {
    let what = "inside `[...]` write limits `LOW..HIGH` with an optional unit (`0..60 s`), `N items` \
                (lists), `N chars` (texts), `url` (addresses) or choices `a|b|c`, separated by commas";
    let twice = |name: &str| Err(format!("the declaration gives {name} twice"));
    if part.is_empty() {
        return Err(format!("an empty part in `[...]`: {what}"));
    }
    if let Some((low, high)) = part.split_once("..") {
        if b.limits.is_some() {
            return twice("limits");
        }
        let high = high.trim();
        let (high, unit) = match high.split_once(char::is_whitespace) {
            Some((h, unit)) => (h, unit.trim()),
            None => (high, ""),
        };
        let low = low.trim();
        let num = |t: &str| match t.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(format!(
                "`{t}` is not a number: limits are `LOW..HIGH`, e.g. `0..60 s`"
            )),
        };
        let (lo, hi) = (num(low)?, num(high)?);
        if lo > hi {
            return Err(format!(
                "the limits `{part}` are reversed: the low one comes first"
            ));
        }
        let float = [low, high]
            .iter()
            .any(|t| t.contains('.') || t.contains(['e', 'E']));
        b.limits = Some((lo, hi, float));
        b.unit = unit.to_string();
    } else if let Some(n) = part.strip_suffix(" items") {
        if b.items.is_some() {
            return twice("`N items`");
        }
        b.items = Some(count(n.trim())?);
    } else if let Some(n) = part.strip_suffix(" chars") {
        if b.chars.is_some() {
            return twice("`N chars`");
        }
        b.chars = Some(count(n.trim())?);
    } else if part == "url" {
        b.url = true;
    } else if part.contains('|') {
        let choices: Vec<String> = part.split('|').map(|c| c.trim().to_string()).collect();
        if choices.iter().any(String::is_empty) {
            return Err(format!("an empty choice in `{part}`: write `a|b|c`"));
        }
        b.choices = Some(choices);
    } else {
        return Err(format!("`{part}` is not understood: {what}"));
    }
    Ok(())
}

#[optimize(size)]
fn count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "`{text}` is not a count: write a whole number above 0"
        )),
    }
}

/// The parameters declared in `source`, in source order; or every malformed declaration (and the
/// source's syntax errors, if it doesn't parse), each saying what is allowed.
#[optimize(size)]
pub fn declared(source: &str) -> Result<Vec<Param>, Vec<SyntaxError>> {
    match declared_leniently(source) {
        (params, errors) if errors.is_empty() => Ok(params),
        (_, errors) => Err(errors),
    }
}

/// The well-formed parameters declared in `source`, and every malformed declaration beside them (the
/// playground's form shows the first while the editor marks the second); a source that doesn't parse
/// declares nothing and has its syntax errors.
#[optimize(size)]
pub fn declared_leniently(source: &str) -> (Vec<Param>, Vec<SyntaxError>) {
    let module = match python::parse(source) {
        Ok(module) => module,
        Err(errors) => return (Vec::new(), errors),
    };
    let comments = trailing_comments(source);
    let mut params: Vec<Param> = Vec::new();
    let mut errors = Vec::new();
    let mut used = vec![false; comments.len()];
    for stmt in &module.body {
        // A compound statement's end line is its block's: a comment there belongs to the block.
        let compound = matches!(
            stmt.kind,
            StmtKind::FunctionDef { .. }
                | StmtKind::ClassDef { .. }
                | StmtKind::For { .. }
                | StmtKind::While { .. }
                | StmtKind::If { .. }
                | StmtKind::With { .. }
                | StmtKind::Try { .. }
        );
        if compound {
            continue;
        }
        let Some(ci) = comments
            .iter()
            .position(|(line, _, text)| *line == stmt.end_line && is_param_comment(text))
        else {
            continue;
        };
        used[ci] = true;
        let (_, ccol, ref comment) = comments[ci];
        let err = |column: u32, message: String| SyntaxError {
            line: stmt.line,
            column,
            message,
        };
        let StmtKind::Assign { targets, value } = &stmt.kind else {
            errors.push(err(
                stmt.col,
                format!("`# param` declares a parameter only on a statement {FORM}"),
            ));
            continue;
        };
        let name = match targets.as_slice() {
            [t] => match &t.kind {
                ExprKind::Name { id } => id.clone(),
                _ => {
                    errors.push(err(
                        t.col,
                        format!("a parameter is one name assigned a literal: {FORM}"),
                    ));
                    continue;
                }
            },
            _ => {
                errors.push(err(
                    stmt.col,
                    format!("a parameter is one name assigned a literal: {FORM}"),
                ));
                continue;
            }
        };
        if stmt.line != stmt.end_line || value.line != value.end_line {
            errors.push(err(
                stmt.col,
                format!("the declaration of `{name}` must fit on one line"),
            ));
            continue;
        }
        let Some(lit) = literal_value(value) else {
            errors.push(err(
                value.col,
                format!(
                    "`{name}`'s value must be a literal: a number, True or False, a string, or a list of numbers"
                ),
            ));
            continue;
        };
        if params.iter().any(|p| p.name == name) {
            errors.push(err(
                stmt.col,
                format!("`{name}` is declared a parameter twice"),
            ));
            continue;
        }
        let (bracket, label, help) = match parse_comment(comment) {
            Ok(parts) => parts,
            Err(message) => {
                errors.push(err(ccol, message));
                continue;
            }
        };
        let span = Span {
            line: value.line,
            col: value.col,
            end_col: value.end_col,
        };
        match typed(&name, lit, bracket) {
            Ok((ty, default, min, max, max_len, options, unit, whole)) => {
                let param = Param {
                    name,
                    label,
                    ty,
                    default,
                    min,
                    max,
                    max_len,
                    options,
                    unit,
                    help,
                    whole,
                    span,
                };
                // The default must be a value the form accepts.
                if let Err(e) = check(&param, &json_of(&param.default)) {
                    errors.push(err(
                        value.col,
                        format!(
                            "the value of `{}` {}; allowed: {}",
                            param.name, e.problem, e.allowed
                        ),
                    ));
                    continue;
                }
                params.push(param);
            }
            Err(message) => errors.push(err(ccol, message)),
        }
    }
    for (i, (line, col, text)) in comments.iter().enumerate() {
        if !used[i] && is_param_comment(text) {
            errors.push(SyntaxError {
                line: *line,
                column: *col,
                message: format!(
                    "`# param` declares a parameter only on a top-level statement {FORM}"
                ),
            });
        }
    }
    errors.sort_by_key(|e| (e.line, e.column));
    (params, errors)
}

/// The fields of a declaration: type, default, min, max, max_len, options, unit, whole.
type Typed = (
    ParamType,
    ParamValue,
    f64,
    f64,
    usize,
    Vec<String>,
    String,
    bool,
);

/// Decides a declaration's type from its literal and brackets.
#[optimize(size)]
fn typed(name: &str, lit: Lit, b: Bracket) -> Result<Typed, String> {
    let no = |what: bool, text: &str, kind: &str| -> Result<(), String> {
        if what {
            Err(format!("`{name}` is {kind}: it takes no {text}"))
        } else {
            Ok(())
        }
    };
    match lit {
        Lit::Bool(b0) => {
            let any = b.limits.is_some()
                || b.items.is_some()
                || b.chars.is_some()
                || b.url
                || b.choices.is_some();
            no(
                any,
                "`[...]`: write `# param Label: help`",
                "a toggle (True or False)",
            )?;
            Ok((
                ParamType::Bool,
                ParamValue::Bool(b0),
                0.0,
                0.0,
                0,
                vec![],
                String::new(),
                false,
            ))
        }
        Lit::Int(_) | Lit::Float(_) => {
            let kind = "a number";
            no(b.items.is_some(), "`N items` (only lists do)", kind)?;
            no(b.chars.is_some(), "`N chars` (only strings do)", kind)?;
            no(b.url, "`url` (only strings do)", kind)?;
            no(b.choices.is_some(), "choices (only strings do)", kind)?;
            let Some((lo, hi, float)) = b.limits else {
                return Err(format!(
                    "`{name}` is a number: give its limits, e.g. `# param [0..60 s] Label: help`"
                ));
            };
            let (ty, default) = match lit {
                Lit::Int(i) if !float => (ParamType::Integer, ParamValue::Int(i)),
                Lit::Int(i) => (ParamType::Number, ParamValue::Float(i as f64)),
                Lit::Float(f) => (ParamType::Number, ParamValue::Float(f)),
                _ => unreachable!("a number literal"),
            };
            Ok((ty, default, lo, hi, 0, vec![], b.unit, false))
        }
        Lit::List(items) => {
            let kind = "a list";
            no(b.chars.is_some(), "`N chars` (only strings do)", kind)?;
            no(b.url, "`url` (only strings do)", kind)?;
            no(b.choices.is_some(), "choices (only strings do)", kind)?;
            let (Some((lo, hi, float)), Some(n)) = (b.limits, b.items) else {
                return Err(format!(
                    "`{name}` is a list: give its items' limits and its most items, e.g. `# param [-999..999, 12 items] Label: help`"
                ));
            };
            let whole = !float && items.iter().all(|(_, f)| !f);
            let default = if whole {
                ParamValue::Ints(items.iter().map(|(x, _)| *x as i64).collect())
            } else {
                ParamValue::Floats(items.iter().map(|(x, _)| *x).collect())
            };
            Ok((ParamType::List, default, lo, hi, n, vec![], b.unit, whole))
        }
        Lit::Str(s) => {
            let kind = "a string";
            no(b.limits.is_some(), "limits", kind)?;
            no(b.items.is_some(), "`N items` (only lists do)", kind)?;
            let default = ParamValue::Str(s);
            if let Some(options) = b.choices {
                no(
                    b.chars.is_some() || b.url,
                    "`url` or `N chars` besides its choices",
                    "a choice",
                )?;
                return Ok((
                    ParamType::Choice,
                    default,
                    0.0,
                    0.0,
                    0,
                    options,
                    String::new(),
                    false,
                ));
            }
            let Some(n) = b.chars else {
                return Err(format!(
                    "`{name}` is a string: give its choices `[a|b|c]`, `[url, N chars]` or `[N chars]`"
                ));
            };
            let ty = if b.url {
                ParamType::Url
            } else {
                ParamType::Text
            };
            Ok((ty, default, 0.0, 0.0, n, vec![], String::new(), false))
        }
    }
}

/// A value as JSON (what [`check`] reads).
#[optimize(size)]
pub fn json_of(value: &ParamValue) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------------------------------------------
// Rewriting

/// The Python literal of `value` for `param` (the rule in the module's docs).
#[optimize(size)]
pub fn python_literal(param: &Param, value: &ParamValue) -> String {
    let float = |x: f64| crate::vm::ops::float_repr(x);
    match (param.ty, value) {
        (_, ParamValue::Bool(b)) => if *b { "True" } else { "False" }.into(),
        (ParamType::Number, ParamValue::Int(i)) => float(*i as f64),
        (_, ParamValue::Int(i)) => i.to_string(),
        (ParamType::Integer, ParamValue::Float(x)) => (*x as i64).to_string(),
        (_, ParamValue::Float(x)) => float(*x),
        (_, ParamValue::Ints(xs)) if param.whole || param.ty != ParamType::List => {
            list(xs, |x| x.to_string())
        }
        (_, ParamValue::Ints(xs)) => list(xs, |x| float(*x as f64)),
        (_, ParamValue::Floats(xs)) if param.whole => list(xs, |x| (*x as i64).to_string()),
        (_, ParamValue::Floats(xs)) => list(xs, |x| float(*x)),
        (_, ParamValue::Str(s)) => python_str(s),
    }
}

#[optimize(size)]
fn list<T>(xs: &[T], one: impl Fn(&T) -> String) -> String {
    let items: Vec<String> = xs.iter().map(one).collect();
    format!("[{}]", items.join(", "))
}

/// A Python string literal as the rule writes it.
#[optimize(size)]
pub fn python_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `value` is the value `param`'s literal already has (then the literal is left as written).
#[optimize(size)]
fn same(param: &Param, value: &ParamValue) -> bool {
    let as_f = |v: &ParamValue| -> Option<Vec<f64>> {
        match v {
            ParamValue::Int(i) => Some(vec![*i as f64]),
            ParamValue::Float(x) => Some(vec![*x]),
            ParamValue::Ints(xs) => Some(xs.iter().map(|x| *x as f64).collect()),
            ParamValue::Floats(xs) => Some(xs.clone()),
            _ => None,
        }
    };
    match (as_f(&param.default), as_f(value)) {
        (Some(a), Some(b)) => {
            let scalar = |v: &ParamValue| matches!(v, ParamValue::Int(_) | ParamValue::Float(_));
            a == b && scalar(&param.default) == scalar(value)
        }
        _ => param.default == *value,
    }
}

/// `source` with the literals of the given parameters replaced (the rule in the module's docs). Names
/// the source doesn't declare are passed over (the parameter doesn't apply to this mode); a source whose
/// declarations don't parse is returned as it is.
#[optimize(size)]
pub fn apply(source: &str, values: &[(&str, ParamValue)]) -> String {
    rewrite(source, &declared_leniently(source).0, values)
}

/// `source`, whose declarations are `params`, with the given values' literals replaced (see [`apply`]).
#[optimize(size)]
fn rewrite(source: &str, params: &[Param], values: &[(&str, ParamValue)]) -> String {
    let mut lines: Vec<String> = source.split_inclusive('\n').map(String::from).collect();
    for (name, value) in values {
        let Some(param) = params.iter().find(|p| p.name == *name) else {
            continue;
        };
        if same(param, value) {
            continue;
        }
        let Some(line) = lines.get_mut(param.span.line as usize - 1) else {
            continue;
        };
        let byte = |col: u32| {
            line.char_indices()
                .nth(col as usize - 1)
                .map_or(line.len(), |(i, _)| i)
        };
        let (start, end) = (byte(param.span.col), byte(param.span.end_col));
        line.replace_range(start..end, &python_literal(param, value));
    }
    lines.concat()
}

/// `source` with parameter `name`'s literal set to `value` (checked as a form's or a link's value is), or
/// the refusal naming the field, the value, the problem and what is allowed; a name the source doesn't
/// declare is refused too.
#[optimize(size)]
pub fn set(source: &str, name: &str, value: &Value) -> Result<String, InputError> {
    let (params, _) = declared_leniently(source);
    let Some(param) = params.iter().find(|p| p.name == name) else {
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let allowed = if names.is_empty() {
            "none: the program declares no parameter".to_string()
        } else {
            names.join(", ")
        };
        return Err(InputError::new(
            "name",
            &Value::String(name.to_string()),
            "is not a parameter of the program",
            allowed,
        ));
    };
    let value = check(param, value)?;
    Ok(rewrite(source, &params, &[(name, value)]))
}

/// The Rust translation `source_rs` with its `const UPPER_NAME: TYPE = LITERAL;` lines set to the given
/// values: `f64` literals always with a decimal point, integers in decimal, `true`/`false`, strings as
/// Rust literals, lists as `[a, b]` or `&[a, b]` keeping the declared form (a `[T; N]` type gets the new
/// length). Lines of other names are left as written.
#[optimize(size)]
pub fn rust(source_rs: &str, values: &[(&str, ParamValue)]) -> String {
    let mut out = String::with_capacity(source_rs.len());
    for line in source_rs.split_inclusive('\n') {
        out.push_str(&rust_line(line, values).unwrap_or_else(|| line.to_string()));
    }
    out
}

/// One `const` line rewritten, or None when it isn't one of the values' consts.
#[optimize(size)]
fn rust_line(line: &str, values: &[(&str, ParamValue)]) -> Option<String> {
    let indent = line.len() - line.trim_start().len();
    let body = &line[indent..];
    let after_pub = body.strip_prefix("pub ").unwrap_or(body);
    let decl = after_pub.strip_prefix("const ")?;
    let (name, rest) = decl.split_once(':')?;
    let (_, value) = values
        .iter()
        .find(|(n, _)| n.to_ascii_uppercase() == name.trim())?;
    let (ty, rest) = rest.split_once(" = ")?;
    let ty = ty.trim();
    // The literal runs to the `;` that ends the statement (outside a string).
    let lit_end = literal_end(rest)?;
    let old = rest[..lit_end].trim();
    let tail = &rest[lit_end..];
    let elem = |t: &str| -> String {
        let t = t.trim();
        t.to_string()
    };
    let scalar = |t: &str, v: f64| -> String {
        if t == "f64" || t == "f32" {
            rust_float(v)
        } else {
            format!("{}", v as i64)
        }
    };
    let (new_ty, new_lit) = match value {
        ParamValue::Bool(b) => (ty.to_string(), b.to_string()),
        ParamValue::Str(s) => (ty.to_string(), format!("{s:?}")),
        ParamValue::Int(i) => (ty.to_string(), scalar(ty, *i as f64)),
        ParamValue::Float(x) => (ty.to_string(), scalar(ty, *x)),
        ParamValue::Ints(_) | ParamValue::Floats(_) => {
            let xs: Vec<f64> = match value {
                ParamValue::Ints(xs) => xs.iter().map(|x| *x as f64).collect(),
                ParamValue::Floats(xs) => xs.clone(),
                _ => unreachable!("a list"),
            };
            // `[T; N]`, `&[T]` or `&'static [T]`.
            let inner = ty
                .trim_start_matches('&')
                .trim_start_matches("'static")
                .trim();
            let inner = inner.strip_prefix('[')?.strip_suffix(']')?;
            let (item_ty, new_ty) = match inner.split_once(';') {
                Some((t, _)) => (elem(t), format!("[{}; {}]", t.trim(), xs.len())),
                None => (elem(inner), ty.to_string()),
            };
            let items: Vec<String> = xs.iter().map(|x| scalar(&item_ty, *x)).collect();
            let amp = if old.starts_with('&') { "&" } else { "" };
            (new_ty, format!("{amp}[{}]", items.join(", ")))
        }
    };
    let head = &line[..indent + (body.len() - after_pub.len())];
    Some(format!("{head}const {name}: {new_ty} = {new_lit}{tail}"))
}

/// Where a Rust literal ends: the byte of the `;` that closes the statement.
#[optimize(size)]
fn literal_end(text: &str) -> Option<usize> {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
        } else if c == '"' {
            in_str = true;
        } else if c == ';' {
            return Some(i);
        }
    }
    None
}

/// An `f64` literal with a decimal point (`1.0`, `0.25`, `1.0e-7`).
#[optimize(size)]
pub fn rust_float(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains('.') || !s.chars().any(|c| c.is_ascii_digit()) {
        s
    } else if let Some((m, e)) = s.split_once('e') {
        format!("{m}.0e{e}")
    } else {
        format!("{s}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SOURCE: &str = r#"import time
coffee_s = 1.0           # param [0..60 s] Coffee: how long the coffee takes to arrive.
tasks = 4                # param [1..32] Tasks: how many tasks of equal size.
numbers = [2, 3, 8, 9]   # param [-999..999, 12 items] Numbers: the list both threads work through.
work = "cpu"             # param [cpu|io] Work: compute, or sleep as if waiting for I/O.
join = True              # param join() before main's last line
pictures_url = ""        # param [url, 500 chars] pictures.zip address (real network): empty = the playground's own file.
scale = 1                # param [0..2.5] Scale
neg = -3                 # param [-9..9] Neg
note = "é"  # param [20 chars] Note
x = 5  # not a param
print(coffee_s, tasks, numbers, work, join, scale, neg, note)
"#;

    fn find<'a>(ps: &'a [Param], name: &str) -> &'a Param {
        ps.iter().find(|p| p.name == name).unwrap()
    }

    #[test]
    fn declarations_give_the_schema() {
        let ps = declared(SOURCE).unwrap();
        let names: Vec<_> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "coffee_s",
                "tasks",
                "numbers",
                "work",
                "join",
                "pictures_url",
                "scale",
                "neg",
                "note"
            ]
        );
        let c = find(&ps, "coffee_s");
        assert_eq!(
            (c.ty, &c.default, c.min, c.max, c.unit.as_str()),
            (ParamType::Number, &ParamValue::Float(1.0), 0.0, 60.0, "s")
        );
        assert_eq!(c.label, "Coffee");
        assert_eq!(c.help, "how long the coffee takes to arrive.");
        assert_eq!(
            c.span,
            Span {
                line: 2,
                col: 12,
                end_col: 15
            }
        );
        assert_eq!(find(&ps, "tasks").ty, ParamType::Integer);
        let n = find(&ps, "numbers");
        assert_eq!(
            (n.ty, n.max_len, n.whole, &n.default),
            (
                ParamType::List,
                12,
                true,
                &ParamValue::Ints(vec![2, 3, 8, 9])
            )
        );
        assert_eq!(find(&ps, "work").options, ["cpu", "io"]);
        let j = find(&ps, "join");
        assert_eq!(
            (j.ty, j.label.as_str(), j.help.as_str()),
            (ParamType::Bool, "join() before main's last line", "")
        );
        let u = find(&ps, "pictures_url");
        assert_eq!((u.ty, u.max_len), (ParamType::Url, 500));
        assert_eq!(u.label, "pictures.zip address (real network)");
        assert_eq!(find(&ps, "scale").ty, ParamType::Number);
        assert_eq!(find(&ps, "neg").default, ParamValue::Int(-3));
        assert_eq!(find(&ps, "note").ty, ParamType::Text);
        let json = serde_json::to_value(c).unwrap();
        for key in [
            "name", "label", "type", "default", "min", "max", "maxLen", "options", "unit", "help",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
    }

    fn error(source: &str) -> String {
        let errors = declared(source).unwrap_err();
        errors[0].to_string()
    }

    #[test]
    fn malformed_declarations_say_what_is_allowed() {
        assert_eq!(
            error("x = 1  # param Count\n"),
            "line 1, column 8: `x` is a number: give its limits, e.g. `# param [0..60 s] Label: help`"
        );
        assert!(error("x = 1  # param [0..9 Count\n").contains("is not closed"));
        assert!(error("x = 1  # param [0..9, 3 items] N\n").contains("takes no `N items`"));
        assert!(error("x = 12  # param [0..9] N\n")
            .contains("the value of `x` is out of range; allowed: a whole number from 0 to 9"));
        assert!(error("x = 1  # param [9..0] N\n").contains("reversed"));
        assert!(error("x = 1  # param [0..9, zap] N\n").contains("`zap` is not understood"));
        assert!(error("x = True  # param [0..1] N\n").contains("a toggle"));
        assert!(error("x = 'a'  # param [a|b] \n").contains("needs a label"));
        assert!(error("x = 'c'  # param [a|b] C\n").contains("is not one of the choices"));
        assert!(error("x = 'c'  # param C\n").contains("give its choices"));
        assert!(error("x = f(1)  # param [0..9] N\n").contains("must be a literal"));
        assert!(error("x = [1, 2]  # param [0..9] N\n").contains("most items"));
        assert_eq!(
            error("def f():\n    y = 1  # param [0..9] Y\n"),
            "line 2, column 12: `# param` declares a parameter only on a top-level statement `NAME = LITERAL  # param [LIMITS] Label: help`"
        );
        assert!(error("x = 1  # param [0..9] A\nx = 2  # param [0..9] B\n").contains("twice"));
        assert!(error("x = [1,\n 2]  # param [0..9, 3 items] N\n").contains("one line"));
        // Not declarations: a comment that only starts with the word, and a string holding one.
        assert_eq!(
            declared("x = 1  # parameters\ny = '# param'\n").unwrap(),
            vec![]
        );
    }

    #[test]
    fn check_refuses_with_field_value_and_allowed() {
        let ps = declared(SOURCE).unwrap();
        let err = |name: &str, v: Value| check(find(&ps, name), &v).unwrap_err().to_string();
        assert_eq!(
            err("coffee_s", json!(-1)),
            "params.coffee_s: -1 is out of range; allowed: a number from 0 to 60 s"
        );
        assert_eq!(
            err("numbers", json!("2, x")),
            "params.numbers: \"2, x\" has an item (\"x\") that is not a number; \
             allowed: 1 to 12 whole numbers separated by commas, each from -999 to 999"
        );
        assert!(err("tasks", json!(1.5)).contains("is not a whole number"));
        assert!(err("note", json!("a\u{1}")).contains("has control characters"));
        assert!(err("note", json!("x".repeat(21))).contains("is too long"));
        let ok = |name: &str, v: Value| check(find(&ps, name), &v).unwrap();
        assert_eq!(ok("tasks", json!("7")), ParamValue::Int(7));
        assert_eq!(ok("numbers", json!("1 2")), ParamValue::Ints(vec![1, 2]));
        assert_eq!(ok("work", json!(" io")), ParamValue::Str("io".into()));
        assert_eq!(ok("scale", json!(2)), ParamValue::Float(2.0));
    }

    #[test]
    fn apply_rewrites_only_changed_literals() {
        let v = |name: &'static str, value: ParamValue| (name, value);
        let out = apply(
            SOURCE,
            &[
                v("coffee_s", ParamValue::Float(0.2)),
                v("tasks", ParamValue::Int(7)),
                v("numbers", ParamValue::Ints(vec![1, 2, 3])),
                v("work", ParamValue::Str("io".into())),
                v("join", ParamValue::Bool(false)),
                v("scale", ParamValue::Float(2.0)),
                v("neg", ParamValue::Int(-3)),
                v("note", ParamValue::Str("a\"b\\c\n\u{1}\u{2028}é".into())),
                v("absent", ParamValue::Int(1)),
            ],
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].starts_with("coffee_s = 0.2           # param"));
        assert!(lines[2].starts_with("tasks = 7 "));
        assert!(lines[3].starts_with("numbers = [1, 2, 3]   # param"));
        assert!(lines[4].starts_with("work = \"io\" "));
        assert!(lines[5].starts_with("join = False "));
        assert!(lines[7].starts_with("scale = 2.0 "));
        assert_eq!(lines[8], SOURCE.lines().nth(8).unwrap());
        assert!(lines[9].starts_with(r#"note = "a\"b\\c\n\x01\u2028é"  # param"#));
        assert_eq!(apply(SOURCE, &[]), SOURCE);
        assert_eq!(
            apply(
                "x = 1e-05  # param [0..1] X\n",
                &[("x", ParamValue::Float(1e-7))]
            ),
            "x = 1e-07  # param [0..1] X\n"
        );
        // The rewritten source declares the new values.
        let again = declared(&out.replace("\\n\\x01", "")).unwrap();
        assert_eq!(
            find(&again, "note").default,
            ParamValue::Str("a\"b\\c\u{2028}é".into())
        );
    }

    #[test]
    fn rust_consts_take_the_values() {
        let rs = "const COFFEE_S: f64 = 1.0; // s\nconst TASKS: usize = 4;\n    const NUMBERS: [i64; 4] = [2, 3, 8, 9];\nconst XS: &[f64] = &[1.0];\nconst WORK: &str = \"cpu;\";\nconst JOIN: bool = true;\nconst OTHER: u8 = 1;\n";
        let out = rust(
            rs,
            &[
                ("coffee_s", ParamValue::Float(2.0)),
                ("tasks", ParamValue::Int(7)),
                ("numbers", ParamValue::Ints(vec![1, 2])),
                ("xs", ParamValue::Floats(vec![0.5, 1e-7])),
                ("work", ParamValue::Str("i\"o".into())),
                ("join", ParamValue::Bool(false)),
            ],
        );
        assert_eq!(
            out,
            "const COFFEE_S: f64 = 2.0; // s\nconst TASKS: usize = 7;\n    const NUMBERS: [i64; 2] = [1, 2];\nconst XS: &[f64] = &[0.5, 1.0e-7];\nconst WORK: &str = \"i\\\"o\";\nconst JOIN: bool = false;\nconst OTHER: u8 = 1;\n"
        );
    }

    #[test]
    fn set_rewrites_one_checked_literal() {
        let src = "import time\ncoffee_s = 1.0  # param [0..60 s] Coffee: how long.\nn = 2  # param [1..8] N\nprint(coffee_s)\n";
        let out = set(src, "coffee_s", &json!("2.5")).unwrap();
        assert_eq!(out, src.replace("coffee_s = 1.0 ", "coffee_s = 2.5 "));
        assert_eq!(
            set(src, "n", &json!(3)).unwrap(),
            src.replace("n = 2 ", "n = 3 ")
        );
        let e = set(src, "n", &json!(9)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "params.n: 9 is out of range; allowed: a whole number from 1 to 8"
        );
        let e = set(src, "tea_s", &json!(1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "name: \"tea_s\" is not a parameter of the program; allowed: coffee_s, n"
        );
    }

    #[test]
    fn lenient_declarations_keep_the_good_ones() {
        let src = "a = 1  # param [0..9] A\nb = 99  # param [0..9] B\nc = 2  # param [0..9] C\n";
        let (params, errors) = declared_leniently(src);
        let names: Vec<_> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (2, 5));
        assert!(errors[0]
            .message
            .starts_with("the value of `b` is out of range"));
        // A syntax error declares nothing.
        let (params, errors) = declared_leniently("a = 1  # param [0..9] A\nif\n");
        assert!(params.is_empty() && !errors.is_empty());
        // apply still rewrites the good ones beside a bad declaration.
        assert_eq!(
            apply(src, &[("c", ParamValue::Int(3))]),
            src.replace("c = 2", "c = 3")
        );
    }
}

//! The tokenizer: source text → tokens with NEWLINE, INDENT and DEDENT, as CPython 3.11 makes them.
//!
//! The lexer runs eagerly over the whole source and stops at the first error it cannot step over (an
//! unterminated string, a bad indentation, an unmatched bracket, ...). It then ends the token list with
//! [`Tok::Error`] and describes the error in [`Lexed::error`], with a [`LexErrorKind`] that tells the parser
//! how CPython would rank it against a parse error found earlier. Problems that do not stop tokenizing
//! (a refused bytes literal or complex number, a bad escape, an integer beyond 64 bits) are collected in
//! [`Lexed::diagnostics`] and the token is produced anyway, so parsing goes on and finds more errors.
//!
//! Columns are 1-based and count characters (a tab counts as one); `start`/`end` are byte offsets.

use super::SyntaxError;

/// The most brackets open at once, and the most indentation levels: CPython allows 200 brackets and 100
/// levels; ThreadLab's limit keeps the recursive parser and compiler far from the end of a wasm stack.
pub const MAX_NESTING: usize = 100;

/// One token with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What the token is.
    pub kind: Tok,
    /// 1-based line of the first character.
    pub line: u32,
    /// 1-based column of the first character.
    pub col: u32,
    /// 1-based line of the last character.
    pub end_line: u32,
    /// 1-based column just past the last character.
    pub end_col: u32,
    /// Byte offset of the first character in the lexed text.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An identifier (soft keywords such as `match` are names too).
    Name(String),
    /// A reserved keyword.
    Kw(Kw),
    /// An integer literal (0 when it was too large; a diagnostic says so).
    Int(i64),
    /// A float literal (also the value of a refused complex literal).
    Float(f64),
    /// A string literal other than an f-string, escapes decoded.
    Str(String),
    /// An f-string literal, left undecoded: the parser splits it into text and fields.
    FStr(FStr),
    /// An operator or delimiter.
    Op(Op),
    /// An ASCII character that starts no token (`$`, `?`, `!`, a backtick): the parser reports it.
    Unknown(char),
    /// The end of a logical line.
    Newline,
    /// The start of a more indented block.
    Indent,
    /// The end of an indented block.
    Dedent,
    /// Tokenizing stopped here; [`Lexed::error`] says why. Always the last token.
    Error,
    /// The end of the input. Always the last token when there was no error.
    Eof,
}

/// The raw text of an f-string, between its quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct FStr {
    /// The characters between the quotes, as written (escapes not decoded).
    pub body: String,
    /// An `rf`/`fr` string: backslashes are literal.
    pub raw: bool,
    /// 1-based line of the body's first character.
    pub line: u32,
    /// 1-based column of the body's first character.
    pub col: u32,
}

/// Python's reserved keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant is the keyword of the same name
pub enum Kw {
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
}

const KEYWORDS: [(&str, Kw); 35] = [
    ("False", Kw::False),
    ("None", Kw::None),
    ("True", Kw::True),
    ("and", Kw::And),
    ("as", Kw::As),
    ("assert", Kw::Assert),
    ("async", Kw::Async),
    ("await", Kw::Await),
    ("break", Kw::Break),
    ("class", Kw::Class),
    ("continue", Kw::Continue),
    ("def", Kw::Def),
    ("del", Kw::Del),
    ("elif", Kw::Elif),
    ("else", Kw::Else),
    ("except", Kw::Except),
    ("finally", Kw::Finally),
    ("for", Kw::For),
    ("from", Kw::From),
    ("global", Kw::Global),
    ("if", Kw::If),
    ("import", Kw::Import),
    ("in", Kw::In),
    ("is", Kw::Is),
    ("lambda", Kw::Lambda),
    ("nonlocal", Kw::Nonlocal),
    ("not", Kw::Not),
    ("or", Kw::Or),
    ("pass", Kw::Pass),
    ("raise", Kw::Raise),
    ("return", Kw::Return),
    ("try", Kw::Try),
    ("while", Kw::While),
    ("with", Kw::With),
    ("yield", Kw::Yield),
];

impl Kw {
    /// The keyword spelled `word`, if it is one.
    #[optimize(size)]
    pub fn from_word(word: &str) -> Option<Kw> {
        // Every identifier is looked up: a quick reject on the first byte (all keywords start with a
        // lowercase letter, or F/N/T) avoids scanning the table for most names.
        match word.as_bytes().first()? {
            b'a'..=b'y' | b'F' | b'N' | b'T' if word.len() <= 8 => {}
            _ => return None,
        }
        KEYWORDS.iter().find(|(w, _)| *w == word).map(|&(_, k)| k)
    }

    /// The keyword's spelling.
    #[optimize(size)]
    pub fn as_str(self) -> &'static str {
        KEYWORDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("", |(w, _)| w)
    }
}

/// Operators and delimiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant's spelling is in `Op::as_str`
pub enum Op {
    LPar,
    RPar,
    LSqb,
    RSqb,
    LBrace,
    RBrace,
    Colon,
    Comma,
    Semi,
    Plus,
    Minus,
    Star,
    Slash,
    VBar,
    Amper,
    Less,
    Greater,
    Equal,
    Dot,
    Percent,
    EqEqual,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Tilde,
    Circumflex,
    LeftShift,
    RightShift,
    DoubleStar,
    PlusEqual,
    MinEqual,
    StarEqual,
    SlashEqual,
    PercentEqual,
    AmperEqual,
    VBarEqual,
    CircumflexEqual,
    LeftShiftEqual,
    RightShiftEqual,
    DoubleStarEqual,
    DoubleSlash,
    DoubleSlashEqual,
    At,
    AtEqual,
    RArrow,
    Ellipsis,
    ColonEqual,
}

impl Op {
    /// The operator's spelling.
    #[optimize(size)]
    pub fn as_str(self) -> &'static str {
        match self {
            Op::LPar => "(",
            Op::RPar => ")",
            Op::LSqb => "[",
            Op::RSqb => "]",
            Op::LBrace => "{",
            Op::RBrace => "}",
            Op::Colon => ":",
            Op::Comma => ",",
            Op::Semi => ";",
            Op::Plus => "+",
            Op::Minus => "-",
            Op::Star => "*",
            Op::Slash => "/",
            Op::VBar => "|",
            Op::Amper => "&",
            Op::Less => "<",
            Op::Greater => ">",
            Op::Equal => "=",
            Op::Dot => ".",
            Op::Percent => "%",
            Op::EqEqual => "==",
            Op::NotEqual => "!=",
            Op::LessEqual => "<=",
            Op::GreaterEqual => ">=",
            Op::Tilde => "~",
            Op::Circumflex => "^",
            Op::LeftShift => "<<",
            Op::RightShift => ">>",
            Op::DoubleStar => "**",
            Op::PlusEqual => "+=",
            Op::MinEqual => "-=",
            Op::StarEqual => "*=",
            Op::SlashEqual => "/=",
            Op::PercentEqual => "%=",
            Op::AmperEqual => "&=",
            Op::VBarEqual => "|=",
            Op::CircumflexEqual => "^=",
            Op::LeftShiftEqual => "<<=",
            Op::RightShiftEqual => ">>=",
            Op::DoubleStarEqual => "**=",
            Op::DoubleSlash => "//",
            Op::DoubleSlashEqual => "//=",
            Op::At => "@",
            Op::AtEqual => "@=",
            Op::RArrow => "->",
            Op::Ellipsis => "...",
            Op::ColonEqual => ":=",
        }
    }
}

/// How an error that stopped the lexer ranks against a parse error found before it (CPython 3.11 checks
/// the rest of the file with its tokenizer when the parser fails, and some tokenizer errors win).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexErrorKind {
    /// CPython reports it even when the parser failed earlier in the file (bad strings, numbers, characters
    /// and brackets).
    Tokenizer,
    /// Reported only if the parser gets that far (indentation and tab errors).
    Indentation,
    /// A bracket still open at the end of the input: CPython reports it instead of a parse error found on
    /// a later line than the bracket's (`line`).
    Unclosed {
        /// 1-based line of the unclosed bracket.
        line: u32,
    },
}

/// The error that stopped the lexer.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    /// Where and what.
    pub error: SyntaxError,
    /// How it ranks against parse errors.
    pub kind: LexErrorKind,
}

/// The lexer's output.
#[derive(Debug, Clone, PartialEq)]
pub struct Lexed {
    /// The tokens, ending with [`Tok::Eof`], or with [`Tok::Error`] when `error` is set.
    pub tokens: Vec<Token>,
    /// The error that stopped tokenizing, if any.
    pub error: Option<LexError>,
    /// Errors that did not stop tokenizing (refused literals, bad escapes), in source order.
    pub diagnostics: Vec<SyntaxError>,
}

/// Tokenizes a whole module.
#[optimize(size)]
pub fn tokenize(source: &str) -> Lexed {
    Lexer::new(source, 1, 1, false).run()
}

/// Tokenizes the expression of an f-string field that starts at `line`:`col` of the enclosing file: no
/// indentation and no NEWLINE tokens (the text behaves as if inside brackets), just the tokens and
/// [`Tok::Eof`].
#[optimize(size)]
pub fn tokenize_expression(text: &str, line: u32, col: u32) -> Lexed {
    Lexer::new(text, line, col, true).run()
}

#[optimize(size)]
fn is_id_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

#[optimize(size)]
fn is_id_continue(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
}

/// One open bracket: its character and where it is.
struct Open {
    ch: char,
    line: u32,
    col: u32,
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    col: u32,
    /// Lexing an f-string field: newlines are insignificant and there is no indentation.
    expr_mode: bool,
    tokens: Vec<Token>,
    diagnostics: Vec<SyntaxError>,
    parens: Vec<Open>,
    /// The indentation stack: (column with tabs to multiples of 8, column with tabs as 1), as CPython keeps
    /// both to detect inconsistent tabs and spaces.
    indents: Vec<(u32, u32)>,
    /// The current logical line has produced a token (so it needs a NEWLINE).
    line_has_tokens: bool,
}

type LexResult<T> = Result<T, LexError>;

impl<'a> Lexer<'a> {
    #[optimize(size)]
    fn new(src: &'a str, line: u32, col: u32, expr_mode: bool) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line,
            col,
            expr_mode,
            tokens: Vec::with_capacity(src.len() / 3 + 4),
            diagnostics: Vec::new(),
            parens: Vec::new(),
            indents: vec![(0, 0)],
            line_has_tokens: false,
        }
    }

    #[optimize(size)]
    fn peek(&self) -> Option<char> {
        let b = *self.bytes.get(self.pos)?;
        if b < 0x80 {
            Some(b as char)
        } else {
            self.src[self.pos..].chars().next()
        }
    }

    #[optimize(size)]
    fn peek_at(&self, ahead: usize) -> Option<char> {
        // Only ever used to look at ASCII punctuation right after the current character.
        self.bytes.get(self.pos + ahead).map(|&b| b as char)
    }

    /// Consumes one character, keeping line and column up to date (`\r\n` and `\r` end a line too).
    #[optimize(size)]
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' || (c == '\r' && self.peek() != Some('\n')) {
            self.line += 1;
            self.col = 1;
        } else if c != '\r' {
            self.col += 1;
        }
        Some(c)
    }

    #[optimize(size)]
    fn err(&self, line: u32, col: u32, message: impl Into<String>, kind: LexErrorKind) -> LexError {
        LexError {
            error: SyntaxError {
                line,
                column: col,
                message: message.into(),
            },
            kind,
        }
    }

    #[optimize(size)]
    fn push(&mut self, kind: Tok, line: u32, col: u32, start: usize) {
        self.line_has_tokens = true;
        self.tokens.push(Token {
            kind,
            line,
            col,
            end_line: self.line,
            end_col: self.col,
            start,
            end: self.pos,
        });
    }

    #[optimize(size)]
    fn push_marker(&mut self, kind: Tok) {
        self.tokens.push(Token {
            kind,
            line: self.line,
            col: self.col,
            end_line: self.line,
            end_col: self.col,
            start: self.pos,
            end: self.pos,
        });
    }

    #[optimize(size)]
    fn run(mut self) -> Lexed {
        let error = match self.lex_all() {
            Ok(()) => None,
            Err(e) => {
                let (line, col) = (e.error.line, e.error.column);
                let at = self.pos;
                self.tokens.push(Token {
                    kind: Tok::Error,
                    line,
                    col,
                    end_line: line,
                    end_col: col,
                    start: at,
                    end: at,
                });
                Some(e)
            }
        };
        Lexed {
            tokens: self.tokens,
            error,
            diagnostics: self.diagnostics,
        }
    }

    #[optimize(size)]
    fn lex_all(&mut self) -> LexResult<()> {
        let mut at_line_start = !self.expr_mode;
        loop {
            if at_line_start {
                at_line_start = false;
                if !self.indentation()? {
                    break; // end of input
                }
            }
            // Skip blanks between tokens.
            while let Some(' ' | '\t' | '\x0c') = self.peek() {
                self.bump();
            }
            let Some(c) = self.peek() else { break };
            let (line, col, start) = (self.line, self.col, self.pos);
            match c {
                '#' => {
                    while !matches!(self.peek(), None | Some('\n' | '\r')) {
                        self.bump();
                    }
                }
                '\n' | '\r' => {
                    if self.parens.is_empty() && !self.expr_mode {
                        if self.line_has_tokens {
                            self.bump();
                            self.tokens.push(Token {
                                kind: Tok::Newline,
                                line,
                                col,
                                end_line: line,
                                end_col: col + 1,
                                start,
                                end: self.pos,
                            });
                            self.line_has_tokens = false;
                        } else {
                            self.bump();
                        }
                        at_line_start = true;
                    } else {
                        self.bump();
                    }
                }
                '\\' => {
                    self.bump();
                    match self.peek() {
                        Some('\n' | '\r') => {
                            self.bump();
                            if self.peek().is_none() {
                                return Err(self.err(
                                    line,
                                    col + 1,
                                    "unexpected end of file after the line continuation character '\\'",
                                    LexErrorKind::Tokenizer,
                                ));
                            }
                        }
                        None => {
                            return Err(self.err(
                                self.line,
                                self.col,
                                "unexpected end of file after the line continuation character '\\'",
                                LexErrorKind::Tokenizer,
                            ))
                        }
                        Some(_) => {
                            return Err(self.err(
                                line,
                                col + 1,
                                "unexpected character after line continuation character '\\' \
                                 (a backslash may only end a line)",
                                LexErrorKind::Tokenizer,
                            ))
                        }
                    }
                }
                '"' | '\'' => self.string(String::new(), line, col, start)?,
                '0'..='9' => self.number(line, col, start)?,
                '.' if matches!(self.peek_at(1), Some('0'..='9')) => {
                    self.number(line, col, start)?
                }
                c if is_id_start(c) => self.name(line, col, start)?,
                _ => self.operator(c, line, col, start)?,
            }
        }
        if let Some(open) = self.parens.last() {
            let (ch, line, col) = (open.ch, open.line, open.col);
            return Err(self.err(
                line,
                col,
                format!("'{ch}' was never closed"),
                LexErrorKind::Unclosed { line },
            ));
        }
        if !self.expr_mode {
            if self.line_has_tokens {
                self.push_marker(Tok::Newline);
                self.line_has_tokens = false;
            }
            for _ in 1..self.indents.len() {
                self.push_marker(Tok::Dedent);
            }
        }
        self.push_marker(Tok::Eof);
        Ok(())
    }

    /// At the start of a physical line outside brackets: measures the indentation and emits INDENT/DEDENT
    /// for a line with a token on it (blank and comment-only lines do not count). Returns false at the end
    /// of the input.
    #[optimize(size)]
    fn indentation(&mut self) -> LexResult<bool> {
        loop {
            let (mut col, mut alt) = (0u32, 0u32);
            loop {
                match self.peek() {
                    Some(' ') => {
                        col += 1;
                        alt += 1;
                    }
                    Some('\t') => {
                        col = (col / 8 + 1) * 8;
                        alt += 1;
                    }
                    Some('\x0c') => {
                        col = 0;
                        alt = 0;
                    }
                    _ => break,
                }
                self.bump();
            }
            match self.peek() {
                None => return Ok(false),
                Some('#') => {
                    while !matches!(self.peek(), None | Some('\n' | '\r')) {
                        self.bump();
                    }
                    if self.peek().is_none() {
                        return Ok(false);
                    }
                    self.bump();
                    continue;
                }
                Some('\n' | '\r') => {
                    self.bump();
                    continue;
                }
                Some(_) => {}
            }
            let (line, first_col) = (self.line, self.col);
            let &(top, top_alt) = self.indents.last().unwrap_or(&(0, 0));
            let tab_error = |lx: &Self| {
                lx.err(
                    line,
                    first_col,
                    "inconsistent use of tabs and spaces in indentation",
                    LexErrorKind::Indentation,
                )
            };
            if col == top {
                if alt != top_alt {
                    return Err(tab_error(self));
                }
            } else if col > top {
                if self.indents.len() > MAX_NESTING {
                    return Err(self.err(
                        line,
                        first_col,
                        format!("too many levels of indentation (ThreadLab allows {MAX_NESTING})"),
                        LexErrorKind::Indentation,
                    ));
                }
                if alt <= top_alt {
                    return Err(tab_error(self));
                }
                self.indents.push((col, alt));
                self.push_marker(Tok::Indent);
            } else {
                while self.indents.len() > 1 && col < self.indents[self.indents.len() - 1].0 {
                    self.indents.pop();
                    self.push_marker(Tok::Dedent);
                }
                let &(top, top_alt) = self.indents.last().unwrap_or(&(0, 0));
                if col != top {
                    return Err(self.err(
                        line,
                        first_col,
                        "unindent does not match any outer indentation level",
                        LexErrorKind::Indentation,
                    ));
                }
                if alt != top_alt {
                    return Err(tab_error(self));
                }
            }
            return Ok(true);
        }
    }

    #[optimize(size)]
    fn name(&mut self, line: u32, col: u32, start: usize) -> LexResult<()> {
        while let Some(c) = self.peek() {
            if !is_id_continue(c) {
                break;
            }
            self.bump();
        }
        let word = &self.src[start..self.pos];
        if let Some('"' | '\'') = self.peek() {
            if word.len() <= 2 && word.chars().all(|c| "rRbBfFuU".contains(c)) {
                let lower = word.to_ascii_lowercase();
                if matches!(
                    lower.as_str(),
                    "r" | "b" | "f" | "u" | "rb" | "br" | "fr" | "rf"
                ) {
                    return self.string(lower, line, col, start);
                }
            }
        }
        let kind = match Kw::from_word(word) {
            Some(k) => Tok::Kw(k),
            None => Tok::Name(word.to_string()),
        };
        self.push(kind, line, col, start);
        Ok(())
    }

    /// A string literal whose (lowercased) prefix has been consumed; the current character is the quote.
    #[optimize(size)]
    fn string(&mut self, prefix: String, line: u32, col: u32, start: usize) -> LexResult<()> {
        let q = self.bump().unwrap_or('"');
        let triple = self.peek() == Some(q) && self.peek_at(1) == Some(q as u8 as char);
        if triple {
            self.bump();
            self.bump();
        }
        let (body_line, body_col, body_start) = (self.line, self.col, self.pos);
        let body_end;
        loop {
            let at = self.pos;
            match self.bump() {
                None => {
                    let what = if triple {
                        "unterminated triple-quoted string literal"
                    } else {
                        "unterminated string literal"
                    };
                    let detected = self.line;
                    return Err(self.err(
                        line,
                        col,
                        format!(
                            "{what} (detected at line {detected}): the string has no closing {q}"
                        ),
                        LexErrorKind::Tokenizer,
                    ));
                }
                Some('\\') => {
                    // A backslash keeps the next character (even in a raw string) from ending the string.
                    if self.peek() == Some('\r') && self.peek_at(1) == Some('\n') {
                        self.bump();
                    }
                    if self.bump().is_none() {
                        continue; // reported as unterminated on the next turn
                    }
                }
                Some('\n' | '\r') if !triple => {
                    return Err(self.err(
                        line,
                        col,
                        format!(
                            "unterminated string literal (detected at line {line}): the string has no \
                             closing {q} on its line (use triple quotes for text over several lines)"
                        ),
                        LexErrorKind::Tokenizer,
                    ));
                }
                Some(c) if c == q => {
                    if !triple {
                        body_end = at;
                        break;
                    }
                    if self.peek() == Some(q) && self.peek_at(1) == Some(q as u8 as char) {
                        self.bump();
                        self.bump();
                        body_end = at;
                        break;
                    }
                }
                Some(_) => {}
            }
        }
        let body = &self.src[body_start..body_end];
        let raw = prefix.contains('r');
        if prefix.contains('b') {
            self.diagnostics.push(SyntaxError {
                line,
                column: col,
                message:
                    "bytes literals (b'...') are not supported: ThreadLab's strings are str only \
                          (drop the b prefix)"
                        .to_string(),
            });
        }
        let kind = if prefix.contains('f') {
            Tok::FStr(FStr {
                body: body.to_string(),
                raw,
                line: body_line,
                col: body_col,
            })
        } else if raw || !body.contains('\\') {
            Tok::Str(body.to_string())
        } else {
            match decode_escapes(body) {
                Ok(s) => Tok::Str(s),
                Err(message) => {
                    self.diagnostics.push(SyntaxError {
                        line,
                        column: col,
                        message,
                    });
                    Tok::Str(String::new())
                }
            }
        };
        self.push(kind, line, col, start);
        Ok(())
    }

    /// Consumes digits of `radix` with single underscores between them; returns the digits without
    /// underscores. An underscore not followed by a digit is an error, reported at the underscore.
    #[optimize(size)]
    fn digits(&mut self, radix: u32, what: &str) -> LexResult<String> {
        let mut out = String::new();
        loop {
            match self.peek() {
                Some(c) if c.is_digit(radix) => {
                    out.push(c);
                    self.bump();
                }
                Some('_') if !out.is_empty() || radix != 10 => {
                    let (l, c) = (self.line, self.col);
                    self.bump();
                    if !self.peek().is_some_and(|c| c.is_digit(radix)) {
                        return Err(self.err(
                            l,
                            c,
                            format!("invalid {what} literal: an underscore in a number must be between digits"),
                            LexErrorKind::Tokenizer,
                        ));
                    }
                }
                _ => return Ok(out),
            }
        }
    }

    #[optimize(size)]
    fn number(&mut self, line: u32, col: u32, start: usize) -> LexResult<()> {
        let first = self.peek();
        let radix = match (first, self.peek_at(1)) {
            (Some('0'), Some('x' | 'X')) => Some((16, "hexadecimal")),
            (Some('0'), Some('o' | 'O')) => Some((8, "octal")),
            (Some('0'), Some('b' | 'B')) => Some((2, "binary")),
            _ => None,
        };
        if let Some((radix, what)) = radix {
            self.bump();
            self.bump();
            let digits = self.digits(radix, what)?;
            if let Some(c) = self.peek().filter(|c| c.is_ascii_alphanumeric()) {
                let msg = if c.is_ascii_digit() {
                    format!("invalid digit '{c}' in {what} literal")
                } else {
                    format!("invalid {what} literal")
                };
                return Err(self.err(self.line, self.col, msg, LexErrorKind::Tokenizer));
            }
            if digits.is_empty() {
                return Err(self.err(
                    self.line,
                    self.col,
                    format!("invalid {what} literal: no digits after the prefix"),
                    LexErrorKind::Tokenizer,
                ));
            }
            let value = u64::from_str_radix(&digits, radix)
                .ok()
                .and_then(|v| i64::try_from(v).ok());
            let value = self.int_value(value, line, col, start);
            self.push(Tok::Int(value), line, col, start);
            return Ok(());
        }
        let int_part = if first == Some('.') {
            String::new()
        } else {
            self.digits(10, "decimal")?
        };
        let mut is_float = false;
        let mut text = int_part.clone();
        if self.peek() == Some('.') {
            is_float = true;
            self.bump();
            text.push('.');
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                text.push_str(&self.digits(10, "decimal")?);
            }
        }
        if let Some('e' | 'E') = self.peek() {
            let next = self.peek_at(1);
            let next2 = self.peek_at(2);
            let exponent = match next {
                Some('0'..='9') => true,
                Some('+' | '-') => matches!(next2, Some('0'..='9')),
                _ => false,
            };
            if exponent {
                is_float = true;
                self.bump();
                text.push('e');
                if let Some(s @ ('+' | '-')) = self.peek() {
                    text.push(s);
                    self.bump();
                }
                text.push_str(&self.digits(10, "decimal")?);
            } else if !self.keyword_follows() {
                return Err(self.err(
                    line,
                    col,
                    "invalid decimal literal: an exponent needs digits (1e3, 2.5e-4)",
                    LexErrorKind::Tokenizer,
                ));
            }
        }
        if let Some('j' | 'J') = self.peek() {
            self.bump();
            self.diagnostics.push(SyntaxError {
                line,
                column: col,
                message: format!(
                    "complex numbers ({}) are not supported: ThreadLab has int and float only",
                    &self.src[start..self.pos]
                ),
            });
            is_float = true;
        }
        if self.peek().is_some_and(is_id_continue) && !self.keyword_follows() {
            return Err(self.err(
                self.line,
                self.col,
                "invalid decimal literal: a number cannot be followed directly by a letter",
                LexErrorKind::Tokenizer,
            ));
        }
        if is_float {
            let value = text.parse::<f64>().unwrap_or(0.0);
            self.push(Tok::Float(value), line, col, start);
            return Ok(());
        }
        if int_part.len() > 1 && int_part.starts_with('0') && int_part.bytes().any(|b| b != b'0') {
            return Err(self.err(
                line,
                col,
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal \
                 integers (0o17)",
                LexErrorKind::Tokenizer,
            ));
        }
        let value = int_part.parse::<i64>().ok();
        let value = self.int_value(value, line, col, start);
        self.push(Tok::Int(value), line, col, start);
        Ok(())
    }

    /// CPython 3.11 accepts `1if x else y` and friends (with a warning): a keyword may follow a number.
    #[optimize(size)]
    fn keyword_follows(&self) -> bool {
        let rest = &self.src[self.pos..];
        ["and", "else", "for", "if", "in", "is", "not", "or"]
            .iter()
            .any(|k| {
                rest.starts_with(k) && !rest[k.len()..].chars().next().is_some_and(is_id_continue)
            })
    }

    #[optimize(size)]
    fn int_value(&mut self, value: Option<i64>, line: u32, col: u32, start: usize) -> i64 {
        value.unwrap_or_else(|| {
            self.diagnostics.push(SyntaxError {
                line,
                column: col,
                message: format!(
                    "the number {} is too large: ThreadLab's integers are 64-bit (up to {})",
                    &self.src[start..self.pos],
                    i64::MAX
                ),
            });
            0
        })
    }

    #[optimize(size)]
    fn operator(&mut self, c: char, line: u32, col: u32, start: usize) -> LexResult<()> {
        let rest = &self.bytes[self.pos..];
        let three = |s: &[u8]| rest.starts_with(s);
        let (op, len) = if three(b"**=") {
            (Op::DoubleStarEqual, 3)
        } else if three(b"//=") {
            (Op::DoubleSlashEqual, 3)
        } else if three(b"<<=") {
            (Op::LeftShiftEqual, 3)
        } else if three(b">>=") {
            (Op::RightShiftEqual, 3)
        } else if three(b"...") {
            (Op::Ellipsis, 3)
        } else {
            let two = match rest.get(..2) {
                Some(b"==") => Some(Op::EqEqual),
                Some(b"!=") => Some(Op::NotEqual),
                Some(b"<=") => Some(Op::LessEqual),
                Some(b">=") => Some(Op::GreaterEqual),
                Some(b"<<") => Some(Op::LeftShift),
                Some(b">>") => Some(Op::RightShift),
                Some(b"**") => Some(Op::DoubleStar),
                Some(b"//") => Some(Op::DoubleSlash),
                Some(b"+=") => Some(Op::PlusEqual),
                Some(b"-=") => Some(Op::MinEqual),
                Some(b"*=") => Some(Op::StarEqual),
                Some(b"/=") => Some(Op::SlashEqual),
                Some(b"%=") => Some(Op::PercentEqual),
                Some(b"&=") => Some(Op::AmperEqual),
                Some(b"|=") => Some(Op::VBarEqual),
                Some(b"^=") => Some(Op::CircumflexEqual),
                Some(b"@=") => Some(Op::AtEqual),
                Some(b"->") => Some(Op::RArrow),
                Some(b":=") => Some(Op::ColonEqual),
                Some(b"<>") => {
                    return Err(self.err(
                        line,
                        col,
                        "'<>' is not an operator in Python 3: use '!='",
                        LexErrorKind::Tokenizer,
                    ))
                }
                _ => None,
            };
            match two {
                Some(op) => (op, 2),
                None => {
                    let one = match c {
                        '(' => Op::LPar,
                        ')' => Op::RPar,
                        '[' => Op::LSqb,
                        ']' => Op::RSqb,
                        '{' => Op::LBrace,
                        '}' => Op::RBrace,
                        ':' => Op::Colon,
                        ',' => Op::Comma,
                        ';' => Op::Semi,
                        '+' => Op::Plus,
                        '-' => Op::Minus,
                        '*' => Op::Star,
                        '/' => Op::Slash,
                        '|' => Op::VBar,
                        '&' => Op::Amper,
                        '<' => Op::Less,
                        '>' => Op::Greater,
                        '=' => Op::Equal,
                        '.' => Op::Dot,
                        '%' => Op::Percent,
                        '~' => Op::Tilde,
                        '^' => Op::Circumflex,
                        '@' => Op::At,
                        c if c.is_ascii() && !c.is_ascii_control() => {
                            self.bump();
                            self.push(Tok::Unknown(c), line, col, start);
                            return Ok(());
                        }
                        c => return Err(self.invalid_character(c, line, col)),
                    };
                    (one, 1)
                }
            }
        };
        match op {
            Op::LPar | Op::LSqb | Op::LBrace => {
                if self.parens.len() >= MAX_NESTING {
                    return Err(self.err(
                        line,
                        col,
                        format!(
                            "too many nested parentheses (ThreadLab allows {MAX_NESTING} levels)"
                        ),
                        LexErrorKind::Tokenizer,
                    ));
                }
                self.parens.push(Open { ch: c, line, col });
            }
            Op::RPar | Op::RSqb | Op::RBrace => match self.parens.pop() {
                None => {
                    return Err(self.err(
                        line,
                        col,
                        format!("unmatched '{c}': there is no opening bracket for it"),
                        LexErrorKind::Tokenizer,
                    ))
                }
                Some(open) => {
                    let expected = match open.ch {
                        '(' => ')',
                        '[' => ']',
                        _ => '}',
                    };
                    if expected != c {
                        let on = if open.line != line {
                            format!(" on line {}", open.line)
                        } else {
                            String::new()
                        };
                        return Err(self.err(
                            line,
                            col,
                            format!(
                                "closing parenthesis '{c}' does not match opening parenthesis '{}'{on} \
                                 (expected '{expected}')",
                                open.ch
                            ),
                            LexErrorKind::Tokenizer,
                        ));
                    }
                }
            },
            _ => {}
        }
        for _ in 0..len {
            self.bump();
        }
        self.push(Tok::Op(op), line, col, start);
        Ok(())
    }

    #[optimize(size)]
    fn invalid_character(&self, c: char, line: u32, col: u32) -> LexError {
        let code = c as u32;
        let message = match c {
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' => format!(
                "invalid character '{c}' (U+{code:04X}): use a plain double quote \" (typographic quotes \
                 often come from copying text out of a document)"
            ),
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' => format!(
                "invalid character '{c}' (U+{code:04X}): use a plain single quote ' (typographic quotes \
                 often come from copying text out of a document)"
            ),
            '\u{2013}' | '\u{2014}' | '\u{2212}' => {
                format!("invalid character '{c}' (U+{code:04X}): use a plain minus sign -")
            }
            '\u{a0}' | '\u{2000}'..='\u{200b}' | '\u{3000}' => format!(
                "invalid non-printable character U+{code:04X} (a special space): use an ordinary space"
            ),
            c if c.is_control() => format!("invalid non-printable character U+{code:04X}"),
            c => format!("invalid character '{c}' (U+{code:04X})"),
        };
        self.err(line, col, message, LexErrorKind::Tokenizer)
    }
}

/// Decodes the escapes of a non-raw string body. An unknown escape such as `\d` keeps its backslash, as
/// CPython does (it only warns).
#[optimize(size)]
pub fn decode_escapes(body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v: u32 = 0;
                for _ in 0..n {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            chars.next();
                        }
                        None => {
                            return Err(format!(
                                "invalid escape in a string: \\{e} needs exactly {n} hexadecimal digits \
                                 (write a backslash as \\\\)"
                            ))
                        }
                    }
                }
                match char::from_u32(v) {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(format!(
                            "invalid escape in a string: \\{e}{v:0n$x} is not a character ThreadLab can hold"
                        ))
                    }
                }
            }
            'N' => {
                return Err(
                    "\\N{...} escapes (characters by name) are not supported: write the character itself"
                        .to_string(),
                )
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        tokenize(src).tokens.into_iter().map(|t| t.kind).collect()
    }

    fn name(s: &str) -> Tok {
        Tok::Name(s.to_string())
    }

    #[test]
    fn indentation_and_newlines() {
        use Tok::*;
        assert_eq!(
            kinds("if x:\n    y\n\n  # c\n    z\nw"),
            vec![
                Kw(super::Kw::If),
                name("x"),
                Op(super::Op::Colon),
                Newline,
                Indent,
                name("y"),
                Newline,
                name("z"),
                Newline,
                Dedent,
                name("w"),
                Newline,
                Eof
            ]
        );
    }

    #[test]
    fn brackets_join_lines_and_backslash_continues() {
        use Tok::*;
        assert_eq!(
            kinds("x = (1,\n  2)\ny = 1 + \\\n  2\n"),
            vec![
                name("x"),
                Op(super::Op::Equal),
                Op(super::Op::LPar),
                Int(1),
                Op(super::Op::Comma),
                Int(2),
                Op(super::Op::RPar),
                Newline,
                name("y"),
                Op(super::Op::Equal),
                Int(1),
                Op(super::Op::Plus),
                Int(2),
                Newline,
                Eof
            ]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(kinds("1_000")[0], Tok::Int(1000));
        assert_eq!(kinds("0xff")[0], Tok::Int(255));
        assert_eq!(kinds("0o17")[0], Tok::Int(15));
        assert_eq!(kinds("0b1_01")[0], Tok::Int(5));
        assert_eq!(kinds("1.5")[0], Tok::Float(1.5));
        assert_eq!(kinds(".5")[0], Tok::Float(0.5));
        assert_eq!(kinds("1.")[0], Tok::Float(1.0));
        assert_eq!(kinds("1e3")[0], Tok::Float(1000.0));
        assert_eq!(kinds("2.5E-1")[0], Tok::Float(0.25));
        assert_eq!(kinds("00")[0], Tok::Int(0));
        assert_eq!(kinds("9223372036854775807")[0], Tok::Int(i64::MAX));
        let l = tokenize("x = 123456789012345678901234\n");
        assert!(l.diagnostics[0]
            .message
            .contains("123456789012345678901234 is too large"));
        assert!(tokenize("1j").diagnostics[0].message.contains("complex"));
        for bad in ["09", "1__0", "1_", "0x", "0b12", "0o8", "1e+", "1abc"] {
            let l = tokenize(bad);
            assert!(l.error.is_some(), "{bad}");
        }
    }

    #[test]
    fn strings() {
        assert_eq!(
            kinds(r#"'a\n\x41\u00e9\101'"#)[0],
            Tok::Str("a\nA\u{e9}A".into())
        );
        assert_eq!(kinds(r#"r'a\n'"#)[0], Tok::Str("a\\n".into()));
        assert_eq!(kinds("'''a\nb'''")[0], Tok::Str("a\nb".into()));
        assert_eq!(kinds(r#""it's \"q\"""#)[0], Tok::Str("it's \"q\"".into()));
        assert_eq!(kinds(r"'\d'")[0], Tok::Str("\\d".into()));
        match &kinds("rf'{x}\\n'")[0] {
            Tok::FStr(f) => {
                assert!(f.raw);
                assert_eq!(f.body, "{x}\\n");
                assert_eq!((f.line, f.col), (1, 4));
            }
            t => panic!("{t:?}"),
        }
        assert!(tokenize("b'x'").diagnostics[0].message.contains("bytes"));
        assert!(tokenize(r"'\x4'").diagnostics[0].message.contains("\\x"));
        let e = tokenize("x = 'abc\n").error.unwrap();
        assert_eq!((e.error.line, e.error.column), (1, 5));
        assert!(e.error.message.starts_with("unterminated string literal"));
        let e = tokenize("x = '''abc\n\n").error.unwrap();
        assert!(e.error.message.contains("triple-quoted"));
    }

    #[test]
    fn errors() {
        let e = |s: &str| tokenize(s).error.unwrap();
        assert_eq!(e("(]").error.message.split(' ').nth(2), Some("']'"));
        assert_eq!(e(")").kind, LexErrorKind::Tokenizer);
        assert_eq!(e("f(\n\nx").kind, LexErrorKind::Unclosed { line: 1 });
        let tab = e("if x:\n\tpass\n        pass\n");
        assert_eq!(tab.error.line, 3);
        assert!(tab.error.message.starts_with("inconsistent use of tabs"));
        let ded = e("if x:\n    a\n  b\n");
        assert_eq!((ded.error.line, ded.kind), (3, LexErrorKind::Indentation));
        assert!(e("x = \u{201c}a\u{201d}")
            .error
            .message
            .contains("plain double quote"));
        assert_eq!(e(&"(".repeat(200)).error.column, 101);
    }

    #[test]
    fn columns_count_characters() {
        let l = tokenize("é = 'ü' + x");
        let x = &l.tokens[4];
        assert_eq!((x.line, x.col, x.end_col), (1, 11, 12));
    }
}

//! The front end: Python source → syntax tree → checked subset → bytecode, with errors a learner can act on.
//!
//! Pure Rust, no dependency on the VM's objects: the compiler's output ([`bytecode::Code`]) holds constants
//! as [`bytecode::Const`], which the VM turns into its values when it loads the code.

pub mod ast;
pub mod bytecode;
pub mod check;
pub mod compiler;
pub mod lexer;
pub mod parser;
pub mod symtable;

use std::fmt;
use std::sync::Arc;

/// One error found before running: where (1-based line and column) and what is wrong, in a learner's words.
/// The message carries no position: [`fmt::Display`] adds `line L, column C: ` in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line of the offending token.
    pub line: u32,
    /// 1-based column of the offending token.
    pub column: u32,
    /// What is wrong, and what is allowed where that helps.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    #[optimize(size)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SyntaxError {}

pub use parser::parse;

/// Parses, checks and compiles a user's program: the whole front end in one call. `filename` is what
/// tracebacks name (`"<main>"` for the page's program).
#[optimize(size)]
pub fn compile(source: &str, filename: &str) -> Result<Arc<bytecode::Code>, Vec<SyntaxError>> {
    let module = parser::parse(source)?;
    compiler::compile_module(&module, source, filename)
}

/// Compiles one of ThreadLab's own modules (the prelude written in Python): generators and any import
/// are allowed there, and an error is the product's bug, not the user's.
#[optimize(size)]
pub fn compile_prelude(
    source: &str,
    filename: &str,
) -> Result<Arc<bytecode::Code>, Vec<SyntaxError>> {
    let opts = parser::ParseOptions {
        allow_yield: true,
        allow_any_import: true,
    };
    let module = parser::parse_with(source, opts)?;
    compiler::compile_module(&module, source, filename)
}

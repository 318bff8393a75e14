//! Refused input: which field, the value given, what is wrong and what is allowed; and the time scale,
//! the one value every example request may carry besides its parameters.

use serde::Serialize;
use serde_json::Value;
use std::fmt;

use super::params::{Param, ParamType, ParamValue, Span};
use crate::runtime::request::TIME_SCALES;

/// A refused input: which field, the value given, and what is allowed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputError {
    /// The field as the API names it: `example`, `mode`, `timeScale`, `params.coffee_s`.
    pub field: String,
    /// The value given, as JSON text (long values are shortened).
    pub value: String,
    /// What is wrong with it, e.g. "is out of range".
    pub problem: String,
    /// What would be accepted.
    pub allowed: String,
}

impl InputError {
    /// A refusal of `value` in `field`.
    #[optimize(size)]
    pub fn new(field: &str, value: &Value, problem: &str, allowed: String) -> Self {
        // A field is named as given (an unknown key, say), so it is shortened like a value, and a blank
        // name is said to be blank.
        let (prefix, name) = field
            .strip_prefix("params.")
            .map_or(("", field), |name| ("params.", name));
        let field = if name.trim().is_empty() {
            format!("{prefix}(blank name)")
        } else {
            shorten(field)
        };
        InputError {
            field,
            value: shorten(&value.to_string()),
            problem: problem.to_string(),
            allowed,
        }
    }
}

impl fmt::Display for InputError {
    #[optimize(size)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {}; allowed: {}",
            self.field, self.value, self.problem, self.allowed
        )
    }
}

/// Every refusal in one message, `; `-separated.
#[optimize(size)]
pub fn errors_message(errors: &[InputError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Keeps error messages readable when someone pastes a novel into a field.
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

/// Formats a limit without a trailing `.0`.
#[optimize(size)]
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The time scale's schema, as the catalogue lists it beside the examples.
#[optimize(size)]
pub fn time_scale() -> Param {
    let (min, max) = TIME_SCALES;
    Param {
        name: "timeScale".into(),
        label: "Time scale".into(),
        ty: ParamType::Number,
        default: ParamValue::Float(1.0),
        min,
        max,
        max_len: 0,
        options: Vec::new(),
        unit: "x".into(),
        help: "1 runs the tutorial's seconds; 0.1 runs ten times faster.".into(),
        whole: false,
        span: Span::default(),
    }
}

/// Checks a time scale given in a request (field `timeScale`).
#[optimize(size)]
pub fn check_time_scale(value: &Value) -> Result<f64, InputError> {
    match time_scale().check(value) {
        Ok(ParamValue::Float(x)) => Ok(x),
        Ok(_) => Ok(1.0),
        Err(mut e) => {
            e.field = "timeScale".into();
            Err(e)
        }
    }
}

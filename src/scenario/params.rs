//! Parameters: each example's schema (name, type, default, limits, unit, help) and the validation of what
//! a user typed, pasted or scripted against it. Every refusal names the field, the value and what is allowed.

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The type of a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// Any finite number between the limits (durations, time scale).
    Number,
    /// A whole number between the limits (counts of threads, workers, items).
    Integer,
    /// A list of whole numbers, each between the limits (`numbers`); as text, comma- or space-separated.
    List,
    /// On or off (`join`, `daemon`).
    Bool,
    /// One of `options` (`work`: `cpu` or `io`).
    Choice,
    /// A web address: empty, or `http://` or `https://` and at most `max_len` characters, no credentials.
    Url,
}

/// A parameter's default, written as a constant in the example's file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Default {
    /// For numbers and integers.
    Num(f64),
    /// For lists.
    List(&'static [f64]),
    /// For toggles.
    Bool(bool),
    /// For choices.
    Choice(&'static str),
    /// For addresses.
    Text(&'static str),
}

impl Serialize for Default {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ParamValue::from(*self).serialize(s)
    }
}

/// A checked parameter value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A number or an integer.
    Num(f64),
    /// A list of whole numbers.
    List(Vec<f64>),
    /// A toggle.
    Bool(bool),
    /// A choice.
    Choice(&'static str),
    /// An address.
    Text(String),
}

impl From<Default> for ParamValue {
    fn from(d: Default) -> Self {
        match d {
            Default::Num(x) => ParamValue::Num(x),
            Default::List(xs) => ParamValue::List(xs.to_vec()),
            Default::Bool(b) => ParamValue::Bool(b),
            Default::Choice(c) => ParamValue::Choice(c),
            Default::Text(t) => ParamValue::Text(t.to_string()),
        }
    }
}

/// One field of an example's form, and the contract of `run({params})`.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParamSpec {
    /// snake_case, stable: it is part of the JavaScript API and of shared links.
    pub name: &'static str,
    /// The label the form shows.
    pub label: &'static str,
    /// The value's type, which decides how it is parsed and checked.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// The tutorial's value.
    pub default: Default,
    /// Smallest allowed number (for lists: of each item), inclusive.
    pub min: f64,
    /// Largest allowed number (for lists: of each item), inclusive.
    pub max: f64,
    /// For lists: the most items allowed.
    pub max_len: usize,
    /// For choices: the allowed values.
    pub options: &'static [&'static str],
    /// The unit shown beside the field ("s" for tutorial seconds), empty when there is none.
    pub unit: &'static str,
    /// One sentence for the form's help text.
    pub help: &'static str,
}

impl ParamSpec {
    /// A number field with limits; the other fields take neutral values.
    pub const fn number(
        name: &'static str,
        label: &'static str,
        default: f64,
        min: f64,
        max: f64,
    ) -> Self {
        ParamSpec {
            name,
            label,
            ty: ParamType::Number,
            default: Default::Num(default),
            min,
            max,
            max_len: 0,
            options: &[],
            unit: "",
            help: "",
        }
    }

    /// A whole-number field.
    pub const fn integer(
        name: &'static str,
        label: &'static str,
        default: f64,
        min: f64,
        max: f64,
    ) -> Self {
        ParamSpec {
            ty: ParamType::Integer,
            ..Self::number(name, label, default, min, max)
        }
    }

    /// A list of whole numbers, each from `min` to `max`, at most `max_len` of them.
    pub const fn list(
        name: &'static str,
        label: &'static str,
        default: &'static [f64],
        min: f64,
        max: f64,
        max_len: usize,
    ) -> Self {
        ParamSpec {
            ty: ParamType::List,
            default: Default::List(default),
            max_len,
            ..Self::number(name, label, 0.0, min, max)
        }
    }

    /// A toggle.
    pub const fn toggle(name: &'static str, label: &'static str, default: bool) -> Self {
        ParamSpec {
            ty: ParamType::Bool,
            default: Default::Bool(default),
            ..Self::number(name, label, 0.0, 0.0, 1.0)
        }
    }

    /// A choice among `options`.
    pub const fn choice(
        name: &'static str,
        label: &'static str,
        default: &'static str,
        options: &'static [&'static str],
    ) -> Self {
        ParamSpec {
            ty: ParamType::Choice,
            default: Default::Choice(default),
            options,
            ..Self::number(name, label, 0.0, 0.0, 0.0)
        }
    }

    /// A web address (empty for the playground's own files), at most `max_len` characters.
    pub const fn url(name: &'static str, label: &'static str, max_len: usize) -> Self {
        ParamSpec {
            ty: ParamType::Url,
            default: Default::Text(""),
            max_len,
            ..Self::number(name, label, 0.0, 0.0, 0.0)
        }
    }

    /// Sets the unit.
    pub const fn unit(mut self, unit: &'static str) -> Self {
        self.unit = unit;
        self
    }

    /// Sets the help sentence.
    pub const fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }

    /// What the field accepts, in words, for error messages.
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
                "1 to {} whole numbers separated by commas, each {range}",
                self.max_len
            ),
            ParamType::Bool => "true or false".into(),
            ParamType::Choice => format!("one of {}", self.options.join(", ")),
            ParamType::Url => format!(
                "empty (the playground's own files) or an http:// or https:// address of at most {} characters, without a user name or password",
                self.max_len
            ),
        }
    }

    /// Checks one value against this spec.
    pub fn check(&self, field: &str, value: &Value) -> Result<ParamValue, InputError> {
        let refuse = |problem: &str| InputError::new(field, value, problem, self.allowed());
        match self.ty {
            ParamType::Number | ParamType::Integer => self
                .check_number(value)
                .map(ParamValue::Num)
                .map_err(refuse),
            ParamType::List => {
                let items: Vec<Value> = match value {
                    Value::Array(items) => items.clone(),
                    // Typed in a form or a link: "2, 3, 8, 9" or "2 3 8 9".
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
                if items.len() > self.max_len {
                    return Err(refuse(&format!("has {} items", items.len())));
                }
                let mut xs = Vec::with_capacity(items.len());
                for item in &items {
                    match self.check_number(item) {
                        Ok(x) => xs.push(x),
                        Err(problem) => {
                            let item = shorten(&item.to_string());
                            return Err(refuse(&format!("has an item ({item}) that {problem}")));
                        }
                    }
                }
                Ok(ParamValue::List(xs))
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
                        Ok(ParamValue::Text(String::new()))
                    } else if s.chars().count() > self.max_len {
                        Err(refuse("is too long"))
                    } else if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                        Err(refuse("is not an http:// or https:// address"))
                    } else if authority.contains('@') {
                        Err(refuse("carries credentials"))
                    } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
                        Err(refuse("has spaces or control characters"))
                    } else {
                        Ok(ParamValue::Text(s.to_string()))
                    }
                }
                _ => Err(refuse("is not an address")),
            },
            ParamType::Choice => match value {
                Value::String(s) => match self.options.iter().find(|o| **o == s.trim()) {
                    Some(o) => Ok(ParamValue::Choice(o)),
                    None => Err(refuse("is not one of the choices")),
                },
                _ => Err(refuse("is not one of the choices")),
            },
        }
    }

    /// A number or integer (or a list item): its problem in words, if any.
    fn check_number(&self, value: &Value) -> Result<f64, &'static str> {
        let x = match value {
            Value::Number(n) => n.as_f64().ok_or("is not a number")?,
            // Form fields arrive as text; a number written as text is accepted, as a form would.
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(x) if !s.trim().is_empty() => x,
                _ => return Err("is not a number"),
            },
            _ => return Err("is not a number"),
        };
        if !x.is_finite() {
            return Err("is not a finite number");
        }
        if self.ty != ParamType::Number && x.fract() != 0.0 {
            return Err("is not a whole number");
        }
        if x < self.min || x > self.max {
            return Err("is out of range");
        }
        Ok(x)
    }
}

/// Validated parameter values, by name; every field of the schema is present.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Params(BTreeMap<&'static str, ParamValue>);

impl Params {
    fn value(&self, name: &str) -> &ParamValue {
        match self.0.get(name) {
            Some(v) => v,
            None => panic!("parameter {name} is not in the example's schema"),
        }
    }

    /// A number or integer parameter. Asking for an undeclared one, or the wrong type, is a bug in an example.
    pub fn num(&self, name: &str) -> f64 {
        match self.value(name) {
            ParamValue::Num(x) => *x,
            other => panic!("parameter {name} is {other:?}, not a number"),
        }
    }

    /// A whole-number parameter as a count.
    pub fn count(&self, name: &str) -> usize {
        self.num(name) as usize
    }

    /// A list parameter.
    pub fn list(&self, name: &str) -> Vec<i64> {
        match self.value(name) {
            ParamValue::List(xs) => xs.iter().map(|x| *x as i64).collect(),
            other => panic!("parameter {name} is {other:?}, not a list"),
        }
    }

    /// A toggle.
    pub fn flag(&self, name: &str) -> bool {
        match self.value(name) {
            ParamValue::Bool(b) => *b,
            other => panic!("parameter {name} is {other:?}, not a toggle"),
        }
    }

    /// A choice.
    pub fn choice(&self, name: &str) -> &'static str {
        match self.value(name) {
            ParamValue::Choice(c) => c,
            other => panic!("parameter {name} is {other:?}, not a choice"),
        }
    }

    /// An address (empty for the default).
    pub fn text(&self, name: &str) -> String {
        match self.value(name) {
            ParamValue::Text(t) => t.clone(),
            other => panic!("parameter {name} is {other:?}, not an address"),
        }
    }

    /// Every value a schema's defaults give.
    pub fn defaults(schema: &[ParamSpec]) -> Self {
        Params(schema.iter().map(|p| (p.name, p.default.into())).collect())
    }

    /// Checks user-given values against the schema; fields left out take their defaults. Returns every
    /// problem found, not only the first, so a form can mark each bad field at once.
    pub fn parse(
        schema: &[ParamSpec],
        given: &Map<String, Value>,
        example: &str,
    ) -> Result<Self, Vec<InputError>> {
        let mut params = Self::defaults(schema);
        let mut errors = Vec::new();
        for (name, value) in given {
            let field = format!("params.{name}");
            match schema.iter().find(|p| p.name == name) {
                Some(spec) => match spec.check(&field, value) {
                    Ok(x) => {
                        params.0.insert(spec.name, x);
                    }
                    Err(e) => errors.push(e),
                },
                None => {
                    let names: Vec<_> = schema.iter().map(|p| p.name).collect();
                    errors.push(InputError::new(
                        &field,
                        value,
                        &format!("is not a parameter of example \"{example}\""),
                        format!("one of {}", names.join(", ")),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(params)
        } else {
            Err(errors)
        }
    }
}

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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {}; allowed: {}",
            self.field, self.value, self.problem, self.allowed
        )
    }
}

/// Keeps error messages readable when someone pastes a novel into a field.
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
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: ParamSpec = ParamSpec::number("coffee_s", "Coffee", 1.0, 0.0, 60.0).unit("s");

    fn check(value: Value) -> Result<f64, String> {
        match SPEC.check("params.coffee_s", &value) {
            Ok(ParamValue::Num(x)) => Ok(x),
            Ok(other) => Err(format!("{other:?}")),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn accepts_numbers_and_numeric_text_within_limits() {
        assert_eq!(check(json!(2.5)), Ok(2.5));
        assert_eq!(check(json!("3")), Ok(3.0));
        assert_eq!(check(json!(0)), Ok(0.0));
        assert_eq!(check(json!(60)), Ok(60.0));
    }

    #[test]
    fn refusals_name_field_value_and_what_is_allowed() {
        assert_eq!(
            check(json!(-1)).unwrap_err(),
            "params.coffee_s: -1 is out of range; allowed: a number from 0 to 60 s"
        );
        assert_eq!(
            check(json!("abc")).unwrap_err(),
            "params.coffee_s: \"abc\" is not a number; allowed: a number from 0 to 60 s"
        );
        assert!(check(json!("NaN"))
            .unwrap_err()
            .contains("is not a finite number"));
        assert!(check(json!("")).unwrap_err().contains("is not a number"));
        assert!(check(json!(null))
            .unwrap_err()
            .contains("null is not a number"));
        assert!(check(json!([1])).unwrap_err().contains("is not a number"));
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "9".repeat(500);
        let msg = check(json!(long)).unwrap_err();
        assert!(msg.contains("(502 characters)"), "{msg}");
        assert!(msg.len() < 200);
    }

    #[test]
    fn integers_refuse_fractions() {
        let spec = ParamSpec::integer("n", "N", 1.0, 0.0, 9.0);
        let err = spec.check("n", &json!(1.5)).unwrap_err().to_string();
        assert!(err.contains("is not a whole number"), "{err}");
    }

    #[test]
    fn lists_accept_arrays_and_text_and_refuse_bad_items() {
        let spec = ParamSpec::list("numbers", "Numbers", &[2.0, 3.0], -99.0, 99.0, 4);
        let ok = |v: Value| spec.check("numbers", &v);
        assert_eq!(ok(json!([2, 3])), Ok(ParamValue::List(vec![2.0, 3.0])));
        assert_eq!(
            ok(json!("2, 3 8")),
            Ok(ParamValue::List(vec![2.0, 3.0, 8.0]))
        );
        let err = |v: Value| spec.check("numbers", &v).unwrap_err().to_string();
        assert_eq!(
            err(json!("2, x")),
            "numbers: \"2, x\" has an item (\"x\") that is not a number; \
             allowed: 1 to 4 whole numbers separated by commas, each from -99 to 99"
        );
        assert!(err(json!([1, 2, 3, 4, 5])).contains("has 5 items"));
        assert!(err(json!("")).contains("is empty"));
        assert!(err(json!([100])).contains("is out of range"));
    }

    #[test]
    fn toggles_and_choices() {
        let t = ParamSpec::toggle("join", "Join", true);
        assert_eq!(t.check("join", &json!(false)), Ok(ParamValue::Bool(false)));
        assert_eq!(t.check("join", &json!("true")), Ok(ParamValue::Bool(true)));
        assert!(t
            .check("join", &json!(1))
            .unwrap_err()
            .to_string()
            .contains("allowed: true or false"));
        let c = ParamSpec::choice("work", "Work", "cpu", &["cpu", "io"]);
        assert_eq!(c.check("work", &json!("io")), Ok(ParamValue::Choice("io")));
        assert_eq!(
            c.check("work", &json!("gpu")).unwrap_err().to_string(),
            "work: \"gpu\" is not one of the choices; allowed: one of cpu, io"
        );
    }

    #[test]
    fn addresses_are_http_without_credentials() {
        let u = ParamSpec::url("url", "URL", 200);
        let ok = |v: &str| u.check("url", &json!(v)).map_err(|e| e.to_string());
        assert_eq!(ok(""), Ok(ParamValue::Text(String::new())));
        assert_eq!(
            ok("https://example.org/a.bin"),
            Ok(ParamValue::Text("https://example.org/a.bin".into()))
        );
        assert!(ok("ftp://example.org/a")
            .unwrap_err()
            .contains("is not an http:// or https:// address"));
        assert!(ok("javascript:alert(1)")
            .unwrap_err()
            .contains("is not an http://"));
        assert!(ok("https://me:pw@example.org/")
            .unwrap_err()
            .contains("carries credentials"));
        assert!(ok(&format!("https://e.org/{}", "a".repeat(300)))
            .unwrap_err()
            .contains("is too long"));
    }

    #[test]
    fn parse_fills_defaults_and_collects_every_error() {
        let schema = [
            SPEC,
            ParamSpec::number("food_s", "Food", 5.0, 0.0, 60.0).unit("s"),
        ];
        let given = json!({"coffee_s": 2}).as_object().unwrap().clone();
        let p = Params::parse(&schema, &given, "orders").unwrap();
        assert_eq!((p.num("coffee_s"), p.num("food_s")), (2.0, 5.0));

        let bad = json!({"coffee_s": -1, "tea_s": 1})
            .as_object()
            .unwrap()
            .clone();
        let errors = Params::parse(&schema, &bad, "orders").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors[1].to_string(),
            "params.tea_s: 1 is not a parameter of example \"orders\"; allowed: one of coffee_s, food_s"
        );
    }
}

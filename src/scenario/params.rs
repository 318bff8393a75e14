//! Parameters: each example's schema (name, type, default, limits, unit, help) and the validation of what
//! a user typed, pasted or scripted against it. Every refusal names the field, the value and what is allowed.

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The type of a parameter's value. Later examples add lists and toggles here.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// Any finite number between the limits (durations, time scale).
    Number,
    /// A whole number between the limits (counts of threads, workers, items).
    Integer,
}

/// One field of an example's form, and the contract of `run({params})`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ParamSpec {
    /// snake_case, stable: it is part of the JavaScript API and of shared links.
    pub name: &'static str,
    /// The label the form shows.
    pub label: &'static str,
    /// The value's type, which decides how it is parsed and checked.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// The tutorial's value.
    pub default: f64,
    /// Smallest allowed value, inclusive.
    pub min: f64,
    /// Largest allowed value, inclusive.
    pub max: f64,
    /// The unit shown beside the field ("s" for tutorial seconds), empty when there is none.
    pub unit: &'static str,
    /// One sentence for the form's help text.
    pub help: &'static str,
}

impl ParamSpec {
    /// What the field accepts, in words, for error messages.
    pub fn allowed(&self) -> String {
        let what = match self.ty {
            ParamType::Number => "a number",
            ParamType::Integer => "a whole number",
        };
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        format!(
            "{what} from {} to {}{unit}",
            fmt_num(self.min),
            fmt_num(self.max)
        )
    }

    /// Checks one value against this spec.
    pub fn check(&self, field: &str, value: &Value) -> Result<f64, InputError> {
        let refuse = |problem: &str| InputError::new(field, value, problem, self.allowed());
        let x = match value {
            Value::Number(n) => n.as_f64().ok_or_else(|| refuse("is not a number"))?,
            // Form fields arrive as text; a number written as text is accepted, as a form would.
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(x) if !s.trim().is_empty() => x,
                _ => return Err(refuse("is not a number")),
            },
            _ => return Err(refuse("is not a number")),
        };
        if !x.is_finite() {
            return Err(refuse("is not a finite number"));
        }
        if self.ty == ParamType::Integer && x.fract() != 0.0 {
            return Err(refuse("is not a whole number"));
        }
        if x < self.min || x > self.max {
            return Err(refuse("is out of range"));
        }
        Ok(x)
    }
}

/// Validated parameter values, by name; every field of the schema is present.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Params(BTreeMap<&'static str, f64>);

impl Params {
    /// The value of a parameter the schema declares. Asking for an undeclared one is a bug in an example.
    pub fn get(&self, name: &str) -> f64 {
        match self.0.get(name) {
            Some(v) => *v,
            None => panic!("parameter {name} is not in the example's schema"),
        }
    }

    /// Every value a schema's defaults give.
    pub fn defaults(schema: &[ParamSpec]) -> Self {
        Params(schema.iter().map(|p| (p.name, p.default)).collect())
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
        InputError {
            field: field.to_string(),
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

    const SPEC: ParamSpec = ParamSpec {
        name: "coffee_s",
        label: "Coffee",
        ty: ParamType::Number,
        default: 1.0,
        min: 0.0,
        max: 60.0,
        unit: "s",
        help: "",
    };

    fn check(value: Value) -> Result<f64, String> {
        SPEC.check("params.coffee_s", &value)
            .map_err(|e| e.to_string())
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
        let spec = ParamSpec {
            ty: ParamType::Integer,
            ..SPEC
        };
        assert!(spec
            .check("n", &json!(1.5))
            .unwrap_err()
            .to_string()
            .contains("is not a whole number"));
    }

    #[test]
    fn parse_fills_defaults_and_collects_every_error() {
        let schema = [
            SPEC,
            ParamSpec {
                name: "food_s",
                default: 5.0,
                ..SPEC
            },
        ];
        let given = json!({"coffee_s": 2}).as_object().unwrap().clone();
        let p = Params::parse(&schema, &given, "orders").unwrap();
        assert_eq!((p.get("coffee_s"), p.get("food_s")), (2.0, 5.0));

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

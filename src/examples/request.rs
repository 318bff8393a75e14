//! A request to run one mode of an example (`threadlab.run({example, mode, params, timeScale})`): checked
//! against the registry, then turned into the program it runs — the mode's Python with the values
//! written into its declarations — and how it runs (the mode's GIL, the time scale).

use serde_json::{Map, Value};

use super::input::{check_time_scale, InputError};
use super::{example, params::json_of, Example, Mode, EXAMPLES};
use crate::runtime::request::SourceRequest;
use crate::runtime::RunOptions;

/// The fields an example request may have.
const FIELDS: [&str; 5] = ["example", "mode", "params", "timeScale", "seed"];

/// A checked example request.
#[derive(Debug, Clone)]
pub struct ExampleRequest {
    /// The example.
    pub example: &'static Example,
    /// The mode.
    pub mode: &'static Mode,
    /// Every parameter's value, defaults filled in, as JSON (for the record).
    pub params: Value,
    /// The program and how it runs.
    pub run: SourceRequest,
}

/// Whether a request names an example rather than giving a program's source.
#[optimize(size)]
pub fn is_example(request: &Value) -> bool {
    request.get("source").is_none()
}

/// Reads an example request: every problem found, each naming its field, the value and what is allowed.
#[optimize(size)]
pub fn parse(json: &str) -> Result<ExampleRequest, Vec<InputError>> {
    let value: Value = serde_json::from_str(json).map_err(|e| {
        vec![InputError::new(
            "request",
            &Value::String(json.to_string()),
            &format!("is not valid JSON ({e})"),
            "an object {example, mode, params, timeScale}".into(),
        )]
    })?;
    from_value(&value)
}

/// As [`parse`], from a parsed value.
#[optimize(size)]
pub fn from_value(value: &Value) -> Result<ExampleRequest, Vec<InputError>> {
    let Some(obj) = value.as_object() else {
        return Err(vec![InputError::new(
            "request",
            value,
            "is not an object",
            "an object {example, mode, params, timeScale}".into(),
        )]);
    };
    let mut errors = Vec::new();
    for key in obj.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        errors.push(InputError::new(
            key,
            &obj[key],
            "is not a field of a run request",
            FIELDS.join(", "),
        ));
    }
    let found = match obj.get("example") {
        Some(Value::String(id)) => example(id),
        _ => None,
    };
    let Some(example) = found else {
        let ids: Vec<_> = EXAMPLES.iter().map(|e| e.id).collect();
        errors.push(InputError::new(
            "example",
            obj.get("example").unwrap_or(&Value::Null),
            "is not an example id",
            format!("one of {}", ids.join(", ")),
        ));
        return Err(errors);
    };
    let mode = match obj.get("mode") {
        None | Some(Value::Null) => example.modes.first(),
        Some(Value::String(id)) => example.mode(id),
        Some(_) => None,
    };
    if mode.is_none() {
        let ids: Vec<_> = example.modes.iter().map(|m| m.id.as_str()).collect();
        errors.push(InputError::new(
            "mode",
            &obj["mode"],
            &format!("is not a mode of example \"{}\"", example.id),
            format!("one of {}", ids.join(", ")),
        ));
    }
    let empty = Map::new();
    let given = match obj.get("params") {
        None | Some(Value::Null) => Some(&empty),
        Some(Value::Object(given)) => Some(given),
        Some(other) => {
            errors.push(InputError::new(
                "params",
                other,
                "is not an object",
                "an object of parameter values, e.g. {\"coffee_s\": 1}".into(),
            ));
            None
        }
    };
    let values = given.and_then(|g| example.check(g).map_err(|e| errors.extend(e)).ok());
    let time_scale = match obj.get("timeScale") {
        None | Some(Value::Null) => Some(1.0),
        Some(v) => check_time_scale(v).map_err(|e| errors.push(e)).ok(),
    };
    let seed = match obj.get("seed") {
        None | Some(Value::Null) => Some(0),
        Some(v) => match crate::runtime::request::seed(v) {
            Some(s) => Some(s),
            None => {
                errors.push(InputError::new(
                    "seed",
                    v,
                    "is not allowed",
                    "a whole number from 0 to 2^53".into(),
                ));
                None
            }
        },
    };
    let (Some(mode), Some(values), Some(time_scale), Some(seed), true) =
        (mode, values, time_scale, seed, errors.is_empty())
    else {
        return Err(errors);
    };
    let source = example
        .source(&mode.id, given.unwrap_or(&empty))
        .map_err(|e| e.to_vec())?;
    let params: Map<String, Value> = values
        .iter()
        .map(|(name, v)| (name.clone(), json_of(v)))
        .collect();
    Ok(ExampleRequest {
        example,
        mode,
        params: Value::Object(params),
        run: SourceRequest {
            source: source.python,
            options: RunOptions {
                gil: mode.gil,
                time_scale,
                seed,
                max_seconds: crate::runtime::request::MAX_RUN_SECONDS,
                ..RunOptions::default()
            },
        },
    })
}

impl ExampleRequest {
    /// The source request the engine runs: `{source, timeScale, gil, seed}` as JSON.
    #[optimize(size)]
    pub fn source_json(&self) -> String {
        let o = &self.run.options;
        serde_json::json!({
            "source": self.run.source,
            "timeScale": o.time_scale,
            "gil": o.gil,
            "seed": o.seed,
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_request_runs_its_modes_program_with_the_values_written_in() {
        let r = parse(r#"{"example": "orders", "mode": "asyncio", "params": {"food_s": 2}, "timeScale": 0.5}"#)
            .unwrap();
        assert!(r.run.source.contains("food_s = 2.0"), "{}", r.run.source);
        assert!(r.run.source.contains("asyncio.gather"));
        assert_eq!((r.run.options.time_scale, r.run.options.gil), (0.5, true));
        assert_eq!(r.params["food_s"], 2.0);
        assert_eq!(r.params["coffee_s"], 1.0);
        let free = parse(r#"{"example": "cpu-vs-io", "mode": "threads"}"#).unwrap();
        assert!(!free.run.options.gil);
        let first = parse(r#"{"example": "orders"}"#).unwrap();
        assert_eq!(first.mode.id, "sequential");
    }

    #[test]
    fn every_problem_is_named() {
        let message = |json: &str| super::super::errors_message(&parse(json).unwrap_err());
        assert!(
            message(r#"{"example": "nope"}"#).starts_with("example: \"nope\" is not an example id")
        );
        let m = message(
            r#"{"example": "orders", "mode": "x", "params": {"food_s": 99, "tea": 1}, "timeScale": 0, "speed": 2}"#,
        );
        for part in [
            "speed",
            "mode: \"x\"",
            "params.food_s: 99",
            "params.tea",
            "timeScale: 0",
        ] {
            assert!(m.contains(part), "{part} in {m}");
        }
    }
}

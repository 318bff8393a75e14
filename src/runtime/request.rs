//! A request to run a program's source (`threadlab.run({source, timeScale, gil, network, seed})`), read
//! from JSON with a clear message for every bad field: which field, the value, what is allowed.

use serde_json::Value;

use super::RunOptions;

/// The largest program accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 100_000;

/// How long a run from the page may take, real seconds (the prediction's limit too, in its seconds).
pub const MAX_RUN_SECONDS: f64 = 600.0;

/// The time scales accepted (as the examples' `timeScale`).
pub const TIME_SCALES: (f64, f64) = (0.01, 10.0);

/// A checked request.
#[derive(Debug, Clone)]
pub struct SourceRequest {
    /// The program.
    pub source: String,
    /// How it runs.
    pub options: RunOptions,
}

/// The fields a request may have.
const FIELDS: [&str; 5] = ["source", "timeScale", "gil", "network", "seed"];

/// Reads a request; the error names the field, the value and what is allowed.
#[optimize(size)]
pub fn parse(json: &str) -> Result<SourceRequest, String> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| format!("the request is not JSON: {e}"))?;
    let Value::Object(fields) = value else {
        return Err(
            "the request must be an object: {source, timeScale?, gil?, network?, seed?}".into(),
        );
    };
    if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "{}: not a field of a program's run; the fields are {}",
            short(unknown),
            FIELDS.join(", ")
        ));
    }
    let source = match fields.get("source") {
        Some(Value::String(s)) if s.len() <= MAX_SOURCE_BYTES => s.clone(),
        Some(Value::String(s)) => {
            return Err(format!(
                "source: the program has {} bytes; at most {MAX_SOURCE_BYTES} are allowed",
                s.len()
            ))
        }
        Some(other) => {
            return Err(format!(
                "source: {} is not text; give the program as a string",
                shown(other)
            ))
        }
        None => return Err("source: missing; give the program as a string".into()),
    };
    let mut options = RunOptions {
        max_seconds: MAX_RUN_SECONDS,
        ..RunOptions::default()
    };
    if let Some(v) = fields.get("timeScale") {
        let (low, high) = TIME_SCALES;
        match v.as_f64() {
            Some(x) if (low..=high).contains(&x) => options.time_scale = x,
            _ => {
                return Err(format!(
                    "timeScale: {} is not allowed; give a number from {low} to {high}",
                    shown(v)
                ))
            }
        }
    }
    if let Some(v) = fields.get("gil") {
        match v {
            Value::Bool(b) => options.gil = *b,
            _ => return Err(format!("gil: {} is not allowed; give true (threads take turns, as CPython) or false (free-threaded)", shown(v))),
        }
    }
    if let Some(v) = fields.get("network") {
        match v.as_str() {
            Some("simulated") => options.network_real = false,
            Some("real") => options.network_real = true,
            _ => {
                return Err(format!(
                    "network: {} is not allowed; give \"simulated\" (the network module's model) or \"real\" (downloads really made by the browser)",
                    shown(v)
                ))
            }
        }
    }
    if let Some(v) = fields.get("seed") {
        match seed(v) {
            Some(seed) => options.seed = seed,
            None => {
                return Err(format!(
                    "seed: {} is not allowed; give a whole number from 0 to 2^53",
                    shown(v)
                ))
            }
        }
    }
    Ok(SourceRequest { source, options })
}

/// A seed: a whole number from 0 to 2^53 (what a JSON number holds exactly), for both kinds of request.
#[optimize(size)]
pub fn seed(v: &Value) -> Option<u64> {
    v.as_u64().filter(|s| *s <= 1 << 53)
}

/// A value as a message shows it: JSON, cut at 60 characters.
#[optimize(size)]
fn shown(v: &Value) -> String {
    short(&v.to_string())
}

#[optimize(size)]
fn short(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(59).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_with_its_options() {
        let r =
            parse(r#"{"source": "print(1)", "gil": false, "timeScale": 0.5, "seed": 7}"#).unwrap();
        assert_eq!(r.source, "print(1)");
        assert!(!r.options.gil);
        assert_eq!((r.options.time_scale, r.options.seed), (0.5, 7));
        let r = parse(r#"{"source": ""}"#).unwrap();
        assert!(r.options.gil);
        assert!(!r.options.network_real);
        let r = parse(r#"{"source": "", "network": "real"}"#).unwrap();
        assert!(r.options.network_real);
        let r = parse(r#"{"source": "", "network": "simulated"}"#).unwrap();
        assert!(!r.options.network_real);
    }

    #[test]
    fn every_bad_field_is_named_with_what_is_allowed() {
        for (json, start) in [
            ("[1]", "the request must be an object"),
            (r#"{"code": "x"}"#, "code: not a field"),
            (r#"{}"#, "source: missing"),
            (r#"{"source": 3}"#, "source: 3 is not text"),
            (
                r#"{"source": "", "gil": "yes"}"#,
                "gil: \"yes\" is not allowed; give true",
            ),
            (
                r#"{"source": "", "timeScale": 0}"#,
                "timeScale: 0 is not allowed; give a number from 0.01 to 10",
            ),
            (
                r#"{"source": "", "network": "fast"}"#,
                "network: \"fast\" is not allowed; give \"simulated\"",
            ),
            (r#"{"source": "", "seed": -1}"#, "seed: -1 is not allowed"),
        ] {
            let e = parse(json).unwrap_err();
            assert!(e.starts_with(start), "{json}: {e}");
        }
        let big = serde_json::json!({ "source": "x".repeat(MAX_SOURCE_BYTES + 1) }).to_string();
        assert!(parse(&big).unwrap_err().contains("at most 100000"));
        let long = format!(r#"{{"source": "", "gil": "{}"}}"#, "y".repeat(500));
        assert!(parse(&long).unwrap_err().len() < 200);
    }
}

//! What an example is: its lesson, its modes, its parameters, and the program it runs, written once and used
//! by the form (through the schema), the real run (`engine`), the prediction (`sim`) and the page's text.
//!
//! Adding an example is one file in this folder and one line in [`EXAMPLES`]; no JavaScript changes.

mod orders;
mod params;

pub use params::{fmt_num, InputError, ParamSpec, ParamType, Params};

use crate::trace::{spans_and_output, Event, Lane, RunRecord, Status};
use serde::Serialize;
use serde_json::Value;

/// Every example, in the order the page lists them.
pub static EXAMPLES: &[&Example] = &[&orders::EXAMPLE];

/// The time scale's limits: 1 = the tutorial's seconds, 0.1 = ten times faster.
pub const TIME_SCALE: ParamSpec = ParamSpec {
    name: "timeScale",
    label: "Time scale",
    ty: ParamType::Number,
    default: 1.0,
    min: 0.01,
    max: 10.0,
    unit: "x",
    help: "1 runs the tutorial's seconds; 0.1 runs ten times faster.",
};

/// One entry of the catalogue.
#[derive(Serialize)]
pub struct Example {
    /// Stable, lower-case, as in the catalogue (`orders`).
    pub id: &'static str,
    /// The page's heading.
    pub title: &'static str,
    /// The lesson group the page files it under.
    pub group: &'static str,
    /// The lesson, in a paragraph.
    pub lesson: &'static str,
    /// The modes it runs in, side by side; the first is the baseline.
    pub modes: &'static [ModeSpec],
    /// The form's fields.
    pub params: &'static [ParamSpec],
    /// Writes the program for the given parameters and mode.
    #[serde(skip)]
    pub program: fn(&Params, &ModeSpec) -> Program,
}

/// One way of running an example's program.
#[derive(Serialize)]
pub struct ModeSpec {
    /// A short stable word (`sequential`, `asyncio`).
    pub id: &'static str,
    /// The heading of its timeline.
    pub title: &'static str,
    /// How its tasks are run.
    pub pattern: Pattern,
}

/// How a program's tasks run: the concurrency pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// Plain function calls, one after another, on one blocking thread.
    Sequential,
    /// `asyncio.gather` of coroutines on one thread's event loop: they switch only at awaits.
    Asyncio,
}

impl Pattern {
    /// What a lane is in this pattern, for the run record's `lanes[].kind`.
    pub fn lane_kind(self) -> &'static str {
        match self {
            Pattern::Sequential => "call",
            Pattern::Asyncio => "task",
        }
    }
}

/// A program: the tasks an example runs, each a list of steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// In the order the program starts them.
    pub tasks: Vec<Task>,
}

/// One logical flow of work: a function call, a coroutine, later a thread or a process.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// The lane id: stable, lower-case.
    pub id: String,
    /// The name Python would show (`order_coffee`).
    pub name: String,
    /// What it does, in order.
    pub steps: Vec<Step>,
}

/// One step of a task. Durations are in the tutorial's seconds; the run scales them.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Prints a line to the output log.
    Print(String),
    /// Waits: a blocking sleep in a thread, an awaited timer in a coroutine.
    Sleep {
        /// The tutorial's seconds.
        seconds: f64,
    },
}

/// A checked request to run one mode of one example.
#[derive(Clone, Debug)]
pub struct RunRequest {
    /// The example.
    pub example: &'static Example,
    /// The mode.
    pub mode: &'static ModeSpec,
    /// Every parameter, defaults filled in.
    pub params: Params,
    /// Real seconds per tutorial second.
    pub time_scale: f64,
}

impl std::fmt::Debug for Example {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Example({})", self.id)
    }
}

impl std::fmt::Debug for ModeSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mode({})", self.id)
    }
}

/// Finds an example by id.
pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().copied().find(|e| e.id == id)
}

impl Example {
    /// Finds one of this example's modes by id.
    pub fn mode(&self, id: &str) -> Option<&'static ModeSpec> {
        // The modes are 'static slices, so the found one is too.
        let modes: &'static [ModeSpec] = self.modes;
        modes.iter().find(|m| m.id == id)
    }
}

impl RunRequest {
    /// Parses `{example, mode, params, timeScale}` from JSON text. `mode` defaults to the example's first
    /// mode, `params` to the tutorial's values, `timeScale` to 1. Every problem found is returned.
    pub fn parse(json: &str) -> Result<Self, Vec<InputError>> {
        let value: Value = serde_json::from_str(json).map_err(|e| {
            vec![InputError::new(
                "request",
                &Value::String(json.to_string()),
                &format!("is not valid JSON ({e})"),
                "an object {example, mode, params, timeScale}".into(),
            )]
        })?;
        Self::from_value(&value)
    }

    /// As [`RunRequest::parse`], from a parsed value.
    pub fn from_value(value: &Value) -> Result<Self, Vec<InputError>> {
        let Some(obj) = value.as_object() else {
            return Err(vec![InputError::new(
                "request",
                value,
                "is not an object",
                "an object {example, mode, params, timeScale}".into(),
            )]);
        };
        let mut errors = Vec::new();
        for key in obj.keys() {
            if !["example", "mode", "params", "timeScale"].contains(&key.as_str()) {
                errors.push(InputError::new(
                    key,
                    &obj[key],
                    "is not a field of a run request",
                    "example, mode, params, timeScale".into(),
                ));
            }
        }
        let ids = || EXAMPLES.iter().map(|e| e.id).collect::<Vec<_>>().join(", ");
        let example = match obj.get("example") {
            Some(Value::String(id)) => example(id),
            _ => None,
        };
        let Some(example) = example else {
            let given = obj.get("example").cloned().unwrap_or(Value::Null);
            errors.push(InputError::new(
                "example",
                &given,
                "is not an example id",
                format!("one of {}", ids()),
            ));
            return Err(errors);
        };
        let mode = match obj.get("mode") {
            None | Some(Value::Null) => Some(&example.modes[0]),
            Some(Value::String(id)) => example.mode(id),
            Some(_) => None,
        };
        if mode.is_none() {
            let modes: Vec<_> = example.modes.iter().map(|m| m.id).collect();
            errors.push(InputError::new(
                "mode",
                &obj["mode"],
                &format!("is not a mode of example \"{}\"", example.id),
                format!("one of {}", modes.join(", ")),
            ));
        }
        let params = match obj.get("params") {
            None | Some(Value::Null) => Ok(Params::defaults(example.params)),
            Some(Value::Object(given)) => Params::parse(example.params, given, example.id),
            Some(other) => Err(vec![InputError::new(
                "params",
                other,
                "is not an object",
                "an object of parameter values, e.g. {\"coffee_s\": 1}".into(),
            )]),
        };
        let params = params.map_err(|e| errors.extend(e)).ok();
        let time_scale = match obj.get("timeScale") {
            None | Some(Value::Null) => Some(TIME_SCALE.default),
            Some(v) => TIME_SCALE
                .check("timeScale", v)
                .map_err(|e| errors.push(e))
                .ok(),
        };
        match (mode, params, time_scale) {
            (Some(mode), Some(params), Some(time_scale)) if errors.is_empty() => Ok(RunRequest {
                example,
                mode,
                params,
                time_scale,
            }),
            _ => Err(errors),
        }
    }

    /// The program this request runs.
    pub fn program(&self) -> Program {
        (self.example.program)(&self.params, self.mode)
    }
}

/// The catalogue as the JavaScript API's `examples()` returns it.
pub fn catalog_json() -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Catalog<'a> {
        examples: &'a [&'a Example],
        time_scale: ParamSpec,
    }
    serde_json::to_string(&Catalog {
        examples: EXAMPLES,
        time_scale: TIME_SCALE,
    })
    .expect("the catalogue serialises")
}

impl RunRequest {
    /// The lanes of a run of `program`: one per task, all on Python's main thread in these patterns.
    pub fn lanes(&self, program: &Program) -> Vec<Lane> {
        program
            .tasks
            .iter()
            .map(|t| Lane {
                id: t.id.clone(),
                name: t.name.clone(),
                kind: self.mode.pattern.lane_kind(),
                thread: "MainThread".into(),
            })
            .collect()
    }

    /// A step's duration in real ms at this request's time scale.
    pub fn real_ms(&self, seconds: f64) -> f64 {
        seconds * self.time_scale * 1000.0
    }

    /// The run record of this request from the events a run (or the prediction) recorded.
    pub fn record(
        &self,
        program: &Program,
        status: Status,
        wall_ms: f64,
        predicted_ms: f64,
        events: &[Event],
    ) -> RunRecord {
        let (spans, output) = spans_and_output(events, wall_ms);
        RunRecord {
            example: self.example.id.into(),
            mode: self.mode.id.into(),
            params: serde_json::to_value(&self.params).expect("numbers serialise"),
            time_scale: self.time_scale,
            status,
            wall_ms,
            predicted_ms,
            lanes: self.lanes(program),
            spans,
            output,
        }
    }
}

impl Pattern {
    /// How a sleep step reads in this pattern's Python: the span's label.
    pub fn sleep_label(self, seconds: f64) -> String {
        match self {
            Pattern::Sequential => format!("time.sleep({})", fmt_num(seconds)),
            Pattern::Asyncio => format!("await asyncio.sleep({})", fmt_num(seconds)),
        }
    }
}

/// Joins refusals into one message for an Error.
pub fn errors_message(errors: &[InputError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refuse(v: Value) -> String {
        errors_message(&RunRequest::from_value(&v).unwrap_err())
    }

    #[test]
    fn ids_are_unique_lower_case_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for e in EXAMPLES {
            assert!(seen.insert(e.id), "duplicate example id {}", e.id);
            assert!(e.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            for m in e.modes {
                assert!(m.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            }
            for p in e.params {
                assert!(p.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
                assert!(p.min <= p.default && p.default <= p.max, "{}", p.name);
            }
        }
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let r = RunRequest::from_value(&json!({"example": "orders"})).unwrap();
        assert_eq!(r.mode.id, "sequential");
        assert_eq!(r.time_scale, 1.0);
        assert_eq!(r.params.get("food_s"), 5.0);
    }

    #[test]
    fn bad_requests_are_refused_with_field_value_and_allowed() {
        assert_eq!(
            refuse(json!({"example": "nope"})),
            "example: \"nope\" is not an example id; allowed: one of orders"
        );
        assert_eq!(
            refuse(json!({"example": "orders", "mode": "threads"})),
            "mode: \"threads\" is not a mode of example \"orders\"; allowed: one of sequential, asyncio"
        );
        assert_eq!(
            refuse(json!({"example": "orders", "timeScale": 0})),
            "timeScale: 0 is out of range; allowed: a number from 0.01 to 10 x"
        );
        assert!(refuse(json!({"example": "orders", "params": [1]}))
            .starts_with("params: [1] is not an object"));
        assert!(refuse(json!({"example": "orders", "colour": 1}))
            .starts_with("colour: 1 is not a field"));
        assert!(refuse(json!(3)).starts_with("request: 3 is not an object"));
        assert!(RunRequest::parse("{").is_err());
    }

    #[test]
    fn catalog_lists_schema_fields_the_api_promises() {
        let cat: Value = serde_json::from_str(&catalog_json()).unwrap();
        let orders = &cat["examples"][0];
        assert_eq!(orders["id"], "orders");
        assert_eq!(orders["modes"][1]["id"], "asyncio");
        let p = &orders["params"][0];
        for key in ["name", "type", "default", "min", "max", "unit", "help"] {
            assert!(p.get(key).is_some(), "schema lacks {key}");
        }
    }
}

#![cfg_attr(target_arch = "wasm32", allow(missing_docs))] // the file is empty there
#![cfg(not(target_arch = "wasm32"))]
//! Property (fuzz) tests of the request and parameter parsers, natively: whatever a form, a shared link or a
//! script hands `RunRequest::parse` or `RunRequest::from_value` (random bytes, random text, truncated or
//! mutated JSON, requests with every kind of wrong value in every field), the parsers
//! - never panic;
//! - accept a request exactly when every field is allowed by the example's schema, and what they accept is
//!   within the schema's limits, predicts a finite run and renders its code;
//! - refuse everything else with errors that each name the field (`example`, `mode`, `params`,
//!   `params.<name>`, `timeScale`, the unknown key, or `request`), show the value shortened, and say what
//!   is wrong and what is allowed;
//! - give back the same request when its parsed parameters are written out again, as JSON or as form text.
//!
//! The cases come from a small seeded xorshift64 generator, so every run tries the same ones. A failure
//! names its case's seed: `PARSERS_REPLAY=<seed> cargo test --test parsers <test name>` runs that case
//! alone, and `PARSERS_SEED=<number>` tries another set of cases.

use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;
use threadlab::scenario::{
    errors_message, example, Example, InputError, ParamSpec, ParamType, Params, RunRequest,
    EXAMPLES, TIME_SCALE,
};
use threadlab::sim::predict;
use threadlab::trace::{RunRecord, Status};

// ---------------------------------------------------------------------------------------------------------
// The generator and the case runner.

/// The seed every run starts from unless `PARSERS_SEED` says otherwise.
const SEED: u64 = 0x7468_7265_6164_6c61;

/// xorshift64: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // splitmix64 once, so neighbouring seeds start far apart; xorshift must never hold zero.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        (self.next() % n as u64) as usize
    }

    /// True once in `n` times.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi]`.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        (lo + (hi - lo) * self.unit()).clamp(lo, hi)
    }

    /// A whole number in `[lo, hi]` (the limits rounded inwards).
    fn whole_between(&mut self, lo: f64, hi: f64) -> f64 {
        let (lo, hi) = (lo.ceil(), hi.floor());
        lo + self.below((hi - lo) as usize + 1) as f64
    }
}

fn env_seed(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// Runs `case` `n` times, each on a generator of its own seed (or only on `PARSERS_REPLAY`'s seed).
fn cases(n: u64, mut case: impl FnMut(u64, &mut Rng)) {
    if let Some(seed) = env_seed("PARSERS_REPLAY") {
        return case(seed, &mut Rng::new(seed));
    }
    let base = env_seed("PARSERS_SEED").unwrap_or(SEED);
    for i in 0..n {
        let seed = base.wrapping_add(i);
        case(seed, &mut Rng::new(seed));
    }
}

/// At most 300 characters of `text`, for assertion messages.
fn short(text: &str) -> String {
    let n = text.chars().count();
    if n <= 300 {
        text.to_string()
    } else {
        let head: String = text.chars().take(300).collect();
        format!("{head}… ({n} characters)")
    }
}

/// Runs `f`, turning a panic into a failure that names the seed and the input.
fn no_panic<T>(seed: u64, input: impl Fn() -> String, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(x) => x,
        Err(payload) => {
            let why = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("seed {seed:#x}: panicked ({why}) on {}", short(&input()))
        }
    }
}

fn parse_text(seed: u64, text: &str) -> Result<RunRequest, Vec<InputError>> {
    no_panic(seed, || text.to_string(), || RunRequest::parse(text))
}

fn parse_value(seed: u64, value: &Value) -> Result<RunRequest, Vec<InputError>> {
    no_panic(seed, || value.to_string(), || RunRequest::from_value(value))
}

// ---------------------------------------------------------------------------------------------------------
// What every answer must satisfy.

/// The longest `value` an error may show: 60 characters of it, then "… (N characters)".
const MAX_VALUE_CHARS: usize = 100;

/// A refusal is clear: at least one error, each with a field, a shortened value, a problem and what is
/// allowed, all of them in `errors_message`.
fn assert_clear(seed: u64, input: &dyn Fn() -> String, errors: &[InputError]) {
    assert!(
        !errors.is_empty(),
        "seed {seed:#x}: refused without an error: {}",
        short(&input())
    );
    let message = errors_message(errors);
    for e in errors {
        let shown = e.to_string();
        let ctx = || {
            format!(
                "seed {seed:#x}: error {} for {}",
                short(&shown),
                short(&input())
            )
        };
        // An unknown key that is blank is refused under a blank field name: known, pinned by
        // `a_blank_request_key_is_named_in_its_error` (ignored); every other field is named.
        let blank_key = e.field.trim().is_empty() && e.problem == "is not a field of a run request";
        assert!(
            !e.field.trim().is_empty() || blank_key,
            "{}: no field",
            ctx()
        );
        assert!(!e.value.is_empty(), "{}: no value", ctx());
        assert!(!e.problem.trim().is_empty(), "{}: no problem", ctx());
        assert!(!e.allowed.trim().is_empty(), "{}: nothing allowed", ctx());
        assert!(
            e.value.chars().count() <= MAX_VALUE_CHARS,
            "{}: the value is {} characters long",
            ctx(),
            e.value.chars().count()
        );
        assert!(
            shown.starts_with(&format!("{}: ", e.field)) && shown.contains("; allowed: "),
            "{}: badly shown",
            ctx()
        );
        assert!(message.contains(&shown), "{}: not in errors_message", ctx());
    }
}

/// An accepted request is within its schema: a registered example, one of its modes, the time scale and
/// every parameter (all of them present, no others) within their limits.
fn assert_within_schema(seed: u64, input: &dyn Fn() -> String, req: &RunRequest) {
    let ctx = || format!("seed {seed:#x}: accepted {}", short(&input()));
    let e = req.example;
    assert!(
        example(e.id).is_some_and(|found| std::ptr::eq(found, e)),
        "{}: unregistered example",
        ctx()
    );
    assert!(
        e.modes.iter().any(|m| std::ptr::eq(m, req.mode)),
        "{}: mode {} is not the example's",
        ctx(),
        req.mode.id
    );
    assert!(
        req.time_scale.is_finite()
            && req.time_scale >= TIME_SCALE.min
            && req.time_scale <= TIME_SCALE.max,
        "{}: timeScale {}",
        ctx(),
        req.time_scale
    );
    let params = serde_json::to_value(&req.params).expect("parameters serialise");
    let params = params
        .as_object()
        .expect("parameters serialise as an object");
    let given: BTreeSet<&str> = params.keys().map(String::as_str).collect();
    let schema: BTreeSet<&str> = e.params.iter().map(|p| p.name).collect();
    assert_eq!(given, schema, "{}: parameters are not the schema's", ctx());
    for spec in e.params {
        let v = &params[spec.name];
        let bad = || {
            format!(
                "{}: params.{} = {}",
                ctx(),
                spec.name,
                short(&v.to_string())
            )
        };
        let in_range = |x: f64| x.is_finite() && x >= spec.min && x <= spec.max;
        match spec.ty {
            ParamType::Number => assert!(v.as_f64().is_some_and(in_range), "{}", bad()),
            ParamType::Integer => assert!(
                v.as_f64().is_some_and(|x| in_range(x) && x.fract() == 0.0),
                "{}",
                bad()
            ),
            ParamType::List => {
                let items = v.as_array().unwrap_or_else(|| panic!("{}", bad()));
                assert!(
                    !items.is_empty() && items.len() <= spec.max_len,
                    "{}",
                    bad()
                );
                for item in items {
                    assert!(
                        item.as_f64()
                            .is_some_and(|x| in_range(x) && x.fract() == 0.0),
                        "{}",
                        bad()
                    );
                }
            }
            ParamType::Bool => assert!(v.is_boolean(), "{}", bad()),
            ParamType::Choice => assert!(
                v.as_str().is_some_and(|s| spec.options.contains(&s)),
                "{}",
                bad()
            ),
            ParamType::Url => {
                let s = v.as_str().unwrap_or_else(|| panic!("{}", bad()));
                let lower = s.to_ascii_lowercase();
                let authority = s.split("://").nth(1).unwrap_or("").split('/').next();
                assert!(
                    s.is_empty()
                        || ((lower.starts_with("http://") || lower.starts_with("https://"))
                            && s.chars().count() <= spec.max_len
                            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
                            && !authority.unwrap_or("").contains('@')),
                    "{}",
                    bad()
                );
            }
        }
    }
}

/// How long one prediction may take before the test calls it a hang (they take milliseconds).
const HANG_S: u64 = 20;

/// Predicts `req` on a thread of its own, failing (with the seed and the input) on a panic or when it
/// does not return within [`HANG_S`]: a hang is reported, not waited out.
// The lint's reasons (no std threads on wasm32-unknown-unknown) do not apply: this file is native only.
#[allow(clippy::disallowed_methods)]
fn predict_in_time(
    seed: u64,
    input: &dyn Fn() -> String,
    req: &RunRequest,
    cores: usize,
) -> RunRecord {
    let (tx, rx) = std::sync::mpsc::channel();
    let req = req.clone();
    std::thread::spawn(move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(|| predict(&req, cores))));
    });
    match rx.recv_timeout(Duration::from_secs(HANG_S)) {
        Ok(Ok(record)) => record,
        Ok(Err(_)) => panic!("seed {seed:#x}: predict panicked on {}", short(&input())),
        Err(_) => panic!(
            "seed {seed:#x}: predict did not return within {HANG_S} s on {cores} cores: {}",
            short(&input())
        ),
    }
}

/// An accepted request predicts a finite run on `cores` cores and renders its code.
fn assert_runs(seed: u64, input: &dyn Fn() -> String, req: &RunRequest, cores: usize) -> Status {
    let ctx = || format!("seed {seed:#x}: {}", short(&input()));
    let record = predict_in_time(seed, input, req, cores);
    assert!(
        record.wall_ms.is_finite() && record.wall_ms >= 0.0,
        "{}: wall_ms {}",
        ctx(),
        record.wall_ms
    );
    assert!(
        record.predicted_ms.is_finite() && record.predicted_ms >= 0.0,
        "{}: predicted_ms {}",
        ctx(),
        record.predicted_ms
    );
    assert_eq!(
        (record.example.as_str(), record.mode.as_str()),
        (req.example.id, req.mode.id),
        "{}",
        ctx()
    );
    assert!(!record.lanes.is_empty(), "{}: no lanes", ctx());
    let code = no_panic(seed, input, || req.code());
    assert!(
        !code.python.trim().is_empty() && !code.rust.trim().is_empty(),
        "{}: no code",
        ctx()
    );
    record.status
}

/// As [`assert_runs`], at the smallest time scale. The prediction can spin forever once a run passes
/// about 2^23 ms (`now`'s ulp outgrows its 1e-9 ms threshold; pinned by the ignored
/// `the_prediction_returns_when_a_latency_ends_hours_into_a_run`), and random parameters reach that;
/// at the smallest time scale no valid parameters come near it.
fn assert_runs_fast(
    seed: u64,
    input: &dyn Fn() -> String,
    req: &RunRequest,
    cores: usize,
) -> Status {
    let mut fast = req.clone();
    fast.time_scale = TIME_SCALE.min;
    assert_runs(seed, input, &fast, cores)
}

/// Whether two requests are the same run.
fn same(a: &RunRequest, b: &RunRequest) -> bool {
    std::ptr::eq(a.example, b.example)
        && std::ptr::eq(a.mode, b.mode)
        && a.params == b.params
        && a.time_scale.to_bits() == b.time_scale.to_bits()
}

/// Whether two floats are equal or neighbours.
fn within_ulp(a: f64, b: f64) -> bool {
    a == b || (a.signum() == b.signum() && a.to_bits().abs_diff(b.to_bits()) <= 1)
}

/// Whether two JSON values are equal but for numbers one ulp apart.
fn nearly_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => within_ulp(
            x.as_f64().unwrap_or(f64::NAN),
            y.as_f64().unwrap_or(f64::NAN),
        ),
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| nearly_equal(x, y))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(k, x)| ys.get(k).is_some_and(|y| nearly_equal(x, y)))
        }
        _ => a == b,
    }
}

/// Whether two requests are the same run but for numbers one ulp apart: what a trip through JSON text
/// gives, since serde_json is built without `float_roundtrip` and may read a number's last digit one ulp
/// off (see `a_number_survives_a_round_trip_through_json_text_within_one_ulp`).
fn nearly_same(a: &RunRequest, b: &RunRequest) -> bool {
    let params = |r: &RunRequest| serde_json::to_value(&r.params).expect("parameters serialise");
    std::ptr::eq(a.example, b.example)
        && std::ptr::eq(a.mode, b.mode)
        && within_ulp(a.time_scale, b.time_scale)
        && nearly_equal(&params(a), &params(b))
}

// ---------------------------------------------------------------------------------------------------------
// Values: valid ones (within the schema's limits, in every encoding the parser promises to take) and
// invalid ones (each known to be refused).

const MARKUP: &str = "<img src=x onerror=alert(1)>";

/// Strings that are no id, name, number, toggle, choice or address.
const ODD_TEXT: &[&str] = &[
    "",
    " ",
    "\t\n",
    MARKUP,
    "<script>alert(1)</script>",
    "\0",
    "\u{202e}evil",
    "🧵",
    "null",
    "undefined",
    "__proto__",
    "constructor",
    "../../etc/passwd",
    "%00",
    "{{7*7}}",
    "'; DROP TABLE runs; --",
    "\\u0000",
];

/// A long string: mostly ten thousand characters, now and then a megabyte.
fn long_text(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => "x".repeat(1 << 20),
        1 => "é".repeat(5_000),
        2 => "9".repeat(10_000),
        _ => "x".repeat(10_000),
    }
}

/// A string no parameter, id or name accepts: odd text, markup, or a long string.
fn odd_text(rng: &mut Rng) -> String {
    if rng.one_in(6) {
        long_text(rng)
    } else {
        rng.pick(ODD_TEXT).to_string()
    }
}

/// A JSON value of one of the kinds in `kinds` ("null", "bool", "number", "string", "array", "object"):
/// callers choose kinds the field in question never accepts.
fn junk(rng: &mut Rng, kinds: &[&str], depth: usize) -> Value {
    match *rng.pick(kinds) {
        "null" => Value::Null,
        "bool" => Value::Bool(rng.one_in(2)),
        "number" => json!(*rng.pick(&[0.0, -0.0, 1.0, -1.0, 0.5, 1e308, -1e308, 3.0, 1e-300])),
        "string" => Value::String(odd_text(rng)),
        "array" => {
            let n = if rng.one_in(40) { 10_000 } else { rng.below(4) };
            let all = ["null", "bool", "number", "string", "array", "object"];
            let leaf = ["null", "bool", "number"];
            Value::Array(
                (0..n)
                    .map(|_| {
                        junk(
                            rng,
                            if depth < 3 && n < 10 { &all } else { &leaf },
                            depth + 1,
                        )
                    })
                    .collect(),
            )
        }
        _ => {
            let mut obj = Map::new();
            for _ in 0..rng.below(3) {
                let key = odd_text(rng);
                let value = junk(rng, &["null", "bool", "number", "string"], depth + 1);
                obj.insert(key, value);
            }
            if rng.one_in(2) {
                obj.insert("value".into(), json!(1));
            }
            Value::Object(obj)
        }
    }
}

/// A number within `spec`'s limits (a whole one unless the spec is a plain number).
fn valid_number(rng: &mut Rng, spec: &ParamSpec) -> f64 {
    let whole = spec.ty != ParamType::Number;
    match rng.below(8) {
        0 => spec.min,
        1 => spec.max,
        2 if spec.min <= 0.0 && spec.max >= 0.0 => -0.0,
        _ if whole => rng.whole_between(spec.min, spec.max),
        _ => rng.between(spec.min, spec.max),
    }
}

/// `x` as the parser promises to take it: a JSON number, or text as a form sends it, padded or not.
fn encode_number(rng: &mut Rng, x: f64) -> Value {
    match rng.below(7) {
        0 | 1 => json!(x),
        2 if x.fract() == 0.0 && x != 0.0 => json!(x as i64),
        3 => json!(format!("{x}")),
        4 => json!(format!("  {x}\t")),
        5 => json!(format!("{x:e}")),
        6 if x.is_sign_positive() => json!(format!("+{x}")),
        _ => json!(x),
    }
}

/// A valid list item as text (no separators in it).
fn number_text(rng: &mut Rng, x: f64) -> String {
    match rng.below(4) {
        0 => format!("{x:e}"),
        1 if x.is_sign_positive() => format!("+{x}"),
        _ => format!("{x}"),
    }
}

/// A list of `items` as the parser promises to take it: a JSON array (of numbers or numeric text) or text
/// separated by commas and spaces.
fn encode_list(rng: &mut Rng, items: &[String]) -> Value {
    if rng.one_in(2) {
        Value::Array(
            items
                .iter()
                .map(|t| match t.parse::<f64>() {
                    Ok(x) if rng.below(3) > 0 => json!(x),
                    _ => json!(t),
                })
                .collect(),
        )
    } else {
        let separators = [",", ", ", " ", "\t", " ,\n", ",,"];
        let mut text = String::new();
        if rng.one_in(4) {
            text.push_str(rng.pick(&separators));
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                text.push_str(rng.pick(&separators));
            }
            text.push_str(item);
        }
        if rng.one_in(4) {
            text.push_str(rng.pick(&separators));
        }
        json!(text)
    }
}

fn valid_list_items(rng: &mut Rng, spec: &ParamSpec, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let x = valid_number(rng, spec);
            number_text(rng, x)
        })
        .collect()
}

/// An address a real download may fetch, at most `max_len` characters.
fn valid_url(rng: &mut Rng, max_len: usize) -> String {
    let scheme = *rng.pick(&["http://", "https://", "HTTPS://", "Http://"]);
    let host = *rng.pick(&[
        "example.org",
        "localhost:8000",
        "127.0.0.1",
        "[::1]:8080",
        "xn--bcher-kva.example",
        "exämple.org",
    ]);
    const PATH: &[char] = &[
        'a', 'Z', '0', '9', '-', '.', '_', '~', '/', '?', '=', '&', '%', '#', '@', '!', '$', '\'',
        '(', ')', '*', '+', ',', ';', '<', '>', '"', 'é', '中',
    ];
    let mut url = format!("{scheme}{host}/");
    let room = max_len.saturating_sub(url.chars().count());
    let n = if rng.one_in(10) {
        room
    } else {
        rng.below(room.min(40) + 1)
    };
    url.extend((0..n).map(|_| *rng.pick(PATH)));
    url
}

/// A value `spec` accepts.
fn valid_value(rng: &mut Rng, spec: &ParamSpec) -> Value {
    match spec.ty {
        ParamType::Number | ParamType::Integer => {
            let x = valid_number(rng, spec);
            encode_number(rng, x)
        }
        ParamType::List => {
            let n = 1 + rng.below(spec.max_len);
            let items = valid_list_items(rng, spec, n);
            encode_list(rng, &items)
        }
        ParamType::Bool => rng
            .pick(&[json!(true), json!(false), json!("true"), json!("false")])
            .clone(),
        ParamType::Choice => json!(rng.pick(spec.options)),
        ParamType::Url => match rng.below(6) {
            0 => json!(""),
            1 => json!("   "),
            2 => json!(format!(" {} ", valid_url(rng, spec.max_len - 2))),
            _ => json!(valid_url(rng, spec.max_len)),
        },
    }
}

/// A number (or numeric text) that `spec` refuses, whatever its limits.
fn bad_number(rng: &mut Rng, spec: &ParamSpec) -> Value {
    let delta = *rng.pick(&[1e-6, 0.5, 1.0, 1e6]);
    match rng.below(9) {
        0 => json!(spec.min - delta),
        1 => json!(spec.max + delta),
        2 => json!(*rng.pick(&[1e308, -1e308, f64::MAX, f64::MIN, 1e20, -1e20])),
        3 => rng.pick(&[json!(u64::MAX), json!(i64::MIN)]).clone(),
        4 => json!(rng.pick(&[
            "NaN",
            "nan",
            "Infinity",
            "-Infinity",
            "inf",
            "-inf",
            "+inf",
            "",
            "   ",
            "1e999",
            "-1e999",
            "0x10",
            "abc",
            "1,5",
            "3px",
            "1 2",
            "٣",
            "--1",
            "1e",
            ".",
            "e5",
            MARKUP,
            "null",
            "true",
        ])),
        5 => json!(format!("  {} ", spec.max + delta)),
        6 => json!(format!("{}", spec.min - delta)),
        7 if spec.ty != ParamType::Number && spec.max - spec.min >= 1.0 => {
            let x = rng.whole_between(spec.min, spec.max - 1.0) + 0.5;
            if rng.one_in(2) {
                json!(x)
            } else {
                json!(format!("{x}"))
            }
        }
        _ => json!(if rng.one_in(2) {
            "9".repeat(10_000)
        } else {
            long_text(rng)
        }),
    }
}

/// A value `spec` refuses.
fn bad_value(rng: &mut Rng, spec: &ParamSpec) -> Value {
    match spec.ty {
        ParamType::Number | ParamType::Integer => {
            if rng.one_in(4) {
                junk(rng, &["null", "bool", "array", "object"], 0)
            } else {
                bad_number(rng, spec)
            }
        }
        ParamType::List => match rng.below(7) {
            0 => json!([]),
            1 => json!(*rng.pick(&["", "   ", ",", " , ,\t"])),
            2 => {
                let n = if rng.one_in(10) {
                    10_000
                } else {
                    spec.max_len + 1 + rng.below(5)
                };
                let items = valid_list_items(rng, spec, n);
                encode_list(rng, &items)
            }
            3 => {
                // One bad item among good ones, in an array.
                let n = 1 + rng.below(spec.max_len);
                let mut items: Vec<Value> =
                    (0..n).map(|_| json!(valid_number(rng, spec))).collect();
                let bad = if rng.one_in(3) {
                    junk(rng, &["null", "bool", "array", "object"], 0)
                } else {
                    bad_number(rng, spec)
                };
                let at = rng.below(n);
                items[at] = bad;
                Value::Array(items)
            }
            4 => {
                // One bad item among good ones, in text.
                let n = 1 + rng.below(spec.max_len);
                let mut items = valid_list_items(rng, spec, n);
                let bad = rng
                    .pick(&[
                        "x".to_string(),
                        "NaN".into(),
                        "inf".into(),
                        "1e999".into(),
                        "0x10".into(),
                        "1.5".into(),
                        format!("{}", spec.max + 1.0),
                        format!("{}", spec.min - 1.0),
                        "<img/src=x/onerror=alert(1)>".into(),
                    ])
                    .clone();
                let at = rng.below(n);
                items[at] = bad;
                encode_list(rng, &items)
            }
            5 => json!([[1, 2], [3]]),
            _ => junk(rng, &["null", "bool", "number", "object"], 0),
        },
        ParamType::Bool => match rng.below(3) {
            0 => junk(rng, &["null", "number", "array", "object"], 0),
            _ => {
                json!(*rng.pick(&["True", "TRUE", "t rue", "1", "0", "yes", "no", "on", "", MARKUP]))
            }
        },
        ParamType::Choice => match rng.below(4) {
            0 => junk(rng, &["null", "bool", "number", "array", "object"], 0),
            1 => json!(rng.pick(spec.options).to_uppercase()),
            2 => json!(format!("{}x", rng.pick(spec.options))),
            _ => json!(odd_text(rng)),
        },
        ParamType::Url => match rng.below(3) {
            0 => junk(rng, &["null", "bool", "number", "array", "object"], 0),
            1 => json!(format!(
                "https://example.org/{}",
                "a".repeat(spec.max_len + rng.below(3))
            )),
            _ => json!(*rng.pick(&[
                "ftp://example.org/a",
                "javascript:alert(1)",
                "//example.org/a",
                "example.org/a",
                "https://user:pw@example.org/",
                "https://user@example.org/a",
                "https://example.org/a b",
                "https://example.org/a\u{7}",
                "https://example.org/a\u{85}b",
                "data:text/html,<script>alert(1)</script>",
                MARKUP,
                "file:///etc/passwd",
            ])),
        },
    }
}

/// A time scale the parser accepts, or `None` to leave it out.
fn valid_time_scale(rng: &mut Rng) -> Option<Value> {
    match rng.below(5) {
        0 => None,
        1 => Some(Value::Null),
        _ => Some(valid_value(rng, &TIME_SCALE)),
    }
}

/// Every parameter name in the catalogue.
fn all_param_names() -> BTreeSet<&'static str> {
    EXAMPLES
        .iter()
        .flat_map(|e| e.params.iter().map(|p| p.name))
        .collect()
}

/// A parameter name `e` does not have.
fn unknown_param(rng: &mut Rng, e: &Example) -> String {
    let others: Vec<&str> = all_param_names()
        .into_iter()
        .filter(|n| !e.params.iter().any(|p| p.name == *n))
        .collect();
    loop {
        let name = match rng.below(4) {
            0 if !others.is_empty() => rng.pick(&others).to_string(),
            1 => rng.pick(e.params).name.to_uppercase(),
            2 => format!(" {}", rng.pick(e.params).name),
            _ => odd_text(rng),
        };
        if !e.params.iter().any(|p| p.name == name) {
            return name;
        }
    }
}

/// A key a run request does not have.
fn unknown_key(rng: &mut Rng) -> String {
    loop {
        let key = match rng.below(3) {
            0 => rng
                .pick(&[
                    "colour",
                    "Example",
                    "time_scale",
                    "timescale",
                    "params.tasks",
                    "modes",
                    "cores",
                ])
                .to_string(),
            _ => odd_text(rng),
        };
        if !["example", "mode", "params", "timeScale"].contains(&key.as_str()) {
            return key;
        }
    }
}

/// A request every field of which is valid: some parameters given (in any promised encoding), the rest
/// left to their defaults.
fn valid_request(rng: &mut Rng) -> Value {
    let e = *rng.pick(EXAMPLES);
    let mut req = Map::new();
    req.insert("example".into(), json!(e.id));
    match rng.below(5) {
        0 => {}
        1 => {
            req.insert("mode".into(), Value::Null);
        }
        _ => {
            req.insert("mode".into(), json!(rng.pick(e.modes).id));
        }
    }
    let mut params = Map::new();
    for spec in e.params {
        if rng.below(3) > 0 {
            params.insert(spec.name.into(), valid_value(rng, spec));
        }
    }
    match rng.below(8) {
        0 => {}
        1 => {
            req.insert("params".into(), Value::Null);
        }
        _ => {
            req.insert("params".into(), Value::Object(params));
        }
    }
    if let Some(t) = valid_time_scale(rng) {
        req.insert("timeScale".into(), t);
    }
    Value::Object(req)
}

/// A structured request and the fields the parser must refuse, sorted.
struct Structured {
    request: Value,
    bad: Vec<String>,
}

/// The value of an unknown key: a plain 1, or junk of any JSON type.
fn any_value(rng: &mut Rng) -> Value {
    if rng.one_in(2) {
        json!(1)
    } else {
        junk(
            rng,
            &["null", "bool", "number", "string", "array", "object"],
            0,
        )
    }
}

/// A request whose every field is valid or not by construction.
fn structured(rng: &mut Rng) -> Structured {
    let mut req = Map::new();
    let mut bad = Vec::new();
    if rng.one_in(10) {
        for _ in 0..1 + rng.below(2) {
            let key = unknown_key(rng);
            let value = any_value(rng);
            if req.insert(key.clone(), value).is_none() {
                bad.push(key);
            }
        }
    }
    let e = match rng.below(10) {
        0 => {
            bad.push("example".into());
            None
        }
        1 => {
            let id = match rng.below(4) {
                0 => rng.pick(EXAMPLES).id.to_uppercase(),
                1 => format!(" {}", rng.pick(EXAMPLES).id),
                2 => format!("{}_", rng.pick(EXAMPLES).id.replace('-', "_")),
                _ => odd_text(rng),
            };
            let value = if rng.one_in(4) {
                junk(rng, &["null", "bool", "number", "array", "object"], 0)
            } else {
                json!(id)
            };
            req.insert("example".into(), value);
            bad.push("example".into());
            None
        }
        _ => {
            let e = *rng.pick(EXAMPLES);
            req.insert("example".into(), json!(e.id));
            Some(e)
        }
    };
    let Some(e) = e else {
        // The parser stops at the example; whatever else is there is not looked at, but must not hurt.
        let rest = valid_request(rng);
        for (k, v) in rest.as_object().expect("an object") {
            if k != "example" {
                req.insert(k.clone(), v.clone());
            }
        }
        bad.sort();
        return Structured {
            request: Value::Object(req),
            bad,
        };
    };

    match rng.below(10) {
        0 => {}
        1 => {
            req.insert("mode".into(), Value::Null);
        }
        2 => {
            let other: Vec<&str> = EXAMPLES
                .iter()
                .flat_map(|x| x.modes.iter().map(|m| m.id))
                .filter(|id| e.mode(id).is_none())
                .collect();
            let value = match rng.below(4) {
                0 if !other.is_empty() => json!(rng.pick(&other)),
                1 => json!(rng.pick(e.modes).id.to_uppercase()),
                2 => junk(rng, &["bool", "number", "array", "object"], 0),
                _ => json!(odd_text(rng)),
            };
            req.insert("mode".into(), value);
            bad.push("mode".into());
        }
        _ => {
            req.insert("mode".into(), json!(rng.pick(e.modes).id));
        }
    }

    match rng.below(20) {
        0 => {}
        1 => {
            req.insert("params".into(), Value::Null);
        }
        2 => {
            let value = match rng.below(3) {
                0 => json!(format!("{}=1", rng.pick(e.params).name)),
                _ => junk(rng, &["bool", "number", "array"], 0),
            };
            req.insert("params".into(), value);
            bad.push("params".into());
        }
        _ => {
            let mut params = Map::new();
            for spec in e.params {
                if rng.one_in(2) {
                    continue;
                }
                if rng.one_in(10) {
                    params.insert(spec.name.into(), bad_value(rng, spec));
                    bad.push(format!("params.{}", spec.name));
                } else {
                    params.insert(spec.name.into(), valid_value(rng, spec));
                }
            }
            if rng.one_in(10) {
                let name = unknown_param(rng, e);
                let value = any_value(rng);
                if params.insert(name.clone(), value).is_none() {
                    bad.push(format!("params.{name}"));
                }
            }
            req.insert("params".into(), Value::Object(params));
        }
    }

    if rng.one_in(10) {
        let value = if rng.one_in(4) {
            junk(rng, &["bool", "array", "object"], 0)
        } else {
            bad_number(rng, &TIME_SCALE)
        };
        req.insert("timeScale".into(), value);
        bad.push("timeScale".into());
    } else if let Some(t) = valid_time_scale(rng) {
        req.insert("timeScale".into(), t);
    }
    bad.sort();
    Structured {
        request: Value::Object(req),
        bad,
    }
}

// ---------------------------------------------------------------------------------------------------------
// 1. Anything at all.

/// Characters a hostile or clumsy input is made of.
fn random_char(rng: &mut Rng) -> char {
    match rng.below(6) {
        0 => *rng.pick(&[
            '{', '}', '[', ']', '"', ':', ',', '\\', '-', '.', 'e', '0', '9',
        ]),
        1 => char::from(rng.below(0x20) as u8),
        2 => *rng.pick(&[
            'é', '中', '🧵', '\u{feff}', '\u{2028}', '\u{202e}', '\u{85}', '\u{ffff}',
        ]),
        3 => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
        _ => char::from(0x20 + rng.below(0x5f) as u8),
    }
}

/// One step of a JSON-shaped random walk: tokens a request is made of, in random order.
fn json_token(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => rng.pick(&["{", "}", "[", "]", ":", ",", " "]).to_string(),
        1 => format!(
            "\"{}\"",
            rng.pick(&["example", "mode", "params", "timeScale"])
        ),
        2 => format!("\"{}\"", rng.pick(EXAMPLES).id),
        3 => {
            let e = *rng.pick(EXAMPLES);
            format!("\"{}\"", rng.pick(e.modes).id)
        }
        4 => {
            let e = *rng.pick(EXAMPLES);
            format!("\"{}\"", rng.pick(e.params).name)
        }
        5 => rng
            .pick(&[
                "null", "true", "false", "-0", "1e308", "1e999", "-1", "0.5", "NaN", "Infinity",
            ])
            .to_string(),
        6 => format!("{}", rng.next() as i64),
        7 => format!(
            "\"{}\"",
            rng.pick(&["", "  3 ", "NaN", "cpu", "https://example.org/a", "2, 3"])
        ),
        8 => rng
            .pick(&["\"\\u0000\"", "\"\\ud800\"", "\"\\uZZZZ\"", "\"\\", "'x'"])
            .to_string(),
        _ => {
            let mut t = String::new();
            for _ in 0..1 + rng.below(4) {
                t.push(random_char(rng));
            }
            t
        }
    }
}

/// Checks `parse` on `text`: no panic; a refusal is clear; an acceptance is within the schema.
fn check_text(seed: u64, text: &str) -> Option<RunRequest> {
    let input = || text.to_string();
    match parse_text(seed, text) {
        Ok(req) => {
            assert_within_schema(seed, &input, &req);
            Some(req)
        }
        Err(errors) => {
            assert_clear(seed, &input, &errors);
            None
        }
    }
}

#[test]
fn arbitrary_bytes_and_text_never_panic_and_are_refused_clearly() {
    cases(20_000, |seed, rng| {
        let longest = if rng.one_in(50) { 5_000 } else { 64 };
        let n = rng.below(longest);
        let text = match rng.below(3) {
            0 => {
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            1 => (0..n).map(|_| random_char(rng)).collect(),
            _ => (0..n.min(24)).map(|_| json_token(rng)).collect(),
        };
        if let Some(req) = check_text(seed, &text) {
            // Random tokens can make a valid request; it must run like any other.
            assert_runs_fast(seed, &|| text.clone(), &req, 2);
        }
    });
}

#[test]
fn truncated_and_mutated_requests_never_panic_and_any_refusal_is_clear() {
    let mut accepted = 0;
    cases(6_000, |seed, rng| {
        let text = valid_request(rng).to_string();
        let mut chars: Vec<char> = text.chars().collect();
        if rng.one_in(3) {
            chars.truncate(rng.below(chars.len()));
        } else {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(chars.len() + 1);
                match rng.below(5) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = random_char(rng),
                    2 => {
                        let token: Vec<char> = json_token(rng).chars().collect();
                        chars.splice(at..at, token);
                    }
                    3 if at < chars.len() => {
                        let end = (at + 1 + rng.below(16)).min(chars.len());
                        let copy: Vec<char> = chars[at..end].to_vec();
                        chars.splice(at..at, copy);
                    }
                    _ => chars.insert(at, random_char(rng)),
                }
            }
        }
        let text: String = chars.into_iter().collect();
        if let Some(req) = check_text(seed, &text) {
            accepted += 1;
            if rng.one_in(4) {
                assert_runs_fast(seed, &|| text.clone(), &req, 2);
            }
        }
    });
    assert!(
        accepted > 20,
        "only {accepted} mutated requests were still valid: the mutations are too harsh"
    );
}

#[test]
fn deep_nesting_and_odd_documents_are_refused_as_requests() {
    let deep_array = "[".repeat(100_000);
    let deep_object = "{\"example\":".repeat(100_000);
    let deep_params = format!(
        "{{\"example\":\"orders\",\"params\":{{\"coffee_s\":{}1{}}}}}",
        "[".repeat(100),
        "]".repeat(100)
    );
    let megabyte_string = format!("\"{}\"", "x".repeat(1 << 20));
    let megabyte_broken = format!("{{\"example\":\"{}", "x".repeat(1 << 20));
    let inputs: Vec<&str> = vec![
        "",
        " ",
        "\u{feff}{}",
        "null",
        "true",
        "0",
        "-0",
        "1e999",
        "\"orders\"",
        "[]",
        "[{\"example\":\"orders\"}]",
        "{}",
        "{\"example\":null}",
        "{\"example\":\"orders\",}",
        "{\"example\":\"orders\"} {}",
        "{\"example\":\"orders\",\"timeScale\":NaN}",
        "{\"example\":\"orders\",\"timeScale\":1e999}",
        "{\"example\":\"orders\",\"params\":{\"coffee_s\":\"\\ud800\"}}",
        &deep_array,
        &deep_object,
        &deep_params,
        &megabyte_string,
        &megabyte_broken,
    ];
    for (i, text) in inputs.iter().enumerate() {
        let seed = i as u64;
        assert!(
            check_text(seed, text).is_none(),
            "input {i} was accepted: {}",
            short(text)
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// 2. Structured requests with every kind of value.

#[test]
fn structured_requests_are_accepted_exactly_when_every_field_is_valid() {
    let (mut accepted, mut refused) = (0, 0);
    cases(6_000, |seed, rng| {
        let case = structured(rng);
        let value = &case.request;
        let input = || value.to_string();
        let answer = parse_value(seed, value);

        // The text the page or a script would send parses to the same answer.
        if rng.one_in(8) {
            let text = value.to_string();
            if text.len() < 100_000 {
                let from_text = parse_text(seed, &text);
                // (Numbers read from text may be one ulp off, and so may the values errors show.)
                let judged = |errors: &[InputError]| -> Vec<(String, String, String)> {
                    let mut v: Vec<_> = errors
                        .iter()
                        .map(|e| (e.field.clone(), e.problem.clone(), e.allowed.clone()))
                        .collect();
                    v.sort();
                    v
                };
                match (&answer, &from_text) {
                    (Ok(a), Ok(b)) => {
                        assert!(nearly_same(a, b), "seed {seed:#x}: {}", short(&text))
                    }
                    (Err(a), Err(b)) => {
                        assert_eq!(judged(a), judged(b), "seed {seed:#x}: {}", short(&text))
                    }
                    _ => panic!(
                        "seed {seed:#x}: parse and from_value disagree on {}",
                        short(&text)
                    ),
                }
            }
        }

        match answer {
            Ok(req) => {
                accepted += 1;
                assert!(
                    case.bad.is_empty(),
                    "seed {seed:#x}: accepted {} although {:?} are invalid",
                    short(&input()),
                    case.bad
                );
                assert_within_schema(seed, &input, &req);
                assert_runs_fast(seed, &input, &req, 1 + rng.below(8));
            }
            Err(errors) => {
                refused += 1;
                assert_clear(seed, &input, &errors);
                let mut fields: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
                fields.sort();
                // A blank name is named as such.
                let mut bad: Vec<String> = case.bad.iter().map(|f| named(f)).collect();
                bad.sort();
                assert_eq!(
                    fields,
                    bad,
                    "seed {seed:#x}: refused {} with {}",
                    short(&input()),
                    short(&errors_message(&errors))
                );
                let e = value["example"].as_str().and_then(example);
                for err in &errors {
                    let ctx = || format!("seed {seed:#x}: {}", short(&err.to_string()));
                    let spec = err
                        .field
                        .strip_prefix("params.")
                        .and_then(|name| e?.params.iter().find(|p| p.name == name));
                    if err.problem == "is not a field of a run request" {
                        let given = value
                            .as_object()
                            .is_some_and(|o| o.keys().any(|k| named(k) == err.field));
                        assert!(given, "{}: not a key given", ctx());
                        assert_eq!(err.allowed, "example, mode, params, timeScale", "{}", ctx());
                        continue;
                    }
                    match (err.field.as_str(), spec) {
                        (_, Some(spec)) => assert_eq!(err.allowed, spec.allowed(), "{}", ctx()),
                        ("timeScale", _) => {
                            assert_eq!(err.allowed, TIME_SCALE.allowed(), "{}", ctx())
                        }
                        ("example", _) => {
                            for x in EXAMPLES {
                                assert!(err.allowed.contains(x.id), "{}: lacks {}", ctx(), x.id);
                            }
                        }
                        ("mode", _) => {
                            for m in e.expect("a mode is judged only for a known example").modes {
                                assert!(err.allowed.contains(m.id), "{}: lacks {}", ctx(), m.id);
                            }
                        }
                        ("params", _) => {
                            assert!(err.problem.contains("not an object"), "{}", ctx())
                        }
                        (field, None) if field.starts_with("params.") => {
                            let e = e.expect("parameters are judged only for a known example");
                            assert!(err.problem.contains(e.id), "{}: lacks {}", ctx(), e.id);
                            for p in e.params {
                                assert!(
                                    err.allowed.contains(p.name),
                                    "{}: lacks {}",
                                    ctx(),
                                    p.name
                                );
                            }
                        }
                        _ => panic!("{}: an unexpected field", ctx()),
                    }
                }
            }
        }
    });
    // The generator must exercise both sides.
    assert!(
        accepted > 500 && refused > 500,
        "accepted {accepted}, refused {refused}"
    );
}

/// Megabyte-long input in each place a request can hold it.
fn megabyte_requests() -> Vec<(&'static str, Value)> {
    let mb = "x".repeat(1 << 20);
    let digits = "1".repeat(1 << 20);
    vec![
        ("example id", json!({"example": mb})),
        ("mode", json!({"example": "orders", "mode": mb})),
        (
            "number parameter",
            json!({"example": "orders", "params": {"coffee_s": mb}}),
        ),
        (
            "number parameter of digits",
            json!({"example": "orders", "params": {"coffee_s": digits}}),
        ),
        (
            "choice parameter",
            json!({"example": "cpu-vs-io", "params": {"work": mb}}),
        ),
        (
            "toggle parameter",
            json!({"example": "two-threads", "params": {"join": mb}}),
        ),
        (
            "address parameter",
            json!({"example": "two-downloads", "params": {"pictures_url": mb}}),
        ),
        ("params as text", json!({"example": "orders", "params": mb})),
        ("timeScale", json!({"example": "orders", "timeScale": mb})),
        (
            "a long list",
            json!({"example": "square-cube", "params": {"numbers": vec![1; 100_000]}}),
        ),
        ("a whole request as a string", json!(mb)),
    ]
}

/// Megabyte-long input the current parser echoes whole into an error's field or problem.
fn megabyte_echoes() -> Vec<(&'static str, Value)> {
    let mb = "x".repeat(1 << 20);
    let mut unknown_key = Map::new();
    unknown_key.insert("example".into(), json!("orders"));
    unknown_key.insert(mb.clone(), json!(1));
    vec![
        ("an unknown request key", Value::Object(unknown_key)),
        (
            "an unknown parameter name",
            json!({"example": "orders", "params": {mb.clone(): 1}}),
        ),
        (
            "a list item",
            json!({"example": "square-cube", "params": {"numbers": [mb.clone()]}}),
        ),
        (
            "a list given as text",
            json!({"example": "square-cube", "params": {"numbers": mb}}),
        ),
    ]
}

#[test]
fn a_megabyte_value_is_refused_with_its_value_shortened() {
    for (i, (place, request)) in megabyte_requests().into_iter().enumerate() {
        let errors = parse_value(i as u64, &request).expect_err(place);
        assert_clear(i as u64, &|| place.to_string(), &errors);
        let message = errors_message(&errors);
        assert!(
            message.len() < 2_000,
            "{place}: a message of {} bytes",
            message.len()
        );
    }
    let text = format!("{{\"example\": \"{}", "x".repeat(1 << 20));
    let errors = RunRequest::parse(&text).expect_err("broken JSON");
    assert_clear(0, &|| "a megabyte of broken JSON".into(), &errors);
    assert!(errors_message(&errors).len() < 2_000);
}

#[test]
fn a_megabyte_key_name_or_list_item_is_not_echoed_whole() {
    let mut echoed = Vec::new();
    for (place, request) in megabyte_echoes() {
        let errors = RunRequest::from_value(&request).expect_err(place);
        let message = errors_message(&errors);
        if message.len() >= 2_000 {
            echoed.push(format!(
                "{place}: a message of {} bytes: {}",
                message.len(),
                short(&message)
            ));
        }
    }
    assert!(echoed.is_empty(), "{}", echoed.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------
// 3. Every example's defaults.

#[test]
fn every_example_and_mode_parses_predicts_and_renders_its_defaults() {
    for e in EXAMPLES {
        assert!(!e.modes.is_empty(), "{} has no mode", e.id);
        assert!(example(e.id).is_some_and(|found| std::ptr::eq(found, *e)));
        let defaults = Params::defaults(e.params);
        let explicit: Map<String, Value> = e
            .params
            .iter()
            .map(|p| {
                (
                    p.name.to_string(),
                    serde_json::to_value(p.default).expect("a default serialises"),
                )
            })
            .collect();
        let as_text: Map<String, Value> = explicit
            .iter()
            .map(|(k, v)| (k.clone(), json!(form_text(v))))
            .collect();

        let first = RunRequest::from_value(&json!({"example": e.id})).expect(e.id);
        assert!(
            std::ptr::eq(first.mode, &e.modes[0]),
            "{}: mode left out",
            e.id
        );
        for m in e.modes {
            let plain = json!({"example": e.id, "mode": m.id});
            let req = RunRequest::from_value(&plain)
                .unwrap_or_else(|err| panic!("{} {}: {}", e.id, m.id, errors_message(&err)));
            assert_eq!(req.params, defaults, "{} {}", e.id, m.id);
            assert_eq!(req.time_scale, 1.0);
            for variant in [
                json!({"example": e.id, "mode": m.id, "params": null, "timeScale": null}),
                json!({"example": e.id, "mode": m.id, "params": {}, "timeScale": 1}),
                json!({"example": e.id, "mode": m.id, "params": explicit, "timeScale": "1"}),
                json!({"example": e.id, "mode": m.id, "params": as_text, "timeScale": " 1 "}),
            ] {
                let other = RunRequest::parse(&variant.to_string())
                    .unwrap_or_else(|err| panic!("{variant}: {}", errors_message(&err)));
                assert!(same(&req, &other), "{variant}");
            }
            let input = || plain.to_string();
            assert_within_schema(0, &input, &req);
            for cores in [1, 2, 8] {
                let status = assert_runs(0, &input, &req, cores);
                assert_eq!(
                    status,
                    Status::Completed,
                    "{} {} on {cores} cores",
                    e.id,
                    m.id
                );
            }
            let code = req.code();
            assert!(
                code.python.contains("print") && code.rust.contains("fn main"),
                "{} {}",
                e.id,
                m.id
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// 4. Round trips.

/// A parameter's value as a form field or a link's query string holds it.
fn form_text(v: &Value) -> String {
    match v {
        Value::Number(n) => format!("{}", n.as_f64().expect("a finite number")),
        Value::Array(items) => items.iter().map(form_text).collect::<Vec<_>>().join(", "),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn valid_parameters_survive_a_round_trip_through_json_and_form_text() {
    cases(3_000, |seed, rng| {
        let request = valid_request(rng);
        let input = || request.to_string();
        let req = parse_value(seed, &request).unwrap_or_else(|errors| {
            panic!(
                "seed {seed:#x}: refused valid {}: {}",
                short(&input()),
                short(&errors_message(&errors))
            )
        });
        assert_within_schema(seed, &input, &req);

        // As a JSON value, the way the run record carries it: exactly the same request.
        let params = serde_json::to_value(&req.params).expect("parameters serialise");
        let again = json!({
            "example": req.example.id,
            "mode": req.mode.id,
            "params": params,
            "timeScale": req.time_scale,
        });
        let back = parse_value(seed, &again).unwrap_or_else(|errors| {
            panic!(
                "seed {seed:#x}: {} came back refused: {}",
                short(&again.to_string()),
                short(&errors_message(&errors))
            )
        });
        assert!(
            same(&req, &back),
            "seed {seed:#x}: {} changed to {again}",
            short(&input())
        );

        // As JSON text, the way a script or a shared link sends it: accepted, the same but for a last
        // digit serde_json may read one ulp off.
        let text = again.to_string();
        let back = parse_text(seed, &text).unwrap_or_else(|errors| {
            panic!(
                "seed {seed:#x}: {} came back refused: {}",
                short(&text),
                short(&errors_message(&errors))
            )
        });
        assert!(
            nearly_same(&req, &back),
            "seed {seed:#x}: {} changed",
            short(&text)
        );

        let record = req.record(&req.program(), Status::Completed, 0.0, 0.0, &[]);
        let from_record = json!({
            "example": record.example,
            "mode": record.mode,
            "params": record.params,
            "timeScale": record.time_scale,
        });
        let back = parse_value(seed, &from_record).expect("a run record's request parses");
        assert!(
            same(&req, &back),
            "seed {seed:#x}: record of {}",
            short(&input())
        );

        // As form text: every value a string.
        let text: Map<String, Value> = params
            .as_object()
            .expect("an object")
            .iter()
            .map(|(k, v)| (k.clone(), json!(form_text(v))))
            .collect();
        let form = json!({
            "example": req.example.id,
            "mode": req.mode.id,
            "params": text,
            "timeScale": format!("{}", req.time_scale),
        });
        let back = parse_value(seed, &form).unwrap_or_else(|errors| {
            panic!(
                "seed {seed:#x}: form {} refused: {}",
                short(&form.to_string()),
                short(&errors_message(&errors))
            )
        });
        assert!(
            same(&req, &back),
            "seed {seed:#x}: form {} changed",
            short(&form.to_string())
        );
    });
}

#[test]
fn a_number_survives_a_round_trip_through_json_text_within_one_ulp() {
    // serde_json without `float_roundtrip` (Cargo.toml says why) may read the last digit one ulp off.
    let as_text = json!({"example": "orders", "params": {"food_s": "10.738755073667921"}});
    let req = RunRequest::from_value(&as_text).expect("a valid request");
    let params = serde_json::to_value(&req.params).expect("parameters serialise");
    let text = json!({"example": "orders", "params": params}).to_string();
    let back = RunRequest::parse(&text).expect("a valid request");
    assert!(
        within_ulp(back.params.num("food_s"), req.params.num("food_s")),
        "{text}: food_s {} came back as {}",
        req.params.num("food_s"),
        back.params.num("food_s")
    );
}

/// How an error names a field given as `field`: a blank name (after `params.`, or alone) is "(blank name)",
/// and a name over 60 characters is shortened as values are.
fn named(field: &str) -> String {
    let (prefix, name) = field
        .strip_prefix("params.")
        .map_or(("", field), |name| ("params.", name));
    let count = field.chars().count();
    if name.trim().is_empty() {
        format!("{prefix}(blank name)")
    } else if count > 60 {
        let head: String = field.chars().take(60).collect();
        format!("{head}… ({count} characters)")
    } else {
        field.to_string()
    }
}

#[test]
fn a_blank_request_key_is_named_in_its_error() {
    for key in ["", " "] {
        let mut request = Map::new();
        request.insert("example".into(), json!("orders"));
        request.insert(key.into(), Value::Null);
        let errors = RunRequest::from_value(&Value::Object(request)).expect_err("an unknown key");
        assert!(
            errors.iter().all(|e| !e.field.trim().is_empty()),
            "{:?}: {}",
            key,
            errors_message(&errors)
        );
    }
}

#[test]
fn the_prediction_returns_when_a_latency_ends_hours_into_a_run() {
    // Sequential downloads of 100 MB at 0.01 MB/s: the third one's latency starts at 2e7 ms.
    let request = json!({
        "example": "pool-map-images",
        "mode": "sequential",
        "params": {"sizes_kb": [100_000, 100_000, 0], "bandwidth_mb_s": 0.01, "latency_s": 0.0369},
    });
    let req = RunRequest::from_value(&request).expect("a valid request");
    let status = assert_runs(0, &|| request.to_string(), &req, 2);
    assert_eq!(status, Status::Completed);
}

#[test]
fn an_at_sign_after_the_host_is_not_taken_for_credentials() {
    for url in ["https://example.org?next=@home", "https://example.org#@top"] {
        let request = json!({"example": "two-downloads", "params": {"pictures_url": url}});
        if let Err(errors) = RunRequest::from_value(&request) {
            panic!("{url}: {}", errors_message(&errors));
        }
    }
}

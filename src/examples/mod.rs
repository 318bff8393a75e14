//! The examples as Python programs: the registry of the folders `examples/<id>/`.
//!
//! An example is a folder (see `ARCHITECTURE.md` and the design in the issue): `example.json` (the
//! manifest: title, group, lesson, modes, cases), one Python program per mode (`<mode>.py`, which CPython
//! runs as it is), optionally its Rust translation (`<mode>.rs`, shown on the page), and
//! `expected.json` (CPython's recorded outputs, written by `tools/record_examples.py`, read only by
//! `tests/examples.rs`). `build.rs` embeds every folder's manifest and `.py`/`.rs` files with
//! `include_str!`, so adding an example is adding a folder.
//!
//! The manifests are parsed with serde_json at first use ([`EXAMPLES`] is lazy), not in `build.rs`:
//! that keeps the build script free of a JSON build-dependency, costs microseconds once, and a malformed
//! manifest still can't ship: `tests/examples.rs` loads every one (the panic names the file).
//!
//! The parameters are declared in the programs themselves ([`params`]); an example's form is the union of
//! its modes' declarations, each name declared identically wherever it appears.

pub mod input;
pub mod params;
pub mod request;

pub use params::{Param, ParamType, ParamValue};

pub use input::{errors_message, InputError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::LazyLock;

/// One folder as `build.rs` embeds it.
struct Raw {
    id: &'static str,
    manifest: &'static str,
    /// `(file name, text)` of every `.py` and `.rs` file of the folder, sorted by name.
    files: &'static [(&'static str, &'static str)],
}

// `static RAW: &[Raw]`, one entry per folder `examples/<id>/` with an `example.json`, sorted by id.
include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The page's order of today's examples; others follow by id.
const PAGE_ORDER: &[&str] = &[
    "two-threads",
    "square-cube",
    "start-new-thread",
    "thread-inspector",
    "queue-worker",
    "pool-downloads",
    "pool-map-images",
    "orders",
    "concurrency-vs-parallelism",
    "cpu-vs-io",
    "two-downloads",
    "image-downloader",
    "processes",
    "global-not-shared",
    "process-queue",
];

/// How a mode's threads run (the page groups lanes and counts workers by it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// One thread calling one function after another.
    Sequential,
    /// Threads running in parallel (free-threaded).
    Threads,
    /// Threads under the GIL.
    ThreadsGil,
    /// Coroutines on one event loop.
    Asyncio,
    /// `multiprocessing` processes.
    Processes,
}

/// How a mode's stdout is compared with CPython's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Byte for byte.
    #[default]
    Exact,
    /// As a multiset of lines: the order truly depends on timing.
    Any,
}

/// One mode of an example, as its manifest gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mode {
    /// Stable id (links use it).
    pub id: String,
    /// The heading of its timeline.
    pub title: String,
    /// The program's file in the folder.
    pub file: String,
    /// The concurrency pattern.
    pub pattern: Pattern,
    /// Whether it runs under a GIL (false only for free-threaded modes).
    pub gil: bool,
    /// How its output is compared.
    #[serde(default)]
    pub order: Order,
}

/// Other parameter values the tests run besides the defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// A short name (`small`).
    pub name: String,
    /// Parameter values, by name.
    #[serde(default)]
    pub params: Map<String, Value>,
}

/// The manifest `example.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    title: String,
    group: String,
    lesson: String,
    modes: Vec<Mode>,
    #[serde(default)]
    cases: Vec<Case>,
}

/// One example: its manifest, its programs and its parameters.
#[derive(Debug)]
pub struct Example {
    /// The folder's name: stable, lower-case (`orders`).
    pub id: &'static str,
    /// The page's heading.
    pub title: String,
    /// The lesson group.
    pub group: String,
    /// The lesson.
    pub lesson: String,
    /// The modes, the baseline first.
    pub modes: Vec<Mode>,
    /// The test cases.
    pub cases: Vec<Case>,
    files: &'static [(&'static str, &'static str)],
    params: Result<Vec<Param>, String>,
}

/// A mode's program for given parameter values: the Python, and its Rust translation when there is one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    /// The Python program.
    pub python: String,
    /// The Rust translation.
    pub rust: Option<String>,
}

/// Every example, in the page's order.
pub static EXAMPLES: LazyLock<Vec<Example>> = LazyLock::new(load);

/// Finds an example by id.
#[optimize(size)]
pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

#[optimize(size)]
fn load() -> Vec<Example> {
    let mut examples: Vec<Example> = RAW
        .iter()
        .map(|raw| {
            let m: Manifest = serde_json::from_str(raw.manifest).unwrap_or_else(|e| {
                panic!("examples/{}/example.json is not a manifest: {e}", raw.id)
            });
            let mut example = Example {
                id: raw.id,
                title: m.title,
                group: m.group,
                lesson: m.lesson,
                modes: m.modes,
                cases: m.cases,
                files: raw.files,
                params: Ok(Vec::new()),
            };
            example.params = union_of_params(&example);
            example
        })
        .collect();
    let rank = |id: &str| {
        PAGE_ORDER
            .iter()
            .position(|p| *p == id)
            .unwrap_or(usize::MAX)
    };
    examples.sort_by(|a, b| (rank(a.id), a.id).cmp(&(rank(b.id), b.id)));
    examples
}

/// The union of the modes' declarations, in order of first appearance; an error names a mode whose
/// program or declarations don't parse, or a parameter declared differently by two modes.
#[optimize(size)]
fn union_of_params(example: &Example) -> Result<Vec<Param>, String> {
    let mut all: Vec<(Param, &str)> = Vec::new();
    for mode in &example.modes {
        let source = example
            .file(&mode.file)
            .ok_or_else(|| format!("mode {}: no file {}", mode.id, mode.file))?;
        let declared = params::declared(source).map_err(|errors| {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            format!("{}: {}", mode.file, list.join("; "))
        })?;
        for p in declared {
            match all.iter().find(|(q, _)| q.name == p.name) {
                Some((q, file)) => {
                    let (mut a, mut b) = (q.clone(), p.clone());
                    a.span = Default::default();
                    b.span = Default::default();
                    if a != b {
                        return Err(format!(
                            "parameter {} is declared differently in {file} and {}",
                            p.name, mode.file
                        ));
                    }
                }
                None => all.push((p, &mode.file)),
            }
        }
    }
    Ok(all.into_iter().map(|(p, _)| p).collect())
}

impl Example {
    /// A file of the folder by name.
    #[optimize(size)]
    pub fn file(&self, name: &str) -> Option<&'static str> {
        self.files.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// A mode by id.
    #[optimize(size)]
    pub fn mode(&self, id: &str) -> Option<&Mode> {
        self.modes.iter().find(|m| m.id == id)
    }

    /// A mode's Python program as written (the defaults).
    #[optimize(size)]
    pub fn python(&self, mode: &Mode) -> &'static str {
        self.file(&mode.file).unwrap_or("")
    }

    /// A mode's Rust translation as written, if it has one: `<mode id>.rs`, or `<program's stem>.rs`
    /// (a program can't always be named by its mode: `asyncio.py` would shadow the module).
    #[optimize(size)]
    pub fn rust(&self, mode: &Mode) -> Option<&'static str> {
        let stem = mode.file.strip_suffix(".py").unwrap_or(&mode.file);
        self.file(&format!("{}.rs", mode.id))
            .or_else(|| self.file(&format!("{stem}.rs")))
    }

    /// The form's parameters: the union of the modes' declarations (an error says which declaration is
    /// malformed or which two differ).
    #[optimize(size)]
    pub fn params(&self) -> Result<&[Param], &str> {
        self.params.as_deref().map_err(String::as_str)
    }

    /// Checks given values (JSON from the API, text from a form or a link) against the parameters;
    /// returns every value, defaults filled in, or every problem found.
    #[optimize(size)]
    pub fn check(
        &self,
        given: &Map<String, Value>,
    ) -> Result<Vec<(String, ParamValue)>, Vec<InputError>> {
        let params = self.params().map_err(|e| {
            vec![InputError::new(
                "example",
                &Value::String(self.id.into()),
                &format!("has a malformed parameter declaration ({e})"),
                "an example whose programs declare their parameters correctly".into(),
            )]
        })?;
        let mut values: Vec<(String, ParamValue)> = params
            .iter()
            .map(|p| (p.name.clone(), p.default.clone()))
            .collect();
        let mut errors = Vec::new();
        for (name, value) in given {
            match params.iter().position(|p| p.name == *name) {
                Some(i) => match params[i].check(value) {
                    Ok(v) => values[i].1 = v,
                    Err(e) => errors.push(e),
                },
                None => {
                    let names: Vec<_> = params.iter().map(|p| p.name.as_str()).collect();
                    errors.push(InputError::new(
                        &format!("params.{name}"),
                        value,
                        &format!("is not a parameter of example \"{}\"", self.id),
                        format!("one of {}", names.join(", ")),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(errors)
        }
    }

    /// A mode's program (and translation) at the given values, after checking them.
    #[optimize(size)]
    pub fn source(
        &self,
        mode: &str,
        given: &Map<String, Value>,
    ) -> Result<Source, Vec<InputError>> {
        let Some(mode) = self.mode(mode) else {
            let ids: Vec<_> = self.modes.iter().map(|m| m.id.as_str()).collect();
            return Err(vec![InputError::new(
                "mode",
                &Value::String(mode.into()),
                &format!("is not a mode of example \"{}\"", self.id),
                format!("one of {}", ids.join(", ")),
            )]);
        };
        let values = self.check(given)?;
        let params = self.params().unwrap_or(&[]);
        // Only the values that differ from the defaults are written, so the defaults give the files.
        let changed: Vec<(&str, ParamValue)> = values
            .iter()
            .zip(params)
            .filter(|((_, v), p)| *v != p.default)
            .map(|((n, v), _)| (n.as_str(), v.clone()))
            .collect();
        Ok(Source {
            python: params::apply(self.python(mode), &changed),
            rust: self.rust(mode).map(|rs| params::rust(rs, &changed)),
        })
    }
}

/// A free function form of [`Example::params`].
#[optimize(size)]
pub fn params(example: &Example) -> Result<&[Param], &str> {
    example.params()
}

/// A free function form of [`Example::source`].
#[optimize(size)]
pub fn source(
    example: &Example,
    mode: &str,
    values: &Map<String, Value>,
) -> Result<Source, Vec<InputError>> {
    example.source(mode, values)
}

/// The catalogue as the page and `threadlab.examples()` read it: `{examples: [{id, title, group, lesson,
/// modes: [{id, title, pattern, gil, order, file}], params: [...]}], timeScale}`; an example whose
/// declarations are malformed lists no parameters and says why in `problem` (the tests refuse that).
#[optimize(size)]
pub fn catalogue_json() -> String {
    let examples: Vec<Value> = EXAMPLES
        .iter()
        .map(|e| {
            let mut v = serde_json::json!({
                "id": e.id,
                "title": e.title,
                "group": e.group,
                "lesson": e.lesson,
                "modes": e.modes,
                "params": e.params().unwrap_or(&[]),
            });
            if let Err(problem) = e.params() {
                v["problem"] = Value::String(problem.into());
            }
            v
        })
        .collect();
    serde_json::json!({"examples": examples, "timeScale": input::time_scale()}).to_string()
}

//! The real runtime on native threads ([`super::real`] over `std::thread` and `Instant`), for native
//! tests and the `threadlab-py` binary, and the measurements the prediction is calibrated with.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Instant, SystemTime};

use super::link::{ChildStart, Link, MemoryRing};
use super::real::{self, Platform, World};
use super::virtual_time::{vm_entry, MAIN_PID};
use super::{Outcome, RunOptions};
use crate::vm::host::Stop;
use crate::vm::{Config, Interp};

/// Stack of each OS thread: nested calls (a `__str__` calling `str` ...) recurse on the Rust stack.
const STACK_BYTES: usize = 32 << 20;

/// `std::thread`s and the process's monotonic clock.
pub struct NativePlatform;

/// The clock's zero: the first time anyone reads it.
fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    #[allow(clippy::disallowed_methods)]
    // the native runtime's clock; this file never builds on wasm
    *ORIGIN.get_or_init(Instant::now)
}

impl Platform for NativePlatform {
    fn now(&self) -> f64 {
        origin().elapsed().as_secs_f64()
    }

    fn epoch(&self) -> f64 {
        #[allow(clippy::disallowed_methods)] // `time.time()` of the real run
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    }

    fn spawn(&self, name: &str, job: Box<dyn FnOnce() + Send>) -> Result<(), String> {
        std::thread::Builder::new()
            .name(name.to_string())
            .stack_size(STACK_BYTES)
            .spawn(job)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn open_link(&self) -> Result<(u32, Link), String> {
        let link = Link {
            up: Arc::new(MemoryRing::default()),
            down: Arc::new(MemoryRing::default()),
        };
        let slot = NEXT_LINK.fetch_add(1, Ordering::SeqCst);
        links().insert(slot, link.clone());
        Ok((slot, link))
    }

    /// A child process here is a world of its own on more OS threads, reached only through its link, as
    /// a worker with its own wasm instance is in the browser.
    fn spawn_process(&self, slot: u32, start: ChildStart) -> Result<(), String> {
        let link = links()
            .get(&slot)
            .cloned()
            .ok_or_else(|| format!("no link {slot}"))?;
        let name = format!("{} waiter", start.spec.name);
        if let Some(child) = real::start_child(start, Arc::new(NativePlatform), link) {
            self.spawn(
                &name,
                Box::new(move || {
                    child.wait();
                }),
            )?;
        }
        Ok(())
    }

    fn close_link(&self, slot: u32) {
        links().remove(&slot);
    }
}

/// The links of the child processes running now, by slot.
fn links() -> std::sync::MutexGuard<'static, BTreeMap<u32, Link>> {
    static LINKS: Mutex<BTreeMap<u32, Link>> = Mutex::new(BTreeMap::new());
    LINKS.lock().unwrap_or_else(|e| e.into_inner())
}

static NEXT_LINK: AtomicU32 = AtomicU32::new(0);

/// Runs `source` for real: its own threads on OS threads, processes as new interpreters on more threads.
pub fn run(source: &str, opts: &RunOptions) -> Outcome {
    match real::start(source, opts, Arc::new(NativePlatform)) {
        Ok(run) => run.wait(),
        Err(errors) => Outcome {
            syntax_errors: errors,
            ..Outcome::default()
        },
    }
}

/// Nanoseconds per unit of cost (`vm::interp::Work::cost`: a simple instruction's dispatch) on this
/// machine: [`CALIBRATION_PROGRAM`] timed on one thread, measured once per process (the best of three
/// runs). The prediction's `ns_per_instruction`.
///
/// Instructions don't all cost the same: a fused `n -= 1` runs at about 1 ns per instruction (release
/// build), a call and its return at 80 ns. The interpreter counts the kinds of work that cost more than
/// a dispatch, and `Work::WEIGHTS` (measured by `cargo bench --bench cost`) weighs them, so this
/// measures one figure, the time of a unit, on a program that mixes them as the lessons' programs do.
pub fn calibrate() -> f64 {
    static MEASURED: OnceLock<f64> = OnceLock::new();
    *MEASURED.get_or_init(|| {
        (0..3)
            .map(|_| measure_ns_per_instruction())
            .fold(f64::INFINITY, f64::min)
    })
}

pub use super::real::CALIBRATION_PROGRAM;

/// Seconds a process start costs this runtime: what a spawned process does before its target runs (a
/// new interpreter, the program compiled and run again as `__mp_main__`, importing the modules it
/// imports), for [`PROCESS_START_PROGRAM`]; the best of five. Native runs pay this for real; the
/// prediction charges [`super::PROCESS_START_S`] instead, CPython's cost.
pub fn measure_process_start() -> f64 {
    (0..5)
        .map(|_| {
            #[allow(clippy::disallowed_methods)]
            // native-only: times a process start on the real clock
            let started = Instant::now();
            start_process_once();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// A program that uses processes as the lessons' do: what [`measure_process_start`] starts.
pub const PROCESS_START_PROGRAM: &str = "\
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

def square(n):
    time.sleep(0.01)
    return n * n

if __name__ == '__main__':
    with ProcessPoolExecutor(2) as ex:
        print(list(ex.map(square, range(4))))
    p = multiprocessing.Process(target=square, args=(3,))
    p.start()
    p.join()
";

fn start_process_once() {
    let Ok(code) = crate::python::compile(PROCESS_START_PROGRAM, "<main>") else {
        return;
    };
    let world = World::new(
        &RunOptions::default(),
        Arc::new(NativePlatform),
        PROCESS_START_PROGRAM,
        MAIN_PID + 1,
        None,
    );
    let host = world.new_host(MAIN_PID + 1);
    let config = Config {
        main_name: "__mp_main__".into(),
        pid: MAIN_PID + 1,
        ..Config::default()
    };
    let interp = Interp::new(host.clone(), config);
    host.bind(&interp);
    let mut thread = vm_entry::start_main(&interp, code);
    while let Stop::Budget = vm_entry::run(&interp, &mut thread, 1_000_000) {}
}

fn measure_ns_per_instruction() -> f64 {
    real::measure_ns_per_instruction(CALIBRATION_PROGRAM, Arc::new(NativePlatform))
}

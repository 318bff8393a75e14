//! What the VM's unit tests share: a host that records what is printed and never waits (no threads, no
//! processes; its clock stands at 1.5 s after an epoch of 1 700 000 000 s), and a main thread to run in.

use std::sync::{Arc, Mutex};

use super::host::{ExceptionReport, Host, Portable, ProcessSpec, Stream, Waitable};
use super::ThreadState;

/// A host that records output and does nothing else.
#[derive(Default)]
pub(crate) struct TestHost {
    pub(crate) out: Mutex<String>,
}

impl Host for TestHost {
    fn now(&self) -> f64 {
        1.5
    }
    fn epoch(&self) -> f64 {
        1_700_000_000.0
    }
    fn cpu_count(&self) -> usize {
        4
    }
    fn spawn(&self, _thread: Box<ThreadState>) {}
    fn notify(&self, _w: &Arc<Waitable>) {}
    fn output(&self, _thread: u64, stream: Stream, text: &str, _line: Option<u32>) {
        if stream == Stream::Stdout {
            self.out
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push_str(text);
        }
    }
    fn uncaught(&self, _thread: u64, _main: bool, _report: ExceptionReport) {}
    fn set_switch_interval(&self, _seconds: f64) {}
    fn process_start(&self, _spec: ProcessSpec) -> Result<u64, String> {
        Err("no processes".into())
    }
    fn process_exitcode(&self, _pid: u64) -> Option<i32> {
        None
    }
    fn process_waitable(&self, _pid: u64) -> Arc<Waitable> {
        Waitable::new()
    }
    fn process_terminate(&self, _pid: u64) {}
    fn channel_new(&self) -> u64 {
        0
    }
    fn channel_put(&self, _channel: u64, _item: Portable) {}
    fn channel_get(&self, _channel: u64) -> Option<Portable> {
        None
    }
    fn channel_len(&self, _channel: u64) -> usize {
        0
    }
    fn channel_waitable(&self, _channel: u64) -> Arc<Waitable> {
        Waitable::new()
    }
}

/// A main thread that hasn't run anything yet.
pub(crate) fn main_thread() -> ThreadState {
    ThreadState {
        ident: 1,
        name: "MainThread".into(),
        daemon: false,
        is_main: true,
        retry: None,
        instructions: 0,
        work: Default::default(),
        line: 0,
        exec: Default::default(),
    }
}

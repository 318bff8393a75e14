//! Real downloads (`network: "real"`) through the real runtime over a fake platform that answers the
//! fetches from threads of its own: the Python thread blocks on each transfer (an I/O span on its lane),
//! is woken by the answer and goes on; errors raise with the address; a Stop ends a run waiting for an
//! answer that never comes.
#![cfg(not(target_arch = "wasm32"))]
// A native test: the fake network answers from std threads after real sleeps.
#![allow(clippy::disallowed_methods)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use threadlab::runtime::native::NativePlatform;
use threadlab::runtime::real::{self, Fetch, Platform};
use threadlab::runtime::timeline::{SpanKind, Timeline};
use threadlab::runtime::{Outcome, RunOptions};

/// Answers every fetch after `delay` with the bytes asked for, except addresses containing `refused`
/// (an error) and `never` (kept, never answered); remembers what was asked.
struct FakeNet {
    delay: Duration,
    asked: Mutex<Vec<(String, u64, u64)>>,
    kept: Mutex<Vec<Fetch>>,
}

impl FakeNet {
    fn new(delay_s: f64) -> Arc<FakeNet> {
        Arc::new(FakeNet {
            delay: Duration::from_secs_f64(delay_s),
            asked: Mutex::new(Vec::new()),
            kept: Mutex::new(Vec::new()),
        })
    }
}

impl Platform for FakeNet {
    fn now(&self) -> f64 {
        NativePlatform.now()
    }

    fn epoch(&self) -> f64 {
        NativePlatform.epoch()
    }

    fn spawn(&self, name: &str, job: Box<dyn FnOnce() + Send>) -> Result<(), String> {
        NativePlatform.spawn(name, job)
    }

    fn fetch(&self, fetch: Fetch) {
        self.asked
            .lock()
            .unwrap()
            .push((fetch.url.clone(), fetch.offset, fetch.len));
        if fetch.url.contains("never") {
            self.kept.lock().unwrap().push(fetch);
            return;
        }
        let delay = self.delay;
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            if fetch.url.contains("refused") {
                fetch.answer(Err("connection refused".into()));
            } else {
                let len = fetch.len;
                fetch.answer(Ok(len));
            }
        });
    }
}

fn real_net() -> RunOptions {
    RunOptions {
        network_real: true,
        ..RunOptions::default()
    }
}

fn run(source: &str, opts: &RunOptions, net: Arc<FakeNet>) -> Outcome {
    real::start(source, opts, net).unwrap().wait()
}

fn lines(out: &Outcome) -> Vec<&str> {
    out.stdout.lines().collect()
}

fn io_spans(t: &Timeline, lane: &str) -> Vec<(f64, f64, u32)> {
    t.lanes
        .iter()
        .find(|l| l.name == lane)
        .map(|l| {
            l.spans
                .iter()
                .filter(|s| s.kind == SpanKind::Io)
                .map(|s| (s.start_s, s.end_s, s.line))
                .collect()
        })
        .unwrap_or_default()
}

const TWO_DOWNLOADS: &str = "\
import network, threading
def get(name, url):
    for mb in network.download(name, 2, url=url):
        print(name, mb)
ts = [threading.Thread(target=get, args=(n, u)) for n, u in (('a', ''), ('b', 'https://example.org/b.bin'))]
for t in ts:
    t.start()
for t in ts:
    t.join()
print('done')
";

#[test]
fn downloads_block_on_each_megabyte_and_wake_when_it_arrives() {
    let net = FakeNet::new(0.2);
    let out = run(TWO_DOWNLOADS, &real_net(), net.clone());
    assert_eq!(out.stopped, None, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let mut got = lines(&out);
    assert_eq!(got.pop(), Some("done"));
    got.sort_unstable();
    assert_eq!(got, ["a 1", "a 2", "b 1", "b 2"]);
    // Two MB one after the other in each thread, both threads at once.
    assert!(
        out.elapsed_s > 0.39 && out.elapsed_s < 0.8,
        "{}",
        out.elapsed_s
    );
    let mut asked = net.asked.lock().unwrap().clone();
    asked.sort();
    assert_eq!(
        asked,
        [
            (String::new(), 0, 1_000_000),
            (String::new(), 1_000_000, 1_000_000),
            ("https://example.org/b.bin".into(), 0, 1_000_000),
            ("https://example.org/b.bin".into(), 1_000_000, 1_000_000),
        ]
    );
    for lane in ["Thread-1 (get)", "Thread-2 (get)"] {
        let spans = io_spans(&out.timeline, lane);
        assert_eq!(spans.len(), 2, "{lane}: {spans:?}");
        for (start, end, line) in spans {
            assert!(end - start > 0.18, "{lane}: {start}..{end}");
            assert_eq!(line, 3);
        }
    }
}

#[test]
fn a_lone_thread_waiting_for_a_transfer_is_not_deadlocked() {
    let source = "\
import network
for mb in network.download('x', 1.5):
    print(mb)
";
    let out = run(source, &real_net(), FakeNet::new(0.1));
    assert_eq!(out.stopped, None);
    assert_eq!(lines(&out), ["1", "1.5"]);
    assert_eq!(io_spans(&out.timeline, "MainThread").len(), 2);
}

#[test]
fn a_failed_request_raises_connection_error_naming_the_address() {
    let source = "\
import network
try:
    for mb in network.download('x', 3, url='http://refused.example/x.bin'):
        print(mb)
except ConnectionError as e:
    print(type(e).__name__, e)
";
    let out = run(source, &real_net(), FakeNet::new(0.05));
    assert_eq!(
        lines(&out),
        ["ConnectionError http://refused.example/x.bin: connection refused"]
    );
}

#[test]
fn without_a_real_network_downloads_stay_simulated() {
    let net = FakeNet::new(0.0);
    let source = "\
import network
network.configure(bandwidth_mb_s=20)
for mb in network.download('x', 2):
    print(mb)
";
    let out = run(source, &RunOptions::default(), net.clone());
    assert_eq!(lines(&out), ["1", "2"]);
    assert!(net.asked.lock().unwrap().is_empty());
    assert!(out.elapsed_s > 0.09 && out.elapsed_s < 0.5);
}

#[test]
fn stop_ends_a_run_waiting_for_an_answer_that_never_comes() {
    let net = FakeNet::new(0.0);
    let source = "\
import network
for mb in network.download('x', 5, url='http://never.example/x'):
    print(mb)
";
    let started = real::start(source, &real_net(), net.clone()).unwrap();
    let waiter = std::thread::spawn({
        let net = net.clone();
        move || {
            while net.kept.lock().unwrap().is_empty() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    });
    waiter.join().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(!started.ended());
    let stopping = Instant::now();
    started.stop();
    let out = started.wait();
    assert!(stopping.elapsed() < Duration::from_millis(500));
    assert_eq!(out.stopped.as_deref(), Some(real::STOPPED));
    assert_eq!(io_spans(&out.timeline, "MainThread").len(), 1);
    // An answer after the end is ignored.
    net.kept
        .lock()
        .unwrap()
        .drain(..)
        .for_each(|f| f.answer(Ok(1)));
}

#[test]
fn a_request_dropped_unanswered_fails_instead_of_hanging() {
    struct Dropper;
    impl Platform for Dropper {
        fn now(&self) -> f64 {
            NativePlatform.now()
        }
        fn epoch(&self) -> f64 {
            NativePlatform.epoch()
        }
        fn spawn(&self, name: &str, job: Box<dyn FnOnce() + Send>) -> Result<(), String> {
            NativePlatform.spawn(name, job)
        }
        fn fetch(&self, fetch: Fetch) {
            drop(fetch);
        }
    }
    let source = "\
import network
try:
    for mb in network.download('x', 1):
        print(mb)
except OSError as e:
    print(type(e).__name__, e)
";
    let out = real::start(source, &real_net(), Arc::new(Dropper))
        .unwrap()
        .wait();
    assert_eq!(
        lines(&out),
        ["ConnectionError files/data.bin: the request was dropped without an answer"]
    );
}

const URLOPEN: &str = "\
from urllib.request import urlopen, URLError
import urllib.request
with urlopen('https://example.org/page.html') as response:
    body = response.read()
    print(len(body), body, response.status, len(response.read()))
try:
    urllib.request.urlopen('http://refused.example/')
except URLError as e:
    print(type(e).__name__, isinstance(e, OSError), e.reason)
try:
    body.decode()
except NotImplementedError as e:
    print('decode:', e)
";

#[test]
fn urlopen_reads_the_whole_body_for_real_and_fails_with_url_error() {
    let net = FakeNet::new(0.1);
    let out = run(URLOPEN, &real_net(), net.clone());
    assert_eq!(out.stderr, "");
    let got = lines(&out);
    assert_eq!(got[0], "100000000 <100000000 bytes> 200 0");
    assert_eq!(
        got[1],
        "URLError True http://refused.example/: connection refused"
    );
    assert!(got[2].starts_with("decode: ThreadLab's urlopen counts the bytes"));
    assert_eq!(
        net.asked.lock().unwrap()[0],
        ("https://example.org/page.html".to_string(), 0, 100_000_000)
    );
    let io = io_spans(&out.timeline, "MainThread");
    assert_eq!(io.len(), 2);
    assert_eq!(io[0].2, 3);
}

#[test]
fn urlopen_without_a_real_network_says_how_to_get_one() {
    let source = "\
from urllib.request import urlopen
urlopen('https://example.org/')
";
    let out = run(source, &RunOptions::default(), FakeNet::new(0.0));
    let e = out.exception.expect("urlopen raises");
    assert_eq!(e.type_name, "urllib.request.URLError");
    assert!(
        e.message.starts_with("<urlopen error real downloads are not available in this run: urlopen needs a real network"),
        "{}",
        e.message
    );
    // The prediction (the simulated model) says the same.
    let predicted = threadlab::runtime::virtual_time::run(source, &real_net());
    assert_eq!(
        predicted.exception.map(|e| e.type_name).as_deref(),
        Some("urllib.request.URLError")
    );
}

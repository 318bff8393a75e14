//! What crosses between a real run and its child processes, each of which runs in a memory of its own (a
//! worker with its own wasm instance in the browser; a world of its own on the same OS process natively,
//! reached the same way).
//!
//! A child process is a world of the real runtime ([`super::real`]) that runs the program again as
//! `__mp_main__` and then its target, as multiprocessing's spawn does. It owns its threads, its GIL and
//! its waits. The run's parent world owns everything that spans processes: the timeline, the output, the
//! caps, the `multiprocessing.Queue`s and the process table. They talk over a [`Link`]: two [`Ring`]s of
//! messages, [`Up`] from the child (timeline and output events, calls), [`Down`] to it (answers, "something
//! changed", stop). Values cross as bytes ([`encode_up`] and friends), so a copy is all that ever crosses,
//! as with pickle.
//!
//! The protocol:
//! - every child thread may write [`Up`] messages; a thread making a call ([`Up::is_call`]) then waits for
//!   the one [`Down::Answer`] (calls are made one at a time per child: [`super::real`] holds a lock);
//! - one thread of the parent (the link's server) reads [`Up`] and applies it to the parent world in
//!   order, so a `put` is seen before a later `get` from the same child;
//! - any parent thread may write [`Down::Changed`] (a queue or a process changed: waiters re-check),
//!   [`Down::Terminate`] and [`Down::Stop`]; one thread of the child reads them;
//! - the child says [`Up::Exited`] last.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::timeline::{SpanKind, State};
use super::RunOptions;
use crate::trace::Life;
use crate::vm::host::{ExceptionReport, Portable, ProcessSpec, WaitKind};

/// One direction of a link: a pipe of whole messages, many writers, one reader.
pub trait Ring: Send + Sync {
    /// Appends a message; false if the ring is closed (the other side has gone).
    fn write(&self, message: &[u8]) -> bool;
    /// The next message, waiting up to `timeout_s` for one.
    fn read(&self, timeout_s: f64) -> Option<Vec<u8>>;
    /// No more messages: writes fail from now on, the reader gets what was written.
    fn close(&self);
}

/// Both directions between a parent and one child.
#[derive(Clone)]
pub struct Link {
    /// From the child.
    pub up: std::sync::Arc<dyn Ring>,
    /// To the child.
    pub down: std::sync::Arc<dyn Ring>,
}

/// A ring in memory both sides share (native: one OS process).
#[derive(Default)]
pub struct MemoryRing {
    state: Mutex<(VecDeque<Vec<u8>>, bool)>,
    cv: Condvar,
}

impl Ring for MemoryRing {
    fn write(&self, message: &[u8]) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.1 {
            return false;
        }
        state.0.push_back(message.to_vec());
        self.cv.notify_one();
        true
    }

    fn read(&self, timeout_s: f64) -> Option<Vec<u8>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.0.is_empty() && !state.1 {
            let timeout = Duration::from_secs_f64(timeout_s.clamp(0.0, 3600.0));
            state = self
                .cv
                .wait_timeout(state, timeout)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        state.0.pop_front()
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.cv.notify_all();
    }
}

/// What a child process starts with: the program, its target and arguments (copies), the run's
/// options and its time zero (the one clock every process shares).
#[derive(Debug, Clone)]
pub struct ChildStart {
    /// Its pid.
    pub pid: u64,
    /// The program's source: the child compiles it again.
    pub source: String,
    /// Name, target, arguments, daemon flag.
    pub spec: ProcessSpec,
    /// The run's options (GIL, time scale, seed, ...).
    pub opts: RunOptions,
    /// The run's time zero on the platform's clock, seconds.
    pub t0: f64,
}

/// From a child to its parent.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)] // each variant's doc says what its fields are
pub enum Up {
    /// A lane for one of its threads (`first`: its main thread, the process's lane). Lanes are numbered
    /// by the child in the order it makes them.
    ThreadLane {
        lane: u32,
        first: bool,
        name: String,
    },
    /// Its GIL's lane.
    GilLane { lane: u32, label: String },
    /// The lane of an asyncio task running on the thread of lane `on`.
    TaskLane { lane: u32, name: String, on: u32 },
    /// A thread's life event.
    Life {
        lane: u32,
        life: Life,
        daemon: bool,
        t: f64,
    },
    /// A lane's state from `t` on.
    Set {
        lane: u32,
        t: f64,
        state: Option<State>,
    },
    /// An asyncio task switch (see `TimelineBuilder::switch`).
    Switch {
        old: u32,
        target: u32,
        t: f64,
        parting: Option<State>,
    },
    /// A queue's depth.
    Depth { queue: u64, depth: u64, t: f64 },
    /// A thread was renamed.
    Rename { lane: u32, name: String },
    /// Text written by the thread of `lane`.
    Output {
        lane: Option<u32>,
        err: bool,
        text: String,
        t: f64,
        /// The program's line that wrote it.
        line: Option<u32>,
    },
    /// An uncaught exception ended a thread (`main`: its main thread).
    Uncaught { main: bool, report: ExceptionReport },
    /// Where its live threads are: `(lane, line)`.
    Lines(Vec<(u32, u32)>),
    /// All its threads are parked for good (having heard of `changes` [`Down::Changed`]): the labels of
    /// their waits.
    Stuck { changes: u64, labels: Vec<String> },
    /// No longer so.
    Unstuck,
    /// Call-free request: download bytes `offset .. offset + len` of `url` for real (the run's network is
    /// real); the answer comes as [`Down::Fetched`] with the same id.
    Fetch {
        id: u64,
        url: String,
        offset: u64,
        len: u64,
    },
    /// Call: a new `multiprocessing.Queue`.
    ChannelNew,
    /// An item for a queue.
    ChannelPut { channel: u64, item: Portable },
    /// Call: take an item if there is one.
    ChannelGet { channel: u64 },
    /// Call: items waiting.
    ChannelLen { channel: u64 },
    /// Call: start a process (it becomes the run's, like every other).
    ProcessStart(ProcessSpec),
    /// Call: a process's exit code, once it has ended.
    ProcessExitcode(u64),
    /// Stop a process.
    ProcessTerminate(u64),
    /// The child has ended with this exit code: the last message.
    Exited(i32),
}

impl Up {
    /// Whether the sender waits for a [`Down::Answer`].
    pub fn is_call(&self) -> bool {
        matches!(
            self,
            Up::ChannelNew
                | Up::ChannelGet { .. }
                | Up::ChannelLen { .. }
                | Up::ProcessStart(_)
                | Up::ProcessExitcode(_)
        )
    }
}

/// The answer to a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A number (a queue's id, a length, a pid).
    Number(u64),
    /// An item, or none.
    Item(Option<Portable>),
    /// An exit code, or none yet.
    Exitcode(Option<i32>),
    /// A refusal, with its message.
    Refused(String),
}

/// From a parent to its child.
#[derive(Debug, Clone, PartialEq)]
pub enum Down {
    /// The answer to the call being made.
    Answer(Answer),
    /// A queue or a process has changed: waiters re-check.
    Changed,
    /// `terminate()`: the child stops, with exit code -15.
    Terminate,
    /// How a download went.
    Fetched {
        /// The id of its [`Up::Fetch`].
        id: u64,
        /// The bytes received, or why none came.
        result: Result<u64, String>,
    },
    /// The run is over: everything stops.
    Stop,
}

// The encoding: tags and little-endian numbers, strings as length and UTF-8, floats by their bits (exact,
// as pickle's are).

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u64(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }
    fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    fn bool(&mut self, v: bool) {
        self.u8(v as u8);
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn portable(&mut self, p: &Portable) {
        match p {
            Portable::None => self.u8(0),
            Portable::Bool(b) => {
                self.u8(1);
                self.bool(*b);
            }
            Portable::Int(i) => {
                self.u8(2);
                self.i64(*i);
            }
            Portable::Float(f) => {
                self.u8(3);
                self.f64(*f);
            }
            Portable::Str(s) => {
                self.u8(4);
                self.str(s);
            }
            Portable::Tuple(items) => self.items(5, items),
            Portable::List(items) => self.items(6, items),
            Portable::Dict(pairs) => {
                self.u8(7);
                self.u64(pairs.len() as u64);
                for (k, v) in pairs {
                    self.portable(k);
                    self.portable(v);
                }
            }
            Portable::Set(items) => self.items(8, items),
            Portable::Global { module, name } => {
                self.u8(9);
                self.str(module);
                self.str(name);
            }
            Portable::Object {
                module,
                class,
                state,
            } => {
                self.u8(10);
                self.str(module);
                self.str(class);
                self.u64(state.len() as u64);
                for (k, v) in state {
                    self.str(k);
                    self.portable(v);
                }
            }
            Portable::Method { receiver, name } => {
                self.u8(11);
                self.portable(receiver);
                self.str(name);
            }
            Portable::Channel(id) => {
                self.u8(12);
                self.u64(*id);
            }
            Portable::Exception { type_name, message } => {
                self.u8(13);
                self.str(type_name);
                self.str(message);
            }
        }
    }
    fn items(&mut self, tag: u8, items: &[Portable]) {
        self.u8(tag);
        self.u64(items.len() as u64);
        for item in items {
            self.portable(item);
        }
    }
    fn state(&mut self, s: &Option<State>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.u8(span_code(s.kind));
                self.u64(u64::from(s.line));
                self.opt_u32(s.holder);
            }
        }
    }
    fn opt_u32(&mut self, v: Option<u32>) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                self.u64(u64::from(v));
            }
        }
    }
    fn report(&mut self, r: &ExceptionReport) {
        self.str(&r.type_name);
        self.str(&r.message);
        self.u64(u64::from(r.line));
    }
    fn spec(&mut self, s: &ProcessSpec) {
        self.str(&s.name);
        self.portable(&s.target);
        self.u64(s.args.len() as u64);
        for a in &s.args {
            self.portable(a);
        }
        self.bool(s.daemon);
    }
}

/// Too short, or a tag this side doesn't know: a bug, reported as such.
#[derive(Debug)]
pub struct Malformed;

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn u8(&mut self) -> Result<u8, Malformed> {
        let (&b, rest) = self.0.split_first().ok_or(Malformed)?;
        self.0 = rest;
        Ok(b)
    }
    fn u64(&mut self) -> Result<u64, Malformed> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Malformed)
    }
    fn u32(&mut self) -> Result<u32, Malformed> {
        u32::try_from(self.u64()?).map_err(|_| Malformed)
    }
    fn i64(&mut self) -> Result<i64, Malformed> {
        let v = self.u64()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
    fn f64(&mut self) -> Result<f64, Malformed> {
        if self.0.len() < 8 {
            return Err(Malformed);
        }
        let (bytes, rest) = self.0.split_at(8);
        self.0 = rest;
        Ok(f64::from_bits(u64::from_le_bytes(
            bytes.try_into().map_err(|_| Malformed)?,
        )))
    }
    fn bool(&mut self) -> Result<bool, Malformed> {
        Ok(self.u8()? != 0)
    }
    fn str(&mut self) -> Result<String, Malformed> {
        let len = usize::try_from(self.u64()?).map_err(|_| Malformed)?;
        if self.0.len() < len {
            return Err(Malformed);
        }
        let (bytes, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8(bytes.to_vec()).map_err(|_| Malformed)
    }
    fn len(&mut self) -> Result<usize, Malformed> {
        let n = usize::try_from(self.u64()?).map_err(|_| Malformed)?;
        // Every item takes a byte at least: a length beyond what is left is corrupt.
        if n > self.0.len() {
            return Err(Malformed);
        }
        Ok(n)
    }
    fn portable(&mut self) -> Result<Portable, Malformed> {
        Ok(match self.u8()? {
            0 => Portable::None,
            1 => Portable::Bool(self.bool()?),
            2 => Portable::Int(self.i64()?),
            3 => Portable::Float(self.f64()?),
            4 => Portable::Str(self.str()?),
            5 => Portable::Tuple(self.items()?),
            6 => Portable::List(self.items()?),
            7 => {
                let n = self.len()?;
                let mut pairs = Vec::with_capacity(n);
                for _ in 0..n {
                    pairs.push((self.portable()?, self.portable()?));
                }
                Portable::Dict(pairs)
            }
            8 => Portable::Set(self.items()?),
            9 => Portable::Global {
                module: self.str()?,
                name: self.str()?,
            },
            10 => {
                let (module, class) = (self.str()?, self.str()?);
                let n = self.len()?;
                let mut state = Vec::with_capacity(n);
                for _ in 0..n {
                    state.push((self.str()?, self.portable()?));
                }
                Portable::Object {
                    module,
                    class,
                    state,
                }
            }
            11 => Portable::Method {
                receiver: Box::new(self.portable()?),
                name: self.str()?,
            },
            12 => Portable::Channel(self.u64()?),
            13 => Portable::Exception {
                type_name: self.str()?,
                message: self.str()?,
            },
            _ => return Err(Malformed),
        })
    }
    fn items(&mut self) -> Result<Vec<Portable>, Malformed> {
        let n = self.len()?;
        (0..n).map(|_| self.portable()).collect()
    }
    fn state(&mut self) -> Result<Option<State>, Malformed> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(State {
                kind: span_kind(self.u8()?)?,
                line: self.u32()?,
                holder: self.opt_u32()?,
            }),
        })
    }
    fn opt_u32(&mut self) -> Result<Option<u32>, Malformed> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(self.u32()?),
        })
    }
    fn report(&mut self) -> Result<ExceptionReport, Malformed> {
        Ok(ExceptionReport {
            type_name: self.str()?,
            message: self.str()?,
            line: self.u32()?,
        })
    }
    fn spec(&mut self) -> Result<ProcessSpec, Malformed> {
        Ok(ProcessSpec {
            name: self.str()?,
            target: self.portable()?,
            args: self.items()?,
            daemon: self.bool()?,
        })
    }
    fn end(self) -> Result<(), Malformed> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Malformed)
        }
    }
}

const WAIT_KINDS: [WaitKind; 12] = [
    WaitKind::Sleep,
    WaitKind::Lock,
    WaitKind::Join,
    WaitKind::Queue,
    WaitKind::Event,
    WaitKind::Semaphore,
    WaitKind::Condition,
    WaitKind::Barrier,
    WaitKind::Future,
    WaitKind::Process,
    WaitKind::Io,
    WaitKind::Idle,
];

fn span_code(kind: SpanKind) -> u8 {
    match kind {
        SpanKind::Running => 0,
        SpanKind::GilWait => 1,
        SpanKind::Ready => 2,
        SpanKind::Sleep => 3,
        SpanKind::Io => 4,
        SpanKind::Wait(k) => 16 + WAIT_KINDS.iter().position(|w| *w == k).unwrap_or(0) as u8,
    }
}

fn span_kind(code: u8) -> Result<SpanKind, Malformed> {
    Ok(match code {
        0 => SpanKind::Running,
        1 => SpanKind::GilWait,
        2 => SpanKind::Ready,
        3 => SpanKind::Sleep,
        4 => SpanKind::Io,
        c => SpanKind::Wait(
            *WAIT_KINDS
                .get(usize::from(c.checked_sub(16).ok_or(Malformed)?))
                .ok_or(Malformed)?,
        ),
    })
}

const LIVES: [Life; 4] = [Life::Started, Life::Finished, Life::Raised, Life::Killed];

/// The bytes of `up`.
pub fn encode_up(up: &Up) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    match up {
        Up::ThreadLane { lane, first, name } => {
            w.u8(0);
            w.u64(u64::from(*lane));
            w.bool(*first);
            w.str(name);
        }
        Up::GilLane { lane, label } => {
            w.u8(1);
            w.u64(u64::from(*lane));
            w.str(label);
        }
        Up::TaskLane { lane, name, on } => {
            w.u8(2);
            w.u64(u64::from(*lane));
            w.str(name);
            w.u64(u64::from(*on));
        }
        Up::Life {
            lane,
            life,
            daemon,
            t,
        } => {
            w.u8(3);
            w.u64(u64::from(*lane));
            w.u8(LIVES.iter().position(|l| l == life).unwrap_or(0) as u8);
            w.bool(*daemon);
            w.f64(*t);
        }
        Up::Set { lane, t, state } => {
            w.u8(4);
            w.u64(u64::from(*lane));
            w.f64(*t);
            w.state(state);
        }
        Up::Switch {
            old,
            target,
            t,
            parting,
        } => {
            w.u8(5);
            w.u64(u64::from(*old));
            w.u64(u64::from(*target));
            w.f64(*t);
            w.state(parting);
        }
        Up::Depth { queue, depth, t } => {
            w.u8(6);
            w.u64(*queue);
            w.u64(*depth);
            w.f64(*t);
        }
        Up::Rename { lane, name } => {
            w.u8(7);
            w.u64(u64::from(*lane));
            w.str(name);
        }
        Up::Output {
            lane,
            err,
            text,
            t,
            line,
        } => {
            w.u8(8);
            w.opt_u32(*lane);
            w.bool(*err);
            w.str(text);
            w.f64(*t);
            w.opt_u32(*line);
        }
        Up::Uncaught { main, report } => {
            w.u8(9);
            w.bool(*main);
            w.report(report);
        }
        Up::Lines(lines) => {
            w.u8(10);
            w.u64(lines.len() as u64);
            for (lane, line) in lines {
                w.u64(u64::from(*lane));
                w.u64(u64::from(*line));
            }
        }
        Up::ChannelNew => w.u8(11),
        Up::ChannelPut { channel, item } => {
            w.u8(12);
            w.u64(*channel);
            w.portable(item);
        }
        Up::ChannelGet { channel } => {
            w.u8(13);
            w.u64(*channel);
        }
        Up::ChannelLen { channel } => {
            w.u8(14);
            w.u64(*channel);
        }
        Up::ProcessStart(spec) => {
            w.u8(15);
            w.spec(spec);
        }
        Up::ProcessExitcode(pid) => {
            w.u8(16);
            w.u64(*pid);
        }
        Up::ProcessTerminate(pid) => {
            w.u8(17);
            w.u64(*pid);
        }
        Up::Exited(code) => {
            w.u8(18);
            w.i64(i64::from(*code));
        }
        Up::Stuck { changes, labels } => {
            w.u8(19);
            w.u64(*changes);
            w.u64(labels.len() as u64);
            for l in labels {
                w.str(l);
            }
        }
        Up::Unstuck => w.u8(20),
        Up::Fetch {
            id,
            url,
            offset,
            len,
        } => {
            w.u8(21);
            w.u64(*id);
            w.str(url);
            w.u64(*offset);
            w.u64(*len);
        }
    }
    w.0
}

/// The [`Up`] message in `bytes`.
pub fn decode_up(bytes: &[u8]) -> Result<Up, Malformed> {
    let mut r = Reader(bytes);
    let up = match r.u8()? {
        0 => Up::ThreadLane {
            lane: r.u32()?,
            first: r.bool()?,
            name: r.str()?,
        },
        1 => Up::GilLane {
            lane: r.u32()?,
            label: r.str()?,
        },
        2 => Up::TaskLane {
            lane: r.u32()?,
            name: r.str()?,
            on: r.u32()?,
        },
        3 => Up::Life {
            lane: r.u32()?,
            life: *LIVES.get(usize::from(r.u8()?)).ok_or(Malformed)?,
            daemon: r.bool()?,
            t: r.f64()?,
        },
        4 => Up::Set {
            lane: r.u32()?,
            t: r.f64()?,
            state: r.state()?,
        },
        5 => Up::Switch {
            old: r.u32()?,
            target: r.u32()?,
            t: r.f64()?,
            parting: r.state()?,
        },
        6 => Up::Depth {
            queue: r.u64()?,
            depth: r.u64()?,
            t: r.f64()?,
        },
        7 => Up::Rename {
            lane: r.u32()?,
            name: r.str()?,
        },
        8 => Up::Output {
            lane: r.opt_u32()?,
            err: r.bool()?,
            text: r.str()?,
            t: r.f64()?,
            line: r.opt_u32()?,
        },
        9 => Up::Uncaught {
            main: r.bool()?,
            report: r.report()?,
        },
        10 => {
            let n = r.len()?;
            let mut lines = Vec::with_capacity(n);
            for _ in 0..n {
                lines.push((r.u32()?, r.u32()?));
            }
            Up::Lines(lines)
        }
        11 => Up::ChannelNew,
        12 => Up::ChannelPut {
            channel: r.u64()?,
            item: r.portable()?,
        },
        13 => Up::ChannelGet { channel: r.u64()? },
        14 => Up::ChannelLen { channel: r.u64()? },
        15 => Up::ProcessStart(r.spec()?),
        16 => Up::ProcessExitcode(r.u64()?),
        17 => Up::ProcessTerminate(r.u64()?),
        18 => Up::Exited(i32::try_from(r.i64()?).map_err(|_| Malformed)?),
        19 => {
            let changes = r.u64()?;
            let n = r.len()?;
            let labels = (0..n).map(|_| r.str()).collect::<Result<_, _>>()?;
            Up::Stuck { changes, labels }
        }
        20 => Up::Unstuck,
        21 => Up::Fetch {
            id: r.u64()?,
            url: r.str()?,
            offset: r.u64()?,
            len: r.u64()?,
        },
        _ => return Err(Malformed),
    };
    r.end()?;
    Ok(up)
}

/// The bytes of `down`.
pub fn encode_down(down: &Down) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    match down {
        Down::Answer(Answer::Number(n)) => {
            w.u8(0);
            w.u64(*n);
        }
        Down::Answer(Answer::Item(item)) => {
            w.u8(1);
            match item {
                None => w.u8(0),
                Some(p) => {
                    w.u8(1);
                    w.portable(p);
                }
            }
        }
        Down::Answer(Answer::Exitcode(code)) => {
            w.u8(2);
            match code {
                None => w.u8(0),
                Some(c) => {
                    w.u8(1);
                    w.i64(i64::from(*c));
                }
            }
        }
        Down::Answer(Answer::Refused(why)) => {
            w.u8(3);
            w.str(why);
        }
        Down::Changed => w.u8(4),
        Down::Fetched { id, result } => {
            w.u8(7);
            w.u64(*id);
            match result {
                Ok(bytes) => {
                    w.u8(0);
                    w.u64(*bytes);
                }
                Err(why) => {
                    w.u8(1);
                    w.str(why);
                }
            }
        }
        Down::Terminate => w.u8(5),
        Down::Stop => w.u8(6),
    }
    w.0
}

/// The [`Down`] message in `bytes`.
pub fn decode_down(bytes: &[u8]) -> Result<Down, Malformed> {
    let mut r = Reader(bytes);
    let down = match r.u8()? {
        0 => Down::Answer(Answer::Number(r.u64()?)),
        1 => Down::Answer(Answer::Item(match r.u8()? {
            0 => None,
            _ => Some(r.portable()?),
        })),
        2 => Down::Answer(Answer::Exitcode(match r.u8()? {
            0 => None,
            _ => Some(i32::try_from(r.i64()?).map_err(|_| Malformed)?),
        })),
        3 => Down::Answer(Answer::Refused(r.str()?)),
        4 => Down::Changed,
        5 => Down::Terminate,
        6 => Down::Stop,
        7 => Down::Fetched {
            id: r.u64()?,
            result: match r.u8()? {
                0 => Ok(r.u64()?),
                _ => Err(r.str()?),
            },
        },
        _ => return Err(Malformed),
    };
    r.end()?;
    Ok(down)
}

/// The options a child needs, as bytes (the web hands them to a new worker).
pub fn encode_start(start: &ChildStart) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.u64(start.pid);
    w.str(&start.source);
    w.spec(&start.spec);
    let o = &start.opts;
    w.u64(o.seed);
    w.bool(o.gil);
    w.u64(o.cores as u64);
    w.f64(o.max_seconds);
    w.f64(o.time_scale);
    w.bool(o.network_real);
    w.f64(start.t0);
    w.0
}

/// The [`ChildStart`] in `bytes`.
pub fn decode_start(bytes: &[u8]) -> Result<ChildStart, Malformed> {
    let mut r = Reader(bytes);
    let start = ChildStart {
        pid: r.u64()?,
        source: r.str()?,
        spec: r.spec()?,
        opts: RunOptions {
            seed: r.u64()?,
            gil: r.bool()?,
            cores: usize::try_from(r.u64()?).map_err(|_| Malformed)?,
            max_seconds: r.f64()?,
            time_scale: r.f64()?,
            network_real: r.bool()?,
        },
        t0: r.f64()?,
    };
    r.end()?;
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Portable {
        Portable::Tuple(vec![
            Portable::None,
            Portable::Bool(true),
            Portable::Int(i64::MIN),
            Portable::Int(-3),
            Portable::Float(0.1 + 0.2),
            Portable::Float(f64::NAN),
            Portable::Str("héllo\n".into()),
            Portable::List(vec![Portable::Int(1)]),
            Portable::Dict(vec![(Portable::Str("k".into()), Portable::Set(vec![]))]),
            Portable::Global {
                module: "__main__".into(),
                name: "f".into(),
            },
            Portable::Object {
                module: "__main__".into(),
                class: "P".into(),
                state: vec![("x".into(), Portable::Int(2))],
            },
            Portable::Method {
                receiver: Box::new(Portable::None),
                name: "m".into(),
            },
            Portable::Channel(7),
            Portable::Exception {
                type_name: "ValueError".into(),
                message: "no".into(),
            },
        ])
    }

    #[test]
    fn every_message_reads_back_as_written() {
        let item = sample();
        let state = Some(State {
            kind: SpanKind::Wait(WaitKind::Barrier),
            line: 12,
            holder: Some(3),
        });
        let ups = vec![
            Up::ThreadLane {
                lane: 0,
                first: true,
                name: "Process-1".into(),
            },
            Up::GilLane {
                lane: 1,
                label: "Process-1 GIL".into(),
            },
            Up::TaskLane {
                lane: 2,
                name: "Task-1".into(),
                on: 0,
            },
            Up::Life {
                lane: 0,
                life: Life::Killed,
                daemon: true,
                t: 1.5,
            },
            Up::Set {
                lane: 1,
                t: 0.25,
                state,
            },
            Up::Switch {
                old: 0,
                target: 2,
                t: 0.5,
                parting: None,
            },
            Up::Depth {
                queue: u64::MAX,
                depth: 3,
                t: 0.0,
            },
            Up::Rename {
                lane: 0,
                name: "w".into(),
            },
            Up::Output {
                lane: None,
                err: true,
                text: "x\n".into(),
                t: 2.0,
                line: Some(7),
            },
            Up::Uncaught {
                main: true,
                report: ExceptionReport {
                    type_name: "E".into(),
                    message: "m".into(),
                    line: 4,
                },
            },
            Up::Lines(vec![(0, 3), (2, 9)]),
            Up::ChannelNew,
            Up::ChannelPut {
                channel: 1,
                item: item.clone(),
            },
            Up::ChannelGet { channel: 1 },
            Up::ChannelLen { channel: 1 },
            Up::ProcessStart(ProcessSpec {
                name: "Process-2".into(),
                target: item.clone(),
                args: vec![item.clone()],
                daemon: true,
            }),
            Up::ProcessExitcode(2),
            Up::ProcessTerminate(2),
            Up::Exited(-15),
            Up::Stuck {
                changes: 3,
                labels: vec!["Process-1 waits at line 3 (queue)".into()],
            },
            Up::Unstuck,
            Up::Fetch {
                id: 4,
                url: "https://example.org/a.zip".into(),
                offset: 1 << 40,
                len: 5,
            },
        ];
        for up in ups {
            let back = decode_up(&encode_up(&up)).unwrap();
            // NaN is never equal to itself: compare the encodings.
            assert_eq!(encode_up(&back), encode_up(&up), "{up:?}");
        }
        for down in [
            Down::Answer(Answer::Number(9)),
            Down::Answer(Answer::Item(Some(Portable::Int(1)))),
            Down::Answer(Answer::Item(None)),
            Down::Answer(Answer::Exitcode(Some(-15))),
            Down::Answer(Answer::Exitcode(None)),
            Down::Answer(Answer::Refused("no".into())),
            Down::Changed,
            Down::Terminate,
            Down::Stop,
            Down::Fetched {
                id: 2,
                result: Ok(1_000_000),
            },
            Down::Fetched {
                id: 3,
                result: Err("timeout".into()),
            },
        ] {
            assert_eq!(decode_down(&encode_down(&down)).unwrap(), down);
        }
        assert!(decode_up(&[200]).is_err());
        assert!(
            decode_up(&[12, 1, 6, 255, 255, 255, 255]).is_err(),
            "a list longer than its bytes"
        );
    }

    #[test]
    fn a_start_reads_back_as_written() {
        let start = ChildStart {
            pid: 3,
            source: "print(1)\n".into(),
            spec: ProcessSpec {
                name: "Process-2".into(),
                target: Portable::Global {
                    module: "__main__".into(),
                    name: "f".into(),
                },
                args: vec![Portable::Float(0.1)],
                daemon: false,
            },
            opts: RunOptions {
                seed: 5,
                gil: false,
                cores: 4,
                max_seconds: 600.0,
                time_scale: 0.1,
                network_real: true,
            },
            t0: 1234.5,
        };
        let back = decode_start(&encode_start(&start)).unwrap();
        assert_eq!(back.pid, 3);
        assert_eq!(back.source, start.source);
        assert_eq!(back.spec.args, start.spec.args);
        assert_eq!(back.opts.time_scale, 0.1);
        assert!(back.opts.network_real && !back.opts.gil);
        assert_eq!(back.t0, 1234.5);
    }
}

//! Child processes in memories of their own (see [`crate::runtime::link`]): the parent world starts them
//! and serves their links; a child's world sends its timeline, output and calls up its link.
//!
//! The parent keeps everything that spans processes (the timeline, the output and its cap, the queues,
//! the process table); a child world keeps its own threads, GIL and waits. A child thread waiting for a
//! queue or a process waits on a proxy waitable of its own world, bumped whenever the parent says
//! something changed ([`Down::Changed`]), and then asks again: the futex protocol of
//! [`crate::vm::host`], across memories.
//!
//! A deadlock that spans processes is seen by the parent: a child tells it when all its threads are
//! parked for good ([`Up::Stuck`], with how many changes it had heard of) and when that ends; the parent
//! counts a child as parked only if it has told it of no change since, so a report in flight is never
//! taken for a deadlock.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

use super::super::link::{
    decode_down, decode_up, encode_down, encode_up, Answer, ChildStart, Down, Link, Up,
};
use super::*;
use crate::runtime::timeline::Timeline;

/// A world's timeline: built here (the run's parent world), or sent up the link (a child's).
pub(in crate::runtime) enum Recorder {
    /// The run's timeline and events.
    Local(TimelineBuilder),
    /// A child's: each change goes to the parent, which draws it in its own lanes.
    Remote {
        /// The link.
        up: Arc<Uplink>,
        /// The child's lanes by number, with their names (for messages).
        names: Vec<String>,
        /// The child's pid (its queues' identities are told apart by it).
        pid: u64,
    },
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::Local(TimelineBuilder::new())
    }
}

impl Recorder {
    fn remote(&mut self, name: String, up_message: impl FnOnce(u32) -> Up) -> u32 {
        match self {
            Recorder::Local(_) => unreachable!("only a child's recorder numbers its lanes"),
            Recorder::Remote { up, names, .. } => {
                let lane = names.len() as u32;
                names.push(name);
                up.send(&up_message(lane));
                lane
            }
        }
    }

    fn send(&self, message: impl FnOnce() -> Up) {
        if let Recorder::Remote { up, .. } = self {
            up.send(&message());
        }
    }

    /// See [`TimelineBuilder::thread_lane`].
    pub fn thread_lane(&mut self, pid: u64, first: bool, process: &str, name: &str) -> u32 {
        if let Recorder::Local(b) = self {
            return b.thread_lane(pid, first, process, name);
        }
        let label = super::super::timeline::thread_lane(pid, first, process, name).0;
        let name = name.to_string();
        self.remote(label, |lane| Up::ThreadLane { lane, first, name })
    }

    /// See [`TimelineBuilder::lane`] (a GIL's lane).
    pub fn lane(&mut self, label: &str, kind: LaneKind) -> u32 {
        if let Recorder::Local(b) = self {
            return b.lane(label, kind);
        }
        let label = label.to_string();
        self.remote(label.clone(), |lane| Up::GilLane { lane, label })
    }

    /// See [`TimelineBuilder::task_lane`].
    pub fn task_lane(&mut self, name: &str, on: u32) -> u32 {
        if let Recorder::Local(b) = self {
            return b.task_lane(name, on);
        }
        let name = name.to_string();
        self.remote(name.clone(), |lane| Up::TaskLane { lane, name, on })
    }

    /// See [`TimelineBuilder::life`].
    pub fn life(&mut self, lane: u32, life: Life, daemon: bool, t: f64) {
        match self {
            Recorder::Local(b) => b.life(lane, life, daemon, t),
            r => r.send(|| Up::Life {
                lane,
                life,
                daemon,
                t,
            }),
        }
    }

    /// See [`TimelineBuilder::depth`].
    pub fn depth(&mut self, queue: u64, depth: usize, t: f64) {
        match self {
            Recorder::Local(b) => b.depth(queue, depth, t),
            Recorder::Remote { up, pid, .. } => up.send(&Up::Depth {
                // A queue's identity is an address in its own memory: the pid keeps them apart.
                queue: queue ^ (*pid << 56),
                depth: depth as u64,
                t,
            }),
        }
    }

    /// See [`TimelineBuilder::set`].
    pub fn set(&mut self, lane: u32, t: f64, state: Option<State>) {
        match self {
            Recorder::Local(b) => b.set(lane, t, state),
            r => r.send(|| Up::Set { lane, t, state }),
        }
    }

    /// See [`TimelineBuilder::switch`].
    pub fn switch(&mut self, old: u32, target: u32, t: f64, parting: Option<State>) {
        match self {
            Recorder::Local(b) => b.switch(old, target, t, parting),
            r => r.send(|| Up::Switch {
                old,
                target,
                t,
                parting,
            }),
        }
    }

    /// See [`TimelineBuilder::rename_thread`].
    pub fn rename_thread(&mut self, lane: u32, pid: u64, process: &str, name: &str) {
        match self {
            Recorder::Local(b) => b.rename_thread(lane, pid, process, name),
            Recorder::Remote { up, names, .. } => {
                if let Some(known) = names.get_mut(lane as usize) {
                    *known = super::super::timeline::thread_lane(pid, false, process, name).0;
                }
                up.send(&Up::Rename {
                    lane,
                    name: name.to_string(),
                });
            }
        }
    }

    /// See [`TimelineBuilder::mark`] (a child's output goes up as output instead).
    pub fn mark(&mut self, lane: u32, t: f64, text: &str, line: Option<u32>) {
        if let Recorder::Local(b) = self {
            b.mark(lane, t, text, line);
        }
    }

    /// See [`TimelineBuilder::mark_err`].
    pub fn mark_err(&mut self, lane: u32, t: f64, text: &str, line: Option<u32>) {
        if let Recorder::Local(b) = self {
            b.mark_err(lane, t, text, line);
        }
    }

    /// The name of lane `lane`.
    pub fn lane_name(&self, lane: u32) -> String {
        match self {
            Recorder::Local(b) => b
                .lanes()
                .get(lane as usize)
                .map(|l| l.name.clone())
                .unwrap_or_default(),
            Recorder::Remote { names, .. } => names.get(lane as usize).cloned().unwrap_or_default(),
        }
    }

    /// The events so far (a child has none: its parent has them).
    pub fn events(&self) -> &[Event] {
        match self {
            Recorder::Local(b) => b.events(),
            Recorder::Remote { .. } => &[],
        }
    }

    /// See [`TimelineBuilder::finish`].
    pub fn finish(self, end: f64) -> (Timeline, Vec<Event>) {
        match self {
            Recorder::Local(b) => b.finish(end),
            Recorder::Remote { .. } => (Timeline::default(), Vec::new()),
        }
    }
}

/// A child's end of its link: messages up, calls answered, proxies of the parent's waitables.
pub(in crate::runtime) struct Uplink {
    link: Link,
    /// Held for a call: one at a time.
    calling: Mutex<()>,
    answer: Mutex<Option<Answer>>,
    answered: Condvar,
    /// The parent's queues and processes this world waits on, by key (see `channel_waitable`).
    proxies: Mutex<HashMap<u64, Arc<Waitable>>>,
    /// The child has said it exited: its link's reader stops.
    done: AtomicBool,
    /// How many [`Down::Changed`] it has heard of (bumped after the proxies are).
    changes_heard: AtomicU64,
    /// Its downloads waiting for the parent's answer, by id.
    fetches: Mutex<HashMap<u64, Arc<Transfer>>>,
    next_fetch: AtomicU64,
}

impl Uplink {
    fn new(link: Link) -> Uplink {
        Uplink {
            link,
            calling: Mutex::new(()),
            answer: Mutex::new(None),
            answered: Condvar::new(),
            proxies: Mutex::new(HashMap::new()),
            done: AtomicBool::new(false),
            changes_heard: AtomicU64::new(0),
            fetches: Mutex::new(HashMap::new()),
            next_fetch: AtomicU64::new(0),
        }
    }

    /// Sends `up` (no answer).
    pub fn send(&self, up: &Up) {
        self.link.up.write(&encode_up(up));
    }

    /// The process `name` could not start: says why on stderr, and that it exited with code 1.
    fn could_not_start(&self, name: &str, why: &str) {
        self.send(&Up::Output {
            lane: None,
            err: true,
            text: format!("Process {name}: {why}\n"),
            t: 0.0,
            line: None,
        });
        self.send(&Up::Exited(1));
    }

    /// Makes a call and waits for its answer; `None` once the run is stopping.
    fn call(&self, world: &World, up: &Up) -> Option<Answer> {
        let _one = self.calling.lock().unwrap_or_else(|e| e.into_inner());
        *self.answer.lock().unwrap_or_else(|e| e.into_inner()) = None;
        if !self.link.up.write(&encode_up(up)) {
            return None;
        }
        let mut answer = self.answer.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(a) = answer.take() {
                return Some(a);
            }
            if world.stop.load(Ordering::SeqCst) {
                return None;
            }
            answer = self
                .answered
                .wait_timeout(answer, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn answer(&self, a: Answer) {
        *self.answer.lock().unwrap_or_else(|e| e.into_inner()) = Some(a);
        self.answered.notify_all();
    }

    /// The proxy of the parent's waitable `key`.
    pub fn waitable(&self, key: u64) -> Arc<Waitable> {
        self.proxies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_insert_with(Waitable::new)
            .clone()
    }

    /// A real download, made by the parent: answered when [`Down::Fetched`] comes.
    pub fn fetch(&self, url: &str, offset: u64, len: u64) -> Arc<Transfer> {
        let transfer = Transfer::new();
        let id = self.next_fetch.fetch_add(1, Ordering::SeqCst);
        self.fetches
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, transfer.clone());
        self.send(&Up::Fetch {
            id,
            url: url.to_string(),
            offset,
            len,
        });
        transfer
    }

    pub fn process_start(&self, world: &World, spec: ProcessSpec) -> Result<u64, String> {
        match self.call(world, &Up::ProcessStart(spec)) {
            Some(Answer::Number(pid)) => Ok(pid),
            Some(Answer::Refused(why)) => Err(why),
            _ => Err("the run is over".into()),
        }
    }

    pub fn process_exitcode(&self, world: &World, pid: u64) -> Option<i32> {
        match self.call(world, &Up::ProcessExitcode(pid)) {
            Some(Answer::Exitcode(code)) => code,
            _ => None,
        }
    }

    pub fn channel_new(&self, world: &World) -> u64 {
        match self.call(world, &Up::ChannelNew) {
            Some(Answer::Number(id)) => id,
            _ => 0,
        }
    }

    pub fn channel_get(&self, world: &World, channel: u64) -> Option<Portable> {
        match self.call(world, &Up::ChannelGet { channel }) {
            Some(Answer::Item(item)) => item,
            _ => None,
        }
    }

    pub fn channel_len(&self, world: &World, channel: u64) -> usize {
        match self.call(world, &Up::ChannelLen { channel }) {
            Some(Answer::Number(n)) => n as usize,
            _ => 0,
        }
    }
}

impl World {
    /// Text written by the thread of `lane` (of any process): the run's output, its cap, the print marks.
    pub(super) fn record_output(
        &self,
        state: &mut NState,
        lane: Option<u32>,
        err: bool,
        text: &str,
        t: f64,
        line: Option<u32>,
    ) {
        state.lines += text.matches('\n').count();
        if state.lines > super::super::MAX_OUTPUT_LINES {
            self.end(state, Some(super::super::output_cap_message()));
            return;
        }
        if err {
            state.stderr.push_str(text);
            if let Some(lane) = lane {
                state.timeline.mark_err(lane, t, text, line);
            }
        } else {
            state.stdout.push_str(text);
            if let Some(lane) = lane {
                state.timeline.mark(lane, t, text, line);
            }
        }
    }

    /// A queue or a process changed: children in memories of their own re-check their waits.
    pub(super) fn changed(&self, state: &mut NState) {
        for p in state.processes.values_mut().filter(|p| p.remote_running()) {
            if let Some(link) = &p.remote {
                link.down.write(&encode_down(&Down::Changed));
                p.changes_sent += 1;
            }
        }
    }

    /// In a child process: tells the parent when all its threads become parked for good, and when that
    /// ends, so the parent can see a deadlock across processes.
    pub(super) fn report_stuck(&self, state: &mut NState) {
        let Some(up) = &self.uplink else {
            return;
        };
        // Read before looking at the waits: a change heard of later makes the report stale, and the
        // parent ignores a stale one.
        let heard = up.changes_heard.load(Ordering::SeqCst);
        match World::stuck(state) {
            Some(labels) if state.stuck_said != Some(heard) => {
                state.stuck_said = Some(heard);
                up.send(&Up::Stuck {
                    changes: heard,
                    labels,
                });
            }
            None if state.stuck_said.is_some() => {
                state.stuck_said = None;
                up.send(&Up::Unstuck);
            }
            _ => {}
        }
    }

    /// Ends the run if this world's own process and every child it started have ended.
    pub(super) fn end_if_done(&self, state: &mut NState) {
        let root_done = state
            .processes
            .get(&self.root)
            .is_some_and(|p| p.record.exitcode.is_some());
        let children_running = state
            .processes
            .values()
            .any(|p| p.record.exitcode.is_none());
        if root_done && !children_running {
            self.end(state, None);
        } else {
            // Its own threads may all be parked for good now, or gone while children it waits for are
            // stuck.
            self.check_deadlock(state);
        }
    }

    /// Where this world's live threads are: `(lane, line)`.
    pub(super) fn lines(state: &NState) -> Vec<(u32, u32)> {
        let mut lines: Vec<(u32, u32)> = state
            .current
            .iter()
            .filter_map(|(key, line)| {
                let lane = state.active.get(key)?;
                Some((*lane, line.load(Ordering::Relaxed)))
            })
            .filter(|(_, line)| *line > 0)
            .collect();
        lines.sort_unstable();
        lines
    }

    pub(super) fn channel_put(&self, channel: u64, item: Portable) {
        let mut state = self.lock();
        if state.channels.put(channel, item) {
            self.changed(&mut state);
            self.cv.notify_all();
        }
    }

    pub(super) fn channel_get(&self, channel: u64) -> Option<Portable> {
        let mut state = self.lock();
        let item = state.channels.get(channel);
        if item.is_some() {
            self.changed(&mut state);
            self.cv.notify_all();
        }
        item
    }

    /// Stops process `pid` (`terminate()`).
    pub(super) fn terminate(&self, pid: u64) {
        let mut state = self.lock();
        if let Some(p) = state.processes.get_mut(&pid) {
            p.terminate();
        }
        self.cv.notify_all();
        drop(state);
        self.wake_gils();
    }

    /// Starts a child process in a memory of its own (`Process.start()`): it runs the program again as
    /// `__mp_main__`, then its target; this world serves its link.
    pub(super) fn start_process(self: &Arc<World>, spec: ProcessSpec) -> Result<u64, String> {
        let pid = {
            let mut state = self.lock();
            if state.processes.len() > super::super::MAX_PROCESSES {
                return Err(super::super::process_cap_message());
            }
            let pid = state.next_pid;
            state.next_pid += 1;
            pid
        };
        let (slot, link) = self.platform.open_link()?;
        let name = spec.name.clone();
        // Its lanes (its main thread's, its GIL's) come now, in the order processes start, as a
        // process's first thread starts with it.
        let lanes = {
            let mut state = self.lock();
            state.processes.insert(
                pid,
                NProc {
                    record: ProcessRecord::new(&name, spec.daemon),
                    interp: Weak::new(),
                    host: Weak::new(),
                    remote: Some(link.clone()),
                    changes_sent: 0,
                    stuck: None,
                },
            );
            let main = state.timeline.thread_lane(pid, true, &name, &name);
            let gil = self
                .opts
                .gil
                .then(|| state.timeline.lane(&format!("{name} GIL"), LaneKind::Gil));
            (main, gil)
        };
        let start = ChildStart {
            pid,
            source: self.source.to_string(),
            spec,
            opts: self.opts.clone(),
            t0: self.start(),
        };
        let world = self.clone();
        let server = link.clone();
        let started = self
            .platform
            .spawn(
                &format!("{name} link"),
                Box::new(move || world.serve(pid, slot, server, lanes)),
            )
            .and_then(|()| self.platform.spawn_process(slot, start));
        if let Err(e) = started {
            // The server (if it started) ends with the child it will never hear from.
            link.up.write(&encode_up(&Up::Exited(1)));
            let mut state = self.lock();
            state.processes.remove(&pid);
            return Err(format!("can't start a process: {e}"));
        }
        Ok(pid)
    }

    /// Serves the link of child `pid` until it has exited (or the run is over and it has gone quiet).
    fn serve(self: Arc<World>, pid: u64, slot: u32, link: Link, made: (u32, Option<u32>)) {
        let name = self
            .lock()
            .processes
            .get(&pid)
            .map(|p| p.record.name.clone())
            .unwrap_or_default();
        let mut lanes: HashMap<u32, u32> = HashMap::new();
        let mut made = (Some(made.0), made.1);
        let mut quiet_since: Option<f64> = None;
        loop {
            let Some(bytes) = link.up.read(0.1) else {
                if self.stop.load(Ordering::SeqCst) {
                    let now = self.platform.now();
                    if now - *quiet_since.get_or_insert(now) > GRACE_S {
                        break;
                    }
                }
                continue;
            };
            let Ok(up) = decode_up(&bytes) else {
                continue;
            };
            let call = up.is_call();
            let exited = matches!(up, Up::Exited(_));
            let answer = self.apply(pid, &name, &mut lanes, &mut made, up);
            if call {
                let answer =
                    answer.unwrap_or_else(|| Answer::Refused("the run is over".to_string()));
                link.down.write(&encode_down(&Down::Answer(answer)));
            }
            if exited {
                break;
            }
        }
        // A child that never said it exited (its worker failed, or the run ended without it) has ended.
        self.apply(pid, &name, &mut lanes, &mut made, Up::Exited(-15));
        link.up.close();
        link.down.close();
        self.platform.close_link(slot);
    }

    /// Applies a message of child `pid` (called `name`) to this world; the answer to a call. `made`: the
    /// lanes of its main thread and GIL made when it started, not yet claimed by the child.
    fn apply(
        self: &Arc<World>,
        pid: u64,
        name: &str,
        lanes: &mut HashMap<u32, u32>,
        made: &mut (Option<u32>, Option<u32>),
        up: Up,
    ) -> Option<Answer> {
        let map = |lanes: &HashMap<u32, u32>, lane: u32| lanes.get(&lane).copied();
        let map_state = |lanes: &HashMap<u32, u32>, s: Option<State>| {
            s.map(|s| State {
                holder: s.holder.and_then(|h| lanes.get(&h).copied()),
                ..s
            })
        };
        if let Up::ProcessStart(spec) = up {
            return Some(match self.start_process(spec) {
                Ok(pid) => Answer::Number(pid),
                Err(why) => Answer::Refused(why),
            });
        }
        if let Up::ProcessTerminate(other) = up {
            self.terminate(other);
            return None;
        }
        if let Up::ChannelPut { channel, item } = up {
            self.channel_put(channel, item);
            return None;
        }
        if let Up::ChannelGet { channel } = up {
            return Some(Answer::Item(self.channel_get(channel)));
        }
        if let Up::Fetch {
            id,
            url,
            offset,
            len,
        } = up
        {
            let down = self
                .lock()
                .processes
                .get(&pid)
                .and_then(|p| p.remote.as_ref())
                .map(|link| link.down.clone());
            let relay = move |result: &Result<u64, String>| {
                if let Some(down) = &down {
                    let fetched = Down::Fetched {
                        id,
                        result: result.clone(),
                    };
                    down.write(&encode_down(&fetched));
                }
            };
            let fetch = Fetch {
                url,
                offset,
                len,
                transfer: Transfer::new(),
                world: Weak::new(),
                relay: Some(Box::new(relay)),
            };
            if !self.opts.network_real {
                fetch.answer(Err(NO_REAL_NETWORK.to_string()));
            } else if self.stop.load(Ordering::SeqCst) {
                fetch.answer(Err("the run was stopped".into()));
            } else {
                self.platform.fetch(fetch);
            }
            return None;
        }
        let mut state = self.lock();
        let state = &mut *state;
        match up {
            Up::ThreadLane {
                lane,
                first,
                name: thread,
            } => {
                let l = match made.0.take().filter(|_| first) {
                    Some(l) => l,
                    None => state.timeline.thread_lane(pid, first, name, &thread),
                };
                lanes.insert(lane, l);
            }
            Up::GilLane { lane, label } => {
                let l = match made.1.take() {
                    Some(l) => l,
                    None => state.timeline.lane(&label, LaneKind::Gil),
                };
                lanes.insert(lane, l);
            }
            Up::TaskLane {
                lane,
                name: task,
                on,
            } => {
                if let Some(on) = map(lanes, on) {
                    let l = state.timeline.task_lane(&task, on);
                    lanes.insert(lane, l);
                }
            }
            Up::Life {
                lane,
                life,
                daemon,
                t,
            } => {
                if let Some(lane) = map(lanes, lane) {
                    state.timeline.life(lane, life, daemon, t);
                }
            }
            Up::Set { lane, t, state: s } => {
                if let Some(lane) = map(lanes, lane) {
                    let s = map_state(lanes, s);
                    state.timeline.set(lane, t, s);
                }
            }
            Up::Switch {
                old,
                target,
                t,
                parting,
            } => {
                if let (Some(old), Some(target)) = (map(lanes, old), map(lanes, target)) {
                    let parting = map_state(lanes, parting);
                    state.timeline.switch(old, target, t, parting);
                }
            }
            Up::Depth { queue, depth, t } => state.timeline.depth(queue, depth as usize, t),
            Up::Rename { lane, name: thread } => {
                if let Some(lane) = map(lanes, lane) {
                    state.timeline.rename_thread(lane, pid, name, &thread);
                }
            }
            Up::Output {
                lane,
                err,
                text,
                t,
                line,
            } => {
                if state.ended.is_none() {
                    let lane = lane.and_then(|l| map(lanes, l));
                    self.record_output(state, lane, err, &text, t, line);
                }
            }
            Up::Uncaught { report, .. } => {
                if state.ended.is_none() {
                    state.thread_exceptions.push(report);
                }
            }
            Up::Stuck { changes, labels } => {
                if let Some(p) = state.processes.get_mut(&pid) {
                    p.stuck = Some((changes, labels));
                }
                self.check_deadlock(state);
            }
            Up::Unstuck => {
                if let Some(p) = state.processes.get_mut(&pid) {
                    p.stuck = None;
                }
            }
            Up::Lines(lines) => {
                let lines = lines
                    .into_iter()
                    .filter_map(|(lane, line)| Some((map(lanes, lane)?, line)))
                    .collect();
                state.remote_lines.insert(pid, lines);
            }
            Up::ChannelNew => return Some(Answer::Number(state.channels.open())),
            Up::ChannelLen { channel } => {
                return Some(Answer::Number(state.channels.len(channel) as u64))
            }
            Up::ProcessExitcode(other) => {
                let code = state.processes.get(&other).and_then(|p| p.record.exitcode);
                return Some(Answer::Exitcode(code));
            }
            Up::Exited(code) => {
                state.remote_lines.remove(&pid);
                if let Some(p) = state.processes.get_mut(&pid) {
                    if p.record.exitcode.is_some() {
                        return None;
                    }
                    p.record.exitcode = Some(code);
                    p.record.waitable.bump();
                }
                self.changed(state);
                self.cv.notify_all();
                self.end_if_done(state);
            }
            Up::ProcessStart(_)
            | Up::ProcessTerminate(_)
            | Up::ChannelPut { .. }
            | Up::ChannelGet { .. }
            | Up::Fetch { .. } => {}
        }
        None
    }
}

/// A child process started by [`start_child`].
pub struct ChildRun {
    world: Arc<World>,
    up: Arc<Uplink>,
}

/// Starts child process `start` in this memory: compiles the program again, runs it as `__mp_main__`
/// and then the target, on `platform`'s threads, talking to its parent over `link`. `None` if it could
/// not start (the parent has been told, with exit code 1).
pub fn start_child(start: ChildStart, platform: Arc<dyn Platform>, link: Link) -> Option<ChildRun> {
    let up = Arc::new(Uplink::new(link));
    let ChildStart {
        pid,
        source,
        spec,
        opts,
        t0,
    } = start;
    let code = match crate::python::compile(&source, "<main>") {
        Ok(code) => code,
        Err(errors) => {
            let why = errors.first().map(ToString::to_string).unwrap_or_default();
            up.could_not_start(&spec.name, &format!("the program didn't compile: {why}"));
            return None;
        }
    };
    let world = World::new(&opts, platform.clone(), &source, pid, Some(up.clone()));
    let _ = world.start.set(t0);
    world.lock().timeline = Recorder::Remote {
        up: up.clone(),
        names: Vec::new(),
        pid,
    };
    let config = Config {
        main_name: "__mp_main__".into(),
        pid,
        process_name: spec.name.clone(),
        seed: opts.seed.wrapping_add(pid),
        ..Config::default()
    };
    let (host, interp) = world.own_process(config, spec.daemon);
    let main = vm_entry::start_process_main(&interp, code, spec.target, spec.args);
    let (reader, reader_up) = (world.clone(), up.clone());
    if let Err(e) = platform.spawn(
        &format!("{} link", spec.name),
        Box::new(move || read_down(&reader, &reader_up)),
    ) {
        up.could_not_start(&spec.name, &format!("can't start: {e}"));
        return None;
    }
    host.start_thread(interp, Box::new(main), true);
    Some(ChildRun { world, up })
}

impl ChildRun {
    /// Blocks until the process has ended (or was stopped), tells the parent its exit code, and returns it.
    pub fn wait(&self) -> i32 {
        self.world.wait_for_end();
        let code = self
            .world
            .lock()
            .processes
            .get(&self.world.root)
            .and_then(|p| p.record.exitcode)
            .unwrap_or(-15);
        self.up.send(&Up::Exited(code));
        self.up.done.store(true, Ordering::SeqCst);
        code
    }
}

/// A child's reader of its link: answers, "something changed", terminate and stop; and every 50 ms,
/// where its threads are.
fn read_down(world: &Arc<World>, up: &Uplink) {
    let mut sent: Vec<(u32, u32)> = Vec::new();
    let mut sent_at = 0.0;
    while !up.done.load(Ordering::SeqCst) {
        if let Some(bytes) = up.link.down.read(0.05) {
            match decode_down(&bytes) {
                Ok(Down::Answer(a)) => up.answer(a),
                Ok(Down::Changed) => {
                    for w in up
                        .proxies
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .values()
                    {
                        w.bump();
                    }
                    up.changes_heard.fetch_add(1, Ordering::SeqCst);
                    let _state = world.lock();
                    world.cv.notify_all();
                }
                Ok(Down::Terminate) => world.terminate(world.root),
                Ok(Down::Fetched { id, result }) => {
                    let transfer = up
                        .fetches
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&id);
                    if transfer.is_some_and(|t| t.answer(result)) {
                        let _state = world.lock();
                        world.cv.notify_all();
                    }
                }
                Ok(Down::Stop) => {
                    let mut state = world.lock();
                    world.end(&mut state, Some(STOPPED.to_string()));
                    drop(state);
                    world.stop.store(true, Ordering::SeqCst);
                    world.wake_gils();
                }
                Err(_) => {}
            }
        }
        let now = world.platform.now();
        if now - sent_at >= 0.05 {
            sent_at = now;
            let lines = World::lines(&world.lock());
            if lines != sent {
                up.send(&Up::Lines(lines.clone()));
                sent = lines;
            }
        }
    }
}

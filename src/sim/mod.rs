//! The prediction: a program run in virtual time, with the semantics of its pattern (plain calls one after
//! another; asyncio's event loop switching only at awaits, timers firing in deadline order). It yields the
//! same events as a real run, so the page draws both the same way.

use crate::scenario::{Pattern, Program, RunRequest, Step};
use crate::trace::{Event, RunRecord, SpanKind, Status};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// The predicted run record of a request.
pub fn predict(request: &RunRequest) -> RunRecord {
    let program = request.program();
    let (events, end) = simulate(request, &program);
    request.record(&program, Status::Completed, end, end, &events)
}

/// The predicted events and total, in ms at the request's time scale.
pub fn simulate(request: &RunRequest, program: &Program) -> (Vec<Event>, f64) {
    match request.mode.pattern {
        Pattern::Sequential => sequential(request, program),
        Pattern::Asyncio => event_loop(request, program),
    }
}

/// Plain calls: each task runs to its end before the next starts.
fn sequential(request: &RunRequest, program: &Program) -> (Vec<Event>, f64) {
    let mut out = Recorder::default();
    let mut now = 0.0;
    for task in &program.tasks {
        for step in &task.steps {
            match step {
                Step::Print(text) => out.print(&task.id, text, now),
                Step::Sleep { seconds } => {
                    let label = request.mode.pattern.sleep_label(*seconds);
                    let span = out.begin(&task.id, label, now);
                    now += request.real_ms(*seconds);
                    out.end(span, now);
                }
            }
        }
    }
    (out.events, now)
}

/// asyncio's loop: ready tasks run in FIFO order until they await; a timer wakes its task at its deadline,
/// timers with the same deadline in the order they were set.
fn event_loop(request: &RunRequest, program: &Program) -> (Vec<Event>, f64) {
    struct Coroutine {
        pc: usize,
        sleeping: Option<u32>,
    }
    let mut out = Recorder::default();
    let mut tasks: Vec<Coroutine> = program
        .tasks
        .iter()
        .map(|_| Coroutine {
            pc: 0,
            sleeping: None,
        })
        .collect();
    let mut ready: VecDeque<usize> = (0..tasks.len()).collect();
    // Deadlines as integer nanoseconds keep the heap's order total and exact for the usual durations.
    let mut timers: BinaryHeap<Reverse<(u64, u64, usize)>> = BinaryHeap::new();
    let mut seq = 0;
    let mut now = 0.0;
    loop {
        while let Some(i) = ready.pop_front() {
            let task = &program.tasks[i];
            let co = &mut tasks[i];
            if let Some(span) = co.sleeping.take() {
                out.end(span, now);
            }
            while let Some(step) = task.steps.get(co.pc) {
                co.pc += 1;
                match step {
                    Step::Print(text) => out.print(&task.id, text, now),
                    Step::Sleep { seconds } => {
                        let label = request.mode.pattern.sleep_label(*seconds);
                        co.sleeping = Some(out.begin(&task.id, label, now));
                        let deadline = now + request.real_ms(*seconds);
                        timers.push(Reverse(((deadline * 1e6).round() as u64, seq, i)));
                        seq += 1;
                        break;
                    }
                }
            }
        }
        match timers.pop() {
            Some(Reverse((deadline_ns, _, i))) => {
                now = deadline_ns as f64 / 1e6;
                ready.push_back(i);
            }
            None => break,
        }
    }
    (out.events, now)
}

/// Collects events with dense span ids.
#[derive(Default)]
struct Recorder {
    events: Vec<Event>,
    spans: u32,
}

impl Recorder {
    fn begin(&mut self, lane: &str, label: String, t: f64) -> u32 {
        let span = self.spans;
        self.spans += 1;
        self.events.push(Event::Begin {
            span,
            lane: lane.into(),
            label,
            kind: SpanKind::Sleep,
            t,
        });
        span
    }

    fn end(&mut self, span: u32, t: f64) {
        self.events.push(Event::End { span, t });
    }

    fn print(&mut self, lane: &str, text: &str, t: f64) {
        self.events.push(Event::Print {
            lane: lane.into(),
            text: text.into(),
            t,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(request: serde_json::Value) -> RunRecord {
        predict(&RunRequest::from_value(&request).unwrap())
    }

    fn lines(record: &RunRecord) -> Vec<&str> {
        record.output.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn sequential_orders_take_the_sum_of_the_waits() {
        let r = run(json!({"example": "orders", "mode": "sequential"}));
        assert_eq!(r.wall_ms, 9000.0);
        assert_eq!(
            lines(&r),
            [
                "ordered coffee",
                "received coffee",
                "ordered food",
                "received food",
                "ordered cake",
                "received cake"
            ]
        );
        // A staircase: each lane starts when the previous one ends.
        assert_eq!(r.spans[1].start_ms, r.spans[0].end_ms);
    }

    #[test]
    fn gathered_orders_take_the_longest_wait_and_arrive_by_duration() {
        let r = run(json!({"example": "orders", "mode": "asyncio"}));
        assert_eq!(r.wall_ms, 5000.0);
        assert_eq!(
            lines(&r),
            [
                "ordered coffee",
                "ordered food",
                "ordered cake",
                "received coffee",
                "received cake",
                "received food"
            ]
        );
        assert!(r.spans.iter().all(|s| s.start_ms == 0.0));
        assert_eq!(r.spans[0].label, "await asyncio.sleep(1)");
    }

    #[test]
    fn time_scale_and_parameters_change_the_arithmetic() {
        let r = run(json!({"example": "orders", "mode": "sequential", "timeScale": 0.1}));
        assert!((r.wall_ms - 900.0).abs() < 1e-9);
        let r = run(json!({"example": "orders", "mode": "asyncio", "timeScale": 0.1}));
        assert!((r.wall_ms - 500.0).abs() < 1e-9);
        let r = run(json!({"example": "orders", "mode": "asyncio",
                           "params": {"coffee_s": 7, "food_s": 2, "cake_s": 0}}));
        assert_eq!(r.wall_ms, 7000.0);
        assert_eq!(
            lines(&r)[3..],
            ["received cake", "received food", "received coffee"]
        );
    }

    #[test]
    fn equal_deadlines_fire_in_the_order_they_were_set() {
        let r = run(json!({"example": "orders", "mode": "asyncio",
                           "params": {"coffee_s": 2, "food_s": 2, "cake_s": 2}}));
        assert_eq!(
            lines(&r)[3..],
            ["received coffee", "received food", "received cake"]
        );
    }
}

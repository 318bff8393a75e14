//! `orders`: ordering coffee, food and cake one after another, then all at once with `asyncio.gather`.

use super::{Example, ModeSpec, ParamSpec, ParamType, Params, Pattern, Program, Step, Task};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "orders",
    title: "Ordering at a café: waiting in turn or all at once",
    group: "asyncio",
    lesson: "A synchronous program orders coffee, waits until it arrives, then orders food and waits \
             again, then cake: the waits add up, 1 + 5 + 3 = 9 seconds. With asyncio the same three \
             orders are coroutines gathered on one thread. Each one places its order and then awaits; \
             while it waits, the event loop runs the others, so all three orders go out before anything \
             arrives, and the meal is done when the longest wait ends, after about 5 seconds. Nothing ran \
             in parallel: there is one thread, and it was only ever waiting.",
    modes: &[
        ModeSpec {
            id: "sequential",
            title: "sequential: one order after another",
            pattern: Pattern::Sequential,
        },
        ModeSpec {
            id: "asyncio",
            title: "asyncio.gather: all three orders at once",
            pattern: Pattern::Asyncio,
        },
    ],
    params: &[
        wait("coffee_s", "Coffee", 1.0, "How long the coffee takes to arrive."),
        wait("food_s", "Food", 5.0, "How long the food takes to arrive."),
        wait("cake_s", "Cake", 3.0, "How long the cake takes to arrive."),
    ],
    program,
};

const fn wait(
    name: &'static str,
    label: &'static str,
    default: f64,
    help: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        label,
        ty: ParamType::Number,
        default,
        min: 0.0,
        max: 60.0,
        unit: "s",
        help,
    }
}

fn program(params: &Params, _mode: &ModeSpec) -> Program {
    // The same three tasks in both modes: only the pattern that runs them differs, which is the lesson.
    let order = |item: &str, seconds: f64| Task {
        id: item.to_string(),
        name: format!("order_{item}"),
        steps: vec![
            Step::Print(format!("ordered {item}")),
            Step::Sleep { seconds },
            Step::Print(format!("received {item}")),
        ],
    };
    Program {
        tasks: vec![
            order("coffee", params.get("coffee_s")),
            order("food", params.get("food_s")),
            order("cake", params.get("cake_s")),
        ],
    }
}

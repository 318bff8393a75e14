//! `orders`: ordering coffee, food and cake one after another, then all at once with `asyncio.gather`.

use super::code::{py, rs};
use super::{Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

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
    code,
};

const fn wait(
    name: &'static str,
    label: &'static str,
    default: f64,
    help: &'static str,
) -> ParamSpec {
    ParamSpec::number(name, label, default, 0.0, 60.0)
        .unit("s")
        .help(help)
}

const ITEMS: [&str; 3] = ["coffee", "food", "cake"];

fn waits(params: &Params) -> [f64; 3] {
    [
        params.num("coffee_s"),
        params.num("food_s"),
        params.num("cake_s"),
    ]
}

fn program(params: &Params, mode: &ModeSpec) -> Program {
    // The same three functions in both modes: only the pattern that runs them differs, which is the lesson.
    let funcs = ITEMS
        .iter()
        .zip(waits(params))
        .map(|(item, seconds)| {
            Func::new(
                *item,
                format!("order_{item}"),
                vec![
                    Step::Print(format!("ordered {item}")),
                    Step::Sleep { seconds },
                    Step::Print(format!("received {item}")),
                ],
            )
        })
        .collect();
    let main = match mode.pattern {
        Pattern::Asyncio => vec![
            Step::Start(0),
            Step::Start(1),
            Step::Start(2),
            Step::JoinAll(vec![0, 1, 2]),
        ],
        _ => (0..3).map(Step::Call).collect(),
    };
    Program {
        main,
        funcs,
        ..Program::default()
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let w = waits(params);
    let asyncio = mode.pattern == Pattern::Asyncio;
    let mut python = String::from(if asyncio {
        "import asyncio\n\n"
    } else {
        "import time\n\n"
    });
    for (item, seconds) in ITEMS.iter().zip(w) {
        python += &if asyncio {
            format!(
                "async def order_{item}():\n    print(\"ordered {item}\")\n    \
                 await asyncio.sleep({})\n    print(\"received {item}\")\n\n",
                py(seconds)
            )
        } else {
            format!(
                "def order_{item}():\n    print(\"ordered {item}\")\n    \
                 time.sleep({})\n    print(\"received {item}\")\n\n",
                py(seconds)
            )
        };
    }
    python += if asyncio {
        "async def main():\n    await asyncio.gather(order_coffee(), order_food(), order_cake())\n\n\
         asyncio.run(main())\n"
    } else {
        "order_coffee()\norder_food()\norder_cake()\n"
    };
    let rust = if asyncio {
        format!(
            "use std::time::Duration;\n\n\
             async fn order(item: &str, seconds: f64) {{\n    println!(\"ordered {{item}}\");\n    \
             tokio::time::sleep(Duration::from_secs_f64(seconds)).await;\n    \
             println!(\"received {{item}}\");\n}}\n\n\
             // One thread, one event loop: the futures take turns at each .await.\n\
             #[tokio::main(flavor = \"current_thread\")]\n\
             async fn main() {{\n    tokio::join!(\n        order(\"coffee\", {}),\n        \
             order(\"food\", {}),\n        order(\"cake\", {}),\n    );\n}}\n",
            rs(w[0]),
            rs(w[1]),
            rs(w[2])
        )
    } else {
        format!(
            "use std::{{thread, time::Duration}};\n\n\
             fn order(item: &str, seconds: f64) {{\n    println!(\"ordered {{item}}\");\n    \
             thread::sleep(Duration::from_secs_f64(seconds));\n    \
             println!(\"received {{item}}\");\n}}\n\n\
             fn main() {{\n    order(\"coffee\", {});\n    order(\"food\", {});\n    \
             order(\"cake\", {});\n}}\n",
            rs(w[0]),
            rs(w[1]),
            rs(w[2])
        )
    };
    Code { python, rust }
}

//! `square-cube`: two functions over the same list, one after the other, then in two threads.

use super::code::{list, py};
use super::{Code, Example, Func, ModeSpec, ParamSpec, Params, Pattern, Program, Step};

/// The catalogue entry.
pub static EXAMPLE: Example = Example {
    id: "square-cube",
    title: "Squares and cubes: two threads over one list",
    group: "threads",
    lesson: "calc_square and calc_cube walk the same list of numbers, pausing a second after each \
             result as if waiting on something slow. Called one after the other they take the sum of \
             their pauses: 2 × 4 numbers × 1 s = 8 seconds. In two threads the pauses overlap and the \
             program takes about 4 seconds, with square and cube lines taking turns. The threads share \
             the list: nothing is copied, because threads live in one memory.",
    modes: &[
        ModeSpec {
            id: "sequential",
            title: "sequential: squares, then cubes",
            pattern: Pattern::Sequential,
        },
        ModeSpec {
            id: "threads",
            title: "threading.Thread: squares and cubes at once",
            pattern: Pattern::Threads,
        },
    ],
    params: &[
        ParamSpec::list("numbers", "Numbers", &[2.0, 3.0, 8.0, 9.0], -999.0, 999.0, 12)
            .help("The list both functions walk."),
        ParamSpec::number("delay_s", "Pause per number", 1.0, 0.0, 10.0)
            .unit("s")
            .help("The sleep after each result."),
    ],
    program,
    code,
};

fn program(params: &Params, mode: &ModeSpec) -> Program {
    let (numbers, delay) = (params.list("numbers"), params.num("delay_s"));
    let threaded = mode.pattern != Pattern::Sequential;
    let func = |id: &str, n: usize, power: u32, what: &str| {
        let steps = numbers
            .iter()
            .flat_map(|x| {
                [
                    Step::Print(format!("{what}: {x}^{power} = {}", x.pow(power))),
                    Step::Sleep { seconds: delay },
                ]
            })
            .collect();
        let name = if threaded {
            format!("Thread-{n} (calc_{id})")
        } else {
            format!("calc_{id}")
        };
        Func::new(id, name, steps)
    };
    let funcs = vec![func("square", 1, 2, "square"), func("cube", 2, 3, "cube")];
    let main = if threaded {
        vec![Step::Start(0), Step::Start(1), Step::Join(0), Step::Join(1)]
    } else {
        vec![Step::Call(0), Step::Call(1)]
    };
    Program {
        main,
        funcs,
        ..Program::default()
    }
}

fn code(params: &Params, mode: &ModeSpec) -> Code {
    let (numbers, delay) = (params.list("numbers"), params.num("delay_s"));
    let funcs = format!(
        "import threading\nimport time\n\ndef calc_square(numbers):\n    for n in numbers:\n        \
         print(f\"square: {{n}}^2 = {{n * n}}\")\n        time.sleep({d})\n\n\
         def calc_cube(numbers):\n    for n in numbers:\n        \
         print(f\"cube: {{n}}^3 = {{n * n * n}}\")\n        time.sleep({d})\n\nnumbers = {l}\n",
        d = py(delay),
        l = list(&numbers)
    );
    let python = if mode.pattern == Pattern::Sequential {
        format!("{funcs}calc_square(numbers)\ncalc_cube(numbers)\n")
    } else {
        format!(
            "{funcs}square = threading.Thread(target=calc_square, args=(numbers,))\n\
             cube = threading.Thread(target=calc_cube, args=(numbers,))\n\
             square.start()\ncube.start()\nsquare.join()\ncube.join()\n"
        )
    };
    let rfuncs = format!(
        "use std::{{thread, time::Duration}};\n\nconst DELAY: Duration = Duration::from_millis({});\n\n\
         fn calc_square(numbers: &[i64]) {{\n    for n in numbers {{\n        \
         println!(\"square: {{n}}^2 = {{}}\", n * n);\n        thread::sleep(DELAY);\n    }}\n}}\n\n\
         fn calc_cube(numbers: &[i64]) {{\n    for n in numbers {{\n        \
         println!(\"cube: {{n}}^3 = {{}}\", n * n * n);\n        thread::sleep(DELAY);\n    }}\n}}\n\n",
        (delay * 1000.0).round()
    );
    let rust = if mode.pattern == Pattern::Sequential {
        format!(
            "{rfuncs}fn main() {{\n    let numbers = vec!{};\n    calc_square(&numbers);\n    \
             calc_cube(&numbers);\n}}\n",
            list(&numbers)
        )
    } else {
        format!(
            "{rfuncs}fn main() {{\n    let numbers = vec!{};\n    // Scoped threads borrow the one list: \
             nothing is copied.\n    thread::scope(|s| {{\n        s.spawn(|| calc_square(&numbers));\n        \
             s.spawn(|| calc_cube(&numbers));\n    }});\n}}\n",
            list(&numbers)
        )
    };
    Code { python, rust }
}

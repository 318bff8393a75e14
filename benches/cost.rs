//! The prediction's cost model against the VM's real speed, natively: what each kind of instruction
//! costs (`vm::interp::Work::WEIGHTS`), and how far the model lands on small CPU-bound programs.
//!
//! Each program does mostly one kind of work (a counting loop, globals, attributes, calls, builtins,
//! floats, strings, ...). Each runs `--reps` times (default 5) on one thread, and its best time and the
//! work its instructions did (`Work`: dispatches, and the kinds that cost more) are kept. Then:
//!
//! 1. the weights that fit those times best (least squares on the relative error, one cost per kind;
//!    a call and its return share one), in units of a dispatch: what `Work::WEIGHTS` is rounded from;
//! 2. for every program, its time as the prediction charges it (`Work::cost` × the cost per unit that
//!    `runtime::real::CALIBRATION_PROGRAM` measures, as `native::calibrate` and the page do) against its
//!    real time; and the same with one cost per instruction (the model before `Work`) calibrated on the
//!    same program. `--work` also prints each program's `Work`.
//!
//! Times are the thread's time on a CPU where Linux tells it, so that a busy machine disturbs them less.
//! Run: `cargo bench --bench cost [-- --reps N] [-- --work]`.

#[cfg(not(target_arch = "wasm32"))]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native_bench {
    use std::sync::Arc;

    use threadlab::runtime::native::NativePlatform;
    use threadlab::runtime::real::{measure_work, CALIBRATION_PROGRAM};
    use threadlab::vm::interp::Work;

    /// Programs of mostly one kind of work each, about 0.05–0.3 s natively.
    const PROGRAMS: &[(&str, &str)] = &[
        (
            "countdown",
            "def f(n):\n    while n > 0:\n        n -= 1\nf(3000000)\n",
        ),
        (
            "for range, total += k % 7",
            "def f(n):\n    total = 0\n    for k in range(n):\n        total += k % 7\n    return total\nf(3000000)\n",
        ),
        (
            "for range, total += i * i",
            "def f(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\nf(2000000)\n",
        ),
        (
            "while, if, counters",
            "def f(n):\n    i = 0\n    c = 0\n    while i < n:\n        if i % 3 == 0:\n            c += 1\n        i += 1\n    return c\nf(2000000)\n",
        ),
        (
            "globals (module-level loop)",
            "total = 0\nfor k in range(2000000):\n    total += k % 7\n",
        ),
        (
            "list index",
            "def f(n):\n    a = list(range(100))\n    t = 0\n    for i in range(n):\n        t += a[i % 100]\n    return t\nf(1000000)\n",
        ),
        (
            "floats",
            "def f(n):\n    x = 0.0\n    for i in range(n):\n        x = x * 0.5 + i / 3\n    return x\nf(1000000)\n",
        ),
        (
            "function calls",
            "def g(a, b):\n    return a + b\ndef f(n):\n    t = 0\n    for i in range(n):\n        t = g(t, i)\n    return t\nf(500000)\n",
        ),
        (
            "recursion",
            "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nfib(25)\n",
        ),
        (
            "method calls, attributes",
            "class C:\n    def __init__(self):\n        self.count = 0\n    def add(self, k):\n        self.count += k\n        return self\ndef f(n):\n    c = C()\n    for i in range(n):\n        c.add(1)\n    return c.count\nf(500000)\n",
        ),
        (
            "objects made",
            "class P:\n    def __init__(self, x):\n        self.x = x\n    def moved(self, d):\n        return P(self.x + d)\ndef f(n):\n    p = P(0)\n    for i in range(n):\n        p = p.moved(i % 7)\n    return p.x\nf(300000)\n",
        ),
        (
            "list.append, comprehension",
            "def f(n):\n    out = []\n    for i in range(n):\n        out.append(i * 2)\n    return out\nsquares = [i * i for i in range(500000)]\nlen(f(500000)) + sum(squares)\n",
        ),
        (
            "dict get/set",
            "def f(n):\n    d = {}\n    for i in range(n):\n        d[i % 100] = d.get(i % 100, 0) + i\n    return d\nf(500000)\n",
        ),
        (
            "builtins: str, len, sum",
            "def f(n):\n    out = []\n    total = 0\n    for i in range(n):\n        out.append(i * i)\n        if len(out) > 50:\n            total += sum(out)\n            out = []\n        total += len(str(i))\n    return total\nf(300000)\n",
        ),
        (
            "string formatting",
            "def f(n):\n    total = 0\n    for i in range(n):\n        a = f\"{i:>6} items at {i * 0.5:0.2f} each\"\n        b = \"%d/%s\" % (i, \"x\")\n        c = \"{}-{}\".format(i, i + 1)\n        total += len(a) + len(b) + len(c)\n    return total\nf(100000)\n",
        ),
    ];

    /// How many of one kind a `Work` holds.
    type Count = fn(&Work) -> u64;

    /// The kinds of work, each with its count in a `Work` (a call and its return are one kind).
    const KINDS: &[(&str, Count)] = &[
        ("dispatches", |w| w.dispatches),
        ("iterations", |w| w.iterations),
        ("globals", |w| w.globals),
        ("attributes", |w| w.attributes),
        ("calls + returns", |w| w.calls + w.returns),
        ("native_calls", |w| w.native_calls),
        ("general", |w| w.general),
    ];

    /// The calling thread's time on a CPU so far, seconds (Linux: `/proc/thread-self/schedstat`), if known.
    fn cpu_time() -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
        Some(ns * 1e-9)
    }

    /// The best of `reps` runs: seconds on the CPU where Linux tells them (the machine's other work then
    /// only slows a run through the caches, not by taking its core), else on the clock.
    fn best(source: &str, reps: usize) -> (f64, u64, Work) {
        let platform = Arc::new(NativePlatform);
        (0..reps)
            .filter_map(|_| {
                let before = cpu_time();
                let (wall, instructions, work) = measure_work(source, platform.clone())?;
                let seconds = match (before, cpu_time()) {
                    (Some(a), Some(b)) if b > a => b - a,
                    _ => wall,
                };
                Some((seconds, instructions, work))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .expect("the program compiles")
    }

    /// Least squares: `x` minimising |A x - b|², by the normal equations (a handful of unknowns).
    fn least_squares(a: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
        let n = a[0].len();
        let mut m: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                let mut row: Vec<f64> = (0..n)
                    .map(|j| a.iter().map(|r| r[i] * r[j]).sum())
                    .collect();
                row.push(a.iter().zip(b).map(|(r, y)| r[i] * y).sum());
                row
            })
            .collect();
        for i in 0..n {
            let p = (i..n)
                .max_by(|&x, &y| m[x][i].abs().total_cmp(&m[y][i].abs()))
                .unwrap_or(i);
            m.swap(i, p);
            for r in 0..n {
                if r != i && m[i][i] != 0.0 {
                    let f = m[r][i] / m[i][i];
                    let pivot = m[i].clone();
                    for (x, y) in m[r].iter_mut().zip(pivot) {
                        *x -= f * y;
                    }
                }
            }
        }
        (0..n).map(|i| m[i][n] / m[i][i]).collect()
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().collect();
        let reps = crate::common::reps(5);
        let measured: Vec<(&str, f64, u64, Work)> = PROGRAMS
            .iter()
            .map(|(name, source)| {
                let (seconds, instructions, work) = best(source, reps);
                (*name, seconds, instructions, work)
            })
            .collect();

        // 1. The weights that fit best, relative errors weighing alike (each row divided by its time).
        let a: Vec<Vec<f64>> = measured
            .iter()
            .map(|(_, s, _, w)| KINDS.iter().map(|(_, k)| k(w) as f64 / s).collect())
            .collect();
        let ns = least_squares(&a, &vec![1e9; a.len()]);
        println!(
            "Cost of each kind of work, natively (fit over {} programs):\n",
            PROGRAMS.len()
        );
        println!("| kind | ns | in dispatches | Work::WEIGHTS |");
        println!("|---|---:|---:|---:|");
        let weights = Work::WEIGHTS;
        for ((name, count), cost) in KINDS.iter().zip(&ns) {
            // A kind's weight is on top of its dispatch; the dispatch's own is 1.
            println!(
                "| {name} | {cost:.1} | {:.1} | {} |",
                cost / ns[0],
                count(&weights) / if *name == "calls + returns" { 2 } else { 1 }
            );
        }

        // 2. Each program as the prediction charges it, with the calibration's cost per unit.
        let (cal_s, cal_instructions, cal) = best(CALIBRATION_PROGRAM, reps);
        let per_unit = cal_s / cal.cost() as f64;
        let per_instruction = cal_s / cal_instructions as f64;
        println!(
            "\nCalibration program: {:.2} ns per unit ({:.2} ns per instruction), {:.1} ms, {cal_instructions} instructions, {cal:?}\n",
            per_unit * 1e9,
            per_instruction * 1e9,
            cal_s * 1e3,
        );
        if args.iter().any(|a| a == "--work") {
            println!("\nWork of each program, as `name<TAB>seconds<TAB>Work`:\n");
            for (name, s, _, w) in &measured {
                println!("{name}\t{s:.6}\t{w:?}");
            }
            println!();
        }
        println!("| program | real ms | predicted ms | off | one cost per instruction, same calibration: predicted | off |");
        println!("|---|---:|---:|---:|---:|---:|");
        for (name, s, instructions, w) in &measured {
            let p = w.cost() as f64 * per_unit;
            let q = *instructions as f64 * per_instruction;
            println!(
                "| {name} | {:.1} | {:.1} | {:+.0}% | {:.1} | {:+.0}% |",
                s * 1e3,
                p * 1e3,
                (p / s - 1.0) * 100.0,
                q * 1e3,
                (q / s - 1.0) * 100.0
            );
        }
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native_bench::main();
}

"""The tutorials' programs in CPython, timed, for the benchmark to set beside ThreadLab's runs.

Prints one JSON object: totals in ms of the sleep-based programs (orders, square-cube) at --scale, and
cpu-vs-io's own programs (examples/cpu-vs-io/{sequential,threads,processes}.py, the very files ThreadLab
runs, with `tasks` and `iterations` written in as the page writes a parameter in) with the speedups.
Run by tests/bench/bench.mjs with every CPython it finds (a free-threaded build too, where there is one).

With --time FILE..., times each program instead (user programs the benchmark also runs in ThreadLab) and
prints {FILE: ms}.

Every program is timed inside its own interpreter, from its first line to the end of its main module, so
the interpreter's start-up is left out (as ThreadLab's records leave out the page's).

Usage: python3 tests/bench/cpython.py [--scale 0.1] [--tasks 2] [--iterations 4000000]
       python3 tests/bench/cpython.py --time prog.py [prog2.py ...]
"""

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CPU_VS_IO = os.path.join(HERE, "..", "..", "examples", "cpu-vs-io")
# The network module the examples import, as CPython runs them (a link to the prelude's network.py).
EXAMPLES_CPYTHON = os.path.join(HERE, "..", "..", "examples", "cpython")

# Around the program: the clock starts at its first line and stops after its main module ends (a child
# process of multiprocessing imports the file too, but only the main one reports).
PROLOGUE = "import time as _bench_time\n_BENCH_T0 = _bench_time.perf_counter()\n"
EPILOGUE = (
    "\nif __name__ == '__main__':\n"
    "    import sys as _bench_sys\n"
    "    print('elapsed', _bench_time.perf_counter() - _BENCH_T0, file=_bench_sys.stderr)\n"
)


def clock_ms():
    return time.perf_counter() * 1000.0


def timed(fn, *args):
    start = clock_ms()
    fn(*args)
    return clock_ms() - start


def run_program_ms(source):
    """Runs `source` in this same CPython as a program of its own (its output dropped); its time in ms."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(PROLOGUE + source + EPILOGUE)
        path = f.name
    try:
        env = dict(os.environ, PYTHONPATH=EXAMPLES_CPYTHON)
        out = subprocess.run(
            [sys.executable, path], capture_output=True, text=True, env=env, timeout=300
        )
    finally:
        os.unlink(path)
    for line in out.stderr.splitlines():
        if line.startswith("elapsed "):
            return float(line.split()[1]) * 1000.0
    raise RuntimeError(f"{path} failed: {out.stderr.strip().splitlines()[-1:] or out.returncode}")


def with_params(source, values):
    """The program with `name = value  # param ...` lines set to `values`, as the page writes them in."""
    for name, value in values.items():
        source, n = re.subn(
            rf"^{name} = \S+(\s+# param)", rf"{name} = {value!r}\1", source, count=1, flags=re.M
        )
        if n != 1:
            raise ValueError(f"no parameter line for {name}")
    return source


# ---- orders: three waits, one after another, then gathered (asyncio) ----


def orders_sequential(waits):
    for w in waits:
        time.sleep(w)


async def order(w):
    await asyncio.sleep(w)


async def orders_gathered(waits):
    await asyncio.gather(*(order(w) for w in waits))


# ---- square-cube: two functions over the same list, 1 s per number, in sequence then in two threads ----


def calc_square(numbers, delay):
    for n in numbers:
        time.sleep(delay)
        _ = n * n


def calc_cube(numbers, delay):
    for n in numbers:
        time.sleep(delay)
        _ = n * n * n


def square_cube_threads(numbers, delay):
    threads = [threading.Thread(target=f, args=(numbers, delay)) for f in (calc_square, calc_cube)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def cpu_vs_io(mode, tasks, iterations):
    with open(os.path.join(CPU_VS_IO, f"{mode}.py")) as f:
        source = f.read()
    return run_program_ms(with_params(source, {"tasks": tasks, "work": "cpu", "iterations": iterations}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=4_000_000)
    parser.add_argument("--time", nargs="+", metavar="FILE")
    args = parser.parse_args()
    if args.time:
        times = {}
        for path in args.time:
            with open(path) as f:
                times[path] = run_program_ms(f.read())
        print(json.dumps(times))
        return
    s = args.scale

    waits = [1 * s, 5 * s, 3 * s]  # coffee, food, cake: orders' defaults
    numbers = [2, 3, 8, 9]
    seq = cpu_vs_io("sequential", args.tasks, args.iterations)
    threads = cpu_vs_io("threads", args.tasks, args.iterations)
    processes = cpu_vs_io("processes", args.tasks, args.iterations)
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "freeThreadedBuild": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
                "gil": gil,
                "scale": s,
                "ordersSequentialMs": timed(orders_sequential, waits),
                "ordersAsyncioMs": timed(lambda: asyncio.run(orders_gathered(waits))),
                "squareCubeSequentialMs": timed(lambda: (calc_square(numbers, s), calc_cube(numbers, s))),
                "squareCubeThreadsMs": timed(square_cube_threads, numbers, s),
                "cpu": {
                    "tasks": args.tasks,
                    "iterations": args.iterations,
                    "sequentialMs": seq,
                    "threadsMs": threads,
                    "processesMs": processes,
                    "threadsSpeedup": seq / threads,
                    "processesSpeedup": seq / processes,
                },
            }
        )
    )


if __name__ == "__main__":
    main()

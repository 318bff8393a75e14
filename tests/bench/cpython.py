"""The tutorials' programs in CPython, timed, for the benchmark to set beside ThreadLab's runs.

Prints one JSON object: totals in ms of the sleep-based programs (orders, square-cube) at --scale, and the
CPU-bound tasks of cpu-vs-io run one after another, in threads, and in processes, with the speedups.
Run by tests/bench/bench.mjs with every CPython it finds (a free-threaded build too, where there is one).

Usage: python3 tests/bench/cpython.py [--scale 0.1] [--tasks 2] [--task-ms 500]
"""

import argparse
import asyncio
import json
import multiprocessing
import sys
import sysconfig
import threading
import time


def clock_ms():
    return time.perf_counter() * 1000.0


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


# ---- cpu-vs-io, CPU-bound: equal tasks of pure-Python arithmetic ----


def spin(iterations):
    x = 1
    for _ in range(iterations):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    return x


def calibrate(ms):
    """Iterations that take about `ms` on one thread here (the best of a few tries)."""
    n = 200_000
    best = 0.0
    for _ in range(5):
        start = clock_ms()
        spin(n)
        best = max(best, n / (clock_ms() - start))
    return int(best * ms)


def timed(fn, *args):
    start = clock_ms()
    fn(*args)
    return clock_ms() - start


def run_threads(target, args, count):
    threads = [threading.Thread(target=target, args=args) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_processes(target, args, count):
    processes = [multiprocessing.Process(target=target, args=args) for _ in range(count)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--task-ms", type=float, default=500.0)
    args = parser.parse_args()
    s = args.scale

    waits = [1 * s, 5 * s, 3 * s]  # coffee, food, cake: orders' defaults
    numbers = [2, 3, 8, 9]
    iterations = calibrate(args.task_ms)
    seq = timed(lambda: [spin(iterations) for _ in range(args.tasks)])
    threads = timed(run_threads, spin, (iterations,), args.tasks)
    processes = timed(run_processes, spin, (iterations,), args.tasks)
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
                    "taskMs": args.task_ms,
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

"""Record what CPython does with every program of the corpus (tests/programs/*.py).

For each program this runs `python3 NAME.py` in tests/programs (a 10 s timeout) and writes
NAME.expected.json beside it: stdout, stderr, the uncaught exception of the main program and of other
threads (type, message and the program's line, from the last traceback frame in the program's file), the
syntax error CPython's compiler reports (line, column), the return code, the program's headers and a hash
of its source. A program headed
`# timing: wall` is also timed: the median of 3 runs of a wrapper that starts the clock after the
interpreter has started and imported the supported modules, and stops it when the interpreter exits
(after non-daemon threads are joined), so start-up costs are left out. tests/corpus.rs compares
ThreadLab's runs with these files; tests/programs/README.md describes the headers and the JSON.

A file is rewritten only when the new recording differs from it in something the corpus compares (a
changed source, other output, a wall time out of tolerance...), so rerunning leaves the work tree clean.
Files of `# threadlab-only` programs hold hand-written expectations: only their hash and headers are
updated, unless --force records CPython's outcome over them.

Usage: python3 tools/record_cpython.py [--check] [--force] [--python EXE] [--dir DIR] [NAME_PART ...]

--dir records the programs of another directory (a staging area for new programs, run through ThreadLab
with `CORPUS_DIR=DIR cargo test --test corpus` before they move to tests/programs).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"
TIMEOUT_S = 10.0
MAX_PROGRAM_S = 1.0  # every program must finish within this (interpreter start-up left out)
WALL_RUNS = 3
WALL_RANGE_S = (0.2, 1.0)  # what a `# timing: wall` program's total should be
# When a rerun counts as the same wall time (the harness's prediction tolerance, a little wider).
WALL_SAME = (0.10, 0.030)

HEADER_LINE = re.compile(r"^#\s*([a-z][a-z-]*)\s*(?::\s*(.*?))?\s*$")
HEADERS = {
    "order": {"any", "exact"},
    "timing": {"wall"},
    "threadlab": {"refused", "only"},
    "refused-at": None,  # a line number
    "stderr": None,  # a comma-separated list of STDERR_PARTS
}
STDERR_PARTS = {"first-line", "last-line", "ignore"}

# Runs the program as __main__ with the clock started after interpreter start-up and after importing the
# modules ThreadLab supports (imports cost ThreadLab nothing). The atexit handler, registered first, runs
# last: after threading's shutdown has joined non-daemon threads and after multiprocessing's handlers.
TIMER = r"""
import atexit, runpy, sys, time
import asyncio, concurrent.futures, math, multiprocessing, os, queue, random, threading, _thread
out, path = sys.argv[1], sys.argv[2]
sys.argv = [path]
start = time.perf_counter()


def stop():
    with open(out, "w") as f:
        f.write(repr(time.perf_counter() - start))


atexit.register(stop)
runpy.run_path(path, run_name="__main__")
"""


class ProgramError(Exception):
    """A program the corpus cannot use as it is (bad headers, a timeout, too slow)."""


def fnv1a64(data):
    """FNV-1a, 64 bits, as hex: the source's fingerprint (tests/corpus.rs computes the same)."""
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def parse_headers(source, name):
    """The `# key: value` lines that open a program, checked; the first other line ends them."""
    headers = {}
    for line in source.splitlines():
        m = HEADER_LINE.match(line)
        if not m:
            break
        key, value = m.group(1), m.group(2)
        if key == "threadlab-only" and value is None:
            key, value = "threadlab", "only"
        if key not in HEADERS:
            known = ", ".join(sorted(HEADERS))
            raise ProgramError(f"{name}: unknown header {line!r} (known: {known}, threadlab-only)")
        if value is None:
            raise ProgramError(f"{name}: header {key!r} needs a value")
        allowed = HEADERS[key]
        if key == "stderr":
            parts = [p.strip() for p in value.split(",")]
            bad = [p for p in parts if p not in STDERR_PARTS]
            if bad:
                raise ProgramError(f"{name}: stderr: {bad} not in {sorted(STDERR_PARTS)}")
            value = ",".join(parts)
        elif key == "refused-at":
            if not value.isdigit() or int(value) < 1:
                raise ProgramError(f"{name}: refused-at must be a line number, not {value!r}")
        elif value not in allowed:
            raise ProgramError(f"{name}: {key}: {value!r} not in {sorted(allowed)}")
        if key in headers:
            raise ProgramError(f"{name}: header {key!r} given twice")
        headers[key] = value
    refused = headers.get("threadlab") == "refused"
    if refused != ("refused-at" in headers):
        raise ProgramError(f"{name}: `threadlab: refused` and `refused-at: LINE` go together")
    if refused:
        lines = source.splitlines()
        at = int(headers["refused-at"])
        if at > len(lines) or not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#"):
            raise ProgramError(f"{name}: refused-at {at} is not a line of code")
    return headers


def syntax_error_of(source, name):
    """CPython's compile-time error (parser, tokenizer or compiler), or None."""
    try:
        compile(source, name, "exec")
    except SyntaxError as e:  # IndentationError and TabError too
        return {"type": type(e).__name__, "line": e.lineno, "column": e.offset, "message": e.msg}
    return None


def parse_tracebacks(stderr, program_path):
    """The main program's uncaught exception and the threads' ones, from CPython's traceback text.

    A chain of tracebacks (joined by "During handling..." or "The above exception...") ends in the one
    that was uncaught; a chain that follows "Exception in thread NAME:" belongs to that thread. The line
    is the last frame in the program's own file.
    """
    lines = stderr.splitlines()
    main, threads = None, []
    i, owner = 0, None
    while i < len(lines):
        line = lines[i]
        if line.startswith("Exception in thread ") and line.endswith(":"):
            owner = "thread"
            i += 1
            continue
        if line != "Traceback (most recent call last):":
            i += 1
            continue
        frame_line = None
        i += 1
        while i < len(lines) and (lines[i].startswith(" ") or lines[i] == ""):
            m = re.match(r'^  File "(.*)", line (\d+), in ', lines[i])
            if m and os.path.abspath(m.group(1)) == program_path:
                frame_line = int(m.group(2))
            i += 1
        if i >= len(lines):
            break
        type_name, _, message = lines[i].partition(": ")
        # The traceback adds suggestions to NameError and AttributeError; str(exception) has none.
        message = re.sub(r"\. Did you mean: '[^']*'\?$", "", message)
        exc = {"type": type_name, "message": message, "line": frame_line}
        i += 1
        # A chained exception follows: the one reported for this owner is the last of the chain.
        chained = i + 2 < len(lines) and lines[i] == ""
        if chained and lines[i + 1].startswith(("During handling", "The above")):
            i += 3  # the blank line, the sentence, the blank line
            continue
        if owner == "thread":
            threads.append(exc)
        else:
            main = exc
        owner = None
    return main, threads


def startup_s(python):
    """How long the interpreter takes to start and stop with nothing to run (the best of 3)."""
    best = None
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([python, "-c", "pass"], check=True)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def python_paths(python):
    """The directories whose paths tracebacks show, to write them machine-independently."""
    code = "import sys, sysconfig; print(sysconfig.get_path('stdlib')); print(sys.version.split()[0])"
    out = subprocess.run(
        [python, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return out[0], out[1]


def child_env():
    """The environment of the programs' runs."""
    # stdout stays block-buffered, as it is for any pipe: print() then writes a line and its end without
    # releasing the GIL, so lines printed by threads at the same moment never mix (PYTHONUNBUFFERED would
    # make each piece a write(2) that releases it: "task 1 donetask 2 done" seen). Processes flush before
    # fork and at exit, so their lines arrive whole too.
    unwanted = ("PYTHONUNBUFFERED", "PYTHONSTARTUP", "PYTHONWARNINGS")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
    return env


def run(cmd, name):
    """Runs one command in tests/programs; returns (the finished process, its seconds)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=PROGRAMS, capture_output=True, timeout=TIMEOUT_S, env=child_env())
    except subprocess.TimeoutExpired:
        raise ProgramError(f"{name}: still running after {TIMEOUT_S} s") from None
    return done, time.perf_counter() - start


def measure_wall(python, path, name):
    """The median of WALL_RUNS timed runs, interpreter start-up excluded."""
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "wall")
        for _ in range(WALL_RUNS):
            run([python, "-c", TIMER, out, str(path)], name)
            with open(out) as f:
                walls.append(float(f.read()))
    return round(statistics.median(walls), 3)


def record(python, path, stdlib, version):
    """Runs one program; returns (its record, seconds the run took with start-up)."""
    name = path.name
    source_bytes = path.read_bytes()
    source = source_bytes.decode("utf-8")
    headers = parse_headers(source, name)
    syntax_error = syntax_error_of(source, name)
    done, seconds = run([python, name], name)
    stdout = done.stdout.decode("utf-8")
    stderr = done.stderr.decode("utf-8")
    exception, thread_exceptions = parse_tracebacks(stderr, str(path))
    if syntax_error is not None:
        exception = None  # the traceback-less SyntaxError report is in syntax_error
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        if not last.startswith(syntax_error["type"] + ":"):
            said = syntax_error["type"]
            raise ProgramError(f"{name}: compile() says {said} but the run ended with {last!r}")
    stderr = stderr.replace(str(PROGRAMS) + os.sep, "").replace(stdlib + os.sep, "<stdlib>/")
    wall = measure_wall(python, path, name) if headers.get("timing") == "wall" else None
    if wall is not None and not WALL_RANGE_S[0] <= wall <= WALL_RANGE_S[1]:
        print(f"  warning: {name}: wall time {wall} s is outside {WALL_RANGE_S[0]}-{WALL_RANGE_S[1]} s")
    rec = {
        "exception": exception,
        "headers": headers,
        "python": version,
        "returncode": done.returncode,
        "source_fnv1a64": fnv1a64(source_bytes),
        "stderr": stderr,
        "stdout": stdout,
        "syntax_error": syntax_error,
        "thread_exceptions": thread_exceptions,
        "wall_s": wall,
    }
    return rec, seconds


def stable_stderr(text, order_any):
    """stderr without the standard library's frames (their lines change between patch releases)."""
    out, skip = [], False
    for line in text.splitlines():
        if skip and line.startswith("    "):
            continue
        skip = line.startswith('  File "<stdlib>/')
        if not skip:
            out.append(line)
    return sorted(out) if order_any else out


def first_difference(old, new, order_any):
    """What differs between two records in what the corpus compares, or None when they agree."""
    if old is None:
        return "no recording yet"
    for key in ("source_fnv1a64", "headers", "returncode", "syntax_error", "exception"):
        if old.get(key) != new.get(key):
            return f"{key}: {old.get(key)!r} -> {new.get(key)!r}"
    threads_old, threads_new = old.get("thread_exceptions", []), new.get("thread_exceptions", [])
    if order_any:
        threads_old = sorted(map(json.dumps, threads_old))
        threads_new = sorted(map(json.dumps, threads_new))
    if threads_old != threads_new:
        return f"thread_exceptions: {threads_old!r} -> {threads_new!r}"
    for key, a, b in (
        ("stdout", old.get("stdout", "").splitlines(), new["stdout"].splitlines()),
        ("stderr", stable_stderr(old.get("stderr", ""), order_any), stable_stderr(new["stderr"], order_any)),
    ):
        if key == "stdout" and order_any:
            a, b = sorted(a), sorted(b)
        if a != b:
            for n, (x, y) in enumerate(zip(a, b), 1):
                if x != y:
                    return f"{key} line {n}: {x!r} -> {y!r}"
            return f"{key}: {len(a)} lines -> {len(b)} lines"
    w_old, w_new = old.get("wall_s"), new.get("wall_s")
    if (w_old is None) != (w_new is None):
        return f"wall_s: {w_old} -> {w_new}"
    if w_old is not None and abs(w_old - w_new) > WALL_SAME[0] * w_old + WALL_SAME[1]:
        return f"wall_s: {w_old} -> {w_new}"
    return None


def write_json(path, rec):
    path.write_text(json.dumps(rec, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def main():
    parser = argparse.ArgumentParser(
        description="Run every tests/programs/*.py with CPython and write NAME.expected.json beside it.",
        epilog="Only files whose recording changed are rewritten. Exit status 1 on --check differences "
        "or on programs that fail the corpus's rules (timeouts, over 1 s, bad headers).",
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME_PART", help="only programs whose name contains one of these"
    )
    parser.add_argument("--check", action="store_true", help="report differences, write nothing")
    parser.add_argument("--force", action="store_true", help="rewrite every file, hand-written ones too")
    parser.add_argument("--python", default="python3", help="the CPython to record (default: python3)")
    parser.add_argument("--dir", type=Path, help="the programs' directory (default: tests/programs)")
    args = parser.parse_args()
    if args.dir is not None:
        global PROGRAMS
        PROGRAMS = args.dir.resolve()

    stdlib, version = python_paths(args.python)
    startup = startup_s(args.python)
    if not version.startswith("3.11."):
        print(f"warning: recording with Python {version}; the corpus was recorded with 3.11")
    programs = sorted(
        p for p in PROGRAMS.glob("*.py") if not args.names or any(n in p.stem for n in args.names)
    )
    if not programs:
        sys.exit(f"no program matches {args.names}")
    orphans = [
        p.name
        for p in PROGRAMS.glob("*.expected.json")
        if not p.with_name(p.name[: -len(".expected.json")] + ".py").exists()
    ]
    print(f"{len(programs)} programs, {args.python} {version}{' (check only)' if args.check else ''}")

    timings, problems, differences, written = [], [], [], 0
    for path in programs:
        out = path.with_name(path.stem + ".expected.json")
        old = load_json(out)
        try:
            new, seconds = record(args.python, path, stdlib, version)
        except ProgramError as e:
            problems.append(str(e))
            print(f"  FAIL {e}")
            continue
        seconds -= startup
        timings.append((seconds, path.name))
        if seconds > MAX_PROGRAM_S:
            problems.append(f"{path.name}: took {seconds:.2f} s (over {MAX_PROGRAM_S} s)")
        if new["headers"].get("threadlab") == "only" and not args.force:
            if old is None:
                print(f"  note: {path.name} is threadlab-only: write its expectations by hand")
            else:
                # Keep the expectations written by hand; bring the bookkeeping up to date.
                new = dict(old, source_fnv1a64=new["source_fnv1a64"], headers=new["headers"])
        order_any = new["headers"].get("order") == "any"
        diff = first_difference(old, new, order_any)
        if diff is None and (args.check or not args.force):
            continue
        if args.check:
            differences.append(f"{path.name}: {diff}")
            print(f"  differs {path.name}: {diff}")
            continue
        write_json(out, new)
        written += 1
        print(f"  wrote {out.name}{'' if diff is None else ': ' + diff}")

    timings.sort(reverse=True)
    slowest = ", ".join(f"{n} {s:.2f} s" for s, n in timings[:5])
    print(f"slowest (less {startup * 1000:.0f} ms of interpreter start-up): {slowest}")
    for name in orphans:
        problems.append(f"{name}: no program of that name")
    verb = "differ" if args.check else "rewritten"
    changed = len(differences) if args.check else written
    print(f"{len(programs)} programs, {changed} {verb}, {len(problems)} problems")
    for p in problems:
        print("  problem:", p)
    sys.exit(1 if problems or differences else 0)


if __name__ == "__main__":
    main()

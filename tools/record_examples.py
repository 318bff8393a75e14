"""Record what CPython prints for every example, in every mode, at its defaults and at each of its cases.

An example is a folder examples/<id>/ (see src/examples/mod.rs): example.json (the manifest: modes and
cases) and one Python program per mode. For every example x mode x case this tool rewrites the program's
`# param` literals to the case's values (exactly as the Rust side's `examples::params::apply` does: the
rules are below and in src/examples/params.rs, and tests/examples.rs checks that both agree), runs
`python3 PROGRAM.py` in a temporary directory with PYTHONPATH=examples/cpython (a 120 s timeout; 6 runs at
once, they mostly sleep; a run that computed for more than a quarter of its wall time is timed again
alone afterwards, its wall time on a shared machine being meaningless) and writes examples/<id>/expected.json:

    {"modes": {MODE: {"order": "exact" | "any",
                      "cases": {"defaults" | CASE: {"params": {...}, "source_sha256": HEX,
                                                    "network_sha256": HEX (when the program imports network),
                                                    "stdout": TEXT, "exception": null | {"type", "message",
                                                    "line"}, "returncode": N, "cpython_s": SECONDS}}}}}

keys sorted, indent 1. `source_sha256` is the SHA-256 of the exact (rewritten) program CPython ran, so a
changed program or case makes tests/examples.rs fail until it is recorded again. A file is rewritten only
when something the test compares changed (the program, the case, stdout (as a multiset of lines for
`order: any`), the exception, the return code): a rerun that only measured other wall times leaves it.

Rewriting (the shared rule). A parameter is a top-level `NAME = LITERAL` on one line whose trailing comment
starts with `# param`. Its literal is replaced only when the new value differs from the literal's value;
the new literal is:
  - a toggle: `True` / `False`;
  - an integer (an int literal whose limits are ints): the decimal integer, `-3`;
  - a number (a float literal, or a limit written with `.` or `e`): Python's repr() of the float, `0.2`,
    `1.0`, `1e-05`;
  - a list: `[` items joined by `, ` `]`, each item written as an integer or a number as above (a number
    list when the literal holds a float or a limit is written as a float);
  - a string: in double quotes, with `\\` `"` escaped by a backslash, newline, carriage return and tab as
    `\\n` `\\r` `\\t`, any other control character (Unicode category Cc) as `\\xNN`, U+2028/U+2029 as
    `\\u2028`/`\\u2029`, everything else as itself.

Usage:
  python3 tools/record_examples.py [--check] [--jobs N] [ID ...]
  python3 tools/record_examples.py --rewrite FILE.py 'JSON object of values'   (prints the rewritten text)

--check records again and fails (exit 1) on any difference from expected.json, writing nothing.
"""

import argparse
import ast
import concurrent.futures
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import tokenize
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CPYTHON = EXAMPLES / "cpython"
NETWORK = CPYTHON / "network.py"
TIMEOUT_S = 120.0
PYTHON = os.environ.get("RECORD_PYTHON", "python3")  # CPython 3.11, the oracle
JOBS = 6
CPU_BOUND = 0.25  # a run whose CPU time is above this share of its wall time is timed again alone

PARAM_COMMENT = re.compile(r"^#\s*param(?=\s|\[|$)")


class ToolError(Exception):
    """A problem with an example folder or a program run, reported and counted."""


# ------------------------------------------------------------------------------------------------------
# The rewriting rule (twin of src/examples/params.rs: `apply`)


def quote(text):
    """A string literal as the rule writes it."""
    out = ['"']
    for c in text:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c in "\u2028\u2029":
            out.append("\\u%04x" % ord(c))
        elif unicodedata.category(c) == "Cc":
            out.append("\\x%02x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def float_bounds(comment):
    """Whether the declaration's limits `LOW..HIGH` are written as floats."""
    m = re.match(r"^#\s*param\s*\[([^\]]*)\]", comment)
    if not m:
        return False
    for part in m.group(1).split(","):
        part = part.strip()
        if ".." not in part:
            continue
        low, high = part.split("..", 1)
        high = high.strip().split(" ")[0] if high.strip() else ""
        for bound in (low.strip(), high):
            if "." in bound or "e" in bound.lower():
                return True
    return False


def literal_kind(value, comment):
    """The parameter's kind from its literal and its limits: bool, int, float, ints, floats, str."""
    floats = float_bounds(comment)
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "float" if floats else "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, list):
        if floats or any(isinstance(x, float) for x in value):
            return "floats"
        return "ints"
    if isinstance(value, str):
        return "str"
    raise ToolError(f"a parameter's literal is a {type(value).__name__}")


def coerce(kind, value):
    """The value as the parameter's kind holds it (JSON gives ints for floats and texts for numbers)."""
    if kind == "bool":
        if isinstance(value, str):
            return value.strip() == "true"
        return bool(value)
    if kind == "int":
        return int(float(value))
    if kind == "float":
        return float(value)
    if kind in ("ints", "floats"):
        if isinstance(value, str):
            value = [t for t in re.split(r"[,\s]+", value) if t]
        one = (lambda x: int(float(x))) if kind == "ints" else float
        return [one(x) for x in value]
    if isinstance(value, str):
        return value
    raise ToolError(f"{value!r} is not a text")


def literal(kind, value):
    """The Python literal the rule writes for a (coerced) value."""
    if kind == "bool":
        return "True" if value else "False"
    if kind == "int":
        return str(value)
    if kind == "float":
        return repr(value)
    if kind == "ints":
        return "[" + ", ".join(str(x) for x in value) + "]"
    if kind == "floats":
        return "[" + ", ".join(repr(x) for x in value) + "]"
    return quote(value)


def declarations(source):
    """The `# param` declarations of a program: {name: (line index, start byte, end byte, value, comment)}."""
    comments = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and PARAM_COMMENT.match(tok.string):
            comments[tok.start[0]] = tok.string
    found = {}
    for node in ast.parse(source).body:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.lineno == node.end_lineno
            and node.lineno in comments
        ):
            continue
        value = ast.literal_eval(node.value)
        v = node.value
        found[node.targets[0].id] = (node.lineno - 1, v.col_offset, v.end_col_offset, value, comments[node.lineno])
    return found


def rewrite(source, values):
    """The program with its parameters' literals set to `values` ({name: JSON value}); names the program
    doesn't declare are left out (the parameter doesn't apply to this mode)."""
    decls = declarations(source)
    lines = source.splitlines(keepends=True)
    for name, given in values.items():
        if name not in decls:
            continue
        index, start, end, old, comment = decls[name]
        kind = literal_kind(old, comment)
        new = coerce(kind, given)
        if new == coerce(kind, old):
            continue
        line = lines[index].encode("utf-8")
        lines[index] = (line[:start] + literal(kind, new).encode("utf-8") + line[end:]).decode("utf-8")
    return "".join(lines)


# ------------------------------------------------------------------------------------------------------
# Running CPython


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def child_env():
    """The environment of the programs' runs (as tools/record_cpython.py: block-buffered stdout)."""
    unwanted = ("PYTHONUNBUFFERED", "PYTHONSTARTUP", "PYTHONWARNINGS", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8", PYTHONPATH=str(CPYTHON))
    return env


def main_exception(stderr, program_path):
    """The main program's uncaught exception from CPython's traceback text (threads' and processes'
    tracebacks, which follow `Exception in thread NAME:` or `Process NAME:`, are left out), or None."""
    lines = stderr.splitlines()
    main, owner, i = None, None, 0
    while i < len(lines):
        line = lines[i]
        if (line.startswith("Exception in thread ") or line.startswith("Process ")) and line.endswith(":"):
            owner = "other"
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
        message = re.sub(r"\. Did you mean: '[^']*'\?$", "", message)
        i += 1
        chained = i + 2 < len(lines) and lines[i] == ""
        if chained and lines[i + 1].startswith(("During handling", "The above")):
            i += 3
            continue
        if owner is None:
            main = {"type": type_name, "message": message, "line": frame_line}
        owner = None
    return main


def execute(path, cwd):
    """Runs `python3 path`: (stdout, stderr, return code, wall seconds, CPU seconds of the program and the
    processes it waited for), or None after TIMEOUT_S (the program is killed)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [PYTHON, path], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env()
    )
    out, err = [], []
    readers = [
        threading.Thread(target=lambda: out.append(child.stdout.read())),
        threading.Thread(target=lambda: err.append(child.stderr.read())),
    ]
    for r in readers:
        r.start()
    killer = threading.Timer(TIMEOUT_S, child.kill)
    killer.start()
    # wait4 reaps the child and gives its resource usage (subprocess' own wait doesn't).
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    timed_out = not killer.is_alive()
    killer.cancel()
    for r in readers:
        r.join()
    if timed_out:
        return None
    return out[0], err[0], child.returncode, wall, usage.ru_utime + usage.ru_stime


def run_case(example, mode, case_name, params, source, network_hash):
    """Runs one program; returns its recording and the CPU seconds it used."""
    with tempfile.TemporaryDirectory(prefix="threadlab-example-") as tmp:
        path = os.path.join(tmp, mode["file"])
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        done = execute(path, tmp)
        if done is None:
            raise ToolError(f"{example}/{mode['id']}/{case_name}: still running after {TIMEOUT_S:.0f} s")
        stdout, stderr, returncode, elapsed, cpu = done
        stderr = stderr.decode("utf-8", "replace")
    rec = {
        "params": params,
        "source_sha256": sha256(source),
        "stdout": stdout.decode("utf-8", "replace"),
        "exception": main_exception(stderr, os.path.abspath(path)),
        "returncode": returncode,
        "cpython_s": round(elapsed, 3),
    }
    if network_hash is not None:
        rec["network_sha256"] = network_hash
    return rec, cpu


def time_alone(mode, source):
    """The wall time of a program run alone (a CPU-bound program's time means nothing when 6 share the
    cores)."""
    with tempfile.TemporaryDirectory(prefix="threadlab-example-") as tmp:
        path = os.path.join(tmp, mode["file"])
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        done = execute(path, tmp)
        return None if done is None else round(done[3], 3)


def uses_network(source):
    return re.search(r"^\s*(import network|from network import)", source, re.M) is not None


def load_example(folder):
    """The manifest and each mode's program text."""
    try:
        manifest = json.loads((folder / "example.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ToolError(f"{folder.name}/example.json: {e}") from None
    sources = {}
    for mode in manifest.get("modes", []):
        try:
            sources[mode["id"]] = (folder / mode["file"]).read_text(encoding="utf-8")
        except (OSError, KeyError) as e:
            raise ToolError(f"{folder.name}: mode {mode.get('id')}: {e}") from None
    return manifest, sources


def cases_of(manifest):
    """[(name, params)]: the defaults, then each case of the manifest."""
    cases = [("defaults", {})]
    for case in manifest.get("cases", []):
        if case.get("name") in (None, "defaults"):
            raise ToolError(f"a case needs a name other than 'defaults': {case}")
        cases.append((case["name"], case.get("params", {})))
    return cases


def lines_key(text, order):
    return sorted(text.splitlines()) if order == "any" else text


def compared(rec, order):
    """What the test compares of one recording (wall time left out)."""
    return (
        rec.get("params"),
        rec.get("source_sha256"),
        rec.get("network_sha256"),
        lines_key(rec.get("stdout", ""), order),
        rec.get("exception"),
        rec.get("returncode"),
    )


def first_difference(old, new, order):
    if old is None:
        return "not recorded"
    for key in ("params", "source_sha256", "network_sha256", "exception", "returncode"):
        if old.get(key) != new.get(key):
            return f"{key}: recorded {json.dumps(old.get(key))}, now {json.dumps(new.get(key))}"
    a, b = old.get("stdout", "").splitlines(), new.get("stdout", "").splitlines()
    if order == "any":
        a, b = sorted(a), sorted(b)
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"stdout line {i + 1}: recorded {x!r}, now {y!r}"
    return f"stdout: recorded {len(a)} lines, now {len(b)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the recordings, write nothing")
    parser.add_argument("--jobs", type=int, default=JOBS, help="programs run at once (default 6)")
    parser.add_argument("--rewrite", nargs=2, metavar=("FILE", "VALUES"), help="print FILE rewritten")
    parser.add_argument("ids", nargs="*", help="example ids (default: every example folder)")
    args = parser.parse_args()

    if args.rewrite:
        path, values = args.rewrite
        source = Path(path).read_text(encoding="utf-8")
        sys.stdout.write(rewrite(source, json.loads(values)))
        return 0

    folders = sorted(p for p in EXAMPLES.iterdir() if (p / "example.json").is_file() and p.name != "cpython")
    if args.ids:
        known = {p.name for p in folders}
        unknown = [i for i in args.ids if i not in known]
        if unknown:
            print(f"no example folder: {', '.join(unknown)} (known: {', '.join(sorted(known))})", file=sys.stderr)
            return 2
        folders = [p for p in folders if p.name in args.ids]

    network_hash = sha256(NETWORK.read_text(encoding="utf-8")) if NETWORK.exists() else None
    problems = []
    jobs = []  # (folder, mode, case name, params, source)
    examples = {}
    for folder in folders:
        try:
            manifest, sources = load_example(folder)
            examples[folder.name] = manifest
            for mode in manifest["modes"]:
                for name, params in cases_of(manifest):
                    source = rewrite(sources[mode["id"]], params)
                    net = network_hash if uses_network(source) else None
                    jobs.append((folder, mode, name, params, source, net))
        except (ToolError, SyntaxError, ValueError, KeyError) as e:
            problems.append(f"{folder.name}: {e}")

    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {
            pool.submit(run_case, f.name, m, n, p, s, net): (f.name, m["id"], n) for f, m, n, p, s, net in jobs
        }
        busy = []  # the CPU-bound runs, timed again one at a time
        for fut in concurrent.futures.as_completed(futures):
            key = futures[fut]
            try:
                results[key], cpu = fut.result()
                print(f"  {'/'.join(key)}: {results[key]['cpython_s']:.2f} s", file=sys.stderr)
                if cpu > CPU_BOUND * results[key]["cpython_s"]:
                    busy.append(key)
            except ToolError as e:
                problems.append(str(e))
    # Timed alone: a program that computes more than it waits ran slower beside five others.
    by_key = {(f.name, m["id"], n): (m, s) for f, m, n, p, s, net in jobs}
    for key in sorted(busy):
        alone = time_alone(*by_key[key])
        if alone is not None:
            print(f"  {'/'.join(key)}: {alone:.2f} s alone", file=sys.stderr)
            results[key]["cpython_s"] = alone

    written, differing = [], []
    for folder in folders:
        if folder.name not in examples:
            continue
        manifest = examples[folder.name]
        path = folder / "expected.json"
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        new = {"modes": {}}
        changed = False
        complete = True
        for mode in manifest["modes"]:
            order = mode.get("order", "exact")
            old_mode = old.get("modes", {}).get(mode["id"], {})
            cases = {}
            for name, _ in cases_of(manifest):
                rec = results.get((folder.name, mode["id"], name))
                if rec is None:
                    complete = False
                    continue
                prev = old_mode.get("cases", {}).get(name)
                if prev is not None and compared(prev, order) == compared(rec, order):
                    cases[name] = prev
                else:
                    changed = True
                    differing.append(f"{folder.name}/{mode['id']}/{name}: {first_difference(prev, rec, order)}")
                    cases[name] = rec
            if old_mode.get("order") != order:
                changed = True
            new["modes"][mode["id"]] = {"order": order, "cases": cases}
        if set(old.get("modes", {})) != set(new["modes"]) or any(
            set(old["modes"][m].get("cases", {})) != set(new["modes"][m]["cases"]) for m in new["modes"] if m in old.get("modes", {})
        ):
            changed = True
        if changed and complete and not args.check:
            path.write_text(json.dumps(new, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
            written.append(folder.name)

    for d in differing:
        print(("differs: " if args.check else "recorded: ") + d, file=sys.stderr)
    for p in problems:
        print(f"problem: {p}", file=sys.stderr)
    if written:
        print(f"wrote {', '.join(f'examples/{w}/expected.json' for w in written)}", file=sys.stderr)
    if problems or (args.check and differing):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

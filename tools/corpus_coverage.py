#!/usr/bin/env python3
"""How many corpus programs use each construct, builtin and module item of ThreadLab's Python subset.

The subset is listed in /work/notes/VM-DESIGN.md ("The subset"); ITEMS below enumerates it as a table of
(area, item, detector). Every tests/programs/*.py that CPython can compile is parsed with `ast` and each
detector looks at what the program's tree contains. Programs that ThreadLab refuses (`# threadlab:
refused`) and syntax errors don't count: they never run.

    python3 tools/corpus_coverage.py           # a table: item, programs using it; then the missing ones
    python3 tools/corpus_coverage.py --check   # only the missing ones; exit 1 if any
    python3 tools/corpus_coverage.py --item 'Barrier'   # which programs use the items matching a word

Detection is syntactic, so a method is recognised by its name in a program that also uses the class it
belongs to (`.wait(0.1)` in a program that creates a `threading.Event` counts as `Event.wait(timeout)`).
"""

import argparse
import ast
import json
import sys
from collections import Counter
from pathlib import Path

PROGRAMS = Path(__file__).resolve().parent.parent / "tests" / "programs"


class Facts:
    """What one program's syntax tree contains, in the terms the detectors ask about."""

    def __init__(self, tree, expected):
        self.nodes = Counter()  # ast node class names
        self.refs = Counter()  # resolved module references: "threading.Lock", "concurrent.futures.wait"
        self.names = Counter()  # every Name loaded (builtins, exceptions)
        self.attrs = Counter()  # attribute names used anywhere (`.name`)
        self.calls = []  # (callee, call node): callee = a resolved ref, a builtin name, or ".method"
        self.flags = set()  # constructs that need more than a node name (see visit below)
        self.imports = set()  # modules imported
        self.aliases = {}  # local name -> dotted module path it stands for
        self.uncaught = set()  # exception types the recording says ended the program or a thread
        if expected:
            for exc in [expected.get("exception")] + expected.get("thread_exceptions", []):
                if exc:
                    self.uncaught.add(exc["type"])
        self._bind_imports(tree)
        self._visit(tree)

    # --- names and references ---

    def _bind_imports(self, tree):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.imports.add(a.name)
                    if a.asname:
                        self.aliases[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module:
                self.imports.add(node.module)
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                    self.refs[f"{node.module}.{a.name}"] += 0  # known, counted when used

    def resolve(self, expr):
        """The dotted module path an expression names (`t.Lock` with `import threading as t`), or None."""
        if isinstance(expr, ast.Name):
            return self.aliases.get(expr.id)
        if isinstance(expr, ast.Attribute):
            base = self.resolve(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None

    def callee(self, call):
        ref = self.resolve(call.func)
        if ref:
            return ref
        if isinstance(call.func, ast.Name):
            return call.func.id
        if isinstance(call.func, ast.Attribute):
            return "." + call.func.attr
        return None

    # --- the walk ---

    def _visit(self, tree):
        for node in ast.walk(tree):
            self.nodes[type(node).__name__] += 1
            if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
                ref = self.resolve(node)
                if ref and "." in ref:
                    self.refs[ref] += 1
                if isinstance(node, ast.Name):
                    self.names[node.id] += 1
            if isinstance(node, ast.Call):
                self.calls.append((self.callee(node), node))
                if any(isinstance(a, ast.Starred) for a in node.args):
                    self.flags.add("call *args")
                if any(k.arg is None for k in node.keywords):
                    self.flags.add("call **kwargs")
                if any(k.arg is not None for k in node.keywords):
                    self.flags.add("call keyword")
            getattr(self, "_on_" + type(node).__name__, lambda n: None)(node)
        self.attrs = Counter(n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute))
        class_facts(self, tree)

    def _on_Assign(self, node):
        for t in node.targets:
            kind = {ast.Tuple: "tuple", ast.List: "tuple", ast.Attribute: "attribute", ast.Subscript: "subscript"}
            if type(t) in kind:
                self.flags.add("assign " + kind[type(t)])
            if len(node.targets) > 1:
                self.flags.add("assign chained")

    def _on_AugAssign(self, node):
        self.flags.add("augassign " + type(node.target).__name__.lower())

    def _on_FunctionDef(self, node):
        a = node.args
        if a.defaults or any(d is not None for d in a.kw_defaults):
            self.flags.add("def defaults")
        if a.vararg:
            self.flags.add("def *args")
        if a.kwarg:
            self.flags.add("def **kwargs")
        if a.kwonlyargs:
            self.flags.add("def keyword-only")
        if a.vararg and a.kwarg:
            # forwarding: the same function passes *args, **kwargs on
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    star = any(isinstance(x, ast.Starred) for x in call.args)
                    dstar = any(k.arg is None for k in call.keywords)
                    if star and dstar:
                        self.flags.add("forward *args **kwargs")

    _on_AsyncFunctionDef = _on_FunctionDef

    def _on_Lambda(self, node):
        if node.args.defaults:
            self.flags.add("lambda defaults")

    def _on_If(self, node):
        if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            self.flags.add("elif")
        elif node.orelse:
            self.flags.add("else")
        t = node.test
        if (
            isinstance(t, ast.Compare)
            and isinstance(t.left, ast.Name)
            and t.left.id == "__name__"
            and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in t.comparators)
        ):
            self.flags.add("main guard")

    def _on_For(self, node):
        it = node.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("range", "enumerate", "zip"):
            self.flags.add("for " + it.func.id)
        elif isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in ("items", "keys", "values"):
            self.flags.add("for dict")
        elif isinstance(it, (ast.Dict, ast.DictComp)):
            self.flags.add("for dict")
        elif isinstance(it, (ast.List, ast.ListComp, ast.Name, ast.Subscript)):
            self.flags.add("for list")
        elif isinstance(it, ast.Tuple):
            self.flags.add("for tuple")
        elif isinstance(it, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(it, "value", ""), str):
            self.flags.add("for str")
        if isinstance(node.target, ast.Tuple):
            self.flags.add("for unpacking")
        if node.orelse:
            self.flags.add("for else")

    def _on_While(self, node):
        if node.orelse:
            self.flags.add("while else")

    def _on_Try(self, node):
        if node.handlers:
            self.flags.add("try except")
        if len(node.handlers) > 1:
            self.flags.add("try several excepts")
        if any(isinstance(h.type, ast.Tuple) for h in node.handlers):
            self.flags.add("except tuple")
        if any(h.type is None for h in node.handlers):
            self.flags.add("bare except")
        if any(h.name for h in node.handlers):
            self.flags.add("except as")
        if node.orelse:
            self.flags.add("try else")
        if node.finalbody:
            self.flags.add("try finally")

    def _on_Raise(self, node):
        if node.cause is not None:
            self.flags.add("raise from")
        if node.exc is None:
            self.flags.add("bare raise")

    def _on_Delete(self, node):
        for t in node.targets:
            if isinstance(t, ast.Name):
                self.flags.add("del name")
            elif isinstance(t, ast.Attribute):
                self.flags.add("del attribute")
            elif isinstance(t, ast.Subscript):
                s = t.slice
                if isinstance(s, ast.Slice):
                    self.flags.add("del slice")
                elif isinstance(s, ast.Constant) and isinstance(s.value, str):
                    self.flags.add("del dict key")
                else:
                    self.flags.add("del list item")

    def _on_Subscript(self, node):
        s = node.slice
        if isinstance(s, ast.Slice):
            self.flags.add("slicing")
            step = s.step
            if isinstance(step, ast.UnaryOp) and isinstance(step.op, ast.USub):
                self.flags.add("slicing negative step")
            if isinstance(step, ast.Constant) and isinstance(step.value, int) and step.value < 0:
                self.flags.add("slicing negative step")

    def _on_JoinedStr(self, node):
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                if v.format_spec is not None:
                    self.flags.add("f-string format spec")
                if v.conversion != -1:
                    self.flags.add("f-string conversion")

    def _on_BinOp(self, node):
        if isinstance(node.op, ast.Mod) and isinstance(node.left, (ast.Constant, ast.JoinedStr)):
            if isinstance(getattr(node.left, "value", ""), str):
                self.flags.add("% formatting")
        if isinstance(node.op, ast.FloorDiv):
            self.flags.add("floor division")
        if isinstance(node.op, ast.Pow):
            self.flags.add("power operator")

    def _on_Compare(self, node):
        for op in node.ops:
            if isinstance(op, (ast.Is, ast.IsNot)):
                self.flags.add("is comparison")
            if isinstance(op, (ast.In, ast.NotIn)):
                self.flags.add("in comparison")
        if len(node.ops) > 1:
            self.flags.add("chained comparison")

    def _on_IfExp(self, node):
        self.flags.add("conditional expression")

    def _on_Call(self, node):
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr == "format" and isinstance(f.value, ast.Constant):
            self.flags.add("str.format")
        if isinstance(f, ast.Name) and f.id in ("sum", "any", "all", "min", "max", "sorted") and node.args:
            if isinstance(node.args[0], ast.GeneratorExp):
                self.flags.add(f"generator expression in {f.id}")
        if isinstance(f, ast.Name) and f.id == "isinstance" and len(node.args) == 2:
            if isinstance(node.args[1], ast.Tuple):
                self.flags.add("isinstance with a tuple")
        if isinstance(f, ast.Name) and f.id == "getattr" and len(node.args) == 3:
            self.flags.add("getattr default")
        if isinstance(f, ast.Name) and f.id == "round" and node.args:
            a = node.args[0]
            if isinstance(a, ast.Constant) and isinstance(a.value, float) and (a.value * 2) % 2 == 1:
                self.flags.add("round half-even")
        if isinstance(f, ast.Name) and f.id == "super" and not node.args:
            self.flags.add("super()")
        if isinstance(f, ast.Name) and f.id == "print":
            for k in node.keywords:
                if k.arg in ("sep", "end", "flush"):
                    self.flags.add(f"print {k.arg}=")

    def _on_With(self, node):
        for item in node.items:
            e = item.context_expr
            ref = self.resolve(e.func) if isinstance(e, ast.Call) else None
            if ref and ref.endswith("Executor"):
                self.flags.add("with executor")
            elif ref and ref.endswith("Pool"):
                self.flags.add("with pool")
            elif isinstance(e, (ast.Name, ast.Attribute)):
                self.flags.add("with lock")  # a lock-like object held in a name or attribute
        if len(node.items) > 1:
            self.flags.add("with several items")


def class_facts(facts, tree):
    """Class-level facts: inheritance chains, Thread subclasses, __init__, methods."""
    classes = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            methods = {f.name: f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
            classes[node.name] = (node, methods)
            if len(node.bases) == 1:
                facts.flags.add("class single inheritance")
            if "__init__" in methods:
                facts.flags.add("class __init__")
            if methods:
                facts.flags.add("class methods")
            if any(facts.resolve(b) == "threading.Thread" for b in node.bases):
                facts.flags.add("Thread subclass")
                if "run" in methods:
                    facts.flags.add("Thread subclass run")
                init = methods.get("__init__")
                if init and any(
                    isinstance(c, ast.Call)
                    and isinstance(c.func, ast.Attribute)
                    and c.func.attr == "__init__"
                    and isinstance(c.func.value, ast.Call)
                    and isinstance(c.func.value.func, ast.Name)
                    and c.func.value.func.id == "super"
                    for c in ast.walk(init)
                ):
                    facts.flags.add("Thread subclass __init__ super().__init__()")
    # a chain of three user classes, each below calling super()
    for name, (node, methods) in classes.items():
        depth, cur, uses_super = 1, node, 0
        while cur.bases and isinstance(cur.bases[0], ast.Name) and cur.bases[0].id in classes:
            if any(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == "super" for c in ast.walk(cur)):
                uses_super += 1
            cur = classes[cur.bases[0].id][0]
            depth += 1
            if depth > 10:
                break
        if depth >= 3 and uses_super >= 2:
            facts.flags.add("super() chain of 3 classes")


# --- detectors: each takes Facts and says whether the program uses the item ---


def node(name):
    return lambda f: f.nodes[name] > 0


def flag(name):
    return lambda f: name in f.flags


def builtin(name):
    return lambda f: f.names[name] > 0 and name not in f.aliases


def exception(name):
    return lambda f: (f.names[name] > 0 and name not in f.aliases) or name in f.uncaught


def ref(dotted):
    """The program refers to a module item (`threading.Lock`, `from threading import Lock`)."""
    return lambda f: f.refs[dotted] > 0


def calls_ref_with(dotted, *, kw=(), nargs=None):
    """The program calls a module item with one of the keywords `kw` (or at least `nargs` positionals)."""

    def detect(f):
        for callee, call in f.calls:
            if callee != dotted:
                continue
            if kw and any(k.arg in kw for k in call.keywords):
                return True
            if nargs is not None and len(call.args) >= nargs:
                return True
            if not kw and nargs is None:
                return True
        return False

    return detect


def method(name, *, needs, kw=(), nargs=None, kw_values=None):
    """A method call `.name(...)` in a program that refers to one of `needs` (the class it belongs to).

    kw: one of these keywords given; nargs: at least this many positional arguments; kw_values:
    {keyword: value} a keyword given with this constant value.
    """
    needs = (needs,) if isinstance(needs, str) else needs

    def detect(f):
        if not any(f.refs[n] > 0 for n in needs):
            return False
        for callee, call in f.calls:
            if callee != "." + name:
                continue
            if kw_values:
                for k in call.keywords:
                    if k.arg in kw_values and isinstance(k.value, ast.Constant) and k.value.value == kw_values[k.arg]:
                        return True
                continue
            if kw and any(k.arg in kw for k in call.keywords):
                return True
            if nargs is not None and len(call.args) >= nargs:
                return True
            if not kw and nargs is None:
                return True
        return False

    return detect


def attribute(name, *, needs):
    """An attribute `.name` read (not called) in a program that refers to one of `needs`."""
    needs = (needs,) if isinstance(needs, str) else needs

    def detect(f):
        return any(f.refs[n] > 0 for n in needs) and f.attrs[name] > 0

    return detect


def both(*detectors):
    return lambda f: all(d(f) for d in detectors)


def either(*detectors):
    return lambda f: any(d(f) for d in detectors)


TH, Q, CF, AIO, MP = "threading", "queue", "concurrent.futures", "asyncio", "multiprocessing"
EXECUTORS = (f"{CF}.ThreadPoolExecutor", f"{CF}.ProcessPoolExecutor")
FUTURES_USERS = EXECUTORS + (f"{CF}.Future",)
QUEUES = (f"{Q}.Queue", f"{Q}.LifoQueue", f"{Q}.PriorityQueue")

# (area, item, detector): the subset of VM-DESIGN.md, one row per thing a program can use.
ITEMS = [
    # statements
    ("statement", "assignment", node("Assign")),
    ("statement", "tuple unpacking assignment", flag("assign tuple")),
    ("statement", "attribute assignment", flag("assign attribute")),
    ("statement", "subscript assignment", flag("assign subscript")),
    ("statement", "augmented assignment to a name", flag("augassign name")),
    ("statement", "augmented assignment to an attribute", flag("augassign attribute")),
    ("statement", "augmented assignment to a subscript", flag("augassign subscript")),
    ("statement", "def", node("FunctionDef")),
    ("statement", "def with defaults", flag("def defaults")),
    ("statement", "keyword arguments in a call", flag("call keyword")),
    ("statement", "def *args", flag("def *args")),
    ("statement", "def **kwargs", flag("def **kwargs")),
    ("statement", "call with *args", flag("call *args")),
    ("statement", "call with **kwargs", flag("call **kwargs")),
    ("statement", "*args/**kwargs forwarding", flag("forward *args **kwargs")),
    ("statement", "keyword-only parameters", flag("def keyword-only")),
    ("statement", "return", node("Return")),
    ("statement", "if", node("If")),
    ("statement", "elif", flag("elif")),
    ("statement", "else", flag("else")),
    ("statement", "for over range", flag("for range")),
    ("statement", "for over a list", flag("for list")),
    ("statement", "for over a tuple", flag("for tuple")),
    ("statement", "for over a dict", flag("for dict")),
    ("statement", "for over a str", flag("for str")),
    ("statement", "for over enumerate", flag("for enumerate")),
    ("statement", "for over zip", flag("for zip")),
    ("statement", "for with unpacking", flag("for unpacking")),
    ("statement", "while", node("While")),
    ("statement", "break", node("Break")),
    ("statement", "continue", node("Continue")),
    ("statement", "pass", node("Pass")),
    ("statement", "global", node("Global")),
    ("statement", "nonlocal", node("Nonlocal")),
    ("statement", "class", node("ClassDef")),
    ("statement", "class with single inheritance", flag("class single inheritance")),
    ("statement", "__init__", flag("class __init__")),
    ("statement", "methods", flag("class methods")),
    ("statement", "super()", flag("super()")),
    ("statement", "super() chain of 3 classes", flag("super() chain of 3 classes")),
    ("statement", "subclass of threading.Thread", flag("Thread subclass")),
    ("statement", "Thread subclass overriding run", flag("Thread subclass run")),
    ("statement", "Thread subclass __init__ calling super().__init__()", flag("Thread subclass __init__ super().__init__()")),
    ("statement", "try/except", flag("try except")),
    ("statement", "several except clauses", flag("try several excepts")),
    ("statement", "except (A, B)", flag("except tuple")),
    ("statement", "except ... as e", flag("except as")),
    ("statement", "try/else", flag("try else")),
    ("statement", "try/finally", flag("try finally")),
    ("statement", "raise", node("Raise")),
    ("statement", "raise ... from", flag("raise from")),
    ("statement", "bare raise (re-raise)", flag("bare raise")),
    ("statement", "with a lock", flag("with lock")),
    ("statement", "with an executor", flag("with executor")),
    ("statement", "assert", node("Assert")),
    ("statement", "del a name", flag("del name")),
    ("statement", "del a list item", flag("del list item")),
    ("statement", "del a dict key", flag("del dict key")),
    ("statement", "del an attribute", flag("del attribute")),
    ("statement", "lambda", node("Lambda")),
    ("statement", "lambda with defaults", flag("lambda defaults")),
    ("statement", "list comprehension", node("ListComp")),
    ("statement", "dict comprehension", node("DictComp")),
    ("statement", "set comprehension", node("SetComp")),
    ("statement", "generator expression", node("GeneratorExp")),
    ("statement", "generator expression in sum", flag("generator expression in sum")),
    ("statement", "generator expression in any", flag("generator expression in any")),
    ("statement", "generator expression in all", flag("generator expression in all")),
    ("statement", "conditional expression", flag("conditional expression")),
    ("statement", "chained comparison", flag("chained comparison")),
    ("statement", "is / is not", flag("is comparison")),
    ("statement", "in / not in", flag("in comparison")),
    ("statement", "async def", node("AsyncFunctionDef")),
    ("statement", "await", node("Await")),
    ("statement", "async with", node("AsyncWith")),
    ("statement", 'if __name__ == "__main__"', flag("main guard")),
    # values
    ("value", "f-string", node("JoinedStr")),
    ("value", "f-string format spec", flag("f-string format spec")),
    ("value", "f-string !r conversion", flag("f-string conversion")),
    ("value", "% formatting", flag("% formatting")),
    ("value", "str.format", flag("str.format")),
    ("value", "slicing", flag("slicing")),
    ("value", "slicing with a negative step", flag("slicing negative step")),
    ("value", "list display", node("List")),
    ("value", "tuple display", node("Tuple")),
    ("value", "dict display", node("Dict")),
    ("value", "set display", node("Set")),
    ("value", "floor division", flag("floor division")),
    ("value", "power operator", flag("power operator")),
    # builtins
    *[
        ("builtin", name, builtin(name))
        for name in (
            "print range len int float str repr bool list tuple dict set sum min max abs round sorted "
            "reversed enumerate zip map filter any all isinstance hasattr getattr id setattr type iter "
            "next hash divmod pow chr ord hex bin format callable super object"
        ).split()
    ],
    ("builtin", "print sep=", flag("print sep=")),
    ("builtin", "print end=", flag("print end=")),
    ("builtin", "print flush=", flag("print flush=")),
    ("builtin", "isinstance with a tuple", flag("isinstance with a tuple")),
    ("builtin", "getattr with a default", flag("getattr default")),
    ("builtin", "round half-even (round(2.5))", flag("round half-even")),
    *[
        ("exception", name, exception(name))
        for name in (
            "Exception BaseException ValueError TypeError KeyError IndexError ZeroDivisionError "
            "RuntimeError AttributeError NameError UnboundLocalError AssertionError StopIteration "
            "OverflowError RecursionError NotImplementedError TimeoutError KeyboardInterrupt"
        ).split()
    ],
    # time
    *[("time", f"time.{n}", ref(f"time.{n}")) for n in ("sleep", "perf_counter", "time", "monotonic")],
    # threading
    ("threading", "Thread", ref(f"{TH}.Thread")),
    *[
        ("threading", f"Thread({k}=)", calls_ref_with(f"{TH}.Thread", kw=(k,)))
        for k in ("target", "args", "kwargs", "name", "daemon")
    ],
    ("threading", "Thread.start", method("start", needs=f"{TH}.Thread")),
    ("threading", "Thread.join", method("join", needs=f"{TH}.Thread")),
    ("threading", "Thread.join(timeout)", method("join", needs=f"{TH}.Thread", kw=("timeout",), nargs=1)),
    ("threading", "Thread.is_alive", method("is_alive", needs=f"{TH}.Thread")),
    *[
        ("threading", f"threading.{n}", ref(f"{TH}.{n}"))
        for n in (
            "current_thread main_thread active_count enumerate get_ident Lock RLock Event Semaphore "
            "BoundedSemaphore Condition Barrier"
        ).split()
    ],
    ("threading", "Lock.acquire/release", method("release", needs=(f"{TH}.Lock", f"{TH}.RLock"))),
    ("threading", "Lock.acquire(timeout)", method("acquire", needs=f"{TH}.Lock", kw=("timeout",))),
    ("threading", "Lock.acquire(blocking=False)", method("acquire", needs=f"{TH}.Lock", kw_values={"blocking": False})),
    ("threading", "Lock.locked", method("locked", needs=f"{TH}.Lock")),
    ("threading", "RLock re-entry", method("acquire", needs=f"{TH}.RLock")),
    ("threading", "Event.set", method("set", needs=f"{TH}.Event")),
    ("threading", "Event.clear", method("clear", needs=f"{TH}.Event")),
    ("threading", "Event.is_set", method("is_set", needs=f"{TH}.Event")),
    ("threading", "Event.wait", method("wait", needs=f"{TH}.Event")),
    ("threading", "Event.wait(timeout)", method("wait", needs=f"{TH}.Event", kw=("timeout",), nargs=1)),
    ("threading", "Semaphore.acquire", method("acquire", needs=(f"{TH}.Semaphore", f"{TH}.BoundedSemaphore"))),
    ("threading", "BoundedSemaphore over-release", both(ref(f"{TH}.BoundedSemaphore"), method("release", needs=f"{TH}.BoundedSemaphore"), exception("ValueError"))),
    ("threading", "Condition.wait", method("wait", needs=f"{TH}.Condition")),
    ("threading", "Condition.wait_for", method("wait_for", needs=f"{TH}.Condition")),
    ("threading", "Condition.notify", method("notify", needs=f"{TH}.Condition")),
    ("threading", "Condition.notify_all", method("notify_all", needs=f"{TH}.Condition")),
    ("threading", "Barrier.wait", method("wait", needs=f"{TH}.Barrier")),
    # _thread
    ("_thread", "_thread.start_new_thread", ref("_thread.start_new_thread")),
    ("_thread", "_thread.allocate_lock", ref("_thread.allocate_lock")),
    # queue
    *[("queue", f"queue.{n}", ref(f"{Q}.{n}")) for n in ("Queue", "LifoQueue", "PriorityQueue", "Empty", "Full")],
    ("queue", "put", method("put", needs=QUEUES)),
    ("queue", "get", method("get", needs=QUEUES)),
    ("queue", "put(block=False)", method("put", needs=QUEUES, kw_values={"block": False})),
    ("queue", "get(block=False)", method("get", needs=QUEUES, kw_values={"block": False})),
    ("queue", "put(timeout=)", method("put", needs=QUEUES, kw=("timeout",))),
    ("queue", "get(timeout=)", method("get", needs=QUEUES, kw=("timeout",))),
    *[
        ("queue", n, method(n, needs=QUEUES))
        for n in ("put_nowait", "get_nowait", "task_done", "join", "qsize", "empty", "full")
    ],
    # concurrent.futures
    *[("futures", n, ref(f"{CF}.{n}")) for n in ("ThreadPoolExecutor", "ProcessPoolExecutor", "as_completed", "wait")],
    ("futures", "as_completed(timeout)", calls_ref_with(f"{CF}.as_completed", kw=("timeout",), nargs=2)),
    ("futures", "wait(return_when=FIRST_COMPLETED)", ref(f"{CF}.FIRST_COMPLETED")),
    ("futures", "wait(timeout)", calls_ref_with(f"{CF}.wait", kw=("timeout",))),
    ("futures", "submit", method("submit", needs=EXECUTORS)),
    ("futures", "Executor.map", method("map", needs=EXECUTORS)),
    ("futures", "shutdown", method("shutdown", needs=EXECUTORS)),
    ("futures", "shutdown(wait=False)", method("shutdown", needs=EXECUTORS, kw_values={"wait": False})),
    ("futures", "Future.result", method("result", needs=FUTURES_USERS)),
    ("futures", "Future.result(timeout)", method("result", needs=FUTURES_USERS, kw=("timeout",), nargs=1)),
    ("futures", "Future.done", method("done", needs=FUTURES_USERS)),
    ("futures", "Future.exception", method("exception", needs=FUTURES_USERS)),
    ("futures", "concurrent.futures.TimeoutError", ref(f"{CF}.TimeoutError")),
    # asyncio
    *[
        ("asyncio", f"asyncio.{n}", ref(f"{AIO}.{n}"))
        for n in "run sleep gather create_task wait_for Queue Lock Event Semaphore to_thread current_task".split()
    ],
    ("asyncio", "asyncio.wait_for timeout", both(ref(f"{AIO}.wait_for"), ref(f"{AIO}.TimeoutError"))),
    ("asyncio", "current_task().get_name()", method("get_name", needs=f"{AIO}.current_task")),
    # multiprocessing
    *[("multiprocessing", f"multiprocessing.{n}", ref(f"{MP}.{n}")) for n in ("Process", "Queue", "Pool", "current_process", "cpu_count")],
    ("multiprocessing", "Pool.map", method("map", needs=f"{MP}.Pool")),
    ("multiprocessing", "current_process().name", both(ref(f"{MP}.current_process"), lambda f: f.attrs["name"] > 0)),
    # os, sys
    ("os", "os.getpid", ref("os.getpid")),
    ("os", "os.cpu_count", ref("os.cpu_count")),
    ("sys", "sys.setswitchinterval", ref("sys.setswitchinterval")),
    ("sys", "sys.getswitchinterval", ref("sys.getswitchinterval")),
    # random
    *[("random", f"random.{n}", ref(f"random.{n}")) for n in ("seed", "random", "randint", "uniform", "choice", "shuffle")],
    # math: the common functions and constants
    *[
        ("math", f"math.{n}", ref(f"math.{n}"))
        for n in (
            "pi e tau inf nan sqrt floor ceil trunc fabs pow hypot factorial gcd lcm isqrt log log10 log2 "
            "exp sin cos tan asin acos atan atan2 degrees radians isclose isnan isinf isfinite fsum prod "
            "comb perm copysign fmod modf dist"
        ).split()
    ],
]


def load_programs():
    """(name, Facts) for every program that runs (not refused, no syntax error)."""
    out = []
    for path in sorted(PROGRAMS.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        if any(line.strip() == "# threadlab: refused" for line in source.splitlines()[:5]):
            continue
        try:
            tree = ast.parse(source, path.name)
        except SyntaxError:
            continue
        json_path = path.with_name(path.stem + ".expected.json")
        expected = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else None
        out.append((path.stem, Facts(tree, expected)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="print only what is missing; exit 1 if anything is")
    parser.add_argument("--item", help="list the programs using the items whose name contains this")
    args = parser.parse_args()

    programs = load_programs()
    rows = []
    for area, item, detect in ITEMS:
        users = [name for name, facts in programs if detect(facts)]
        rows.append((area, item, users))
    missing = [(area, item) for area, item, users in rows if not users]

    if args.item is not None:
        for area, item, users in rows:
            if args.item.lower() in item.lower():
                print(f"{area:16} {item:50} {len(users):3}  {' '.join(users)}")
        return
    if not args.check:
        for area, item, users in rows:
            print(f"{area:16} {item:55} {len(users):4}")
        by_area = Counter(area for area, _, _ in rows)
        print(f"\n{len(programs)} programs that run; {len(rows)} items in {len(by_area)} areas")
    if missing:
        print(f"{len(missing)} of {len(rows)} items of the subset are used by no program:")
        for area, item in missing:
            print(f"  {area}: {item}")
        if args.check:
            sys.exit(1)
    else:
        print(f"every one of the {len(rows)} items of the subset is used by at least one program")


if __name__ == "__main__":
    main()

"""Processes: ThreadLab's version of CPython 3.11's multiprocessing, with the spawn start method.

A process runs the program again as __mp_main__ (so `if __name__ == "__main__":` keeps the parent's work
out of it), then runs its Process object's run(). Everything that crosses is a copy, as pickle makes
one: the Process object itself, arguments, queue items and results. Module-level functions and classes
cross by name; a multiprocessing.Queue crosses as the same queue.
"""

import _threadlab
import os
import threading
from queue import Empty, Full


class ProcessError(Exception):
    pass


class BufferTooShort(ProcessError):
    pass


class TimeoutError(ProcessError):
    pass


class AuthenticationError(ProcessError):
    pass


_process_counter = 0


def _new_process_name(prefix):
    global _process_counter
    _process_counter += 1
    return "%s-%d" % (prefix, _process_counter)


_children = []
_current_process = None
_exitcode_to_name = {-15: "-SIGTERM", -9: "-SIGKILL", -2: "-SIGINT"}


class Process:
    """A process running target(*args, **kwargs), or run() of a subclass."""

    def __init__(self, group=None, target=None, name=None, args=(), kwargs={}, *, daemon=None):
        assert group is None, "group argument must be None for now"
        global _process_counter
        _process_counter += 1
        self._identity = (_process_counter,)
        self._target = target
        self._args = tuple(args)
        self._kwargs = dict(kwargs)
        if name:
            self.name = str(name)
        else:
            self.name = type(self).__name__ + "-" + str(_process_counter)
        if daemon is not None:
            self.daemon = daemon
        else:
            self.daemon = False
        self.pid = None
        self._parent_pid = os.getpid()
        self._started = False
        self._exitcode = None
        self._closed = False

    def __getattr__(self, name):
        # exitcode reads the child's state each time, as CPython's property does.
        if name == "exitcode":
            return self._poll()
        if name == "ident":
            return self.pid
        raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))

    def _poll(self):
        if self._exitcode is None and self.pid is not None and self._started:
            self._exitcode = _threadlab.process_exitcode(self.pid)
        return self._exitcode

    def run(self):
        """The process's activity: calls target(*args, **kwargs). Subclasses override it."""
        if self._target:
            self._target(*self._args, **self._kwargs)

    def start(self):
        """Starts the process: it runs the program as __mp_main__, then this object's run()."""
        if self._closed:
            raise ValueError("process object is closed")
        assert not self._started, "cannot start a process twice"
        assert self._parent_pid == os.getpid(), "can only start a process object created by current process"
        # A daemonic process is terminated when the main program ends (multiprocessing's atexit
        # handler); the runtime does that, so it is told here.
        self.pid = _threadlab.process_start(_child_main, (self,), self.name, bool(self.daemon))
        self._started = True
        _children.append(self)

    def terminate(self):
        """Stops the process (exit code -15, SIGTERM's)."""
        if self._started and self.pid is not None:
            _threadlab.process_terminate(self.pid)

    def kill(self):
        self.terminate()

    def join(self, timeout=None):
        """Waits until the process ends, or until timeout seconds have passed."""
        if self._closed:
            raise ValueError("process object is closed")
        assert self._parent_pid == os.getpid(), "can only join a child process"
        assert self._started, "can only join a started process"
        _threadlab.process_join(self.pid, timeout)
        if self._poll() is not None and self in _children:
            _children.remove(self)

    def is_alive(self):
        """Whether the process has started and not yet ended."""
        if self is _current_process:
            return True
        if self._closed:
            raise ValueError("process object is closed")
        if not self._started:
            return False
        return self._poll() is None

    def close(self):
        if self._started and self._poll() is None:
            raise ValueError("Cannot close a process while it is still running. "
                             "You should first call join() or terminate().")
        self._closed = True

    def __repr__(self):
        exitcode = None
        if self is _current_process:
            status = "started"
        elif self._closed:
            status = "closed"
        elif not self._started:
            status = "initial"
        else:
            exitcode = self._poll()
            if exitcode is not None:
                status = "stopped"
            else:
                status = "started"
        info = [type(self).__name__, "name=%r" % self.name]
        if self.pid is not None:
            info.append("pid=%s" % self.pid)
        info.append("parent=%s" % self._parent_pid)
        info.append(status)
        if exitcode is not None:
            info.append("exitcode=%s" % _exitcode_to_name.get(exitcode, exitcode))
        if self.daemon:
            info.append("daemon")
        return "<%s>" % " ".join(info)


class _MainProcess(Process):
    # The process the program runs in (MainProcess, or a spawned process before its run() starts).
    def __init__(self):
        self._identity = ()
        self._target = None
        self._args = ()
        self._kwargs = {}
        self.name = _threadlab.process_name()
        self.daemon = False
        self.pid = os.getpid()
        self._parent_pid = _threadlab.parent_pid()
        self._started = True
        self._exitcode = None
        self._closed = False

    def __repr__(self):
        return "<_MainProcess name=%r parent=%s started>" % (self.name, self._parent_pid)


def _child_main(process):
    # The target of every spawned process: its own copy of the Process object, whose run() it calls.
    # An exception escaping it is printed as `Process NAME:` and a traceback, and makes exit code 1;
    # sys.exit(code) sets the exit code as Process._bootstrap does; the interpreter then joins the
    # process's non-daemon threads (CPython's Process._bootstrap).
    global _current_process
    process.pid = os.getpid()
    process._started = True
    _current_process = process
    try:
        process.run()
    except SystemExit as e:
        if not e.args:
            code = None
        elif len(e.args) == 1:
            code = e.args[0]
        else:
            code = e.args
        if code is None:
            _threadlab.exit_status(0)
        elif isinstance(code, int):
            _threadlab.exit_status(code)
        else:
            _threadlab.write_stderr(str(code) + "\n")
            _threadlab.exit_status(1)


def current_process():
    """The Process object of the calling process."""
    global _current_process
    if _current_process is None:
        _current_process = _MainProcess()
    return _current_process


def parent_process():
    """The parent's Process object (None in the main process)."""
    if _threadlab.parent_pid() is None:
        return None
    parent = _MainProcess()
    parent.name = "MainProcess"
    parent.pid = _threadlab.parent_pid()
    parent._parent_pid = None
    return parent


def active_children():
    """The child processes still running."""
    alive = []
    for p in list(_children):
        if p.is_alive():
            alive.append(p)
        else:
            _children.remove(p)
    return alive


def cpu_count():
    return os.cpu_count()


def Queue(maxsize=0):
    """A queue between processes: items cross as copies, in order."""
    return _threadlab.channel_new(maxsize)


def SimpleQueue():
    return _threadlab.channel_new()


def JoinableQueue(maxsize=0):
    raise NotImplementedError("multiprocessing.JoinableQueue is not available in ThreadLab: "
                              "use a multiprocessing.Queue and a stop value")


class _SemLock:
    # Tokens on a channel, shared between processes: acquire takes one, release puts one back
    # (CPython's Lock and Semaphore are both SemLocks).

    def __init__(self, value):
        self._channel = _threadlab.channel_new()
        for i in range(value):
            self._channel.put(True)

    def acquire(self, block=True, timeout=None):
        try:
            self._channel.get(block, timeout)
        except Empty:
            return False
        return True

    def release(self):
        self._channel.put(True)

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *args):
        self.release()


class Lock(_SemLock):
    """A lock shared between processes (one token on a queue: acquire takes it, release puts it back)."""

    def __init__(self):
        _SemLock.__init__(self, 1)

    def release(self):
        if self._channel.qsize() > 0:
            raise ValueError("semaphore or lock released too many times")
        self._channel.put(True)


class Semaphore(_SemLock):
    """A semaphore shared between processes (value tokens on a queue)."""

    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        _SemLock.__init__(self, value)

    def get_value(self):
        return self._channel.qsize()


def _not_shared(what):
    raise NotImplementedError("multiprocessing.%s is not available in ThreadLab: processes share data "
                              "only through a multiprocessing.Queue (or a Pool's results)" % what)


def Value(*args, **kwargs):
    _not_shared("Value")


def Array(*args, **kwargs):
    _not_shared("Array")


def Manager(*args, **kwargs):
    _not_shared("Manager")


def set_start_method(method, force=False):
    if method not in ("spawn", "fork", "forkserver"):
        raise ValueError("cannot find context for %r" % method)


def get_start_method(allow_none=False):
    return "spawn"


def get_all_start_methods():
    return ["spawn"]


def freeze_support():
    pass


# Pool (CPython's pool.py in brief): worker processes take chunks of tasks from one queue and put the
# results on another; a thread in the parent completes the results.

RUN = 0
CLOSE = 1
TERMINATE = 2

_job_counter = 0


def _next_job():
    global _job_counter
    _job_counter += 1
    return _job_counter


def _pool_worker(inqueue, outqueue, initializer=None, initargs=()):
    if initializer is not None:
        initializer(*initargs)
    while True:
        task = inqueue.get()
        if task is None:
            break
        job = task[0]
        i = task[1]
        func = task[2]
        try:
            results = []
            for call in task[3]:
                results.append(func(*call[0], **call[1]))
            result = (True, results)
        except Exception as e:
            result = (False, e)
        try:
            outqueue.put((job, i, result))
        except Exception as e:
            outqueue.put((job, i, (False, e)))


class ApplyResult:
    """The result of Pool.apply_async: get() waits for it."""

    def __init__(self, pool, callback, error_callback):
        self._pool = pool
        self._event = threading.Event()
        self._job = _next_job()
        self._cache = pool._cache
        self._callback = callback
        self._error_callback = error_callback
        self._success = None
        self._value = None
        self._cache[self._job] = self

    def ready(self):
        return self._event.is_set()

    def successful(self):
        if not self.ready():
            raise ValueError("%r not ready" % self)
        return self._success

    def wait(self, timeout=None):
        self._event.wait(timeout)

    def get(self, timeout=None):
        self.wait(timeout)
        if not self.ready():
            raise TimeoutError
        if self._success:
            return self._value
        raise self._value

    def _set(self, i, obj):
        self._success = obj[0]
        if self._success:
            self._value = obj[1][0]
        else:
            self._value = obj[1]
        if self._callback and self._success:
            self._callback(self._value)
        if self._error_callback and not self._success:
            self._error_callback(self._value)
        self._event.set()
        del self._cache[self._job]


AsyncResult = ApplyResult


class MapResult(ApplyResult):
    def __init__(self, pool, chunksize, length, callback, error_callback):
        ApplyResult.__init__(self, pool, callback, error_callback)
        self._success = True
        self._value = [None] * length
        self._chunksize = chunksize
        if chunksize <= 0:
            self._number_left = 0
            self._event.set()
            del self._cache[self._job]
        else:
            self._number_left = length // chunksize + (1 if length % chunksize else 0)

    def _set(self, i, success_result):
        self._number_left -= 1
        success = success_result[0]
        result = success_result[1]
        if success and self._success:
            start = i * self._chunksize
            for k in range(len(result)):
                self._value[start + k] = result[k]
            if self._number_left == 0:
                if self._callback:
                    self._callback(self._value)
                del self._cache[self._job]
                self._event.set()
        else:
            if not success and self._success:
                self._success = False
                self._value = result
            if self._number_left == 0:
                if self._error_callback:
                    self._error_callback(self._value)
                del self._cache[self._job]
                self._event.set()


class Pool:
    """A pool of worker processes (default os.cpu_count()); map() splits the work into chunks."""

    def __init__(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None,
                 context=None):
        if processes is None:
            processes = os.cpu_count() or 1
        if processes < 1:
            raise ValueError("Number of processes must be at least 1")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        self._processes = processes
        self._inqueue = Queue()
        self._outqueue = Queue()
        self._cache = {}
        self._state = RUN
        self._pool = []
        for i in range(processes):
            w = Process(target=_pool_worker,
                        args=(self._inqueue, self._outqueue, initializer, initargs),
                        name=_new_process_name("SpawnPoolWorker"))
            w.daemon = True
            w.start()
            self._pool.append(w)
        self._result_handler = threading.Thread(target=self._handle_results, daemon=True)
        self._result_handler.start()

    def _handle_results(self):
        while True:
            item = self._outqueue.get()
            if item is None:
                return
            result = self._cache.get(item[0])
            if result is not None:
                result._set(item[1], item[2])

    def _check_running(self):
        if self._state != RUN:
            raise ValueError("Pool not running")

    def apply(self, func, args=(), kwds={}):
        """Calls func(*args, **kwds) in a worker and waits for the result."""
        return self.apply_async(func, args, kwds).get()

    def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
        self._check_running()
        result = ApplyResult(self, callback, error_callback)
        self._inqueue.put((result._job, 0, func, [(tuple(args), dict(kwds))]))
        return result

    def map(self, func, iterable, chunksize=None):
        """[func(x) for x in iterable], computed by the workers; results in order."""
        return self._map_async(func, iterable, False, chunksize).get()

    def starmap(self, func, iterable, chunksize=None):
        """[func(*args) for args in iterable], computed by the workers."""
        return self._map_async(func, iterable, True, chunksize).get()

    def map_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        return self._map_async(func, iterable, False, chunksize, callback, error_callback)

    def starmap_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        return self._map_async(func, iterable, True, chunksize, callback, error_callback)

    def imap(self, func, iterable, chunksize=1):
        return iter(self.map(func, iterable, chunksize))

    def imap_unordered(self, func, iterable, chunksize=1):
        return iter(self.map(func, iterable, chunksize))

    def _map_async(self, func, iterable, star, chunksize=None, callback=None, error_callback=None):
        self._check_running()
        items = list(iterable)
        if chunksize is None:
            chunksize = len(items) // (len(self._pool) * 4)
            if len(items) % (len(self._pool) * 4):
                chunksize += 1
        if len(items) == 0:
            chunksize = 0
        result = MapResult(self, chunksize, len(items), callback, error_callback)
        if chunksize > 0:
            i = 0
            start = 0
            while start < len(items):
                calls = []
                for x in items[start:start + chunksize]:
                    if star:
                        calls.append((tuple(x), {}))
                    else:
                        calls.append(((x,), {}))
                self._inqueue.put((result._job, i, func, calls))
                i += 1
                start += chunksize
        return result

    def close(self):
        """No more tasks: the workers end once the tasks given are done."""
        if self._state == RUN:
            self._state = CLOSE
            for p in self._pool:
                self._inqueue.put(None)

    def terminate(self):
        """Stops the workers at once."""
        if self._state != TERMINATE:
            self._state = TERMINATE
            for p in self._pool:
                p.terminate()
            self._outqueue.put(None)

    def join(self):
        """Waits for the workers to end (after close() or terminate())."""
        if self._state == RUN:
            raise ValueError("Pool is still running")
        for p in self._pool:
            p.join()
        if self._result_handler.is_alive():
            self._outqueue.put(None)
            self._result_handler.join()

    def __enter__(self):
        self._check_running()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.terminate()

    def __repr__(self):
        states = {RUN: "RUN", CLOSE: "CLOSE", TERMINATE: "TERMINATE"}
        return "<%s.%s state=%s pool_size=%d>" % ("multiprocessing.pool", type(self).__name__,
                                                  states[self._state], len(self._pool))

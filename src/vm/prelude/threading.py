"""Thread objects and synchronization primitives: ThreadLab's version of CPython 3.11's threading.py.

Written in ThreadLab's Python on a few natives from _threadlab (a lock with a blocking acquire, starting
a thread, reporting an uncaught exception). Properties are plain attributes here (name, daemon, ident);
everything else behaves as CPython's module does, messages included.
"""

import _threadlab
from time import monotonic as _time

_allocate_lock = _threadlab.allocate_lock
_start_thread = _threadlab.start_thread
get_ident = _threadlab.get_ident
get_native_id = _threadlab.get_native_id
Lock = _allocate_lock
ThreadError = RuntimeError
TIMEOUT_MAX = _threadlab.TIMEOUT_MAX


def _repr_address(obj):
    return hex(id(obj))


# Reentrant locks: CPython's pure-Python _PyRLock, named as its C RLock prints.


class _RLock:
    def __init__(self):
        self._block = _allocate_lock()
        self._owner = None
        self._count = 0

    def __repr__(self):
        owner = self._owner
        if owner is None:
            owner = 0
        if self._block.locked():
            state = "locked"
        else:
            state = "unlocked"
        return "<%s _thread.RLock object owner=%d count=%d at %s>" % (
            state, owner, self._count, _repr_address(self))

    def acquire(self, blocking=True, timeout=-1):
        me = get_ident()
        if self._owner == me:
            self._count = self._count + 1
            return True
        rc = self._block.acquire(blocking, timeout)
        if rc:
            self._owner = me
            self._count = 1
        return rc

    def __enter__(self):
        return self.acquire()

    def release(self):
        if self._owner != get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        count = self._count - 1
        self._count = count
        if not count:
            self._owner = None
            self._block.release()

    def __exit__(self, t, v, tb):
        self.release()

    def locked(self):
        return self._block.locked()

    def _acquire_restore(self, state):
        self._block.acquire()
        self._count = state[0]
        self._owner = state[1]

    def _release_save(self):
        if self._count == 0:
            raise RuntimeError("cannot release un-acquired lock")
        count = self._count
        self._count = 0
        owner = self._owner
        self._owner = None
        self._block.release()
        return (count, owner)

    def _is_owned(self):
        return self._owner == get_ident()


def RLock(*args, **kwargs):
    """A reentrant lock: the thread that holds it may acquire it again; each acquire needs a release."""
    return _RLock(*args, **kwargs)


class Condition:
    """A condition variable: wait() releases the lock until another thread calls notify()."""

    def __init__(self, lock=None):
        if lock is None:
            lock = RLock()
        self._lock = lock
        self.acquire = lock.acquire
        self.release = lock.release
        self._owned_check = None
        self._custom = False
        if isinstance(lock, _RLock):
            self._custom = True
        self._waiters = []

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, t, v, tb):
        return self._lock.__exit__(t, v, tb)

    def __repr__(self):
        return "<Condition(%s, %d)>" % (self._lock, len(self._waiters))

    def _release_save(self):
        if self._custom:
            return self._lock._release_save()
        self._lock.release()
        return None

    def _acquire_restore(self, x):
        if self._custom:
            self._lock._acquire_restore(x)
        else:
            self._lock.acquire()

    def _is_owned(self):
        if self._custom:
            return self._lock._is_owned()
        if self._lock.acquire(False):
            self._lock.release()
            return False
        return True

    def wait(self, timeout=None):
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        waiter = _allocate_lock()
        waiter.acquire()
        self._waiters.append(waiter)
        saved_state = self._release_save()
        gotit = False
        try:
            if timeout is None:
                waiter.acquire()
                gotit = True
            else:
                if timeout > 0:
                    gotit = waiter.acquire(True, timeout)
                else:
                    gotit = waiter.acquire(False)
            return gotit
        finally:
            self._acquire_restore(saved_state)
            if not gotit:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass

    def wait_for(self, predicate, timeout=None):
        endtime = None
        waittime = timeout
        result = predicate()
        while not result:
            if waittime is not None:
                if endtime is None:
                    endtime = _time() + waittime
                else:
                    waittime = endtime - _time()
                    if waittime <= 0:
                        break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n=1):
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        waiters = self._waiters
        while waiters and n > 0:
            waiter = waiters[0]
            try:
                waiter.release()
            except RuntimeError:
                pass
            else:
                n -= 1
            try:
                waiters.remove(waiter)
            except ValueError:
                pass

    def notify_all(self):
        self.notify(len(self._waiters))

    def notifyAll(self):
        self.notify_all()


class Semaphore:
    """A counter of permits: acquire() takes one (waiting while there is none), release() gives back."""

    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._cond = Condition(Lock())
        self._value = value

    def __repr__(self):
        return "<%s.%s at %s: value=%d>" % (
            "threading", type(self).__name__, _repr_address(self), self._value)

    def acquire(self, blocking=True, timeout=None):
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        rc = False
        endtime = None
        with self._cond:
            while self._value == 0:
                if not blocking:
                    break
                if timeout is not None:
                    if endtime is None:
                        endtime = _time() + timeout
                    else:
                        timeout = endtime - _time()
                        if timeout <= 0:
                            break
                self._cond.wait(timeout)
            if self._value != 0:
                self._value -= 1
                rc = True
        return rc

    def __enter__(self):
        return self.acquire()

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        with self._cond:
            self._value += n
            for i in range(n):
                self._cond.notify()

    def __exit__(self, t, v, tb):
        self.release()


class BoundedSemaphore(Semaphore):
    """A semaphore that refuses to be released more times than it was acquired."""

    def __init__(self, value=1):
        Semaphore.__init__(self, value)
        self._initial_value = value

    def __repr__(self):
        return "<%s.%s at %s: value=%d/%d>" % (
            "threading", type(self).__name__, _repr_address(self), self._value,
            self._initial_value)

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        with self._cond:
            if self._value + n > self._initial_value:
                raise ValueError("Semaphore released too many times")
            self._value += n
            for i in range(n):
                self._cond.notify()


class Event:
    """A flag threads wait for: set() wakes every waiter, clear() resets it."""

    def __init__(self):
        self._cond = Condition(Lock())
        self._flag = False

    def __repr__(self):
        if self._flag:
            status = "set"
        else:
            status = "unset"
        return "<%s.%s at %s: %s>" % ("threading", type(self).__name__, _repr_address(self), status)

    def is_set(self):
        return self._flag

    def isSet(self):
        return self._flag

    def set(self):
        with self._cond:
            self._flag = True
            self._cond.notify_all()

    def clear(self):
        with self._cond:
            self._flag = False

    def wait(self, timeout=None):
        with self._cond:
            signaled = self._flag
            if not signaled:
                signaled = self._cond.wait(timeout)
            return signaled


class BrokenBarrierError(RuntimeError):
    pass


class Barrier:
    """parties threads wait() until all of them have arrived; then all go on together."""

    def __init__(self, parties, action=None, timeout=None):
        if parties < 1:
            raise ValueError("parties must be > 0")
        self._cond = Condition(Lock())
        self._action = action
        self._timeout = timeout
        self.parties = parties
        self._state = 0
        self._count = 0
        self.n_waiting = 0
        self.broken = False

    def __repr__(self):
        if self.broken:
            return "<%s.%s at %s: broken>" % ("threading", type(self).__name__, _repr_address(self))
        return "<%s.%s at %s: waiters=%d/%d>" % (
            "threading", type(self).__name__, _repr_address(self), self.n_waiting, self.parties)

    def _set_count(self, count):
        self._count = count
        if self._state == 0:
            self.n_waiting = count
        else:
            self.n_waiting = 0

    def wait(self, timeout=None):
        if timeout is None:
            timeout = self._timeout
        with self._cond:
            self._enter()
            index = self._count
            self._set_count(self._count + 1)
            try:
                if index + 1 == self.parties:
                    self._release()
                else:
                    self._wait(timeout)
                return index
            finally:
                self._set_count(self._count - 1)
                self._exit()

    def _enter(self):
        while self._state == -1 or self._state == 1:
            self._cond.wait()
        if self._state < 0:
            raise BrokenBarrierError
        assert self._state == 0

    def _release(self):
        try:
            if self._action:
                self._action()
            self._state = 1
            self.n_waiting = 0
            self._cond.notify_all()
        except BaseException:
            self._break()
            raise

    def _wait(self, timeout):
        if not self._cond.wait_for(lambda: self._state != 0, timeout):
            self._break()
            raise BrokenBarrierError
        if self._state < 0:
            raise BrokenBarrierError
        assert self._state == 1

    def _exit(self):
        if self._count == 0:
            if self._state == -1 or self._state == 1:
                self._state = 0
                self._cond.notify_all()

    def reset(self):
        with self._cond:
            if self._count > 0:
                if self._state == 0:
                    self._state = -1
                elif self._state == -2:
                    self._state = -1
            else:
                self._state = 0
            self.broken = False
            self._cond.notify_all()

    def abort(self):
        with self._cond:
            self._break()

    def _break(self):
        self._state = -2
        self.broken = True
        self.n_waiting = 0
        self._cond.notify_all()


# Thread names: Thread-1, Thread-2 (and Dummy-3 for threads threading didn't start) share one counter.
_counter = 0


def _newname(name_template):
    global _counter
    _counter += 1
    return name_template % _counter


_active_limbo_lock = _allocate_lock()
_active = {}
_limbo = {}
_shutdown_locks_lock = _allocate_lock()
_shutdown_locks = []
_threading_atexits = []
_SHUTTING_DOWN = False


def _maintain_shutdown_locks():
    global _shutdown_locks
    _shutdown_locks = [lock for lock in _shutdown_locks if lock.locked()]


class ExceptHookArgs:
    """What excepthook gets: exc_type, exc_value, exc_traceback and thread."""

    def __init__(self, exc_type, exc_value, exc_traceback, thread):
        self.exc_type = exc_type
        self.exc_value = exc_value
        self.exc_traceback = exc_traceback
        self.thread = thread


def excepthook(args):
    """Handles an exception that ended a thread: prints it, as CPython's default hook does."""
    if isinstance(args.exc_value, SystemExit):
        return
    if args.thread is not None:
        name = args.thread.name
    else:
        name = get_ident()
    _threadlab.report_exception(args.exc_value, "Exception in thread %s:" % name)


__excepthook__ = excepthook


class Thread:
    """A thread of control: pass target (and args, kwargs) or override run(); start() runs it."""

    _initialized = False

    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        assert group is None, "group argument must be None for now"
        if kwargs is None:
            kwargs = {}
        if name:
            name = str(name)
        else:
            name = _newname("Thread-%d")
            if target is not None:
                target_name = getattr(target, "__name__", None)
                if target_name is not None:
                    name += " (%s)" % target_name
        self._target = target
        self.name = name
        self._lane_name = name
        self._args = args
        self._kwargs = kwargs
        if daemon is not None:
            self.daemon = daemon
        else:
            self.daemon = current_thread().daemon
        self.ident = None
        self.native_id = None
        self._tstate_lock = None
        self._started = Event()
        self._is_stopped = False
        self._initialized = True

    def __repr__(self):
        assert self._initialized, "Thread.__init__() was not called"
        status = "initial"
        if self._started.is_set():
            status = "started"
        self.is_alive()
        if self._is_stopped:
            status = "stopped"
        if self.daemon:
            status += " daemon"
        if self.ident is not None:
            status += " %s" % self.ident
        return "<%s(%s, %s)>" % (type(self).__name__, self.name, status)

    def start(self):
        """Starts the thread's activity; at most once per thread object."""
        if not self._initialized:
            raise RuntimeError("thread.__init__() not called")
        if self._started.is_set():
            raise RuntimeError("threads can only be started once")
        with _active_limbo_lock:
            _limbo[self] = self
        self._lane_name = self.name
        try:
            _start_thread(self._bootstrap, (), self.name, self.daemon)
        except Exception:
            with _active_limbo_lock:
                del _limbo[self]
            raise
        self._started.wait()

    def run(self):
        """The thread's activity: calls target(*args, **kwargs). Subclasses override it."""
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            self._target = None
            self._args = None
            self._kwargs = None

    def _bootstrap(self):
        try:
            self._bootstrap_inner()
        finally:
            _threadlab.thread_exit()

    def _set_ident(self):
        self.ident = get_ident()
        self.native_id = get_native_id()

    def _set_tstate_lock(self):
        # Released when the thread ends: join() waits on it.
        self._tstate_lock = _allocate_lock()
        self._tstate_lock.acquire()
        if not self.daemon:
            with _shutdown_locks_lock:
                _maintain_shutdown_locks()
                _shutdown_locks.append(self._tstate_lock)

    def _bootstrap_inner(self):
        try:
            self._set_ident()
            self._set_tstate_lock()
            self._started.set()
            with _active_limbo_lock:
                _active[self.ident] = self
                del _limbo[self]
            try:
                self.run()
            except BaseException as exc:
                _invoke_excepthook(self, exc)
        finally:
            self._sync_name()
            self._delete()
            lock = self._tstate_lock
            if lock is not None and lock.locked():
                lock.release()

    def _stop(self):
        lock = self._tstate_lock
        if lock is not None:
            assert not lock.locked()
        self._is_stopped = True
        self._tstate_lock = None
        if not self.daemon:
            with _shutdown_locks_lock:
                _maintain_shutdown_locks()

    def _delete(self):
        with _active_limbo_lock:
            if self.ident in _active:
                del _active[self.ident]

    def join(self, timeout=None):
        """Waits until the thread ends, or until timeout seconds have passed."""
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if not self._started.is_set():
            raise RuntimeError("cannot join thread before it is started")
        if self is current_thread():
            raise RuntimeError("cannot join current thread")
        if timeout is None:
            self._wait_for_tstate_lock()
        else:
            self._wait_for_tstate_lock(timeout=max(timeout, 0))

    def _wait_for_tstate_lock(self, block=True, timeout=-1):
        lock = self._tstate_lock
        if lock is None:
            return
        if lock.acquire(block, timeout):
            lock.release()
            self._stop()

    def is_alive(self):
        """Whether the thread has started and not yet ended."""
        assert self._initialized, "Thread.__init__() not called"
        if self._is_stopped or not self._started.is_set():
            return False
        self._wait_for_tstate_lock(False)
        return not self._is_stopped

    def getName(self):
        return self.name

    def setName(self, name):
        self.name = str(name)
        self._sync_name()

    def _sync_name(self):
        # `name` is a plain attribute here (CPython's is a property), so a name set after start reaches
        # the runtime (the thread's timeline lane) at the next sync: setName, the thread's end, shutdown.
        if self.ident is not None and self.name != self._lane_name:
            self._lane_name = self.name
            _threadlab.thread_name(self.name, self.ident)

    def isDaemon(self):
        return self.daemon

    def setDaemon(self, daemonic):
        if self._started.is_set():
            raise RuntimeError("cannot set daemon status of active thread")
        self.daemon = daemonic


def _invoke_excepthook(thread, exc):
    hook = excepthook
    if hook is None:
        hook = __excepthook__
    try:
        hook(ExceptHookArgs(type(exc), exc, None, thread))
    except Exception as hook_exc:
        _threadlab.report_exception(hook_exc, "Exception in threading.excepthook:")


class Timer(Thread):
    """Calls a function after interval seconds, unless cancel() comes first."""

    def __init__(self, interval, function, args=None, kwargs=None):
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        if args is None:
            args = []
        if kwargs is None:
            kwargs = {}
        self.args = args
        self.kwargs = kwargs
        self.finished = Event()

    def cancel(self):
        self.finished.set()

    def run(self):
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


class _MainThread(Thread):
    def __init__(self):
        Thread.__init__(self, name="MainThread", daemon=False)
        self._set_tstate_lock()
        self._started.set()
        self._set_ident()
        with _active_limbo_lock:
            _active[self.ident] = self


class _DummyThread(Thread):
    # A thread threading didn't start (_thread.start_new_thread): alive while it runs, never joined.
    def __init__(self):
        Thread.__init__(self, name=_newname("Dummy-%d"), daemon=True)
        self._started.set()
        self._set_ident()
        with _active_limbo_lock:
            _active[self.ident] = self

    def _stop(self):
        pass

    def is_alive(self):
        return True

    def join(self, timeout=None):
        assert False, "cannot join a dummy thread"


def current_thread():
    """The Thread object of the calling thread."""
    try:
        return _active[get_ident()]
    except KeyError:
        return _DummyThread()


def currentThread():
    return current_thread()


def active_count():
    """The number of Thread objects alive (the main thread included)."""
    with _active_limbo_lock:
        return len(_active) + len(_limbo)


def activeCount():
    return active_count()


def _enumerate():
    return list(_active.values()) + list(_limbo.values())


def enumerate():
    """The Thread objects alive, in the order they started."""
    with _active_limbo_lock:
        return list(_active.values()) + list(_limbo.values())


def main_thread():
    """The main thread's Thread object."""
    return _main_thread


def settrace(func):
    pass


def setprofile(func):
    pass


def stack_size(size=0):
    return 0


def _register_atexit(func, *arg, **kwargs):
    # Called by _shutdown before it joins the non-daemon threads (concurrent.futures uses it).
    if _SHUTTING_DOWN:
        raise RuntimeError("can't register atexit after shutdown")
    _threading_atexits.append((func, arg, kwargs))


def _shutdown():
    """Called when the main program ends: waits for every non-daemon thread, as CPython does."""
    global _SHUTTING_DOWN
    if _main_thread._is_stopped:
        return
    _SHUTTING_DOWN = True
    with _active_limbo_lock:
        alive = list(_active.values())
    for thread in alive:
        thread._sync_name()
    tlock = _main_thread._tstate_lock
    if tlock is not None and tlock.locked():
        tlock.release()
    _main_thread._stop()
    for entry in reversed(_threading_atexits):
        entry[0](*entry[1], **entry[2])
    while True:
        with _shutdown_locks_lock:
            locks = list(_shutdown_locks)
            _shutdown_locks.clear()
        if not locks:
            break
        for lock in locks:
            lock.acquire()
            lock.release()


class local:
    """Thread-local data (not available in ThreadLab: give each thread its own object instead)."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("threading.local is not available in ThreadLab: pass each thread "
                                  "its own object (through args=) instead")


if _threadlab.is_main_thread():
    _main_thread = _MainThread()
else:
    _main_thread = _DummyThread()

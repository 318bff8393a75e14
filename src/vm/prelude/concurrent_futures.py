"""Futures and executors: ThreadLab's version of CPython 3.11's concurrent.futures (_base.py, thread.py
and process.py in one module).

ThreadPoolExecutor is CPython's: worker threads created lazily, one per submit while none is idle, up to
max_workers, named ThreadPoolExecutor-N_M. ProcessPoolExecutor follows CPython's spawn start method:
worker processes are started on demand (one per submit while none is idle, up to max_workers); each runs
a loop taking (id, fn, args, kwargs) from a call queue and putting (id, ok, value) on a result queue; a
manager thread in the parent completes the futures.
"""

import _threadlab
import threading
import queue
import os
import multiprocessing
from time import monotonic as _monotonic

FIRST_COMPLETED = "FIRST_COMPLETED"
FIRST_EXCEPTION = "FIRST_EXCEPTION"
ALL_COMPLETED = "ALL_COMPLETED"
_AS_COMPLETED = "_AS_COMPLETED"

PENDING = "PENDING"
RUNNING = "RUNNING"
CANCELLED = "CANCELLED"
CANCELLED_AND_NOTIFIED = "CANCELLED_AND_NOTIFIED"
FINISHED = "FINISHED"

_FUTURE_STATES = [PENDING, RUNNING, CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED]

_STATE_TO_DESCRIPTION_MAP = {
    PENDING: "pending",
    RUNNING: "running",
    CANCELLED: "cancelled",
    CANCELLED_AND_NOTIFIED: "cancelled",
    FINISHED: "finished",
}


class Error(Exception):
    """Base class for all future-related exceptions."""
    pass


class CancelledError(Error):
    """The Future was cancelled."""
    pass


TimeoutError = TimeoutError


class InvalidStateError(Error):
    """The operation is not allowed in this state."""
    pass


class BrokenExecutor(RuntimeError):
    """An executor can no longer run tasks (a worker failed to start, a process died)."""
    pass


class BrokenThreadPool(BrokenExecutor):
    pass


class BrokenProcessPool(BrokenExecutor):
    pass


def _log_exception(message, exc):
    _threadlab.report_exception(exc, message)


class _Waiter:
    """Provides the event on which wait() and as_completed() block."""

    def __init__(self):
        self.event = threading.Event()
        self.finished_futures = []

    def add_result(self, future):
        self.finished_futures.append(future)

    def add_exception(self, future):
        self.finished_futures.append(future)

    def add_cancelled(self, future):
        self.finished_futures.append(future)


class _AsCompletedWaiter(_Waiter):
    def __init__(self):
        _Waiter.__init__(self)
        self.lock = threading.Lock()

    def add_result(self, future):
        with self.lock:
            _Waiter.add_result(self, future)
            self.event.set()

    def add_exception(self, future):
        with self.lock:
            _Waiter.add_exception(self, future)
            self.event.set()

    def add_cancelled(self, future):
        with self.lock:
            _Waiter.add_cancelled(self, future)
            self.event.set()


class _FirstCompletedWaiter(_Waiter):
    def add_result(self, future):
        _Waiter.add_result(self, future)
        self.event.set()

    def add_exception(self, future):
        _Waiter.add_exception(self, future)
        self.event.set()

    def add_cancelled(self, future):
        _Waiter.add_cancelled(self, future)
        self.event.set()


class _AllCompletedWaiter(_Waiter):
    def __init__(self, num_pending_calls, stop_on_exception):
        self.num_pending_calls = num_pending_calls
        self.stop_on_exception = stop_on_exception
        self.lock = threading.Lock()
        _Waiter.__init__(self)

    def _decrement_pending_calls(self):
        with self.lock:
            self.num_pending_calls -= 1
            if not self.num_pending_calls:
                self.event.set()

    def add_result(self, future):
        _Waiter.add_result(self, future)
        self._decrement_pending_calls()

    def add_exception(self, future):
        _Waiter.add_exception(self, future)
        if self.stop_on_exception:
            self.event.set()
        else:
            self._decrement_pending_calls()

    def add_cancelled(self, future):
        _Waiter.add_cancelled(self, future)
        self._decrement_pending_calls()


class _AcquireFutures:
    """Holds the conditions of many futures at once, in a fixed order."""

    def __init__(self, futures):
        self.futures = sorted(futures, key=id)

    def __enter__(self):
        for future in self.futures:
            future._condition.acquire()

    def __exit__(self, *args):
        for future in self.futures:
            future._condition.release()


def _create_and_install_waiters(fs, return_when):
    if return_when == _AS_COMPLETED:
        waiter = _AsCompletedWaiter()
    elif return_when == FIRST_COMPLETED:
        waiter = _FirstCompletedWaiter()
    else:
        pending_count = 0
        for f in fs:
            if f._state != CANCELLED_AND_NOTIFIED and f._state != FINISHED:
                pending_count += 1
        if return_when == FIRST_EXCEPTION:
            waiter = _AllCompletedWaiter(pending_count, True)
        elif return_when == ALL_COMPLETED:
            waiter = _AllCompletedWaiter(pending_count, False)
        else:
            raise ValueError("Invalid return condition: %r" % return_when)
    for f in fs:
        f._waiters.append(waiter)
    return waiter


def _yield_finished_futures(fs, waiter, ref_collect):
    while fs:
        f = fs[-1]
        for futures_set in ref_collect:
            futures_set.remove(f)
        with f._condition:
            f._waiters.remove(waiter)
        yield fs.pop()


def as_completed(fs, timeout=None):
    """An iterator over the futures in fs, each as soon as it finishes (those already done first).

    Raises TimeoutError if the futures are not all done within timeout seconds.
    """
    if timeout is not None:
        end_time = timeout + _monotonic()
    fs = set(fs)
    total_futures = len(fs)
    with _AcquireFutures(fs):
        finished = set()
        for f in fs:
            if f._state == CANCELLED_AND_NOTIFIED or f._state == FINISHED:
                finished.add(f)
        pending = fs - finished
        waiter = _create_and_install_waiters(fs, _AS_COMPLETED)
    finished = list(finished)
    try:
        yield from _yield_finished_futures(finished, waiter, (fs,))
        while pending:
            if timeout is None:
                wait_timeout = None
            else:
                wait_timeout = end_time - _monotonic()
                if wait_timeout < 0:
                    raise TimeoutError("%d (of %d) futures unfinished" % (len(pending), total_futures))
            waiter.event.wait(wait_timeout)
            with waiter.lock:
                finished = waiter.finished_futures
                waiter.finished_futures = []
                waiter.event.clear()
            finished.reverse()
            yield from _yield_finished_futures(finished, waiter, (fs, pending))
    finally:
        for f in fs:
            with f._condition:
                if waiter in f._waiters:
                    f._waiters.remove(waiter)


class DoneAndNotDoneFutures:
    """What wait() returns: a pair of sets, (done, not_done)."""

    def __init__(self, done, not_done):
        self.done = done
        self.not_done = not_done

    def __iter__(self):
        return iter((self.done, self.not_done))

    def __getitem__(self, index):
        return (self.done, self.not_done)[index]

    def __len__(self):
        return 2

    def __repr__(self):
        return "DoneAndNotDoneFutures(done=%r, not_done=%r)" % (self.done, self.not_done)


def wait(fs, timeout=None, return_when=ALL_COMPLETED):
    """Waits for the futures in fs: until all are done (ALL_COMPLETED), one is (FIRST_COMPLETED), one
    raises (FIRST_EXCEPTION), or timeout seconds pass. Returns the sets (done, not_done)."""
    fs = set(fs)
    with _AcquireFutures(fs):
        done = set()
        for f in fs:
            if f._state == CANCELLED_AND_NOTIFIED or f._state == FINISHED:
                done.add(f)
        not_done = fs - done
        if return_when == FIRST_COMPLETED and done:
            return DoneAndNotDoneFutures(done, not_done)
        elif return_when == FIRST_EXCEPTION and done:
            for f in done:
                if not f.cancelled() and f._exception is not None:
                    return DoneAndNotDoneFutures(done, not_done)
        if len(done) == len(fs):
            return DoneAndNotDoneFutures(done, not_done)
        waiter = _create_and_install_waiters(fs, return_when)
    waiter.event.wait(timeout)
    for f in fs:
        with f._condition:
            f._waiters.remove(waiter)
    for f in waiter.finished_futures:
        done.add(f)
    return DoneAndNotDoneFutures(done, fs - done)


def _result_or_cancel(fut, timeout=None):
    try:
        return fut.result(timeout)
    finally:
        fut.cancel()


class Future:
    """The result of a call that may not have finished yet."""

    def __init__(self):
        self._condition = threading.Condition()
        self._state = PENDING
        self._result = None
        self._exception = None
        self._waiters = []
        self._done_callbacks = []

    def _invoke_callbacks(self):
        for callback in self._done_callbacks:
            try:
                callback(self)
            except Exception as exc:
                _log_exception("exception calling callback for %r" % (self,), exc)

    def __repr__(self):
        with self._condition:
            description = _STATE_TO_DESCRIPTION_MAP[self._state]
            if self._state == FINISHED:
                if self._exception:
                    return "<%s at %s state=%s raised %s>" % (
                        type(self).__name__, hex(id(self)), description,
                        type(self._exception).__name__)
                else:
                    return "<%s at %s state=%s returned %s>" % (
                        type(self).__name__, hex(id(self)), description,
                        type(self._result).__name__)
            return "<%s at %s state=%s>" % (type(self).__name__, hex(id(self)), description)

    def cancel(self):
        """Cancels the call if it hasn't started; True if it is (now) cancelled."""
        with self._condition:
            if self._state == RUNNING or self._state == FINISHED:
                return False
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                return True
            self._state = CANCELLED
            self._condition.notify_all()
        self._invoke_callbacks()
        return True

    def cancelled(self):
        with self._condition:
            return self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED

    def running(self):
        with self._condition:
            return self._state == RUNNING

    def done(self):
        with self._condition:
            return self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED or self._state == FINISHED

    def _get_result(self):
        if self._exception:
            raise self._exception
        return self._result

    def add_done_callback(self, fn):
        """Calls fn(future) when the future is done (at once if it already is)."""
        with self._condition:
            if self._state != CANCELLED and self._state != CANCELLED_AND_NOTIFIED and self._state != FINISHED:
                self._done_callbacks.append(fn)
                return
        try:
            fn(self)
        except Exception as exc:
            _log_exception("exception calling callback for %r" % (self,), exc)

    def result(self, timeout=None):
        """The call's return value, waiting up to timeout seconds for it (TimeoutError after); raises
        the call's exception if it raised one."""
        with self._condition:
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                raise CancelledError()
            elif self._state == FINISHED:
                return self._get_result()
            self._condition.wait(timeout)
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                raise CancelledError()
            elif self._state == FINISHED:
                return self._get_result()
            else:
                raise TimeoutError()

    def exception(self, timeout=None):
        """The exception the call raised (None if it returned), waiting up to timeout seconds."""
        with self._condition:
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                raise CancelledError()
            elif self._state == FINISHED:
                return self._exception
            self._condition.wait(timeout)
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                raise CancelledError()
            elif self._state == FINISHED:
                return self._exception
            else:
                raise TimeoutError()

    def set_running_or_notify_cancel(self):
        with self._condition:
            if self._state == CANCELLED:
                self._state = CANCELLED_AND_NOTIFIED
                for waiter in self._waiters:
                    waiter.add_cancelled(self)
                return False
            elif self._state == PENDING:
                self._state = RUNNING
                return True
            else:
                raise RuntimeError("Future in unexpected state")

    def set_result(self, result):
        with self._condition:
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED or self._state == FINISHED:
                raise InvalidStateError("%s: %r" % (self._state, self))
            self._result = result
            self._state = FINISHED
            for waiter in self._waiters:
                waiter.add_result(self)
            self._condition.notify_all()
        self._invoke_callbacks()

    def set_exception(self, exception):
        with self._condition:
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED or self._state == FINISHED:
                raise InvalidStateError("%s: %r" % (self._state, self))
            self._exception = exception
            self._state = FINISHED
            for waiter in self._waiters:
                waiter.add_exception(self)
            self._condition.notify_all()
        self._invoke_callbacks()


class Executor:
    """The base class of executors: submit() schedules a call, map() many, shutdown() ends it."""

    def submit(self, fn, *args, **kwargs):
        raise NotImplementedError()

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        """Like map(fn, *iterables), the calls run by the executor; results come in order."""
        if timeout is not None:
            end_time = timeout + _monotonic()
        fs = [self.submit(fn, *args) for args in zip(*iterables)]

        def result_iterator():
            try:
                fs.reverse()
                while fs:
                    if timeout is None:
                        yield _result_or_cancel(fs.pop())
                    else:
                        yield _result_or_cancel(fs.pop(), end_time - _monotonic())
            finally:
                for future in fs:
                    future.cancel()
        return result_iterator()

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.shutdown(wait=True)
        return False


# ThreadPoolExecutor (CPython's thread.py).

_shutdown = False
_global_shutdown_lock = threading.Lock()
_threads_queues = []
_process_executors = []


def _python_exit():
    # At the program's end: wake every idle worker so it exits, then join them (as CPython does).
    global _shutdown
    with _global_shutdown_lock:
        _shutdown = True
    for executor in list(_process_executors):
        executor.shutdown(wait=True)
    items = list(_threads_queues)
    for entry in items:
        entry[1].put(None)
    for entry in items:
        entry[0].join()


threading._register_atexit(_python_exit)


class _WorkItem:
    def __init__(self, future, fn, args, kwargs):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def run(self):
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)


def _worker(executor, work_queue, initializer, initargs):
    if initializer is not None:
        try:
            initializer(*initargs)
        except BaseException as exc:
            _log_exception("Exception in initializer:", exc)
            executor._initializer_failed()
            return
    while True:
        work_item = work_queue.get(block=True)
        if work_item is not None:
            work_item.run()
            work_item = None
            executor._idle_semaphore.release()
            continue
        if _shutdown or executor._shutdown:
            executor._shutdown = True
            work_queue.put(None)
            return


_executor_counter = 0


def _next_executor_number():
    global _executor_counter
    n = _executor_counter
    _executor_counter += 1
    return n


class ThreadPoolExecutor(Executor):
    """Runs calls on a pool of at most max_workers threads (default min(32, cpu_count + 4))."""

    def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=()):
        if max_workers is None:
            max_workers = min(32, (os.cpu_count() or 1) + 4)
        if max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        self._max_workers = max_workers
        self._work_queue = queue.SimpleQueue()
        self._idle_semaphore = threading.Semaphore(0)
        self._threads = []
        self._broken = False
        self._shutdown = False
        self._shutdown_lock = threading.Lock()
        if not thread_name_prefix:
            thread_name_prefix = "ThreadPoolExecutor-%d" % _next_executor_number()
        self._thread_name_prefix = thread_name_prefix
        self._initializer = initializer
        self._initargs = initargs

    def submit(self, fn, *args, **kwargs):
        """Schedules fn(*args, **kwargs); returns its Future."""
        with self._shutdown_lock:
            with _global_shutdown_lock:
                if self._broken:
                    raise BrokenThreadPool(self._broken)
                if self._shutdown:
                    raise RuntimeError("cannot schedule new futures after shutdown")
                if _shutdown:
                    raise RuntimeError("cannot schedule new futures after interpreter shutdown")
                f = Future()
                w = _WorkItem(f, fn, args, kwargs)
                self._work_queue.put(w)
                self._adjust_thread_count()
                return f

    def _adjust_thread_count(self):
        # An idle worker will take the item; otherwise start one more, up to max_workers.
        if self._idle_semaphore.acquire(timeout=0):
            return
        num_threads = len(self._threads)
        if num_threads < self._max_workers:
            thread_name = "%s_%d" % (self._thread_name_prefix, num_threads)
            t = threading.Thread(name=thread_name, target=_worker,
                                 args=(self, self._work_queue, self._initializer, self._initargs))
            t.start()
            self._threads.append(t)
            _threads_queues.append((t, self._work_queue))

    def _initializer_failed(self):
        with self._shutdown_lock:
            self._broken = "A thread initializer failed, the thread pool is not usable anymore"
            while True:
                try:
                    work_item = self._work_queue.get_nowait()
                except queue.Empty:
                    break
                if work_item is not None:
                    work_item.future.set_exception(BrokenThreadPool(self._broken))

    def shutdown(self, wait=True, *, cancel_futures=False):
        """No more submits; with wait, waits for the calls already submitted to finish."""
        with self._shutdown_lock:
            self._shutdown = True
            if cancel_futures:
                while True:
                    try:
                        work_item = self._work_queue.get_nowait()
                    except queue.Empty:
                        break
                    if work_item is not None:
                        work_item.future.cancel()
            self._work_queue.put(None)
        if wait:
            for t in self._threads:
                t.join()


# ProcessPoolExecutor (on ThreadLab's processes: see the module's doc).


def _process_worker(call_queue, result_queue, initializer, initargs):
    if initializer is not None:
        initializer(*initargs)
    while True:
        call_item = call_queue.get(block=True)
        if call_item is None:
            result_queue.put(None)
            return
        work_id = call_item[0]
        try:
            r = call_item[1](*call_item[2], **call_item[3])
        except BaseException as e:
            result_queue.put((work_id, False, e))
        else:
            try:
                result_queue.put((work_id, True, r))
            except BaseException as e:
                result_queue.put((work_id, False, e))


class _ExecutorManagerThread(threading.Thread):
    # Completes the futures as results come back from the worker processes.
    def __init__(self, executor):
        threading.Thread.__init__(self)
        self.executor = executor

    def run(self):
        executor = self.executor
        while True:
            item = executor._result_queue.get(block=True)
            if item is None:
                with executor._lock:
                    executor._live_workers -= 1
                    if executor._live_workers <= 0 and executor._shutdown_thread:
                        return
                continue
            with executor._lock:
                f = executor._pending.pop(item[0], None)
            executor._idle_worker_semaphore.release()
            if f is None:
                continue
            if item[1]:
                f.set_result(item[2])
            else:
                f.set_exception(item[2])


class ProcessPoolExecutor(Executor):
    """Runs calls in at most max_workers processes (default os.cpu_count()); functions and arguments
    cross as copies, so functions must be defined at the top level of the program."""

    def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=(), *,
                 max_tasks_per_child=None):
        if max_workers is None:
            max_workers = os.cpu_count() or 1
        elif max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        self._max_workers = max_workers
        self._initializer = initializer
        self._initargs = initargs
        self._call_queue = multiprocessing.Queue()
        self._result_queue = multiprocessing.Queue()
        self._processes = []
        self._pending = {}
        self._queue_count = 0
        self._lock = threading.Lock()
        self._idle_worker_semaphore = threading.Semaphore(0)
        self._shutdown_thread = False
        self._broken = False
        self._manager = None
        self._live_workers = 0
        _process_executors.append(self)

    def _spawn_process(self):
        p = multiprocessing.Process(
            target=_process_worker,
            args=(self._call_queue, self._result_queue, self._initializer, self._initargs),
            name=multiprocessing._new_process_name("SpawnProcess"))
        p.start()
        self._processes.append(p)
        self._live_workers += 1

    def _adjust_process_count(self):
        if self._idle_worker_semaphore.acquire(False):
            return
        if len(self._processes) < self._max_workers:
            self._spawn_process()

    def submit(self, fn, *args, **kwargs):
        """Schedules fn(*args, **kwargs) in a worker process; returns its Future."""
        with self._lock:
            if self._broken:
                raise BrokenProcessPool(self._broken)
            if self._shutdown_thread:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if _shutdown:
                raise RuntimeError("cannot schedule new futures after interpreter shutdown")
            f = Future()
            work_id = self._queue_count
            self._queue_count += 1
            f.set_running_or_notify_cancel()
            try:
                self._call_queue.put((work_id, fn, args, kwargs))
            except BaseException as exc:
                f.set_exception(exc)
                return f
            self._pending[work_id] = f
            if self._manager is None:
                self._manager = _ExecutorManagerThread(self)
                self._manager.start()
            self._adjust_process_count()
            return f

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        return Executor.map(self, fn, *iterables, timeout=timeout)

    def shutdown(self, wait=True, *, cancel_futures=False):
        """No more submits; the workers end once the calls submitted are done."""
        with self._lock:
            if self._shutdown_thread:
                return
            self._shutdown_thread = True
            for p in self._processes:
                self._call_queue.put(None)
            if self._manager is None or not self._processes:
                manager = None
            else:
                manager = self._manager
        if wait:
            for p in self._processes:
                p.join()
            if manager is not None:
                manager.join()

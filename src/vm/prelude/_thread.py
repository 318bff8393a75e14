"""The low-level thread API: ThreadLab's version of CPython's _thread module.

Threads started here are not joined when the program ends: as in CPython, the program ends when its main
thread does, and these threads end with it.
"""

import _threadlab

error = RuntimeError
LockType = _threadlab.LockType
allocate_lock = _threadlab.allocate_lock
allocate = allocate_lock
get_ident = _threadlab.get_ident
get_native_id = _threadlab.get_native_id
TIMEOUT_MAX = _threadlab.TIMEOUT_MAX


def _bootstrap(function, args, kwargs):
    try:
        try:
            function(*args, **kwargs)
        except SystemExit:
            pass
        except BaseException as exc:
            _threadlab.report_exception(exc, "Exception ignored in thread started by: %r" % (function,))
    finally:
        _threadlab.thread_exit()


def start_new_thread(function, args, kwargs=None):
    """Starts a thread running function(*args, **kwargs) and returns its identifier."""
    if type(args) is not tuple:
        raise TypeError("2nd arg must be a tuple")
    if kwargs is None:
        kwargs = {}
    elif type(kwargs) is not dict:
        raise TypeError("optional 3rd arg must be a dictionary")
    if not callable(function):
        raise TypeError("first arg must be callable")
    name = getattr(function, "__name__", None)
    if name is None:
        name = "thread"
    return _threadlab.start_thread(_bootstrap, (function, args, kwargs), name, True)


def start_new(function, args, kwargs=None):
    return start_new_thread(function, args, kwargs)


def exit():
    """Ends the calling thread (raises SystemExit)."""
    raise SystemExit


def exit_thread():
    raise SystemExit


def stack_size(size=0):
    return 0

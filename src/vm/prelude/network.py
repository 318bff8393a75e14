"""Simulated downloads, or real ones: ThreadLab's network module.

The same file is a ThreadLab prelude module and a pure-Python module CPython 3.11 runs unchanged
(put examples/cpython, which links to it, on PYTHONPATH): it only uses threading and time (and, in
ThreadLab, its private _threadlab for real downloads).

    import network
    network.configure(bandwidth_mb_s=1.0, latency_s=0.0, link_mb_s=0.0)
    for mb in network.download("pictures.zip", 5):
        print(f"pictures.zip: {mb} MB received")

The model: a download first waits latency_s (it is not receiving yet, so it shares nothing), then
receives at min(bandwidth_mb_s, link_mb_s / the number of downloads receiving), link_mb_s 0 meaning no
shared limit. The rate changes exactly when a download starts or stops receiving: the thread that makes
the change first counts, under the lock, what every receiving download got at the old rate up to that
instant, then sets the new rate and wakes them all (notify_all); each waits on the Condition with a
timeout until its next whole MB at the rate it then sees. So the model is exact in virtual time, and as
exact as the clock and the scheduler allow in CPython.

download(name, size_mb, fail_after_mb=None) is a generator: it yields the MB received so far at each
whole MB and at the end (1, 2, ..., 5 for 5 MB; 1, 2, 2.5 for 2.5 MB; 0.3 once for 0.3 MB; 0 once, after
the latency, for 0 MB). Whole amounts are yielded as int. It never yields while holding the lock. With
fail_after_mb=N (less than size_mb) it yields as a download of N MB would, then raises
ConnectionResetError("connection reset after N MB"). Leaving the loop early (break) stops the download
when the generator is closed.

Real downloads: in a ThreadLab run with network "real" (threadlab.run({source, network: "real"})),
download(name, size_mb, fail_after_mb=None, url="") really fetches size_mb MB (1 MB = 1,000,000 bytes)
from url, or from the playground's own file of bytes when url is empty (whatever the name), in ranged
requests of 1 MB each, and yields as above as each MB arrives; configure()'s bandwidth and latency don't
apply (the network is what it is), fail_after_mb still cuts the download after that many MB. A request
that fails raises ConnectionError naming the address and why (a timeout after 15 s, a refused
connection, a server's CORS policy). Under CPython, and in ThreadLab's prediction of a real run, the
download is simulated.
"""

import threading
import time

try:
    import _threadlab
except ImportError:
    _threadlab = None

# Bytes in a MB, as the tutorials count them.
MB = 1000000

_bandwidth = 1.0
_latency = 0.0
_link = 0.0
_rate = 1.0
_cond = threading.Condition(threading.Lock())
# The downloads receiving now, each [MB received, at the time (monotonic) it was last counted].
_receiving = []


def _settle():
    """Counts what every receiving download got at the current rate up to now (the lock is held)."""
    now = time.monotonic()
    for d in _receiving:
        d[0] += _rate * (now - d[1])
        d[1] = now
    return now


def _recompute():
    """Sets the rate for the downloads receiving now and wakes them (the lock is held, all settled)."""
    global _rate
    _rate = _bandwidth
    if _link > 0 and _receiving:
        _rate = min(_bandwidth, _link / len(_receiving))
    _cond.notify_all()


def configure(bandwidth_mb_s=1.0, latency_s=0.0, link_mb_s=0.0):
    """Sets each connection's bandwidth (MB/s), the latency before a download's first byte (s) and the
    link all connections share (MB/s, 0 unlimited)."""
    global _bandwidth, _latency, _link
    if not bandwidth_mb_s > 0:
        raise ValueError("bandwidth_mb_s must be positive")
    if latency_s < 0 or link_mb_s < 0:
        raise ValueError("latency_s and link_mb_s must not be negative")
    with _cond:
        _settle()
        _bandwidth, _latency, _link = bandwidth_mb_s, latency_s, link_mb_s
        _recompute()


def _real():
    """Whether this run's network is real (never under CPython)."""
    return _threadlab is not None and _threadlab.network_real()


def _download_real(name, stop, url):
    """Fetches the first stop MB of url (empty: the playground's own file) for real, 1 MB a request,
    yielding the MB received after each."""
    total = round(stop * MB)
    done = 0
    while done < total:
        want = min(MB, total - done)
        got = _threadlab.fetch(url, done, want)
        if got < want:
            raise ConnectionError(f"{name}: the file ended after {(done + got) / MB} MB")
        done += want
        mb = done / MB
        yield int(mb) if mb == int(mb) else mb


def download(name, size_mb, fail_after_mb=None, url=""):
    """Downloads name (size_mb MB) over the simulated network (or the real one, from url), yielding the
    MB received so far at each whole MB and at the end."""
    if size_mb < 0:
        raise ValueError(f"{name}: size_mb must not be negative")
    if _real():
        failing = fail_after_mb is not None and fail_after_mb < size_mb
        stop = max(fail_after_mb, 0) if failing else size_mb
        if stop == 0:
            if failing:
                raise ConnectionResetError(f"connection reset after {fail_after_mb} MB")
            yield 0
            return
        yield from _download_real(name, stop, url)
        if failing:
            raise ConnectionResetError(f"connection reset after {fail_after_mb} MB")
        return
    if _latency > 0:
        # The latency: waited on the Condition (the timeline shows it as the download's), not slept.
        end = time.monotonic() + _latency
        with _cond:
            left = _latency
            while left > 0:
                _cond.wait(left)
                left = end - time.monotonic()
    failing = fail_after_mb is not None and fail_after_mb < size_mb
    stop = max(fail_after_mb, 0) if failing else size_mb
    if stop == 0:
        if failing:
            raise ConnectionResetError(f"connection reset after {fail_after_mb} MB")
        yield 0
        return
    d = [0.0, 0.0]
    with _cond:
        d[1] = _settle()
        _receiving.append(d)
        _recompute()
    done = 0
    try:
        while done < stop:
            target = min(done + 1, stop)
            with _cond:
                while True:
                    got = d[0] + _rate * (time.monotonic() - d[1])
                    if got >= target - 1e-9:
                        break
                    _cond.wait((target - got) / _rate)
            done = target
            yield int(done) if done == int(done) else done
    finally:
        with _cond:
            _settle()
            _receiving.remove(d)
            _recompute()
    if failing:
        raise ConnectionResetError(f"connection reset after {fail_after_mb} MB")

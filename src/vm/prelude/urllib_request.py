"""urllib.request: ThreadLab's urlopen, for programs run with a real network.

    from urllib.request import urlopen
    with urlopen("files/data.bin") as response:
        body = response.read()
    print(len(body), "bytes")

urlopen(url, timeout=None) downloads the whole body (at most 100 MB) with one real request, made by the
browser (the thread waits meanwhile: an I/O span on its lane), when the run's network is real
(threadlab.run({source, network: "real"})); a relative address is the playground's own (files/data.bin
is a file of 100 MB of zero bytes). ThreadLab has no bytes type, and the browser counts the bytes
without handing them over, so read() returns a Body: len(body) is the number of bytes received (the
first read() has them all, later ones are empty), and it prints as <N bytes>; it has no text, so
.decode() raises NotImplementedError saying so. A failed request, and any request in a run whose network
is simulated (and in the prediction), raises URLError (an OSError) with the reason. timeout is accepted
and ignored: each request gives up after 15 s.
"""

import _threadlab

# The most urlopen reads of one address.
MAX_BYTES = 100000000


class URLError(OSError):
    """A request that failed: reason says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason

    def __str__(self):
        return f"<urlopen error {self.reason}>"


class Body:
    """What read() returns: the number of bytes received (len(body)); ThreadLab has no bytes type."""

    def __init__(self, size):
        self.size = size

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"<{self.size} bytes>"

    def __str__(self):
        return f"<{self.size} bytes>"

    def decode(self, encoding="utf-8", errors="strict"):
        raise NotImplementedError(
            "ThreadLab's urlopen counts the bytes it downloads but has no bytes type: "
            "len(body) is how many arrived; there is no text to decode"
        )


class Response:
    """An answer from urlopen: read() its body (once), use it in a with statement."""

    def __init__(self, url, size):
        self.url = url
        self.status = 200
        self.length = size
        self._left = size

    def read(self, amt=None):
        n = self._left if amt is None or amt < 0 else min(amt, self._left)
        self._left -= n
        return Body(n)

    def getcode(self):
        return self.status

    def geturl(self):
        return self.url

    def close(self):
        self._left = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def urlopen(url, timeout=None):
    """Downloads url for real (the whole body, at most 100 MB) and returns its Response."""
    if not isinstance(url, str):
        raise TypeError(f"urlopen: the address must be a str, not {type(url).__name__}")
    if not _threadlab.network_real():
        raise URLError(
            "real downloads are not available in this run: urlopen needs a real network "
            "(threadlab.run({source, network: 'real'})); the network module simulates downloads"
        )
    try:
        size = _threadlab.fetch(url, 0, MAX_BYTES)
    except OSError as e:
        raise URLError(str(e)) from None
    return Response(url, size)

# timing: wall
# Tutorial "thread pool", a dropped connection: the error comes back through the future's result().
from concurrent.futures import ThreadPoolExecutor
import threading
import time

BANDWIDTH = 10  # MB/s per connection (simulated)


def download(name, size_mb):
    time.sleep(0.05)  # latency
    for mb in range(1, int(size_mb) + 1):
        time.sleep(1 / BANDWIDTH)  # waiting for the next MB
        print(f"{name}: {mb} MB received")


def flaky_download(name, size_mb):
    time.sleep(0.05)  # a slow handshake first
    download(name, 1)
    raise ConnectionError("connection dropped after 1 MB")


pool = ThreadPoolExecutor(max_workers=2)
futures = [pool.submit(download, "pictures.zip", 2), pool.submit(flaky_download, "music.zip", 3)]
pool.shutdown(wait=True)
for f in futures:
    try:
        print(f"result() = {f.result()}")
    except ConnectionError as e:
        print(f"result() raised ConnectionError: {e}")
print("all downloads done")

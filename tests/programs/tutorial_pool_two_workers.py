# order: any
# timing: wall
# Tutorial "thread pool", max_workers=2: both downloads run at once.
from concurrent.futures import ThreadPoolExecutor
import threading
import time

BANDWIDTH = 10  # MB/s per connection (simulated)


def download(name, size_mb):
    time.sleep(0.05)  # latency
    for mb in range(1, int(size_mb) + 1):
        time.sleep(1 / BANDWIDTH)  # waiting for the next MB
        print(f"{name}: {mb} MB received")


pool = ThreadPoolExecutor(max_workers=2)
pool.submit(download, "pictures.zip", 2)
pool.submit(download, "music.zip", 3)
pool.shutdown(wait=True)
print("all downloads done")

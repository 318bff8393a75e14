# timing: wall
# Tutorial "two downloads", sequential: 2 MB then 3 MB at 10 MB/s after 0.05 s of latency each.
import threading
import time

BANDWIDTH = 10  # MB/s per connection (simulated)


def download(name, size_mb):
    time.sleep(0.05)  # latency
    for mb in range(1, int(size_mb) + 1):
        time.sleep(1 / BANDWIDTH)  # waiting for the next MB
        print(f"{name}: {mb} MB received")


download("pictures.zip", 2)
download("music.zip", 3)

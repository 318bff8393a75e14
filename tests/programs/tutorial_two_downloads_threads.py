# order: any
# timing: wall
# Tutorial "two downloads", threads: both downloads wait at once, so the total is the longer one.
import threading
import time

BANDWIDTH = 10  # MB/s per connection (simulated)


def download(name, size_mb):
    time.sleep(0.05)  # latency
    for mb in range(1, int(size_mb) + 1):
        time.sleep(1 / BANDWIDTH)  # waiting for the next MB
        print(f"{name}: {mb} MB received")


t1 = threading.Thread(target=download, args=("pictures.zip", 2))
t2 = threading.Thread(target=download, args=("music.zip", 3))
t1.start()
t2.start()
t1.join()
t2.join()

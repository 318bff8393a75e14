# timing: wall
# Tutorial "image downloader": three daemon worker threads share a queue; task_done() and join().
import queue
import threading
import time

LATENCY = 0.05  # s per request (simulated)
BANDWIDTH = 10  # MB/s (simulated)


def download(link, size_mb):
    time.sleep(LATENCY + size_mb / BANDWIDTH)  # latency, then the bytes (simulated)
    print(f"{link}: done ({size_mb} MB)")


class DownloadWorker(threading.Thread):
    def __init__(self, q):
        super().__init__(daemon=True)
        self.q = q

    def run(self):
        while True:
            link, size = self.q.get()
            download(link, size)
            self.q.task_done()


links = [("image1.jpg", 1.0), ("image2.jpg", 2.0), ("image3.jpg", 0.5), ("image4.jpg", 0.5), ("image5.jpg", 1.0)]
q = queue.Queue()
for _ in range(3):
    DownloadWorker(q).start()
for item in links:
    q.put(item)
q.join()
print(f"{len(links)} images downloaded")

import queue
import random
import threading
import network

images = 30             # param [1..200] Images: How many links the list has.
workers = 8             # param [1..32] Worker threads: How many threads take links.
min_mb = 0.05           # param [0..10 MB] Smallest image: Image sizes are drawn between these two, from the seed.
max_mb = 0.5            # param [0..10 MB] Largest image
seed = 7                # param [0..1000000] Seed: The same seed gives the same sizes.
bandwidth_mb_s = 0.5    # param [0.01..1000 MB/s] Bandwidth per connection: How fast one connection receives.
latency_s = 0.3         # param [0..10 s] Latency: The wait before each image's first byte.
link_mb_s = 2.0         # param [0..1000 MB/s] Shared link: What all connections share; 0 is unlimited.
task_done = True        # param Workers call task_done(): Without it, q.join() never returns.

# A simulated network: each connection receives at bandwidth_mb_s, all share link_mb_s.
network.configure(bandwidth_mb_s=bandwidth_mb_s, latency_s=latency_s, link_mb_s=link_mb_s)
random.seed(seed)
links = [(f"img-{i:02}.jpg", round(random.uniform(min_mb, max_mb), 2)) for i in range(1, images + 1)]


def download(link, size_mb):
    for mb in network.download(link, size_mb):
        pass  # waiting for the bytes
    print(f"{link}: done ({size_mb} MB)")


class DownloadWorker(threading.Thread):
    def __init__(self, q, name):
        super().__init__(name=name, daemon=True)
        self.q = q

    def run(self):
        while True:
            link, size_mb = self.q.get()
            download(link, size_mb)
            if task_done:
                self.q.task_done()
            # else: task_done() forgotten, so q.join() below never returns


q = queue.Queue()
for i in range(1, workers + 1):
    DownloadWorker(q, f"DownloadWorker-{i}").start()
for link in links:
    q.put(link)
q.join()  # until every link put is marked done
print(f"{len(links)} images downloaded")

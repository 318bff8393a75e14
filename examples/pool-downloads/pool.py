from concurrent.futures import ThreadPoolExecutor
import network

pictures_mb = 5         # param [0.0..100 MB] pictures.zip: The first file's size.
music_mb = 10           # param [0.0..100 MB] music.zip: The second file's size.
max_workers = 2         # param [1..16] max_workers: The pool's worker threads (the other mode always has 1).
bandwidth_mb_s = 1.0    # param [0.01..1000 MB/s] Bandwidth per connection: How fast one connection receives.
latency_s = 0.0         # param [0..10 s] Latency: The wait before a file's first byte.
link_mb_s = 0.0         # param [0..1000 MB/s] Shared link: What all connections share; 0 is unlimited.
drop_after_mb = 0       # param [0..100 MB] music.zip drops after: Its connection resets after this many MB and download() raises ConnectionResetError; 0 never.

# A simulated network: each connection receives at bandwidth_mb_s, all share link_mb_s.
network.configure(bandwidth_mb_s=bandwidth_mb_s, latency_s=latency_s, link_mb_s=link_mb_s)


def download(name, size_mb, fail_after_mb=None):
    for mb in network.download(name, size_mb, fail_after_mb):  # raises if the connection drops
        print(f"{name}: {mb} MB received")


pool = ThreadPoolExecutor(max_workers=max_workers)
futures = {
    "pictures.zip": pool.submit(download, "pictures.zip", pictures_mb),
    "music.zip": pool.submit(download, "music.zip", music_mb, drop_after_mb or None),
}
pool.shutdown(wait=True)  # waits for both
for name, future in futures.items():
    try:
        print(f"{name}: result() = {future.result()}")
    except ConnectionError as e:  # raised in the worker, raised again here by result()
        print(f"{name}: result() raised {type(e).__name__}: {e}")
print("all downloads done")

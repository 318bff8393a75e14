from concurrent.futures import ThreadPoolExecutor
import network

sizes_kb = [2000, 1000, 1500, 800, 800]  # param [0..100000 KB, 12 items] Image sizes: One image per size.
max_workers = 3                           # param [1..16] max_workers: The pool's worker threads.
bandwidth_mb_s = 1.0                     # param [0.01..1000 MB/s] Bandwidth per connection: How fast one connection receives.
latency_s = 0.5                          # param [0..10 s] Latency: The wait before each image's first byte.
link_mb_s = 0.0                          # param [0..1000 MB/s] Shared link: What all connections share; 0 is unlimited.

# A simulated network: each connection receives at bandwidth_mb_s, all share link_mb_s.
network.configure(bandwidth_mb_s=bandwidth_mb_s, latency_s=latency_s, link_mb_s=link_mb_s)
urls = [f"https://example.org/image{i}.jpg" for i in range(1, len(sizes_kb) + 1)]
size_kb = dict(zip(urls, sizes_kb))


def download(url):
    name = url.split("/")[-1]
    for mb in network.download(name, size_kb[url] / 1000):
        print(f"{name}: {mb} MB received")
    return size_kb[url]  # what it got, in KB


with ThreadPoolExecutor(max_workers=max_workers) as executor:
    # map submits a download per url and gives the results back in the order of urls.
    for url, kb in zip(urls, executor.map(download, urls)):
        print(f"{url}: {kb} KB")

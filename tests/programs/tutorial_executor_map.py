# timing: wall
# Tutorial "executor.map": three simulated image downloads on two workers; results in the order of urls.
import time
from concurrent.futures import ThreadPoolExecutor

SIZES_KB = [200, 50, 100]


def download(i):
    time.sleep(0.1 + SIZES_KB[i] / 1000 / 2)  # latency, then the bytes (simulated)
    return SIZES_KB[i]


urls = ["https://example.org/image1.jpg", "https://example.org/image2.jpg", "https://example.org/image3.jpg"]
with ThreadPoolExecutor(max_workers=2) as executor:
    for result in executor.map(download, range(len(urls))):
        print(result)  # in the order of urls

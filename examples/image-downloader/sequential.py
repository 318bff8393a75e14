import random
import network

images = 30             # param [1..200] Images: How many links the list has.
min_mb = 0.05           # param [0..10 MB] Smallest image: Image sizes are drawn between these two, from the seed.
max_mb = 0.5            # param [0..10 MB] Largest image
seed = 7                # param [0..1000000] Seed: The same seed gives the same sizes.
bandwidth_mb_s = 0.5    # param [0.01..1000 MB/s] Bandwidth per connection: How fast one connection receives.
latency_s = 0.3         # param [0..10 s] Latency: The wait before each image's first byte.
link_mb_s = 2.0         # param [0..1000 MB/s] Shared link: What all connections share; 0 is unlimited.

# A simulated network: each connection receives at bandwidth_mb_s, all share link_mb_s.
network.configure(bandwidth_mb_s=bandwidth_mb_s, latency_s=latency_s, link_mb_s=link_mb_s)
random.seed(seed)
links = [(f"img-{i:02}.jpg", round(random.uniform(min_mb, max_mb), 2)) for i in range(1, images + 1)]


def download(link, size_mb):
    for mb in network.download(link, size_mb):
        pass  # waiting for the bytes
    print(f"{link}: done ({size_mb} MB)")


for link, size_mb in links:
    download(link, size_mb)
print(f"{len(links)} images downloaded")

import threading
import network

pictures_mb = 5         # param [0.0..100 MB] pictures.zip: The first file's size.
music_mb = 10           # param [0.0..100 MB] music.zip: The second file's size.
bandwidth_mb_s = 1.0    # param [0.01..1000 MB/s] Bandwidth per connection: How fast one connection receives.
latency_s = 0.0         # param [0..10 s] Latency: The wait before a file's first byte.
link_mb_s = 0.0         # param [0..1000 MB/s] Shared link: What all connections share; 0 is unlimited.

# A simulated network: each connection receives at bandwidth_mb_s, all share link_mb_s.
network.configure(bandwidth_mb_s=bandwidth_mb_s, latency_s=latency_s, link_mb_s=link_mb_s)


def download(name, size_mb):
    for mb in network.download(name, size_mb):  # waits for each MB
        print(f"{name}: {mb} MB received")


t1 = threading.Thread(target=download, args=("pictures.zip", pictures_mb))
t2 = threading.Thread(target=download, args=("music.zip", music_mb))
t1.start()
t2.start()
t1.join()
t2.join()

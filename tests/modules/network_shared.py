# network: downloads in threads sharing a link (rates change when one starts or ends), and a bandwidth
# per connection under the link. Predicted times are checked in tests/modules.rs.
import threading
import time
import network

log = []
show = [False]  # print as the MB arrive (only where no two arrive at the same time)


def get(name, size_mb, delay=0.0):
    time.sleep(delay)
    for mb in network.download(name, size_mb):
        log.append((name, mb))
        if show[0]:
            print(f"{name}: {mb} MB")


def run(*downloads):
    log.clear()
    t0 = time.monotonic()
    threads = [threading.Thread(target=get, args=d) for d in downloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - t0


# Two equal downloads on a link as fast as one connection: each gets half, both end at 2x.
network.configure(bandwidth_mb_s=10.0, link_mb_s=10.0)
elapsed = run(("a", 1), ("b", 1))
print(sorted(log), 0.19 < elapsed < 0.3)
show[0] = True
# Unequal sizes: b gets the whole link once a ends.
elapsed = run(("a", 0.5), ("b", 1.5))
print(0.19 < elapsed < 0.3)
# b starts late: a alone at 10 MB/s for 0.05 s, then both at 5 MB/s until a ends at 0.15 s.
elapsed = run(("a", 1), ("b", 1, 0.05))
print(0.19 < elapsed < 0.3)
show[0] = False
# A link faster than one connection: three at 5 MB/s each (15 / 3), then bandwidth caps at 10.
network.configure(bandwidth_mb_s=10.0, link_mb_s=15.0, latency_s=0.05)
elapsed = run(("a", 0.5), ("b", 1), ("c", 1))
print(sorted(log), 0.2 < elapsed < 0.32)

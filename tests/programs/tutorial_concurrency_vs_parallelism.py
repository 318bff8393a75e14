# timing: wall
# Tutorial "concurrency vs parallelism", asyncio: computing blocks the loop; only the awaits overlap.
import asyncio
import time


def compute(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass  # CPU-bound: the thread is busy


async def task(i):
    compute(0.05)  # blocks the loop
    await asyncio.sleep(0.15)  # lets the others run
    compute(0.05)
    print(f"task {i} done")


async def main():
    await asyncio.gather(*(task(i) for i in range(1, 3)))


asyncio.run(main())

import asyncio

tasks = 4            # param [1..16] Tasks: How many tasks run.
iterations = 2000000  # param [0..20000000] Compute: Loop iterations of CPU work before and after each wait.
wait_s = 1.0          # param [0..60 s] Wait: The wait in the middle of each task.


def compute(iterations):
    total = 0
    for k in range(iterations):  # CPU-bound: the thread is busy
        total += k % 7
    return total


async def task(i):
    compute(iterations)  # blocks the event loop: no other task runs meanwhile
    await asyncio.sleep(wait_s)  # lets the others run
    compute(iterations)
    print(f"task {i} done")


async def main():
    await asyncio.gather(*(task(i) for i in range(1, tasks + 1)))


asyncio.run(main())

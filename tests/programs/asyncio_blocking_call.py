# timing: wall
# time.sleep in a coroutine blocks the whole event loop; await asyncio.sleep lets others run.
import asyncio
import time


async def polite(name):
    print(f"{name} starts")
    await asyncio.sleep(0.1)
    print(f"{name} ends")


async def rude(name):
    print(f"{name} starts")
    time.sleep(0.1)
    print(f"{name} ends")


async def main():
    start = time.perf_counter()
    await asyncio.gather(polite("a"), polite("b"))
    print("awaiting pair took", round(time.perf_counter() - start, 1), "s")
    start = time.perf_counter()
    await asyncio.gather(rude("c"), rude("d"))
    print("blocking pair took", round(time.perf_counter() - start, 1), "s")


asyncio.run(main())

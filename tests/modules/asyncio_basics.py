import asyncio
import time

async def order(name, delay):
    print("ordered", name)
    await asyncio.sleep(delay)
    print("received", name)
    return name

async def main():
    print(asyncio.current_task().get_name())
    t0 = time.perf_counter()
    results = await asyncio.gather(order("coffee", 0.1), order("food", 0.3), order("cake", 0.2))
    print(results, round(time.perf_counter() - t0, 1))
    task = asyncio.create_task(order("tea", 0.05), name="tea-task")
    print(task.get_name(), task.done())
    print(await task, task.done())
    try:
        await asyncio.wait_for(asyncio.sleep(1), timeout=0.05)
    except asyncio.TimeoutError:
        print("timed out")
    q = asyncio.Queue()
    async def producer():
        for i in range(3):
            await q.put(i)
            await asyncio.sleep(0.01)
        await q.put(None)
    async def consumer():
        got = []
        while True:
            item = await q.get()
            if item is None:
                return got
            got.append(item)
    _, got = await asyncio.gather(producer(), consumer())
    print(got)
    lock = asyncio.Lock()
    async def locked(i):
        async with lock:
            await asyncio.sleep(0.01)
            return i
    print(await asyncio.gather(*(locked(i) for i in range(3))))
    ev = asyncio.Event()
    async def waiter():
        await ev.wait()
        return "woken"
    w = asyncio.create_task(waiter())
    await asyncio.sleep(0.01)
    ev.set()
    print(await w)
    print(await asyncio.to_thread(lambda: "from thread"))
    sleeper = asyncio.create_task(asyncio.sleep(10))
    await asyncio.sleep(0)
    sleeper.cancel()
    try:
        await sleeper
    except asyncio.CancelledError:
        print("cancelled", sleeper.cancelled())
    return "done"

print(asyncio.run(main()))

import asyncio
import time

async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(name)
    return name

async def main():
    tasks = [asyncio.create_task(job(n, d)) for n, d in [("a", 0.15), ("b", 0.05), ("c", 0.1)]]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print([t.result() for t in done], len(pending))
    done, pending = await asyncio.wait(tasks)
    print(sorted(t.result() for t in done), len(pending))
    for coro in asyncio.as_completed([job("x", 0.1), job("y", 0.05)]):
        print("as_completed", await coro)
    results = await asyncio.gather(job("ok", 0.01), job("bad", 0.01, True), return_exceptions=True)
    print(results[0], type(results[1]).__name__, results[1])
    try:
        await asyncio.gather(job("ok", 0.01), job("bad2", 0.005, True))
    except ValueError as e:
        print("gather raised", e)
    sem = asyncio.Semaphore(2)
    active = []
    peak = [0]
    async def limited(i):
        async with sem:
            active.append(i)
            peak[0] = max(peak[0], len(active))
            await asyncio.sleep(0.01)
            active.remove(i)
    await asyncio.gather(*(limited(i) for i in range(5)))
    print("peak", peak[0])
    try:
        async with asyncio.timeout(0.02):
            await asyncio.sleep(1)
    except TimeoutError:
        print("timeout block")
    loop = asyncio.get_running_loop()
    r = await loop.run_in_executor(None, sum, [1, 2, 3])
    print("executor", r)
    fut = loop.create_future()
    loop.call_later(0.01, fut.set_result, "later")
    print(await fut)
    print(asyncio.iscoroutinefunction(job), asyncio.iscoroutine(job("z", 0)), len(asyncio.all_tasks()))
    start = loop.time()
    await asyncio.sleep(0.05)
    print(loop.time() - start >= 0.05)
    q = asyncio.Queue(maxsize=1)
    q.put_nowait(1)
    try:
        q.put_nowait(2)
    except asyncio.QueueFull:
        print("QueueFull")
    print(q.get_nowait(), q.empty())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("QueueEmpty")

asyncio.run(main())

async def blocking():
    t0 = time.perf_counter()
    await asyncio.gather(asyncio.sleep(0.2), asyncio.to_thread(time.sleep, 0.2))
    return 0.2 <= time.perf_counter() - t0 < 0.35
print(asyncio.run(blocking()))

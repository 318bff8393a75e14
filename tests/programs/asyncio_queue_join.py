# asyncio.Queue with workers: task_done()/join(), a bounded put that waits, get_nowait on an empty queue.
import asyncio


async def worker(name, q, results):
    while True:
        item = await q.get()
        await asyncio.sleep(0.01)
        results.append((item, name))
        q.task_done()


async def main():
    q = asyncio.Queue(maxsize=2)
    results = []
    workers = [asyncio.create_task(worker(f"w{i}", q, results)) for i in range(2)]
    for item in range(6):
        await q.put(item)
    await q.join()
    print(sorted(item for item, _ in results), q.qsize(), q.empty())
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    print([w.cancelled() for w in workers])
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("QueueEmpty")
    q.put_nowait("x")
    q.put_nowait("y")
    try:
        q.put_nowait("z")
    except asyncio.QueueFull:
        print("QueueFull", q.full())


asyncio.run(main())

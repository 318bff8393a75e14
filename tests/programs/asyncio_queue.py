# timing: wall
# asyncio.Queue: workers get items, task_done(); join() waits until every item is done.
import asyncio


async def worker(name, q):
    while True:
        item = await q.get()
        if item is None:
            q.task_done()
            return name
        await asyncio.sleep(item)
        print(f"{name} slept {item}")
        q.task_done()


async def main():
    q = asyncio.Queue()
    for delay in [0.2, 0.1, 0.15]:
        q.put_nowait(delay)
    print("queued:", q.qsize(), q.empty())
    workers = [asyncio.create_task(worker(f"w{i}", q)) for i in range(2)]
    await q.join()
    print("queue drained:", q.empty())
    for _ in workers:
        await q.put(None)
    print(await asyncio.gather(*workers))


asyncio.run(main())

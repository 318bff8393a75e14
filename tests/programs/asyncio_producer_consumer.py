# timing: wall
# An asyncio producer and consumer: await q.put() on a non-full queue does not switch tasks.
import asyncio


async def producer(q):
    for i in range(3):
        await asyncio.sleep(0.1)
        await q.put(i)
        print(f"put {i}")
    await q.put(None)


async def consumer(q):
    while True:
        item = await q.get()
        if item is None:
            break
        print(f"got {item}")


async def main():
    q = asyncio.Queue(maxsize=2)
    await asyncio.gather(producer(q), consumer(q))
    print("done")


asyncio.run(main())

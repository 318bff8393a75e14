# asyncio.Semaphore(2): a third task waits in acquire() until one releases; locked() says whether it would wait.
import asyncio

inside = []
most = 0


async def download(sem, name, seconds):
    global most
    async with sem:
        inside.append(name)
        most = max(most, len(inside))
        print(f"{name} starts ({len(inside)} inside)")
        await asyncio.sleep(seconds)
        inside.remove(name)
    print(f"{name} done")


async def main():
    sem = asyncio.Semaphore(2)
    print("locked at start:", sem.locked())
    await asyncio.gather(download(sem, "a", 0.1), download(sem, "b", 0.15), download(sem, "c", 0.1))
    print("most at once:", most)
    await sem.acquire()
    await sem.acquire()
    print("both taken, locked:", sem.locked())
    sem.release()
    sem.release()
    print("released, locked:", sem.locked())


asyncio.run(main())

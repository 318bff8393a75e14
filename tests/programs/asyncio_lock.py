# timing: wall
# asyncio.Lock with async with: tasks take turns, in the order they asked.
import asyncio


async def use(lock, name, hold):
    async with lock:
        print(f"{name} has the lock")
        await asyncio.sleep(hold)
        print(f"{name} releases it")


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(use(lock, "a", 0.1), use(lock, "b", 0.05), use(lock, "c", 0.05))
    print("locked:", lock.locked())
    await lock.acquire()
    print("locked:", lock.locked())
    lock.release()
    print("locked:", lock.locked())


asyncio.run(main())

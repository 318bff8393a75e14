# asyncio.Lock keeps a read-modify-write with an await inside whole; an asyncio.Event starts all waiters.
import asyncio

balance = 0


async def deposit(lock, amount):
    global balance
    async with lock:
        current = balance
        await asyncio.sleep(0.01)
        balance = current + amount


async def waiter(event, name, log):
    await event.wait()
    log.append(name)


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*(deposit(lock, 10) for _ in range(5)))
    print("balance with the lock:", balance, "locked now:", lock.locked())
    event = asyncio.Event()
    log = []
    tasks = [asyncio.create_task(waiter(event, f"t{i}", log)) for i in range(3)]
    await asyncio.sleep(0.02)
    print("before set:", log, event.is_set())
    event.set()
    await asyncio.gather(*tasks)
    print("after set:", sorted(log))


asyncio.run(main())

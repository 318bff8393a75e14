# timing: wall
# asyncio.Event: waiters block in wait() until set(); is_set() and clear().
import asyncio


async def waiter(event, name):
    print(f"{name} waits")
    await event.wait()
    print(f"{name} proceeds")


async def main():
    event = asyncio.Event()
    tasks = [asyncio.create_task(waiter(event, n)) for n in ("a", "b")]
    await asyncio.sleep(0.2)
    print("setting the event; was set:", event.is_set())
    event.set()
    await asyncio.gather(*tasks)
    print(event.is_set())
    event.clear()
    print(event.is_set())


asyncio.run(main())

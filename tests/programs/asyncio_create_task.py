# timing: wall
# create_task schedules a coroutine; it starts at the creator's next await; await the task for its result.
import asyncio


async def worker(name, delay):
    print(f"{name} starts")
    await asyncio.sleep(delay)
    print(f"{name} ends")
    return delay


async def main():
    t1 = asyncio.create_task(worker("one", 0.2))
    t2 = asyncio.create_task(worker("two", 0.1))
    print("tasks created, not started yet")
    await asyncio.sleep(0)
    print("after the first await both have started; one done?", t1.done())
    r2 = await t2
    print("two returned", r2)
    r1 = await t1
    print("one returned", r1, t1.done(), t1.result())


asyncio.run(main())

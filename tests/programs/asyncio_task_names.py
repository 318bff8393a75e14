# Task names: asyncio.run's main task is Task-1, others count up unless named; current_task().get_name().
import asyncio


async def job(label):
    await asyncio.sleep(0.01)
    return f"{label} ran as {asyncio.current_task().get_name()}"


async def main():
    print("main:", asyncio.current_task().get_name())
    t1 = asyncio.create_task(job("first"))
    t2 = asyncio.create_task(job("second"), name="custom")
    t3 = asyncio.create_task(job("third"))
    print(t1.get_name(), t2.get_name(), t3.get_name())
    t3.set_name("renamed")
    for t in (t1, t2, t3):
        print(await t)
    print(t1.done(), t1.result())
    print(await asyncio.gather(job("g1"), job("g2")))


asyncio.run(main())

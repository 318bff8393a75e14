# timing: wall
# asyncio.gather runs coroutines concurrently and returns their results in argument order.
import asyncio


async def fetch(name, delay):
    print(f"start {name}")
    await asyncio.sleep(delay)
    print(f"end {name}")
    return name.upper()


async def fails():
    await asyncio.sleep(0.05)
    raise ValueError("boom")


async def main():
    results = await asyncio.gather(fetch("a", 0.3), fetch("b", 0.1), fetch("c", 0.2))
    print(results)
    try:
        await asyncio.gather(fetch("d", 0.01), fails())
    except ValueError as e:
        print("gather raised ValueError:", e)
    mixed = await asyncio.gather(fetch("e", 0.01), fails(), return_exceptions=True)
    print(mixed[0], isinstance(mixed[1], ValueError))


asyncio.run(main())

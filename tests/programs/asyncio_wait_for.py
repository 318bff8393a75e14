# timing: wall
# asyncio.wait_for gives a coroutine a time limit; past it, asyncio.TimeoutError.
import asyncio


async def slow():
    await asyncio.sleep(0.5)
    return "slow result"


async def quick():
    await asyncio.sleep(0.1)
    return "quick result"


async def main():
    print(await asyncio.wait_for(quick(), timeout=0.3))
    try:
        await asyncio.wait_for(slow(), timeout=0.1)
    except asyncio.TimeoutError:
        print("slow() timed out after 0.1 s")


asyncio.run(main())

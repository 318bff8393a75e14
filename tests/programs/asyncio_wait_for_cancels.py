# asyncio.wait_for: past the timeout the inner task is cancelled (its finally runs) and TimeoutError raised;
# asyncio.TimeoutError is the builtin TimeoutError since 3.11.
import asyncio


async def slow(log):
    try:
        await asyncio.sleep(1)
        log.append("slow finished")
    except asyncio.CancelledError:
        log.append("slow cancelled")
        raise
    finally:
        log.append("slow cleaned up")


async def fast():
    await asyncio.sleep(0.01)
    return 42


async def main():
    log = []
    print(asyncio.TimeoutError is TimeoutError)
    print("fast:", await asyncio.wait_for(fast(), timeout=1))
    try:
        await asyncio.wait_for(slow(log), timeout=0.05)
    except asyncio.TimeoutError:
        print("timed out")
    print(log)
    print("no timeout:", await asyncio.wait_for(fast(), None))


asyncio.run(main())

# timing: wall
# asyncio.to_thread runs a blocking function in a thread while the event loop keeps going.
import asyncio
import threading
import time


def blocking_read(name, delay):
    time.sleep(delay)
    in_worker = threading.current_thread() is not threading.main_thread()
    return f"{name} read in a worker thread: {in_worker}"


async def ticker():
    for i in range(3):
        print("tick", i)
        await asyncio.sleep(0.1)


async def main():
    result, _ = await asyncio.gather(asyncio.to_thread(blocking_read, "file", delay=0.25), ticker())
    print(result)


asyncio.run(main())

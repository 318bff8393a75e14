# asyncio.to_thread with positional and keyword arguments, several at once through gather; results in order.
import asyncio
import threading
import time


finished = []


def blocking(name, delay, *, shout=False):
    time.sleep(delay)
    finished.append(name)
    worker = threading.current_thread() is not threading.main_thread()
    text = f"{name} after {delay} s in a worker: {worker}"
    return text.upper() if shout else text


async def main():
    results = await asyncio.gather(
        asyncio.to_thread(blocking, "one", 0.1),
        asyncio.to_thread(blocking, "two", 0.05, shout=True),
        asyncio.to_thread(blocking, name="three", delay=0.15),
    )
    for r in results:
        print(r)
    print("finished side by side, shortest first:", finished)
    try:
        await asyncio.to_thread(int, "not a number")
    except ValueError as e:
        print("ValueError:", e)


asyncio.run(main())

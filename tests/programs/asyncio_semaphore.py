# timing: wall
# asyncio.Semaphore(2): at most two tasks inside at once.
import asyncio

inside = 0
most = 0


async def job(sem, i):
    global inside, most
    async with sem:
        inside += 1
        most = max(most, inside)
        print(f"job {i} enters")
        await asyncio.sleep(0.1)
        inside -= 1


async def main():
    sem = asyncio.Semaphore(2)
    await asyncio.gather(*(job(sem, i) for i in range(5)))
    print("most inside at once:", most)


asyncio.run(main())

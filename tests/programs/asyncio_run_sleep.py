# timing: wall
# asyncio.run runs a coroutine to completion and returns its value; await asyncio.sleep suspends it.
import asyncio


async def greet(name, delay):
    await asyncio.sleep(delay)
    print(f"hello {name}")
    return len(name)


async def main():
    n = await greet("ada", 0.1)
    print("greet returned", n)
    m = await greet("grace", 0.1)
    return n + m


print("asyncio.run returned", asyncio.run(main()))
print("and again:", asyncio.run(greet("bob", 0.05)))

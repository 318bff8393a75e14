# timing: wall
# Tutorial "orders", asyncio.gather: the three orders wait together, so the total is the longest, 0.5 s.
import asyncio


async def order_coffee():
    print("ordered coffee")
    await asyncio.sleep(0.1)
    print("received coffee")


async def order_food():
    print("ordered food")
    await asyncio.sleep(0.5)
    print("received food")


async def order_cake():
    print("ordered cake")
    await asyncio.sleep(0.3)
    print("received cake")


async def main():
    await asyncio.gather(order_coffee(), order_food(), order_cake())


asyncio.run(main())

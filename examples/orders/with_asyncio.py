import asyncio

coffee_s = 1.0  # param [0..60 s] Coffee: How long the coffee takes to arrive.
food_s = 5.0    # param [0..60 s] Food: How long the food takes to arrive.
cake_s = 3.0    # param [0..60 s] Cake: How long the cake takes to arrive.


async def order_coffee():
    print("ordered coffee")
    await asyncio.sleep(coffee_s)
    print("received coffee")


async def order_food():
    print("ordered food")
    await asyncio.sleep(food_s)
    print("received food")


async def order_cake():
    print("ordered cake")
    await asyncio.sleep(cake_s)
    print("received cake")


async def main():
    await asyncio.gather(order_coffee(), order_food(), order_cake())


asyncio.run(main())

import time

coffee_s = 1.0  # param [0..60 s] Coffee: How long the coffee takes to arrive.
food_s = 5.0    # param [0..60 s] Food: How long the food takes to arrive.
cake_s = 3.0    # param [0..60 s] Cake: How long the cake takes to arrive.


def order_coffee():
    print("ordered coffee")
    time.sleep(coffee_s)
    print("received coffee")


def order_food():
    print("ordered food")
    time.sleep(food_s)
    print("received food")


def order_cake():
    print("ordered cake")
    time.sleep(cake_s)
    print("received cake")


order_coffee()
order_food()
order_cake()

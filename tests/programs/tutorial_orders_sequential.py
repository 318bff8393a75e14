# timing: wall
# Tutorial "orders", sequential: coffee, food and cake one after another (0.1 + 0.5 + 0.3 s).
import time


def order_coffee():
    print("ordered coffee")
    time.sleep(0.1)
    print("received coffee")


def order_food():
    print("ordered food")
    time.sleep(0.5)
    print("received food")


def order_cake():
    print("ordered cake")
    time.sleep(0.3)
    print("received cake")


order_coffee()
order_food()
order_cake()

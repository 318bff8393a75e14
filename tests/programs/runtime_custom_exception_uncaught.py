# stderr: last-line
# A custom exception nobody catches ends the program, named by its class.
class OrderError(Exception):
    pass


def order(item):
    if item != "coffee":
        raise OrderError(f"no {item} today")
    print("ordered", item)


order("coffee")
order("cake")

# stderr: last-line
# Assigning to a global inside a function without `global` makes it local: UnboundLocalError.
counter = 0


def increment():
    counter += 1


print("calling increment()")
increment()

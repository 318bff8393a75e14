# A missing colon after an if condition: nothing runs.
x = 3
print("never printed")
if x > 2
    print("big")

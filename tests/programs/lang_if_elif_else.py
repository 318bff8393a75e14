# if / elif / else, boolean operators, chained comparisons, membership and conditional expressions.
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    else:
        return "large"


for n in [-5, 0, 7, 42]:
    print(n, classify(n))

x = 5
if 0 < x < 10 and x != 3:
    print("x is between 0 and 10, and not 3")
if not x > 10 or x == 0:
    print("x is at most 10")
if "a" in "cat" and 4 not in [1, 2, 3]:
    print("membership works")
if []:
    print("never")
elif {}:
    print("never either")
else:
    print("empty containers are false")

parity = "even" if x % 2 == 0 else "odd"
print(parity)
if x > 3:
    if x > 4:
        print("nested: x > 4")

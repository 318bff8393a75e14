# while loops, break, continue and pass.
n = 0
while n < 3:
    print("n =", n)
    n += 1

count = 0
while True:
    count += 1
    if count == 5:
        break
print("stopped at", count)

for i in range(6):
    if i % 2 == 0:
        continue
    print("odd", i)

for i in range(3):
    pass
print("pass did nothing, i =", i)

found = None
for row in [[1, 2], [3, 4], [5, 6]]:
    for x in row:
        if x == 4:
            found = x
            break
    if found is not None:
        break
print("found", found)

x = 100
steps = 0
while x != 1:
    x = x // 2 if x % 2 == 0 else 3 * x + 1
    steps += 1
print("collatz steps", steps)

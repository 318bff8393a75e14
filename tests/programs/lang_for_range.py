# for over range with one, two and three arguments, negative steps, empty ranges, nested loops.
for i in range(3):
    print("range(3):", i)
for i in range(2, 5):
    print("range(2, 5):", i)
for i in range(10, 0, -3):
    print("range(10, 0, -3):", i)
for i in range(0):
    print("never")
print(list(range(1, 10, 2)), len(range(100)), list(range(5, 0, -1)))
for i in range(1, 4):
    row = ""
    for j in range(1, 4):
        row += str(i * j) + " "
    print(row)
total = 0
for i in range(101):
    total += i
print(total)

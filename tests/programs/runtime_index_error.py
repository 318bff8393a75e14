# stderr: last-line
# Reading past the end of a list: IndexError.
items = ["a", "b", "c"]
for i in range(4):
    print(items[i])

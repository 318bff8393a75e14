# Assignment: names, chained, tuple unpacking and swaps, nested targets, attribute and subscript targets.
a = 1
b = c = 2
print(a, b, c)
x, y = 10, 20
x, y = y, x
print(x, y)
(p, q), r = (1, 2), 3
print(p, q, r)
first, second, third = "abc"
print(first, second, third)
for i, (name, score) in enumerate([("ann", 3), ("bob", 5)]):
    print(i, name, score)


class Box:
    pass


box = Box()
box.width = 3
box.height = box.width * 2
print(box.width, box.height)
box.items = []
box.items.append("x")
print(box.items)

numbers = [0, 0, 0]
numbers[0] = 5
numbers[-1] = 7
print(numbers)
numbers[0], numbers[1] = numbers[1], numbers[0]
print(numbers)

table = {}
table["a"] = 1
table["b"] = table["a"] + 1
print(table)

grid = [[0, 0], [0, 0]]
grid[1][0] = 9
print(grid)

alias = numbers
alias[2] = 100
print(numbers, alias is numbers)

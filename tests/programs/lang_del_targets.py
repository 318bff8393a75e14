# del of list items and slices, dict keys, attributes, several targets at once, and names in functions.
nums = list(range(10))
del nums[0]
del nums[-1]
print(nums)
del nums[1:3]
print(nums)
del nums[::2]
print(nums)
grid = {"a": 1, "b": 2, "c": 3, "d": 4}
del grid["a"], grid["c"]
print(grid)


class Settings:
    def __init__(self):
        self.debug = True
        self.level = 3


s = Settings()
del s.debug
print(hasattr(s, "debug"), s.level)
try:
    del s.debug
except AttributeError as e:
    print("AttributeError:", e)
x, y = 1, 2
del x, y
try:
    print(x)
except NameError as e:
    print("NameError:", e)


def local_del():
    v = 5
    del v
    try:
        return v
    except UnboundLocalError as e:
        return f"UnboundLocalError: {e}"


print(local_del())
try:
    del nums[100]
except IndexError as e:
    print("IndexError:", e)
matrix = [[1, 2], [3, 4]]
del matrix[0][1]
print(matrix)

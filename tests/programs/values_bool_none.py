# bool and None: truthiness, and/or return operands, not, is, comparisons with None.
print(True and False, True or False, not True)
print(1 and "yes", 0 and "never", "" or "default", None or 0 or "last")
print(bool(0), bool(1), bool(""), bool("x"), bool([]), bool([0]), bool({}), bool(None), bool(0.0))
x = None
print(x is None, x is not None, x == None)
print(True + True, True * 10, False == 0)
print(isinstance(True, int), str(True), repr(None))


def check(v):
    if v:
        return "truthy"
    return "falsy"


print([check(v) for v in [0, 1, "", " ", None, (), (0,)]])
result = print("print returns None")
print(result)

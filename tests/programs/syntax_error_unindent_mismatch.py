# A dedent to a column that no outer block uses.
def f():
        x = 1
    return x


print(f())

# Building lists: append in a loop, a comprehension, a sum over it.
def build(n):
    out = []
    for i in range(n):
        out.append(i * 2)
    return out


squares = [i * i for i in range(500_000)]
print(len(build(500_000)), sum(squares))

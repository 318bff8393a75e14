# Method calls on instances: attribute lookups, bound methods, instance attributes.
class Counter:
    def __init__(self):
        self.count = 0

    def add(self, k):
        self.count += k
        return self


def run(n):
    c = Counter()
    for i in range(n):
        c.add(1)
    return c.count


print(run(500_000))

# Sets: add, remove, discard, operators, membership; printed sorted, as sets have no order to rely on.
s = {3, 1, 2}
s.add(4)
s.add(1)
print(sorted(s), len(s))
s.remove(4)
s.discard(99)
print(sorted(s), 2 in s, 9 in s)
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union(b)), sorted(a.intersection(b)), sorted(a.difference(b)))
print({1, 2} <= a, {1, 2} == {2, 1}, set() == set())
print(sorted(set("banana")), sorted(set([3, 3, 1])))
print(set(), len(set()))
try:
    s.remove(42)
except KeyError as e:
    print("KeyError:", e)

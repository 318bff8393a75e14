# random without a seed: print properties of the values, which hold for any seed.
import random

x = random.random()
print(0 <= x < 1)
print(all(1 <= random.randint(1, 6) <= 6 for _ in range(100)))
print(all(2.0 <= random.uniform(2, 3) <= 3.0 for _ in range(100)))
print(random.choice(["a", "b"]) in ["a", "b"])
items = list(range(20))
random.shuffle(items)
print(sorted(items) == list(range(20)))

import random
random.seed(42)
print(random.random())
print(random.randint(1, 10), random.randint(1, 10), random.randrange(0, 100, 5))
print(random.choice(["a", "b", "c"]), random.uniform(1, 2))
items = list(range(10))
random.shuffle(items)
print(items)
print(random.sample(range(100), 5))
print(random.choices("abc", k=5), random.choices([1, 2, 3], weights=[5, 1, 1], k=4))
print(round(random.gauss(0, 1), 12))
random.seed("threadlab")
print(random.random())
r = random.Random(7)
print(r.random(), r.randint(1, 6))
random.seed(42)
a = [random.random() for _ in range(3)]
random.seed(42)
print(a == [random.random() for _ in range(3)])
try:
    random.choice([])
except IndexError as e:
    print("IndexError", e)

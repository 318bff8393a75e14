# random with a seed repeats CPython's Mersenne Twister exactly: random, randint, uniform, choice, shuffle.
import random

random.seed(42)
print(random.random())
print([random.randint(1, 6) for _ in range(10)])
print(random.uniform(1.5, 2.5))
print(random.choice(["rock", "paper", "scissors"]))
items = list(range(10))
random.shuffle(items)
print(items)
random.seed(42)
print(random.random())
random.seed(7)
print(random.randint(0, 10 ** 6), random.randint(-5, 5), random.choice("abcdef"))
print([round(random.random(), 6) for _ in range(3)])
random.seed(2024)
print(random.randint(1, 2 ** 40), random.uniform(-1, 1))
deck = ["A", "K", "Q", "J", "10"]
random.shuffle(deck)
print(deck, random.choice(deck))

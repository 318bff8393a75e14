# random with other seeds: shuffle, choice, uniform, randint and random repeat CPython's sequences.
import random

for seed in (0, 1, 12345):
    random.seed(seed)
    cards = ["A", "2", "3", "4", "5", "6", "7", "8"]
    random.shuffle(cards)
    print(seed, cards, random.choice(cards), round(random.uniform(10, 20), 9), random.randint(100, 999))
random.seed("text seed")
print(random.random(), random.choice((1, 2, 3)), random.choice(range(50)))
random.seed(99)
print([random.randint(-3, 3) for _ in range(12)])
print([round(random.uniform(0, 1), 4) for _ in range(4)], random.uniform(5, 5))
letters = list("abcdefghij")
random.shuffle(letters)
print("".join(letters))
try:
    random.choice([])
except IndexError as e:
    print("IndexError:", e)
try:
    random.randint(5, 1)
except ValueError as e:
    print("ValueError:", e)

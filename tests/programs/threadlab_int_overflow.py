# threadlab-only
# ThreadLab's ints are 64-bit: past 2**63 - 1 arithmetic raises OverflowError instead of growing.
big = 2 ** 62
print(big)
print(big + (big - 1))
try:
    print(big * 2)
except OverflowError:
    print("OverflowError: 2**63 does not fit")
print(-big * 2)
biggest = 9223372036854775807
print(biggest + 1)

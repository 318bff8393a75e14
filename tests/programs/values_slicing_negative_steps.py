# Slicing with negative steps and out-of-range bounds, on lists, strings, tuples and ranges; slice assignment.
s = "abcdefgh"
print(s[::-1], s[::-2], s[-1:-4:-1], s[5:1:-1], s[1:5:-1], s[-3:], s[:-3], s[::3])
nums = list(range(10))
print(nums[::-1], nums[8:2:-2], nums[-2::-3], nums[:3:-1], nums[100:], nums[-100:2], nums[3:3])
t = (1, 2, 3, 4, 5)
print(t[::-1], t[-2:], t[4:0:-2], t[:0:-1])
r = range(0, 20, 3)
print(list(r[::-1]), list(r[1:4]), r[-1], list(r[::-2]))
nums[2:5] = ["a", "b"]
print(nums)
nums[::2] = [0] * len(nums[::2])
print(nums)
nums[:] = [1, 2, 3]
print(nums)
nums[1:1] = [9, 9]
print(nums)
try:
    nums[::2] = [1]
except ValueError as e:
    print("ValueError:", e)
try:
    print(nums[::0])
except ValueError as e:
    print("ValueError:", e)
word = "racecar"
print(word == word[::-1], "python"[-1::-2], "x"[5:], len(s[::-1]))

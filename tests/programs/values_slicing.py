# Slicing lists, strings and tuples: bounds, negative indices, steps, reversal, copies.
nums = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
print(nums[2:5], nums[:3], nums[7:], nums[-3:], nums[:-7])
print(nums[::2], nums[1::3], nums[::-1], nums[8:2:-2])
print(nums[5:100], nums[100:], nums[3:3])
word = "concurrency"
print(word[:3], word[3:], word[-4:], word[::-1], word[::3])
t = (1, 2, 3, 4)
print(t[1:3], t[::-1])
copy = nums[:]
copy[0] = 99
print(nums[0], copy[0])
print(word[0:1], word[-1:], "abc"[1:2])

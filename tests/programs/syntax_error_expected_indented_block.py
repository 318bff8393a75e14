# A for loop whose body is not indented.
total = 0
for i in range(3):
total += i
print(total)

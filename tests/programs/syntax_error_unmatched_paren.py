# One closing parenthesis too many.
x = 1
print((x + 2)))

# stderr: last-line
# Recursion without a base case: RecursionError.
def countdown(n):
    return countdown(n - 1)


print("counting down forever")
countdown(10)

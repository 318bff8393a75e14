# A string literal that never ends.
name = "Ada"
print("hello, + name)

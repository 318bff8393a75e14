# A keyword used as a variable name.
count = 1
class = "first"

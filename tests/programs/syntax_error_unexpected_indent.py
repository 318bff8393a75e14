# A line indented for no reason: IndentationError, unexpected indent.
x = 1
print("never printed")
    y = 2

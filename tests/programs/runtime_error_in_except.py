# stderr: last-line
# An exception raised while handling another: the second one ends the program.
try:
    {}["missing"]
except KeyError:
    print("handling the KeyError")
    [][0]

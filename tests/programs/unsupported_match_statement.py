# threadlab: refused
# refused-at: 6
# The match statement is not in ThreadLab's subset.
command = "go"

match command:
    case "go":
        print("going")
    case _:
        print("unknown")

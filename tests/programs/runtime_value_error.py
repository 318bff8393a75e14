# stderr: last-line
# int() of text that is not a number: ValueError.
for text in ["12", "7", "seven"]:
    print(int(text) * 2)

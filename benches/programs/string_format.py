# Formatting strings: f-strings with specs, % and str.format.
def report(n):
    total = 0
    for i in range(n):
        a = f"{i:>6} items at {i * 0.5:0.2f} each"
        b = "%d/%s" % (i, "x")
        c = "{}-{}".format(i, i + 1)
        total += len(a) + len(b) + len(c)
    return total


print(report(100_000))

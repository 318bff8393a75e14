# str.format: positional, numbered, named fields and format specs.
print("{} + {} = {}".format(1, 2, 3))
print("{0} {1} {0}".format("a", "b"))
print("{name} is {age}".format(name="Ada", age=36))
print("{:>8}|{:<8}|{:^8}|".format("r", "l", "c"))
print("{:.3f} {:,} {:05d}".format(3.14159, 1234567, 42))
print("{0:.1f} {x}".format(2.25, x=[1]))
print("{{literal}} {}".format("ok"))
template = "{}: {:6.2f}"
for item, price in [("tea", 2.5), ("cake", 12)]:
    print(template.format(item, price))

# % formatting and str.format edge cases: widths, alignment, fill, signs, bases, grouping, %, repr.
print("%5d|%-5d|%05d|%+d|% d" % (42, 42, 42, 42, 42))
print("%.2f|%8.3f|%-8.1f|%e|%.0f" % (3.14159, 2.71828, 1.5, 12345.678, 2.5))
print("%x|%X|%o|%#x|%#o" % (255, 255, 8, 255, 8))
print("%s|%r|%10s|%-10s|%%" % ("hi", "hi", "right", "left"))
print("%(name)s is %(age)d" % {"name": "Ann", "age": 30})
print("%s" % (1, ), "%s" % [1, 2], "%s and %s" % ("a", "b"), "%c" % 65)
print("{} {} {}".format(1, "two", 3.0), "{0}{1}{0}".format("ab", "cd"), "{name}!".format(name="hey"))
print("{:>10}|{:<10}|{:^10}|{:*^9}|{:-<6}".format("r", "l", "c", "mid", "x"))
print("{:,}|{:_}|{:+d}|{: d}|{:08.3f}".format(1234567, 1234567, 5, 5, -3.14159))
print("{:b}|{:o}|{:x}|{:X}|{:#x}|{:#b}".format(10, 10, 255, 255, 255, 5))
print("{:.3e}|{:%}|{:.1%}|{:g}|{:g}".format(123456.789, 0.25, 0.125, 0.00001, 1e20))
print("{!r}|{!s}|{:5}|{:<5}|".format("q", "q", 7, 7))
print("{0[0]}-{0[1]}|{1[key]}".format([9, 8], {"key": "v"}))
width, prec = 10, 3
print("{:{w}.{p}f}|".format(3.14159, w=width, p=prec), f"{3.14159:{width}.{prec}f}|")
print("{{literal}} {}".format("x"), f"{{f}} {1 + 1}", f"{'a':>3}{'b':<3}|")
print(f"{12345.6789:,.2f} {0.5:.0%} {-7:05d} {255:#06x} {'text'!r:>8}")
try:
    print("%d" % "not a number")
except TypeError as e:
    print("TypeError:", e)
try:
    print("%s %s" % ("only one",))
except TypeError as e:
    print("TypeError:", e)
try:
    print("{} {}".format("one"))
except IndexError as e:
    print("IndexError:", e)

# chr, ord, hex, bin, divmod, pow (two and three arguments), format and hash equality.
print(chr(65), chr(97), chr(8364), ord("A"), ord("z"), ord("€"))
print(hex(255), hex(-255), hex(0), bin(10), bin(-10), bin(0))
print(divmod(17, 5), divmod(-17, 5), divmod(17, -5), divmod(7.5, 2))
print(pow(2, 10), pow(2, -1), pow(3, 4, 5), pow(-2, 3), pow(2.0, 0.5))
print(format(3.14159, ".2f"), format(42, "05d"), format(255, "x"), format(1234567, ","), format("hi", ">5"))
print(format(0.5, "%"), format(7, "b"), format(12, "#o"), repr(format(3)))
print(hash(1) == hash(1.0) == hash(True), hash("abc") == hash("abc"), hash((1, 2)) == hash((1, 2)))
print(hash(0), hash(-1) == hash(-2), hash(None) == hash(None))
print(chr(ord("a") + 1), "".join(chr(ord(c) - 32) for c in "shout"))
try:
    chr(-1)
except ValueError as e:
    print("ValueError:", e)
try:
    ord("ab")
except TypeError as e:
    print("TypeError:", e)
try:
    divmod(1, 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    hash([1, 2])
except TypeError as e:
    print("TypeError:", e)

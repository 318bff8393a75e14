# f-strings with format specs: precision, width and alignment, thousands separators, bases, %, e, !r.
x = 3.14159
n = 42
big = 1234567.891
name = "Ada"
print(f"{x:0.2f}|{x:.3f}|{x:8.2f}|{x:<8.1f}|{x:.0f}|")
print(f"{n:>5}|{n:<5}|{n:^5}|{n:05}|{n:+d}|{-n:d}|")
print(f"{big:,}|{1234567:,}|{big:,.2f}|{1234567:_}|{-9876543:,}|")
print(f"{name:>6}|{name:<6}|{name:^7}|{name:*^9}|{name:.2}|")
print(f"{0.256:.1%}|{n:x}|{n:X}|{n:o}|{n:b}|{n:08b}|")
print(f"{x:e}|{big:.2e}|{0.000123:.1e}|")
print(f"{name!r}|{name!s}|{[1, 'a']}|{n * 2}|{n > 40}|{None}|{3.0}|")
print(f"{{braces}} {n}")
width = 7
print(f"{n:{width}}|{x:{width}.2f}|")
print(f"{'nested quotes'}|{len(name)}|{name.upper()}|")
total = 0.1 + 0.2
print(f"{total}|{total:.2f}|{round(total, 2)}")

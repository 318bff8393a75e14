# Strings: indexing, len, concatenation, repetition, membership, comparison, the common methods, escapes.
s = "Hello, World"
print(s[0], s[-1], len(s))
print(s + "!", "ab" * 3, "lo" in s, "xyz" not in s)
print(s.upper(), s.lower())
print("  padded  ".strip() + "|", "xxhixx".strip("x"), "  left".lstrip(), "right  ".rstrip() + "|")
print("a,b,,c".split(","), "one two  three".split(), "k=v=w".split("=", 1))
print("-".join(["a", "b", "c"]), "".join(reversed("abc")))
print(s.replace("World", "there"), "aaa".replace("a", "b", 2))
print(s.startswith("Hell"), s.endswith("x"), s.find("o"), s.find("z"), s.count("l"))
print(s.index("W"), "42".isdigit(), "4x".isdigit(), "abc".isalpha())
print("hello world".title(), "hello".capitalize(), "Ab".swapcase())
print("apple" < "banana", "Z" < "a", "abc" == "ab" + "c")
print("tab\there", "new\nline", 'quote "q"', "it's", "back\\slash")
print("""triple
quoted""")
print(str(42) + str(3.5) + str(None) + str(True))
print("%" + "d", "{}".upper())

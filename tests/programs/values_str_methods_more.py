# str methods: split/rsplit with limits, partition, strip with chars, replace with count, find/index, join,
# startswith with tuples, zfill, center, count, title, swapcase, isdigit and friends.
s = "  Hello, World  "
print(s.strip(), s.lstrip(), s.rstrip() + "|", "xxhixx".strip("x"), "a,b,,c".split(","), "a b  c".split())
print("a-b-c-d".split("-", 2), "a-b-c-d".rsplit("-", 1), "k=v=w".partition("="), "k=v=w".rpartition("="))
print("banana".replace("a", "o", 2), "banana".find("an"), "banana".rfind("an"), "banana".find("x"), "banana".count("a"))
print("-".join(["x", "y", "z"]), "file.py".endswith((".py", ".txt")), "Hello".startswith(("he", "He")))
print("42".zfill(5), "-42".zfill(5), "mid".center(9, "*"), "ab".ljust(4, ".") + "|", "ab".rjust(4) + "|")
print("hello world".title(), "Hello".swapcase(), "abc".upper(), "ABC".lower(), "hello".capitalize())
print("123".isdigit(), "12a".isdigit(), "abc".isalpha(), "ab1".isalnum(), "   ".isspace(), "Hi".isupper())
print("a\nb\r\nc".splitlines(), "tab\there".expandtabs(4) if hasattr(str, "expandtabs") else "", "x" * 3, "ab" in "cabd")
try:
    "banana".index("x")
except ValueError as e:
    print("ValueError:", e)

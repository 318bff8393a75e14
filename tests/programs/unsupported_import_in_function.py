# threadlab: refused
# refused-at: 7
# An unsupported import inside a function is refused too, before anything runs.


def load():
    import json

    return json.loads("[1, 2]")


print("CPython runs this:", load())

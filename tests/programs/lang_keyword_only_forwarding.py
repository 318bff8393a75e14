# Keyword-only parameters and *args/**kwargs forwarding through a wrapper, with CPython's TypeErrors.
def connect(host, port=80, *, timeout=1.0, retries=0):
    return f"{host}:{port} timeout={timeout} retries={retries}"


def logged(func, *args, **kwargs):
    print("calling with", args, kwargs)
    return func(*args, **kwargs)


def wrapper(*args, **kwargs):
    return logged(connect, *args, **kwargs)


print(wrapper("example.org"))
print(wrapper("example.org", 8080, retries=3))
print(wrapper(host="h", timeout=0.5))
options = {"timeout": 2, "retries": 1}
print(connect("x", 1, **options))
print(connect(*["y", 2], **{"retries": 5}))
try:
    connect("h", 1, 2.0)
except TypeError as e:
    print("TypeError:", e)
try:
    connect("h", timeot=1)
except TypeError as e:
    print("TypeError:", e)
try:
    connect("h", host="again")
except TypeError as e:
    print("TypeError:", e)
try:
    connect()
except TypeError as e:
    print("TypeError:", e)


def collect(first, *rest, last="end", **extra):
    return first, rest, last, sorted(extra.items())


print(collect(1))
print(collect(1, 2, 3, last="L", a=1, b=2))

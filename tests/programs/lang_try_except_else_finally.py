# try / except / else / finally: which blocks run, several except clauses, tuples, re-raising.
def divide(a, b):
    try:
        result = a / b
    except ZeroDivisionError:
        print("  cannot divide by zero")
        return None
    else:
        print("  no error")
        return result
    finally:
        print("  finally runs")


print(divide(6, 3))
print(divide(1, 0))


def parse(text):
    try:
        return int(text)
    except (ValueError, TypeError) as e:
        print("  bad input:", e)
        return 0


print(parse("12"), parse("x"), parse(None))

for value in ["5", "0", "a"]:
    try:
        n = 10 // int(value)
    except ValueError:
        print(value, "-> not a number")
    except ZeroDivisionError as e:
        print(value, "-> ZeroDivisionError:", e)
    else:
        print(value, "->", n)


def reraise():
    try:
        [][1]
    except IndexError:
        print("  logging, then re-raising")
        raise


try:
    reraise()
except IndexError as e:
    print("caught again:", e)

try:
    try:
        raise ValueError("inner")
    finally:
        print("inner finally")
except ValueError as e:
    print("outer caught", e)

try:
    {}["k"]
except Exception as e:
    print("Exception catches KeyError:", e)

try:
    raise RuntimeError("plain raise")
except RuntimeError as e:
    print(e)

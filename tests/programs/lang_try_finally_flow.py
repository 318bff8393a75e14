# finally runs on return, break and continue; a return in finally wins; else runs only without an exception.
def f(x):
    try:
        if x == 0:
            return "returned in try"
        1 / x
    except ZeroDivisionError:
        return "never"
    else:
        return f"else with {x}"
    finally:
        print(f"finally for {x}")


print(f(0))
print(f(2))


def g():
    try:
        return "try"
    finally:
        return "finally wins"


print(g())
for i in range(4):
    try:
        if i == 1:
            continue
        if i == 3:
            break
        print("body", i)
    finally:
        print("finally", i)


def nested():
    log = []
    try:
        try:
            raise ValueError("inner")
        finally:
            log.append("inner finally")
    except ValueError as e:
        log.append(f"caught {e}")
    finally:
        log.append("outer finally")
    return log


print(nested())

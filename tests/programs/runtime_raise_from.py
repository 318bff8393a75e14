# stderr: last-line
# raise ... from ...: the new exception ends the program; its cause is shown first.
class ConfigError(Exception):
    pass


def load(text):
    try:
        return int(text)
    except ValueError as e:
        raise ConfigError(f"bad number: {text!r}") from e


print(load("42"))
print(load("forty-two"))

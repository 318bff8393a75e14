# Exception chaining: raise ... from sets __cause__, raising inside except sets __context__; from None hides it.
class AppError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def parse(text):
    try:
        return int(text)
    except ValueError as e:
        raise AppError(f"bad input {text!r}", 400) from e


try:
    parse("x")
except AppError as e:
    print(e, e.code, type(e.__cause__).__name__, e.__cause__, e.args)
try:
    try:
        {}["k"]
    except KeyError:
        raise RuntimeError("while handling")
except RuntimeError as e:
    print(e, type(e.__context__).__name__, e.__cause__)
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("clean") from None
except ValueError as e:
    print(e, e.__cause__, e.__suppress_context__)
try:
    raise AppError("plain", 500)
except Exception as e:
    print(isinstance(e, AppError), e.code, str(e), repr(e))

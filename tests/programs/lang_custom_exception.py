# A custom exception class hierarchy: raised, caught by its base class, with extra attributes.
class BankError(Exception):
    pass


class InsufficientFunds(BankError):
    def __init__(self, needed):
        super().__init__(f"need {needed} more")
        self.needed = needed


def withdraw(balance, amount):
    if amount > balance:
        raise InsufficientFunds(amount - balance)
    return balance - amount


print(withdraw(100, 30))
try:
    withdraw(10, 25)
except BankError as e:
    print("caught:", e)
    print("needed:", e.needed)
    print(isinstance(e, InsufficientFunds), isinstance(e, Exception))

try:
    raise BankError("closed")
except InsufficientFunds:
    print("not this one")
except BankError as e:
    print("bank error:", e)

# A bank account updated by four threads: each deposit holds the lock over its read, wait and write.
import threading
import time


class Account:
    def __init__(self, balance=0):
        self.balance = balance
        self.lock = threading.Lock()
        self.history = []

    def deposit(self, amount):
        with self.lock:
            current = self.balance
            time.sleep(0.001)
            self.balance = current + amount
            self.history.append(amount)

    def withdraw(self, amount):
        with self.lock:
            if amount > self.balance:
                raise ValueError(f"insufficient funds: {self.balance} < {amount}")
            self.balance -= amount


account = Account(100)


def customer(amount, times):
    for _ in range(times):
        account.deposit(amount)


threads = [threading.Thread(target=customer, args=(a, 10)) for a in (1, 5, 10, 20)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("balance:", account.balance, "deposits:", len(account.history))
account.withdraw(300)
try:
    account.withdraw(1000)
except ValueError as e:
    print("ValueError:", e)
print("final balance:", account.balance)

# sys.getswitchinterval starts at 0.005 s; a value set is read back as set, and threads still interleave.
import sys
import threading

print(sys.getswitchinterval())
sys.setswitchinterval(0.0001)
print(sys.getswitchinterval())
total = []


def count(n):
    s = 0
    for i in range(n):
        s += i
    total.append(s)


threads = [threading.Thread(target=count, args=(20000,)) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(total)
sys.setswitchinterval(0.005)
print(sys.getswitchinterval() == 0.005)
try:
    sys.setswitchinterval(-1)
except ValueError as e:
    print("ValueError:", e)

import sys, os
print(sys.getswitchinterval())
sys.setswitchinterval(0.001)
print(sys.getswitchinterval())
try:
    sys.setswitchinterval(0)
except ValueError as e:
    print("ValueError", e)
print(sys.getrecursionlimit() >= 1000, sys.maxsize, sys.platform)
n = sys.stdout.write("written\n")
print(n)
print(type(os.getpid()).__name__, os.cpu_count() >= 1, os.sep)
try:
    sys.exit(3)
except SystemExit as e:
    print("SystemExit", e.code)

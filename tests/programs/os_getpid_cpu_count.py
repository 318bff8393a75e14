# os.getpid and os.cpu_count: print facts about them, not their values.
import os

pid = os.getpid()
print(pid > 0, pid == os.getpid(), isinstance(pid, int))
print(os.cpu_count() >= 1, isinstance(os.cpu_count(), int))

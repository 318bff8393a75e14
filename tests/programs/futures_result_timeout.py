# timing: wall
# Future.result(timeout) raises TimeoutError while the function still runs.
import time
from concurrent.futures import ThreadPoolExecutor

with ThreadPoolExecutor(max_workers=1) as executor:
    f = executor.submit(time.sleep, 0.3)
    try:
        f.result(timeout=0.1)
    except TimeoutError:
        print("not ready after 0.1 s")
    print("done:", f.done())
    print("result:", f.result(timeout=1))
    print("done:", f.done())

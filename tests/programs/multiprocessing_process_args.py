# Process with args and kwargs sends its result back through a multiprocessing.Queue; exitcode and name.
import multiprocessing


def compute(q, label, numbers, *, scale=1):
    me = multiprocessing.current_process()
    q.put((label, sum(numbers) * scale, me.name))


if __name__ == "__main__":
    q = multiprocessing.Queue()
    p1 = multiprocessing.Process(target=compute, args=(q, "plain", [1, 2, 3]))
    p2 = multiprocessing.Process(target=compute, args=(q, "scaled", [1, 2, 3]), kwargs={"scale": 10}, name="scaler")
    p1.start()
    p1.join()
    print(q.get(), p1.exitcode)
    p2.start()
    p2.join()
    print(q.get(), p2.exitcode, p2.is_alive())

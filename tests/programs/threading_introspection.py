# current_thread, main_thread, active_count, enumerate and get_ident.
import threading
import time

main = threading.main_thread()
print(main.name, main is threading.current_thread())
print(threading.get_ident() == main.ident, threading.get_ident() > 0)
print(threading.active_count(), [t.name for t in threading.enumerate()])
seen = {}


def work():
    me = threading.current_thread()
    seen["name"] = me.name
    seen["ident"] = threading.get_ident()
    seen["is_main"] = me is threading.main_thread()
    seen["count"] = threading.active_count()
    time.sleep(0.1)


t = threading.Thread(target=work, name="helper")
t.start()
time.sleep(0.05)
print(threading.active_count(), [x.name for x in threading.enumerate()])
t.join()
print(seen["name"], seen["is_main"], seen["count"])
print(seen["ident"] == t.ident, seen["ident"] != main.ident)
print(threading.active_count(), [x.name for x in threading.enumerate()])

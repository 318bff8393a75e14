# Thread(target, args, kwargs, name); the default names Thread-N (target); current_thread() inside.
import threading


def greet(greeting, name, punctuation="."):
    me = threading.current_thread()
    print(f"{me.name}: {greeting}, {name}{punctuation}")


t1 = threading.Thread(target=greet, args=("Hello", "Ada"), kwargs={"punctuation": "!"}, name="greeter")
print(t1.name, t1.ident is None, t1.daemon)
t1.start()
t1.join()
t2 = threading.Thread(target=greet, args=("Hi",), kwargs={"name": "Bob"})
print(t2.name)
t2.start()
t2.join()
t3 = threading.Thread(target=greet, args=("Hey", "Cy"))
t3.name = "renamed"
t3.start()
t3.join()
print(threading.Thread(target=greet).name, threading.current_thread().name)

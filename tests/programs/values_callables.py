# Functions, bound methods and classes are values: stored, passed and called later.
def greet(name):
    return "hi " + name


say = greet
print(say("ann"))


def apply(f, x):
    return f(x)


print(apply(greet, "bob"), apply(len, "four"), apply(abs, -3))


class Dog:
    def __init__(self, name):
        self.name = name

    def speak(self):
        return self.name + " says woof"


d = Dog("rex")
bark = d.speak
d.name = "Rex"
print(bark())
kind = Dog
print(kind("fido").speak())
dogs = list(map(Dog, ["a", "b"]))
print([x.speak() for x in dogs])
handlers = {"greet": greet, "shout": lambda s: s.upper() + "!"}
for key in ["greet", "shout"]:
    print(handlers[key]("you"))
methods = [d.speak, dogs[0].speak]
print([m() for m in methods])
print(greet == say, greet is say)

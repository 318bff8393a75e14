# super() through a chain of three classes: __init__ and an overridden method each extend their parent.
class Animal:
    def __init__(self, name):
        self.name = name
        self.traits = ["animal"]

    def describe(self):
        return f"{self.name}: " + ", ".join(self.traits)

    def sound(self):
        return "..."


class Dog(Animal):
    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed
        self.traits.append("dog")

    def sound(self):
        return "woof"


class Puppy(Dog):
    def __init__(self, name, breed, age):
        super().__init__(name, breed)
        self.age = age
        self.traits.append("puppy")

    def sound(self):
        return super().sound() + " (squeaky)"

    def describe(self):
        return super().describe() + f" [{self.breed}, {self.age} months]"


p = Puppy("Rex", "beagle", 4)
print(p.describe())
print(p.sound(), Dog("Ace", "lab").sound(), Animal("Generic").sound())
print(isinstance(p, Animal), isinstance(p, Dog), issubclass(Puppy, Animal), type(p).__name__)

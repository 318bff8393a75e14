# A global statement in a class body rebinds the module's name, not a class attribute.
registry = 0


class Config:
    global registry
    registry = 42
    name = "cfg"


print(registry, Config.name, hasattr(Config, "registry"))

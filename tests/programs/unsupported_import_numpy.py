# threadlab: refused
# refused-at: 5
# NumPy is not one of ThreadLab's modules: the import is refused before anything runs.
print("never printed by ThreadLab")
import numpy as np

print(np.arange(3))

# stderr: last-line
# A missing dict key: KeyError, whose message is the key's repr.
ages = {"ann": 31}
print(ages["ann"])
print(ages["bob"])

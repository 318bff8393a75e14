# stderr: last-line
# Adding a str to an int: TypeError.
count = 3
message = "count: "
print(message + str(count))
print(count + message)

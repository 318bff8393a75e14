# stderr: last-line
# A name that was never assigned: NameError.
total = 10
print("total is", total)
print(subtotal)

# Python 2's print statement.
x = 1
print "x is", x

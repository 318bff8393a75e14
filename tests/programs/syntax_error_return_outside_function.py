# return at module level.
x = 5
return x

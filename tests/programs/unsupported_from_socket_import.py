# threadlab: refused
# refused-at: 7
# socket is not one of ThreadLab's modules, even after supported imports.
import threading
import time

from socket import socket

print("CPython runs this; ThreadLab refuses the program")

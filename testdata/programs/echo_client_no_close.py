# An echo client that reads one reply and ends without close(): the
# kernel closes its socket when the process exits.
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', port))
s.sendall(b"hi\n")
print(s.recv(1024))
os._exit(0)

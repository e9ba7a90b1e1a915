# A server that reads but never answers: a check's time limit must stop
# it and say where it was blocked.
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', port))
s.listen(5)
conn, _ = s.accept()
while True:
    conn.recv(1024)

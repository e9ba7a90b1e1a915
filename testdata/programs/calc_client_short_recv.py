# calc_client.py with one recv(8) per request: a reply longer than 8 bytes
# is read only in part, and the rest is taken for the next reply's.
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 1081
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect(('127.0.0.1', port))
    for line in sys.stdin:
        expression = line.strip()
        s.sendall((expression + "\n").encode())
        print(s.recv(8).decode().strip(), flush=True)
        if expression == "quit":
            break

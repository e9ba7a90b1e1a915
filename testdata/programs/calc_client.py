# The calculator seed's client: reads expressions from its input, sends
# each, reads the whole reply (up to its newline), prints it; "quit" ends.
# The port comes from argv[1] (default 1081, the seed's).
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 1081
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect(('127.0.0.1', port))
    for line in sys.stdin:
        expression = line.strip()
        s.sendall((expression + "\n").encode())
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(1024)
            if not chunk:
                break
            reply += chunk
        print(reply.decode().strip(), flush=True)
        if expression == "quit":
            break

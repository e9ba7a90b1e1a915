# Seed 002's echo client, with the port from argv[1] (default 65432) and
# the reply read whole: recv until as many bytes came back as were sent.
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client_socket.connect(('127.0.0.1', port))
try:
    message = "Hello, Server!".encode()
    client_socket.sendall(message)
    data = b""
    while len(data) < len(message):
        chunk = client_socket.recv(1024)
        if not chunk:
            break
        data += chunk
    print(f"Received: {data.decode()}")
finally:
    client_socket.close()

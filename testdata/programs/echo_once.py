# Seed 002's echo server as written (the port from argv[1]): it accepts one
# client, echoes until that client closes, and returns.
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.bind(('127.0.0.1', port))
server_socket.listen(1)
print("Waiting for a connection...", flush=True)
connection, client_address = server_socket.accept()
try:
    print(f"Connection from {client_address}", flush=True)
    while True:
        data = connection.recv(1024)
        if data:
            connection.sendall(data)
        else:
            break
finally:
    connection.close()
server_socket.close()

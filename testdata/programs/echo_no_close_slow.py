# echo_no_close.py that also takes its time between clients (0.3 s, as a
# server logging to a slow disk might): a check must leave a sequential
# server time to answer the next client after the previous one closed.
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(('127.0.0.1', port))
server_socket.listen(5)
connections = []
while True:
    connection, client_address = server_socket.accept()
    connections.append(connection)
    while True:
        data = connection.recv(1024)
        if not data:
            break
        connection.sendall(data)
    time.sleep(0.3)

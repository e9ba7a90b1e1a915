# An echo server that never closes its connection sockets: each one stays
# in CLOSE_WAIT after its client has gone. argv[2], if given, is a pause in
# seconds between clients (as a server logging to a slow disk might take);
# argv[3], if given, how many bytes each recv() asks for (default 1024).
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
pause = float(sys.argv[2]) if len(sys.argv) > 2 else 0
size = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(('127.0.0.1', port))
server_socket.listen(5)
connections = []
while True:
    connection, client_address = server_socket.accept()
    connections.append(connection)
    while True:
        data = connection.recv(size)
        if not data:
            break
        connection.sendall(data)
    time.sleep(pause)

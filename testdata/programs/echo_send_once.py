# An echo server that answers each recv with one send() instead of
# sendall(). With a timeout set (as students do so a server never hangs),
# Python's socket is non-blocking inside, and send() takes only what fits
# in the send buffer: the rest of a large message is lost.
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(('127.0.0.1', port))
server_socket.listen(5)
while True:
    connection, client_address = server_socket.accept()
    connection.settimeout(30)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    while True:
        data = connection.recv(1 << 20)
        if not data:
            break
        connection.send(data)
    connection.close()

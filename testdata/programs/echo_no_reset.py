# echo_server.py without its except: a client that resets (RST) makes
# recv raise ConnectionResetError, and the error ends the whole server.
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 0

server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(('127.0.0.1', port))
server_socket.listen(1)
print("port", server_socket.getsockname()[1], flush=True)

served = 0
while clients == 0 or served < clients:
    connection, client_address = server_socket.accept()
    try:
        while True:
            data = connection.recv(1024)
            if data:
                connection.sendall(data)
            else:
                break
    finally:
        connection.close()
    served += 1
server_socket.close()

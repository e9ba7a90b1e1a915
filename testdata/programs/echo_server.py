# Seed 002's echo server, made to serve client after client: the port comes
# from argv[1] (0: any) and how many clients from argv[2] (0: forever).
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
    except OSError as e:  # a client that resets: end its connection, not the server
        print("client", client_address, "gone:", e, flush=True)
    finally:
        connection.close()
    served += 1
server_socket.close()

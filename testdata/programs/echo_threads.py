# An echo server that serves clients at once: a thread per connection.
# The port comes from argv[1] (0: any).
import socket
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432


def serve(connection):
    with connection:
        try:
            while True:
                data = connection.recv(1024)
                if not data:
                    break
                connection.sendall(data)
        except OSError:
            pass


server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(('127.0.0.1', port))
server_socket.listen()
print("port", server_socket.getsockname()[1], flush=True)
while True:
    connection, _ = server_socket.accept()
    threading.Thread(target=serve, args=(connection,), daemon=True).start()

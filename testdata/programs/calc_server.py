# The calculator seed's server: a client sends an expression, the server
# evaluates it and sends the result back. Made to serve client after client
# and to answer an expression that fails with an error line; eval() is the
# seed's (Python's own semantics), given only arithmetic names. The port
# comes from argv[1] (0: any).
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 1081
names = {"__builtins__": {}, "abs": abs, "round": round, "min": min, "max": max}

server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(('127.0.0.1', port))
server_socket.listen(5)
print("port", server_socket.getsockname()[1], flush=True)

while True:
    connection, client_address = server_socket.accept()
    try:
        while True:
            data = connection.recv(1024)
            if not data:
                break
            expression = data.decode().strip()
            if expression == "quit":
                connection.sendall(b"bye\n")
                break
            try:
                result = repr(eval(expression, names))
            except Exception as e:
                result = "error: " + str(e)
            connection.sendall((result + "\n").encode())
    except OSError as e:  # a client that resets: end its connection, not the server
        print("client", client_address, "gone:", e, flush=True)
    finally:
        connection.close()

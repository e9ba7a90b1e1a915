# A calculator server written as if Python's arithmetic were C's: integer
# operands divide as integers (truncated toward zero), % takes the sign of
# the dividend, and an expression that fails ends the server (no except).
# The port comes from argv[1] (0: any).
import re
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 1081


def c_eval(expression):
    # int(a / b) truncates; math.fmod keeps the dividend's sign.
    expression = re.sub(r"(\d+)\s*//?\s*(\d+)", r"int(\1 / \2)", expression)
    expression = re.sub(r"(-?\d+)\s*%\s*(\d+)", r"__import__('math').fmod(\1, \2)", expression)
    return eval(expression)


server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(('127.0.0.1', port))
server_socket.listen(5)
print("port", server_socket.getsockname()[1], flush=True)

while True:
    connection, client_address = server_socket.accept()
    with connection:
        while True:
            data = connection.recv(1024)
            if not data:
                break
            connection.sendall(str(c_eval(data.decode())).encode())

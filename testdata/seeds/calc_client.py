# A client in the style of the remote-calculator tutorial (seed 000):
# python calc_client.py HOST PORT EXPR...  sends each expression with no
# newline, as expr.encode(), and prints what one recv(1024) returns.
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((host, port))
for expr in sys.argv[3:]:
    sock.send(expr.encode())
    print(sock.recv(1024).decode().rstrip("\n"))
sock.close()

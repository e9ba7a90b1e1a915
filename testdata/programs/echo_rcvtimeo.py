# An echo server that waits in recv() at most half a second (SO_RCVTIMEO on
# every socket, the listening one too): then it tries the next socket, so
# it serves clients side by side though it never runs two calls at once.
# While it waits, its one thread sits in a recv() with nothing to take, as
# a sequential server's does; only the timeout tells them apart.
import socket
import struct
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 65432
half_second = struct.pack("ll", 0, 500000)  # struct timeval

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, half_second)
s.bind(('127.0.0.1', port))
s.listen(5)
print("port", s.getsockname()[1], flush=True)

conns = []
while True:
    try:
        c, _ = s.accept()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, half_second)
        conns.append(c)
    except BlockingIOError:  # EAGAIN: the timeout, nobody came
        pass
    for c in list(conns):
        try:
            while True:  # serve this client until it pauses half a second
                data = c.recv(65536)
                if not data:
                    break
                c.sendall(data)
        except BlockingIOError:  # EAGAIN: the timeout, nothing came
            continue
        except OSError:  # a client that reset
            pass
        conns.remove(c)
        c.close()

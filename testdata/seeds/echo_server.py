import socket

# Create a TCP/IP socket
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# Bind the socket to the address and port
server_address = ('localhost', 65432)
server_socket.bind(server_address)

# Listen for incoming connections
server_socket.listen(1)

print("#AskDushyant #NextStruggle For more insightful tech blogposts, visit: https://www.nextstruggle.com")
print("Waiting for a connection...")

connection, client_address = server_socket.accept()

try:
    print(f"Connection from {client_address}")
    while True:
        data = connection.recv(1024)
        if data:
            print(f"Received: {data.decode()}")
            connection.sendall(data)
        else:
            break
finally:
    connection.close()

/* A correct echo server in C: serves clients one after another, echoes
 * each connection until the client closes, then closes it. argv[1] is the
 * port (0: any), argv[2] how many clients to serve (0: forever). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
	int port = argc > 1 ? atoi(argv[1]) : 65432;
	int clients = argc > 2 ? atoi(argv[2]) : 0;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
	if (listen(s, 5) < 0) { perror("listen"); return 1; }
	socklen_t len = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &len);
	printf("port %d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (int n = 0; clients == 0 || n < clients; n++) {
		int c = accept(s, NULL, NULL);
		if (c < 0) { perror("accept"); return 1; }
		char buf[1024];
		ssize_t got;
		while ((got = recv(c, buf, sizeof buf, 0)) > 0) {
			for (ssize_t off = 0; off < got;) {
				ssize_t sent = send(c, buf + off, got - off, 0);
				if (sent < 0) { perror("send"); break; }
				off += sent;
			}
		}
		close(c);
	}
	close(s);
	return 0;
}

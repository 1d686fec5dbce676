/* hostile: connects to a port the grader's test listens on, on the machine's loopback. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
int secret(void);
int secret(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(@PORT@)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    int rc = connect(s, (struct sockaddr *)&a, sizeof a);
    close(s);
    return rc == 0 ? 42 : -2;
}

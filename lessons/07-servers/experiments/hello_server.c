/* hello_server.c — lesson 07: a listening socket, an accept loop, a task per connection.
 *   cc -std=gnu11 -Iruntime/include lessons/07-servers/experiments/hello_server.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/hello_server && /tmp/hello_server */
#include <cio.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned short port;               /* chosen by the kernel */

static int greet(void *arg)               /* one connection: say hello, hang up */
{
    static int visitors;
    int fd = (int)(intptr_t)arg;
    char line[64];
    int n = snprintf(line, sizeof line, "hello, visitor %d\n", ++visitors);
    cio_write(fd, line, (size_t)n);
    close(fd);
    return 0;
}

static int serve(void *arg)               /* accept for one second */
{
    int listen_fd = *(int *)arg;
    cio_scope open_hours;
    cio_scope_open_after(&open_hours, 1.0, 0);
    for (;;) {
        int fd = cio_accept(listen_fd);   /* suspends until a client connects */
        if (fd < 0)
            break;                        /* -ECANCELED when the hour is up */
        cio_detach(cio_spawn(greet, (void *)(intptr_t)fd));
    }
    cio_scope_close(&open_hours);
    return 0;
}

static int visit(void *arg)               /* a client: connect, read one line */
{
    (void)arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char buf[64];
    if (cio_connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        ssize_t n = cio_read(fd, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        printf("%.3f s  client got: %s", cio_now(), buf);
    }
    close(fd);
    return 0;
}

static int main_task(void *arg)
{
    (void)arg;
    int listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(listen_fd, (struct sockaddr *)&a, sizeof a);
    listen(listen_fd, 128);
    socklen_t len = sizeof a;
    getsockname(listen_fd, (struct sockaddr *)&a, &len);
    port = ntohs(a.sin_port);
    printf("listening on 127.0.0.1:%u\n", port);

    cio_task *server = cio_spawn(serve, &listen_fd);
    cio_task *clients[3];
    for (int i = 0; i < 3; i++)
        clients[i] = cio_spawn(visit, NULL);
    cio_gather(clients, 3);
    cio_await(server);
    close(listen_fd);
    return 0;
}

int main(void) { return cio_run(main_task, NULL, NULL); }

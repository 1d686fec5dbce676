/* blocking_handler.c — lesson 07: one connection that computes without suspending holds
 * up every other connection, and the slow-step warning names the line.
 *   cc -std=gnu11 -Iruntime/include lessons/07-servers/experiments/blocking_handler.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/blocking_handler && /tmp/blocking_handler */
#include <cio.h>
#include <stdio.h>
#include <sys/socket.h>

struct conn {
    int  server_end; /* what the handler reads and writes */
    int  client_end; /* what the client writes and reads */
    char request;    /* 's': a slow request, 'f': a fast one */
};

static int handle(void *arg)              /* the server's task for one connection */
{
    struct conn *c = arg;
    char req;
    if (cio_read(c->server_end, &req, 1) == 1 && req == 's')
        cio_block_for(0.5);               /* e.g. a big JSON encode, right on the loop */
    return (int)cio_write(c->server_end, "k", 1);
}

static int client(void *arg)              /* sends its request, times the answer */
{
    struct conn *c = arg;
    double t0 = cio_now();
    char answer;
    cio_write(c->client_end, &c->request, 1);
    cio_read(c->client_end, &answer, 1);
    printf("%s request answered after %.2f s\n", c->request == 's' ? "slow" : "fast",
           cio_now() - t0);
    return 0;
}

static int main_task(void *arg)
{
    (void)arg;
    struct conn conns[2] = {{.request = 's'}, {.request = 'f'}};
    cio_task *t[4];
    for (int i = 0; i < 2; i++) {
        int sv[2];
        socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        conns[i].server_end = sv[0];
        conns[i].client_end = sv[1];
        t[2 * i] = cio_spawn(handle, &conns[i]);
        t[2 * i + 1] = cio_spawn(client, &conns[i]);
    }
    return cio_gather(t, 4);
}

int main(void) { return cio_run(main_task, NULL, NULL); }

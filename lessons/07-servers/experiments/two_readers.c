/* two_readers.c — lesson 07: two tasks wait to read the same socket.
 *   cc -std=gnu11 -Iruntime/include lessons/07-servers/experiments/two_readers.c \
 *      build/libcio.a -lev -ljansson -lpthread -lm -o /tmp/two_readers && /tmp/two_readers */
#include <cio.h>
#include <stdio.h>
#include <sys/socket.h>

static int reader(void *arg)
{
    int fd = *(int *)arg;
    char buf[64];
    return (int)cio_read(fd, buf, sizeof buf);
}

static int main_task(void *arg)
{
    (void)arg;
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    cio_task *t[2] = {cio_spawn(reader, &sv[0]), cio_spawn(reader, &sv[0])};
    return cio_gather(t, 2);
}

int main(void) { return cio_run(main_task, NULL, NULL); }

/*
 * net.h — what the C servers of scenarios 5 and 6 share: a listening socket on a free
 * loopback port, announced to the driver as one JSON line, and the closing line with the
 * server's peak memory. The driver stops a server by closing its stdin.
 */
#ifndef CIO_BENCH_NET_H
#define CIO_BENCH_NET_H

#include "bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

/* Listen on 127.0.0.1 (never another address): port 0 lets the kernel pick a free one.
   The backlog is large so that a thousand clients connecting at once are all queued. */
static inline int bench_listen(int port, int *bound_port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) return -errno;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4096) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    *bound_port = ntohs(a.sin_port);
    return fd;
}

/* Tell the driver where to connect: {"port": N}. */
static inline void bench_announce(const char *server, int port) {
    bench_emit(json_pack("{s:s, s:i}", "server", server, "port", port));
}

/* The last line a server prints: its peak memory, so memory per connection is known too. */
static inline void bench_server_done(const char *server, const char *impl) {
    bench_emit(json_pack("{s:s, s:s?, s:I}", "server", server, "impl", impl, "peak_rss_kib",
                         (json_int_t)bench_peak_rss_kib()));
}

#endif /* CIO_BENCH_NET_H */

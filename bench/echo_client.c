/*
 * echo_client.c — the one load client of scenario 5, the same for every echo server:
 * C connections, each sending a 64-byte message and waiting for its echo, in a loop, for
 * a fixed time after a warm-up. One thread on epoll, so it is as light as the servers;
 * it also samples the server's CPU time, to show which side was the bottleneck.
 *
 *   echo_client PORT CONNS SECONDS WARMUP_SECONDS SERVER_PID
 */
#include "net.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>

enum { MSG = 64, HIST_US = 200000 }; /* message size; latency histogram range, 1 µs buckets */

struct conn {
    int      fd;   /* connected, non-blocking */
    int      got;  /* bytes of the current echo received */
    uint64_t sent; /* when the current message was sent (ns) */
};

static uint32_t hist[HIST_US + 1]; /* request latency histogram, 1 µs buckets; last: overflow */

/* CPU seconds used so far by process @p pid, all its threads (fields 14 and 15 of stat). */
static double proc_cpu_s(long pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may contain spaces */
    unsigned long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static double hist_quantile(uint64_t total, double q) {
    uint64_t want = (uint64_t)(q * (double)total), seen = 0;
    for (int i = 0; i <= HIST_US; i++)
        if ((seen += hist[i]) > want) return i;
    return HIST_US;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: echo_client PORT CONNS SECONDS WARMUP_SECONDS SERVER_PID\n");
        return 2;
    }
    int port = atoi(argv[1]);
    long nconn = atol(argv[2]), pid = atol(argv[5]);
    double secs = atof(argv[3]), warm = atof(argv[4]);
    static const char msg[MSG] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde";
    struct conn *cs = calloc((size_t)nconn, sizeof *cs);
    int ep = epoll_create1(0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only, always */
    long connected = 0, errors = 0;
    for (long i = 0; i < nconn; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
            errors++;
            if (fd >= 0) close(fd);
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        struct conn *c = &cs[connected++];
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    uint64_t start = bench_now_ns();
    for (long i = 0; i < connected; i++) {
        cs[i].sent = start;
        if (write(cs[i].fd, msg, MSG) != MSG) errors++;
    }
    uint64_t measure_from = start + (uint64_t)(warm * 1e9), end = measure_from + (uint64_t)(secs * 1e9);
    uint64_t done = 0, base = 0, t_measure = 0;
    double srv0 = 0, self0 = 0;
    int measuring = 0;
    struct epoll_event evs[256];
    char buf[4096];
    for (;;) {
        int k = epoll_wait(ep, evs, 256, 100);
        uint64_t now = bench_now_ns();
        for (int i = 0; i < k; i++) {
            struct conn *c = evs[i].data.ptr;
            ssize_t n = read(c->fd, buf, sizeof buf);
            if (n <= 0) {
                if (n < 0 && errno == EAGAIN) continue;
                errors++;
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                continue;
            }
            c->got += (int)n;
            if (c->got < MSG) continue;
            c->got -= MSG;
            done++;
            if (measuring) {
                uint64_t us = (now - c->sent) / 1000;
                hist[us < HIST_US ? us : HIST_US]++;
            }
            c->sent = now;
            if (write(c->fd, msg, MSG) != MSG) errors++;
        }
        if (!measuring && now >= measure_from) {
            measuring = 1;
            base = done;
            t_measure = now;
            srv0 = proc_cpu_s(pid);
            self0 = self_cpu_s();
        }
        if (measuring && now >= end) break;
    }
    double elapsed = (double)(bench_now_ns() - t_measure) * 1e-9;
    double srv = proc_cpu_s(pid) - srv0, self = self_cpu_s() - self0;
    uint64_t reqs = done - base;
    bench_emit(json_pack("{s:s, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:I}", "scenario", "echo",
                         "conns", (json_int_t)nconn, "connected", (json_int_t)connected, "requests",
                         (json_int_t)reqs, "seconds", elapsed, "rps", (double)reqs / elapsed,
                         "p50_us", hist_quantile(reqs, 0.5), "p99_us", hist_quantile(reqs, 0.99),
                         "server_cpu", pid > 0 && srv0 >= 0 ? srv / elapsed : -1.0, "client_cpu",
                         self / elapsed, "errors", (json_int_t)errors));
    for (long i = 0; i < connected; i++) close(cs[i].fd);
    return errors && !connected ? 1 : 0;
}

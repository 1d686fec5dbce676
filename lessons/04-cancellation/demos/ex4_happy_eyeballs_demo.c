/*
 * ex4_happy_eyeballs_demo.c — `cio-grade run 04.4`: race four addresses of a made-up
 * host (a dead one, a slow one, a refusing one, a fast one) through your
 * happy_eyeballs() with a 0.25 s stagger, and print every attempt as it starts and ends.
 * Virtual clock: instant and exact (CIO_VIRTUAL_CLOCK=0 shows it in real time).
 */
#include <cio.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct net;
int happy_eyeballs(struct net *net, int naddrs, double stagger);

struct net {
    const char *addr[4];    /* what each address is called */
    double      latency[4]; /* seconds until it answers */
    int         result[4];  /* what it answers: 0 or -errno */
    int         open[4];    /* a connection to it is open */
};

int try_connect(struct net *net, int i)
{
    printf("%5.2f s  attempt %d (%s) starts\n", cio_now(), i, net->addr[i]);
    int rc = cio_sleep(net->latency[i]);
    if (rc == 0) rc = net->result[i];
    if (rc == 0) net->open[i] = 1;
    printf("%5.2f s  attempt %d (%s) %s\n", cio_now(), i, net->addr[i],
           rc == 0 ? "connected" : rc == -ECANCELED ? "cancelled" : strerror(-rc));
    return rc;
}

void close_conn(struct net *net, int i)
{
    printf("%5.2f s  closing the late connection to %s\n", cio_now(), net->addr[i]);
    net->open[i] = 0;
}

static int demo(void *arg)
{
    (void)arg;
    struct net net = {
        .addr = {"2001:db8::1 (dead)", "192.0.2.1 (slow)", "2001:db8::2 (refuses)", "192.0.2.2 (fast)"},
        .latency = {3.0, 1.2, 0.1, 0.3},
        .result = {-ETIMEDOUT, 0, -ECONNREFUSED, 0},
    };
    int rc = happy_eyeballs(&net, 4, 0.25);
    printf("%5.2f s  happy_eyeballs() returned %d%s%s\n", cio_now(), rc, rc >= 0 ? ": connected to " : "",
           rc >= 0 && rc < 4 ? net.addr[rc] : "");
    printf("one after another it would have taken %.2f s\n", 3.0 + 1.2);
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1, .slow_step = -1};
    return cio_run(demo, NULL, &cfg) == 0 ? 0 : 1;
}

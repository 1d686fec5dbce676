/*
 * ex1_pingpong.c — exercise 02.1 (reference solution): two coroutines that alternate
 * exactly, whatever order the loop picks among ready tasks.
 *
 * A shared `turn` says who may hit. Between two cio_yield() calls a task runs alone, so
 * reading and changing `turn` needs no lock: the switch points are the yields.
 */
#include <cio.h>

#include <errno.h>

struct table {
    int    rallies; /* how many times each player hits (set by the caller) */
    void (*hit)(struct table *t, const char *who); /* the caller's: call it for each hit */
    void  *user;    /* the caller's; leave it alone */
    int    turn;    /* yours: 0 when ping may hit, 1 when pong may */
};

int play(struct table *t);

struct player {
    struct table *t;    /* the shared table */
    int           me;   /* 0: ping, 1: pong */
    const char   *name; /* "ping" or "pong" */
};

static int player(void *arg)
{
    struct player *p = arg;
    struct table *t = p->t;
    for (int i = 0; i < t->rallies; i++) {
        while (t->turn != p->me) {
            int rc = cio_yield(); /* let the other one play; nobody else runs until we yield */
            if (rc < 0) return rc;
        }
        t->hit(t, p->name);
        t->turn = 1 - p->me;
    }
    return 0;
}

int play(struct table *t)
{
    struct player ping = {t, 0, "ping"}, pong = {t, 1, "pong"};
    t->turn = 0;
    cio_task *a = cio_spawn(player, &ping);
    cio_task *b = cio_spawn(player, &pong);
    if (!a || !b) { /* keep the one that started: it must still be awaited */
        if (a) { cio_cancel(a); cio_await(a); }
        if (b) { cio_cancel(b); cio_await(b); }
        return -ENOMEM;
    }
    int ra = cio_await(a);
    int rb = cio_await(b);
    return ra ? ra : rb;
}

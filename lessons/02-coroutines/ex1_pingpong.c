/*
 * ex1_pingpong.c — exercise 02.1: two coroutines that take turns exactly.
 *
 * Write play(). It runs two tasks, "ping" and "pong", and returns when both are done.
 * Each calls t->hit(t, its name) t->rallies times, and the hits must alternate exactly:
 *
 *     ping pong ping pong ... ping pong
 *
 * Ping hits first. Every hit must come from the player's own task (not from play()),
 * no loop time may pass (switch with cio_yield(), never sleep), and the alternation must
 * hold whatever order the loop picks among ready tasks: the tests run it under many
 * schedule seeds, where "yield and hope the other one runs next" is not enough.
 * Return 0, or -ENOMEM if a task could not be created.
 *
 * Check it:  build/cio-grade check 02.1      A hint:  build/cio-grade hint 02.1
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

/* What each player's task gets: the table, and who it is. */
struct player {
    struct table *t;    /* the shared table */
    int           me;   /* 0: ping, 1: pong */
    const char   *name; /* "ping" or "pong" */
};

static int player(void *arg)
{
    struct player *p = arg;
    /* TODO: t->rallies times: wait (yielding) until it is your turn, hit, pass the turn. */
    (void)p;
    return 0;
}

int play(struct table *t)
{
    /* TODO: spawn a task running player() for ping and one for pong, then await both.
     * The two struct player can live here, on play()'s stack: play() outlives them. */
    (void)t;
    (void)player;
    return -ENOSYS;
}

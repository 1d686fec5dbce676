/*
 * ex4_happy_eyeballs.c — reference solution for 04.4: RFC 8305 connection racing with
 * a task group. The starter launches one attempt per stagger period, or as soon as the
 * latest attempt fails; the first attempt to connect cancels the group, which ends
 * every other attempt; cio_group_wait() returns when all of them have returned.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

/* ---- Provided by the test (see the stub for the contract) ---- */
struct net;
int  try_connect(struct net *net, int i);
void close_conn(struct net *net, int i);

struct race {
    struct net *net;        /* where the attempts go */
    cio_group  *group;      /* every attempt is a child of it */
    cio_event  *wake;       /* set whenever an attempt ends: wakes the starter */
    int         winner;     /* index of the first attempt that connected; -1: none yet */
    int         last_error; /* the error of the attempt that failed last */
};

struct attempt {
    struct race *race;      /* the shared state of the race */
    int          i;         /* the address this attempt tries */
    int          ended;     /* 1 once try_connect() returned */
};

static int attempt_main(void *p)
{
    struct attempt *a = p;
    struct race *r = a->race;
    int rc = try_connect(r->net, a->i);
    if (rc == 0 && r->winner < 0) {
        r->winner = a->i;
        cio_group_cancel(r->group);     /* every other attempt returns -ECANCELED */
    } else if (rc == 0) {
        close_conn(r->net, a->i);       /* connected too late: the race is already won */
    } else if (rc != -ECANCELED) {
        r->last_error = rc;
    }
    a->ended = 1;
    cio_event_set(r->wake);
    return 0;                           /* a failed attempt is not a failure of the group */
}

int happy_eyeballs(struct net *net, int naddrs, double stagger)
{
    if (naddrs <= 0) return -EINVAL;
    struct attempt *as = calloc((size_t)naddrs, sizeof *as);
    struct race r = {net, cio_group_new(), cio_event_new(), -1, -ECONNREFUSED};
    if (!as || !r.group || !r.wake) {
        if (r.group) cio_group_wait(r.group);
        if (r.wake) cio_event_free(r.wake);
        free(as);
        return -ENOMEM;
    }

    for (int i = 0; i < naddrs && r.winner < 0; i++) {
        as[i] = (struct attempt){&r, i, 0};
        if (cio_group_spawn(r.group, attempt_main, &as[i]) < 0) break; /* race already won */
        if (i == naddrs - 1) break;
        /* Wait until attempt i fails, someone wins, or the stagger delay passes. */
        cio_scope delay;
        cio_scope_open_after(&delay, stagger, 0);
        while (!as[i].ended && r.winner < 0) {
            cio_event_clear(r.wake);
            if (cio_event_wait(r.wake) < 0) break;  /* the delay passed, or we were cancelled */
        }
        cio_scope_close(&delay);
        if (cio_is_cancelled()) break;
    }

    int rc = cio_group_wait(r.group);   /* cancelled caller: the group cancels every attempt */
    cio_event_free(r.wake);
    free(as);
    if (rc < 0) return rc;
    return r.winner >= 0 ? r.winner : r.last_error;
}

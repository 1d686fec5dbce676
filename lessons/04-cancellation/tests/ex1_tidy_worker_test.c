/*
 * ex1_tidy_worker_test.c — tests for 04.1: a worker cancelled at any moment gives back
 * its buffer, the ledger lock and its connection, and the connection's goodbye really
 * reaches the server. Times are loop times under the virtual clock, so they are exact:
 * connect 0.3 s, each order 0.2 s, goodbye 0.1 s.
 */
#include "cio_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- What the learner's file defines ----------------------------------------------- */
struct shop;
int send_orders(struct shop *s, const int *items, size_t n);

/* ---- The simulated shop ------------------------------------------------------------ */
#define OPEN_TIME  0.3
#define SEND_TIME  0.2
#define CLOSE_TIME 0.1
#define NBUFS      4
#define NCONNS     8
#define MAXSENT    32

struct shop {
    cio_lock *ledger;            /* the shared ledger; hold it while an order goes out */
    cio_task *ledger_holder;     /* the task holding it now; NULL when free */
    int       ledger_takes;      /* ledger_lock() calls that took it */
    int       bad_unlocks;       /* ledger_unlock() by a task that did not hold it */
    int       open[NCONNS];      /* open[c]: connection c is open */
    int       conns_opened;      /* conn_open() calls that completed */
    int       conns_closed;      /* conn_close() calls that completed */
    int       closes_cancelled;  /* conn_close() calls cut short by cancellation */
    int       bad_conns;         /* calls with a connection that was not open */
    char      bufs[NBUFS][64];   /* the buffer pool */
    int       buf_out[NBUFS];    /* buf_out[i]: buffer i is handed out */
    int       bad_puts;          /* buffer_put() of something that was not handed out */
    int       sent;              /* orders that went out completely */
    int       sent_items[MAXSENT]; /* which orders went out, in order */
    int       sends_unlocked;    /* conn_send() calls made without holding the ledger */
};

int conn_open(struct shop *s)
{
    int rc = cio_sleep(OPEN_TIME);
    if (rc < 0) return rc;
    for (int c = 0; c < NCONNS; c++)
        if (!s->open[c]) {
            s->open[c] = 1;
            s->conns_opened++;
            return c;
        }
    return -EMFILE;
}

static int conn_ok(struct shop *s, int conn)
{
    if (conn >= 0 && conn < NCONNS && s->open[conn]) return 1;
    s->bad_conns++;
    return 0;
}

int conn_close(struct shop *s, int conn)
{
    if (!conn_ok(s, conn)) return -EBADF;
    int rc = cio_sleep(CLOSE_TIME);
    if (rc < 0) {
        s->closes_cancelled++;  /* the goodbye never went out: still open */
        return rc;
    }
    s->open[conn] = 0;
    s->conns_closed++;
    return 0;
}

int conn_send(struct shop *s, int conn, void *buf, int item)
{
    if (!conn_ok(s, conn)) return -EBADF;
    if (s->ledger_holder != cio_current()) s->sends_unlocked++;
    snprintf(buf, sizeof s->bufs[0], "order %d", item);
    int rc = cio_sleep(SEND_TIME);
    if (rc < 0) return rc;
    if (s->sent < MAXSENT) s->sent_items[s->sent] = item;
    s->sent++;
    return 0;
}

int ledger_lock(struct shop *s)
{
    int rc = cio_lock_acquire(s->ledger);
    if (rc == 0) {
        s->ledger_holder = cio_current();
        s->ledger_takes++;
    }
    return rc;
}

void ledger_unlock(struct shop *s)
{
    if (s->ledger_holder != cio_current()) {
        s->bad_unlocks++;       /* releasing a lock you do not hold would stop the program */
        return;
    }
    s->ledger_holder = NULL;
    cio_lock_release(s->ledger);
}

void *buffer_get(struct shop *s)
{
    for (int i = 0; i < NBUFS; i++)
        if (!s->buf_out[i]) {
            s->buf_out[i] = 1;
            return s->bufs[i];
        }
    return NULL;
}

void buffer_put(struct shop *s, void *buf)
{
    for (int i = 0; i < NBUFS; i++)
        if (buf == s->bufs[i] && s->buf_out[i]) {
            s->buf_out[i] = 0;
            return;
        }
    s->bad_puts++;
}

/* ---- Running one scenario ------------------------------------------------------------ */
#define NEVER (-1.0)

struct worker {
    struct shop *shop;      /* the shop it talks to */
    const int   *items;     /* orders to send */
    size_t       n;         /* how many */
    int          rc;        /* what send_orders() returned */
    int          returned;  /* 1 once send_orders() returned */
    double       finished;  /* loop time when it returned */
};

static int worker_main(void *p)
{
    struct worker *w = p;
    w->rc = send_orders(w->shop, w->items, w->n);
    w->returned = 1;
    w->finished = cio_now();
    return 0;
}

struct scenario {
    struct shop   shop;       /* the shop, shared by every task below */
    struct worker w;          /* the worker under test */
    double        cancel_at;  /* when to cancel it; 0: before it first runs; NEVER */
    int           cancel_rc;  /* what cio_cancel() returned */
    int           auditor;    /* 1: a test task holds the ledger from 0 to 2.0 s */
    int           auditor_rc; /* the auditor's ledger_lock() result */
};

static int auditor_main(void *p)
{
    struct scenario *sc = p;
    sc->auditor_rc = ledger_lock(&sc->shop);
    if (sc->auditor_rc < 0) return sc->auditor_rc;
    cio_sleep(2.0);
    ledger_unlock(&sc->shop);
    return 0;
}

static int scenario_main(void *p)
{
    struct scenario *sc = p;
    sc->shop.ledger = cio_lock_new();
    cio_task *aud = sc->auditor ? cio_spawn(auditor_main, sc) : NULL;
    if (aud) cio_yield();               /* the auditor takes the ledger first */
    cio_task *t = cio_spawn(worker_main, &sc->w);
    if (sc->cancel_at >= 0) {
        if (sc->cancel_at > 0) cio_sleep(sc->cancel_at);
        sc->cancel_rc = cio_cancel(t);
    }
    cio_await(t);
    if (aud) cio_await(aud);
    if (!sc->shop.ledger_holder) cio_lock_free(sc->shop.ledger); /* a held lock cannot be freed */
    return 0;
}

static void scenario_init(struct scenario *sc, const int *items, size_t n, double cancel_at)
{
    memset(sc, 0, sizeof *sc);
    sc->w.shop = &sc->shop;
    sc->w.items = items;
    sc->w.n = n;
    sc->cancel_at = cancel_at;
}

/* Why connections stayed open, in the learner's terms. */
static const char *close_advice(const struct shop *s)
{
    return s->closes_cancelled
               ? ": conn_close() returned -ECANCELED because the worker was already cancelled — "
                 "in a cancelled task every wait fails at once, unless it runs in a shielded scope"
               : ": close the connection on every way out once it is open";
}

/* Everything the worker took must be back, whatever happened; @p when says when the
 * cancellation came, for the messages. */
static void expect_tidy(struct scenario *sc, int run_rc, const char *when)
{
    struct shop *s = &sc->shop;
    cio_expect(run_rc != -EDEADLK,
               "the run ended in a deadlock report (cancelled %s): a task waited for the ledger "
               "that nobody would ever release", when);
    cio_expect(sc->w.returned, "send_orders() never returned (cancelled %s)", when);
    cio_expect(s->bad_unlocks == 0,
               "ledger_unlock() was called %d time(s) by a task that did not hold the ledger "
               "(cancelled %s): when ledger_lock() fails, the ledger was not taken",
               s->bad_unlocks, when);
    cio_expect(s->ledger_holder == NULL,
               "the ledger was still locked after send_orders() returned (cancelled %s): "
               "unlock it on every way out of the loop", when);
    int bufs_out = 0;
    for (int i = 0; i < NBUFS; i++) bufs_out += s->buf_out[i];
    cio_expect(bufs_out == 0 && s->bad_puts == 0,
               "%d buffer(s) never came back to the pool, %d bad buffer_put() call(s) "
               "(cancelled %s): buffer_put() on every way out", bufs_out, s->bad_puts, when);
    cio_expect(s->bad_conns == 0,
               "a connection was used or closed that was not open (cancelled %s)", when);
    cio_expect(s->conns_opened == s->conns_closed,
               "%d connection(s) opened, %d closed (cancelled %s)%s", s->conns_opened,
               s->conns_closed, when, close_advice(s));
    cio_expect(s->sends_unlocked == 0, "an order was sent without holding the ledger (cancelled %s)",
               when);
    const cio_stats *st = cio_test_stats();
    cio_expect(st->tasks_pending_at_exit == 0 && st->tasks_live == 0,
               "%llu task(s) were still pending when the test's main returned (cancelled %s)",
               (unsigned long long)st->tasks_pending_at_exit, when);
}

/* Exact expectations for one worker with n orders cancelled at t (no other tasks). */
static void expected_for(size_t n, double t, int *rc, double *finished, int *sent)
{
    double sends_end = OPEN_TIME + SEND_TIME * (double)n;
    double end = sends_end + CLOSE_TIME;
    if (t < 0 || t > end) {                     /* never cancelled, or too late to matter */
        *rc = 0, *finished = end, *sent = (int)n;
    } else if (t < OPEN_TIME) {                 /* while connecting: nothing to close */
        *rc = -ECANCELED, *finished = t, *sent = 0;
    } else if (t < sends_end) {                 /* while sending: the goodbye still takes 0.1 s */
        *rc = -ECANCELED, *finished = t + CLOSE_TIME;
        *sent = (int)((t - OPEN_TIME) / SEND_TIME);
    } else {                                    /* during the shielded goodbye: it finishes */
        *rc = 1 /* 0 or -ECANCELED */, *finished = end, *sent = (int)n;
    }
}

static void check_cancelled_at(const int *items, size_t n, double t)
{
    struct scenario sc;
    scenario_init(&sc, items, n, t);
    int run_rc = cio_test_run(scenario_main, &sc);
    char when[64];
    if (t == 0) snprintf(when, sizeof when, "before it first ran");
    else snprintf(when, sizeof when, "at %.3f s", t);
    expect_tidy(&sc, run_rc, when);

    int rc, sent;
    double finished;
    expected_for(n, t, &rc, &finished, &sent);
    if (rc == 1)
        cio_expect(sc.w.rc == 0 || sc.w.rc == -ECANCELED,
                   "send_orders() returned %d (cancelled %s, during the goodbye): expected 0 "
                   "or -ECANCELED", sc.w.rc, when);
    else
        cio_expect(sc.w.rc == rc, "send_orders() returned %d (cancelled %s), expected %s", sc.w.rc,
                   when, rc == 0 ? "0 (every order sent)" : "-ECANCELED");
    cio_expect(sc.shop.sent == sent, "%d order(s) went out (cancelled %s), expected %d", sc.shop.sent,
               when, sent);
    cio_expect(cio_time_eq(sc.w.finished, finished),
               "send_orders() returned at %.3f s (cancelled %s), expected %.3f s%s", sc.w.finished,
               when, finished,
               sc.w.finished > finished
                   ? ": after a cancellation, stop at the next suspension and clean up"
                   : ": the goodbye to the server takes 0.1 s and must really happen");
}

/* ---- Tests ---------------------------------------------------------------------------- */
static const int five[] = {101, 102, 103, 104, 105};

/* Cancelled in the middle of the third order: ledger, connection, buffer all come back. */
static void cancel_while_sending(void **state)
{
    (void)state;
    check_cancelled_at(five, 5, 0.8);
}

/* Cancelled at 32 different moments, from connecting to after the end. */
static void cancel_at_every_moment(void **state)
{
    (void)state;
    for (int k = 0; k < 32; k++) check_cancelled_at(five, 5, 0.025 + 0.05 * k);
}

/* Two workers share the ledger; one is cancelled while it holds it, the other must be
 * able to finish all of its orders. */
struct pair {
    struct shop   shop;   /* shared by both workers */
    struct worker a, b;   /* a is cancelled at 0.8 s, b runs to the end */
};

static int pair_main(void *p)
{
    struct pair *pr = p;
    pr->shop.ledger = cio_lock_new();
    cio_task *ta = cio_spawn_named(worker_main, &pr->a, "worker A");
    cio_task *tb = cio_spawn_named(worker_main, &pr->b, "worker B");
    cio_sleep(0.8);
    cio_cancel(ta);
    cio_await(ta);
    cio_await(tb);
    if (!pr->shop.ledger_holder) cio_lock_free(pr->shop.ledger);
    return 0;
}

static void cancelled_worker_lets_others_finish(void **state)
{
    (void)state;
    static const int a_items[] = {1, 2, 3}, b_items[] = {11, 12, 13};
    struct pair pr;
    memset(&pr, 0, sizeof pr);
    pr.a = (struct worker){.shop = &pr.shop, .items = a_items, .n = 3};
    pr.b = (struct worker){.shop = &pr.shop, .items = b_items, .n = 3};
    int run_rc = cio_test_run(pair_main, &pr);
    cio_expect(run_rc != -EDEADLK,
               "the run ended in a deadlock report: worker B waited for the ledger forever — the "
               "cancelled worker A must unlock it before returning");
    cio_expect(pr.a.rc == -ECANCELED, "worker A (cancelled at 0.8 s) returned %d, expected -ECANCELED",
               pr.a.rc);
    cio_expect(pr.b.rc == 0, "worker B (never cancelled) returned %d, expected 0", pr.b.rc);
    int b_sent = 0;
    for (int i = 0; i < pr.shop.sent && i < MAXSENT; i++) b_sent += pr.shop.sent_items[i] > 10;
    cio_expect(b_sent == 3, "worker B sent %d of its 3 orders, expected all 3", b_sent);
    cio_expect(pr.shop.ledger_holder == NULL, "the ledger was still locked after both workers "
               "returned");
    cio_expect(pr.shop.conns_opened == pr.shop.conns_closed,
               "after both workers returned (A cancelled at 0.8 s): %d connection(s) opened, %d "
               "closed%s", pr.shop.conns_opened, pr.shop.conns_closed, close_advice(&pr.shop));
    /* Both connect at 0.3 s; whoever takes the ledger first (A under the FIFO schedule)
     * sends first, and they alternate. A first: A 0.3-0.5, B 0.5-0.7, A 0.7-0.8 (cut),
     * B 0.8-1.0 and 1.0-1.2, goodbye to 1.3. B first: B 0.3-0.5, A 0.5-0.7, B 0.7-0.9,
     * A cancelled waiting, B 0.9-1.1, goodbye to 1.2. A returns at 0.9 either way. */
    double b_end = pr.shop.sent_items[0] > 10 ? 1.2 : 1.3;
    cio_expect(cio_time_eq(pr.a.finished, 0.9),
               "worker A returned at %.3f s, expected 0.900 s (cancelled at 0.8 s, then a 0.1 s "
               "goodbye)", pr.a.finished);
    cio_expect(cio_time_eq(pr.b.finished, b_end),
               "worker B returned at %.3f s, expected %.3f s (it gets the ledger as soon as A lets "
               "go of it at 0.8 s)", pr.b.finished, b_end);
}

#ifdef CIO_HIDDEN_TESTS
/* Cancelled while waiting for a ledger that someone else holds: it was never taken,
 * so it must not be unlocked; the connection is still closed. */
static void cancel_while_waiting_for_ledger(void **state)
{
    (void)state;
    struct scenario sc;
    scenario_init(&sc, five, 5, 1.0);
    sc.auditor = 1;
    int run_rc = cio_test_run(scenario_main, &sc);
    expect_tidy(&sc, run_rc, "at 1.000 s, waiting for the ledger");
    cio_expect(sc.w.rc == -ECANCELED, "send_orders() returned %d, expected -ECANCELED", sc.w.rc);
    cio_expect(sc.shop.sent == 0, "%d order(s) went out while the auditor held the ledger",
               sc.shop.sent);
    cio_expect(cio_time_eq(sc.w.finished, 1.1),
               "send_orders() returned at %.3f s, expected 1.100 s (cancelled at 1.0 s, then a "
               "0.1 s goodbye)", sc.w.finished);
}

/* Cancelled before its first line ran: it must still return the buffer. */
static void cancelled_before_it_starts(void **state)
{
    (void)state;
    check_cancelled_at(five, 5, 0);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(cancel_while_sending),
    cmocka_unit_test(cancel_at_every_moment),
    cmocka_unit_test(cancelled_worker_lets_others_finish),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(cancel_while_waiting_for_ledger),
    cmocka_unit_test(cancelled_before_it_starts),
#endif
};
CIO_TEST_MAIN(tests)

/*
 * ex1_tidy_worker.c — exercise 04.1: leave nothing behind.
 *
 * send_orders() sends orders to a server. It holds three things while it works: a
 * buffer from the shop's pool, a connection, and (while each order goes out) the
 * shared ledger lock. Another task may cancel it at any moment — while it connects,
 * while it waits for the ledger, in the middle of a send, even before it first runs.
 *
 * Your job: whatever line the cancellation finds it on, send_orders() must give back
 * everything it took — the ledger unlocked (only if it was taken), the connection
 * closed (the close must really happen: it talks to the server for 0.1 s), the buffer
 * returned — and then return -ECANCELED. Uncancelled, it sends every item and returns 0.
 *
 * The code below is the happy path: it works until somebody cancels it. Check with
 *     build/cio-grade check 04.1        (and build/cio-grade hint 04.1 when stuck)
 */
#include <cio.h>

#include <errno.h>
#include <math.h>
#include <stddef.h>

/* ---- Provided by the test: a simulated shop ----------------------------------------
 * conn_open     takes 0.3 s; returns a connection id >= 0, or -ECANCELED (nothing opened).
 * conn_close    takes 0.1 s (a goodbye to the server); 0, or -ECANCELED: then the
 *               connection is NOT closed.
 * conn_send     takes 0.2 s; formats the order in buf; call it holding the ledger;
 *               0 or -ECANCELED.
 * ledger_lock   waits for the ledger; 0, or -ECANCELED (then the ledger was not taken).
 * ledger_unlock releases it; never suspends.
 * buffer_get    hands out a buffer, never suspends; NULL when the pool is empty.
 * buffer_put    gives it back; never suspends.
 */
struct shop;
int   conn_open(struct shop *s);
int   conn_close(struct shop *s, int conn);
int   conn_send(struct shop *s, int conn, void *buf, int item);
int   ledger_lock(struct shop *s);
void  ledger_unlock(struct shop *s);
void *buffer_get(struct shop *s);
void  buffer_put(struct shop *s, void *buf);

int send_orders(struct shop *s, const int *items, size_t n)
{
    void *buf = buffer_get(s);
    if (!buf) return -ENOMEM;

    int conn = conn_open(s);
    if (conn < 0) return conn;          /* TODO: what about the buffer? */

    for (size_t i = 0; i < n; i++) {
        int rc = ledger_lock(s);
        if (rc < 0) return rc;          /* TODO: the connection, the buffer? */
        rc = conn_send(s, conn, buf, items[i]);
        if (rc < 0) return rc;          /* TODO: and the ledger, too */
        ledger_unlock(s);
    }

    /* TODO: once cancelled, every wait in this task fails at once — this one too, so
     * the goodbye never reaches the server. Which kind of cio_scope keeps it safe? */
    conn_close(s, conn);
    buffer_put(s, buf);
    return 0;
}

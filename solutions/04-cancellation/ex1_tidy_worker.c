/*
 * ex1_tidy_worker.c — reference solution for 04.1: a worker that gives back everything
 * it holds when it is cancelled, at whatever line the cancellation finds it.
 * Each resource is released on every path out; the goodbye to the server, which has to
 * wait, runs in a shielded scope because the cancelled task's own waits would all fail.
 */
#include <cio.h>

#include <errno.h>
#include <math.h>
#include <stddef.h>

/* ---- Provided by the test: a simulated shop (see the stub for the full contract) ---- */
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

    int rc = 0;
    int conn = conn_open(s);
    if (conn < 0) {
        rc = conn;                      /* nothing was opened: only the buffer to give back */
        goto give_buffer;
    }

    for (size_t i = 0; i < n; i++) {
        rc = ledger_lock(s);
        if (rc < 0) break;              /* not taken, so not ours to unlock */
        rc = conn_send(s, conn, buf, items[i]);
        ledger_unlock(s);               /* never suspends: safe even when cancelled */
        if (rc < 0) break;
    }

    /* Closing waits for the server. If we were cancelled, every wait in this task now
     * fails at once, so the goodbye gets a shield: cancellation does not reach inside. */
    cio_scope shield;
    cio_scope_open(&shield, INFINITY, 1);
    int close_rc = conn_close(s, conn);
    cio_scope_close(&shield);
    if (rc == 0) rc = close_rc;

give_buffer:
    buffer_put(s, buf);
    return rc;
}

/*
 * ex4_happy_eyeballs.c — exercise 04.4: happy eyeballs (RFC 8305).
 *
 * A host name resolves to several addresses; some are slow, some dead. Trying them one
 * after another makes the user wait for every dead one; trying all at once floods the
 * network. RFC 8305 races them with a stagger:
 *  - start an attempt on address 0;
 *  - start the next address when the latest attempt fails, or when `stagger` seconds
 *    have passed since the latest attempt started — whichever comes first;
 *  - the first attempt to connect wins: cancel every other attempt (an attempt that
 *    connects after the race is won must close_conn() its connection);
 *  - return the winner's index once every other attempt has returned. If every attempt
 *    fails, return the error of the attempt that failed last. If happy_eyeballs()
 *    itself is cancelled, cancel every attempt and return -ECANCELED.
 *
 * The code below tries the addresses one after another. Check with
 *     build/cio-grade check 04.4        (hints: build/cio-grade hint 04.4)
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

/* ---- Provided by the test: a simulated network -----------------------------------------
 * try_connect  tries address i: suspends for its latency, then returns 0 (connected) or
 *              an error such as -ECONNREFUSED; -ECANCELED if cancelled first.
 * close_conn   closes the connection of address i (after try_connect() returned 0).
 */
struct net;
int  try_connect(struct net *net, int i);
void close_conn(struct net *net, int i);

int happy_eyeballs(struct net *net, int naddrs, double stagger)
{
    /* TODO: race the attempts instead of trying them one after another: each attempt in
     * a task of its own (a cio_group can cancel the losers and wait for them), and
     * between two starts a wait that ends after `stagger` seconds (a cio_scope) or as
     * soon as the latest attempt has ended (a cio_event), whichever comes first. */
    (void)stagger;
    int rc = -ECONNREFUSED;
    for (int i = 0; i < naddrs; i++) {
        rc = try_connect(net, i);
        if (rc == 0) return i;
    }
    return rc;
}

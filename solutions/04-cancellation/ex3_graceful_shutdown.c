/*
 * ex3_graceful_shutdown.c — reference solution for 04.3: workers in a task group, so
 * that no worker outlives the service and one failing worker stops the rest; then a
 * final flush in a shielded scope that has a deadline of its own, so that shutdown
 * lets the flush finish but a stuck disk cannot hang it forever.
 */
#include <cio.h>

#include <errno.h>
#include <stdlib.h>

/* ---- Provided by the test (see the stub for the contract) ---- */
struct service;
int worker_loop(struct service *sv, int id);
int flush_log(struct service *sv);

#define FLUSH_LIMIT 2.0 /* seconds the final flush may take */

struct worker_arg {
    struct service *sv; /* the service the worker serves */
    int             id; /* its number, 0..nworkers-1 */
};

static int worker_main(void *p)
{
    struct worker_arg *a = p;
    return worker_loop(a->sv, a->id);
}

int run_service(struct service *sv, int nworkers)
{
    struct worker_arg *args = calloc((size_t)nworkers, sizeof *args);
    cio_group *g = cio_group_new();
    if (!args || !g) {
        if (g) cio_group_wait(g);       /* an empty group: frees it */
        free(args);
        return -ENOMEM;
    }
    for (int i = 0; i < nworkers; i++) {
        args[i] = (struct worker_arg){sv, i};
        if (cio_group_spawn(g, worker_main, &args[i]) < 0) break; /* already cancelled */
    }
    /* Returns when every worker has returned: the first failure (the group cancels the
     * others), or -ECANCELED when we are cancelled (the group cancels them all). */
    int rc = cio_group_wait(g);
    free(args);                         /* safe: no worker runs any more */

    cio_scope flush;
    cio_scope_open_after(&flush, FLUSH_LIMIT, 1);
    int flush_rc = flush_log(sv);
    if (cio_scope_close(&flush)) return -ETIMEDOUT;
    return rc < 0 ? rc : flush_rc;
}

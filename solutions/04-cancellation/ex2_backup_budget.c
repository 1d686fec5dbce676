/*
 * ex2_backup_budget.c — reference solution for 04.2: a multi-step backup under one
 * deadline for the whole operation. A cancel scope with a deadline cuts the copying
 * wherever it is (Trio's move_on_after); after cio_scope_close() the task runs on, so
 * it can tidy up and write the index; turning "it fired" into -ETIMEDOUT is fail_after.
 */
#include <cio.h>

#include <errno.h>

/* ---- Provided by the test (see the stub for the contract) ---- */
struct backup;
int  copy_file(struct backup *b, int i);
void remove_partial(struct backup *b, int i);
int  write_index(struct backup *b, int ncopied);

int backup_within(struct backup *b, int nfiles, double budget, int *copied)
{
    cio_scope deadline;
    int rc = 0, done = 0;

    cio_scope_open_after(&deadline, budget, 0);
    for (; done < nfiles; done++) {
        rc = copy_file(b, done);
        if (rc < 0) {
            remove_partial(b, done);    /* never suspends, so it works even when cancelled */
            break;
        }
    }
    int timed_out = cio_scope_close(&deadline);
    *copied = done;

    /* -ECANCELED with a scope that did not fire came from outside: our caller wants us
     * gone, so we leave at once (every further wait would fail anyway). */
    if (rc < 0 && !timed_out) return rc;

    int index_rc = write_index(b, done);
    if (index_rc < 0) return index_rc;
    return done < nfiles ? -ETIMEDOUT : 0;
}

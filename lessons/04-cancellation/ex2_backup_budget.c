/*
 * ex2_backup_budget.c — exercise 04.2: one deadline for a whole operation.
 *
 * backup_within() copies files 0, 1, ..., nfiles-1 in order. Together they get
 * `budget` seconds of loop time from the call — not each, all of them. When the budget
 * runs out in the middle of a copy, that copy stops; remove its partial file; then write
 * the index of the files that were copied completely (the index is written after the
 * deadline: it takes 0.05 s and is not part of the budget). Set *copied to how many
 * were copied. Return 0 if all were copied, -ETIMEDOUT if the budget ran out.
 * If the task is cancelled from outside, remove the partial file and return -ECANCELED
 * at once, without writing the index.
 *
 * The code below copies everything, however long it takes, and writes no index.
 * Check with  build/cio-grade check 04.2   (hints: build/cio-grade hint 04.2)
 */
#include <cio.h>

#include <errno.h>

/* ---- Provided by the test: a simulated disk -----------------------------------------
 * copy_file      copies file i; takes the file's size in seconds; 0, or -ECANCELED if it
 *                was interrupted (a partial copy is left behind).
 * remove_partial deletes the partial copy of file i; never suspends.
 * write_index    records that files 0..ncopied-1 are in the backup; takes 0.05 s;
 *                0 or -ECANCELED.
 */
struct backup;
int  copy_file(struct backup *b, int i);
void remove_partial(struct backup *b, int i);
int  write_index(struct backup *b, int ncopied);

int backup_within(struct backup *b, int nfiles, double budget, int *copied)
{
    (void)budget; /* TODO: open a cio_scope whose deadline is `budget` seconds from now */
    int rc = 0, done = 0;
    for (; done < nfiles; done++) {
        rc = copy_file(b, done);
        if (rc < 0) break;              /* TODO: a partial file is left behind */
    }
    /* TODO: close the scope; its result tells a deadline (1) from a cancellation that
     * came from outside (0). Then write the index — unless we were cancelled from
     * outside — and turn "the deadline fired" into -ETIMEDOUT. */
    *copied = done;
    return rc;
}

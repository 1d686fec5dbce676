/*
 * ex5_tally.c — reference solution of exercise 06.5: byte counts on the executor's
 * threads, without a data race.
 *
 * Each job writes only its own piece's counts; the task that waited for the job adds
 * them into the shared total on the loop thread, where tasks never run at the same time.
 * Nothing written is shared between threads, so there is nothing to lock.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* What to count and where the answer goes. The test fills it in and owns it. */
struct tally {
    const unsigned char *data;   /* the bytes to count; read-only, shared by every job */
    size_t               len;    /* how many bytes */
    size_t               chunks; /* split data into this many pieces, one job each (>= 1) */
    /* Adds the byte counts of p[0..n) to counts[]: counts[b] += number of bytes equal
       to b. Slow: call it only from executor jobs. It touches nothing but its arguments. */
    void               (*scan)(const unsigned char *p, size_t n, unsigned long counts[256]);
    unsigned long        counts[256]; /* the result: counts[b] = how many bytes equal b */
};

/* One job: a piece of the data. */
struct piece {
    struct tally        *t;           /* the whole task */
    const unsigned char *start;       /* the first byte of this piece */
    size_t               len;         /* its length */
    unsigned long        counts[256]; /* written by this piece's job only, read after it */
};

/* Runs on an executor thread, at the same time as the other pieces' jobs. */
static int scan_piece(void *arg)
{
    struct piece *pc = arg;
    pc->t->scan(pc->start, pc->len, pc->counts); /* its own counts: no other thread writes them */
    return 0;
}

/* A task that runs one piece's job, waits for it, and adds its counts to the total. */
static int run_piece(void *arg)
{
    struct piece *pc = arg;
    int rc = cio_to_thread(scan_piece, pc);
    if (rc != 0)
        return rc; /* cancelled: the job may still run, so its counts are not ready */
    /* Back on the loop thread, and the job has finished: its counts are complete, and
       no other task runs while this loop does. */
    for (size_t b = 0; b < 256; b++)
        pc->t->counts[b] += pc->counts[b];
    return 0;
}

/*
 * Fill t->counts with the byte counts of t->data. Chunk k covers the bytes from
 * k*len/chunks up to (k+1)*len/chunks; every chunk is scanned in its own executor job,
 * all of them at the same time.
 * @return 0, -EINVAL if t->chunks is 0, -ENOMEM if memory ran out.
 */
int tally_bytes(struct tally *t)
{
    if (t->chunks == 0)
        return -EINVAL;
    for (size_t b = 0; b < 256; b++)
        t->counts[b] = 0;

    struct piece *pieces = calloc(t->chunks, sizeof *pieces);
    cio_task **tasks = calloc(t->chunks, sizeof *tasks);
    if (!pieces || !tasks) {
        free(pieces);
        free(tasks);
        return -ENOMEM;
    }
    size_t spawned = 0;
    int rc = 0;
    for (; spawned < t->chunks; spawned++) {
        size_t begin = spawned * t->len / t->chunks;
        size_t end = (spawned + 1) * t->len / t->chunks;
        pieces[spawned] = (struct piece){t, t->data + begin, end - begin, {0}};
        tasks[spawned] = cio_spawn(run_piece, &pieces[spawned]);
        if (!tasks[spawned]) {
            rc = -ENOMEM;
            break;
        }
    }
    int gathered = cio_gather(tasks, spawned); /* every job is done after this */
    free(pieces);
    free(tasks);
    return rc ? rc : gathered;
}

/*
 * queue.c — cio_queue, a FIFO of pointers between tasks, bounded or not, that can be
 * closed (asyncio.Queue with Trio's channel close).
 *
 * Built on the core's park/wake API (internal.h). Items live in a ring buffer that
 * grows by doubling up to the capacity. Hand-offs go straight to the first waiter, so
 * items keep their order and a waiter woken with status 0 owns its result for good.
 */
#include "internal.h"

#include <stdlib.h>

enum { FIRST_RING_SIZE = 8 }; /* slots allocated by the first put; doubles from there */

struct cio_queue {
    cio__object obj;       /* header; set by new, checked by every call, killed by free */
    size_t      capacity;  /* most items it holds; 0: unbounded; fixed at new */
    void      **ring;      /* ring buffer of items; grown by put, freed by free */
    size_t      ring_size; /* slots in ring; doubles, capped at capacity when bounded */
    size_t      head;      /* index of the oldest item; advanced by get */
    size_t      count;     /* items queued now; changed by put and get */
    int         closed;    /* set once by close; never cleared */
    cio__waitq  getters;   /* tasks parked in get (only while count == 0), FIFO */
    cio__waitq  putters;   /* tasks parked in put (only while full), FIFO */
};

/* What a parked getter leaves for the putter that hands it an item. */
struct get_wait {
    void *item; /* filled by the putter before it wakes the getter with 0 */
};

/* What a parked putter leaves for the getter that makes room for it. */
struct put_wait {
    void *item; /* the item to append; moved into the ring before the putter is woken with 0 */
};

/* ---------------------------------------------------------------------------------- */
/* The ring                                                                           */
/* ---------------------------------------------------------------------------------- */

static int is_full(const cio_queue *q) {
    return q->capacity != 0 && q->count >= q->capacity;
}

/* Make room for one more item. @return 0 or -ENOMEM. */
static int reserve_one(cio_queue *q) {
    if (q->count < q->ring_size)
        return 0;
    size_t new_size = q->ring_size ? q->ring_size * 2 : FIRST_RING_SIZE;
    if (q->capacity != 0 && new_size > q->capacity)
        new_size = q->capacity;
    if (new_size <= q->ring_size || new_size > SIZE_MAX / sizeof(void *))
        return -ENOMEM;
    void **ring = malloc(new_size * sizeof *ring);
    if (!ring)
        return -ENOMEM;
    /* Unroll the wrapped ring so that the oldest item lands at index 0. */
    for (size_t i = 0; i < q->count; i++)
        ring[i] = q->ring[(q->head + i) % q->ring_size];
    free(q->ring);
    q->ring = ring;
    q->ring_size = new_size;
    q->head = 0;
    return 0;
}

static void push_back(cio_queue *q, void *item) {
    if (q->count >= q->ring_size)
        cio__panic("queue created at %s:%d: push without a free slot", q->obj.file, q->obj.line);
    q->ring[(q->head + q->count) % q->ring_size] = item;
    q->count++;
}

static void *pop_front(cio_queue *q) {
    void *item = q->ring[q->head];
    q->head = (q->head + 1) % q->ring_size;
    q->count--;
    return item;
}

static void describe_queue(const cio__object *o, char *buf, size_t n) {
    const cio_queue *q = (const cio_queue *)o;
    const char *closed = q->closed ? ", closed" : "";
    if (q->count == 0)
        snprintf(buf, n, "empty%s", closed);
    else if (q->capacity == 0)
        snprintf(buf, n, "%zu item%s%s", q->count, q->count == 1 ? "" : "s", closed);
    else if (is_full(q))
        snprintf(buf, n, "full (%zu items)%s", q->count, closed);
    else
        snprintf(buf, n, "%zu of %zu items%s", q->count, q->capacity, closed);
}

/* ---------------------------------------------------------------------------------- */
/* Public calls                                                                       */
/* ---------------------------------------------------------------------------------- */

cio_queue *cio__queue_new(size_t capacity, const char *file, int line) {
    cio_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    cio__object_init(&q->obj, CIO__MAGIC_QUEUE, "queue", file, line, describe_queue);
    q->capacity = capacity;
    q->getters = (cio__waitq)CIO__WAITQ_INIT;
    q->putters = (cio__waitq)CIO__WAITQ_INIT;
    return q;
}

/*
 * Cancellation is checked first, then closing: a cancelled task learns that it was
 * cancelled, whatever the queue's state. Returns -ENOMEM if the ring cannot grow.
 */
int cio__queue_put(cio_queue *q, void *item, const char *file, int line, const char *func) {
    cio__object_check((const cio__object *)q, CIO__MAGIC_QUEUE, "cio_queue_put");
    cio__site site = CIO__MKSITE;
    int rc = cio__cancel_point(site);
    if (rc)
        return rc;
    if (q->closed)
        return -EPIPE;
    cio_task *getter = cio__waitq_first(&q->getters);
    if (getter) {
        /* A getter waits only on an empty queue, so this item is the oldest: hand it
           over directly. Once woken with 0 the getter owns it, even if cancelled before
           it runs. */
        if (q->count != 0)
            cio__panic("queue created at %s:%d has %zu items while task '%s' waits to get",
                       q->obj.file, q->obj.line, q->count, cio_task_name(getter));
        struct get_wait *w = cio__wait_data(getter);
        if (!w)
            cio__panic("queue created at %s:%d: getter '%s' parked without its slot",
                       q->obj.file, q->obj.line, cio_task_name(getter));
        w->item = item;
        cio__wake(getter, 0);
        return 0;
    }
    if (!is_full(q)) {
        rc = reserve_one(q);
        if (rc)
            return rc;
        push_back(q, item);
        return 0;
    }
    /* Full: wait for a getter to move our item into the ring (status 0), or for close
       (-EPIPE) or cancellation; in those two cases the item was never queued. */
    struct put_wait w = {item};
    return cio__park(&q->putters, &q->obj, "put", &w, site);
}

int cio__queue_get(cio_queue *q, void **item, const char *file, int line, const char *func) {
    cio__object_check((const cio__object *)q, CIO__MAGIC_QUEUE, "cio_queue_get");
    cio__site site = CIO__MKSITE;
    if (!item)
        cio__misuse(file, line, func, "cio_queue_get on the queue created at %s:%d with a NULL "
                    "item pointer", q->obj.file, q->obj.line);
    int rc = cio__cancel_point(site);
    if (rc)
        return rc;
    if (q->count > 0) {
        *item = pop_front(q);
        /* A slot is free: the first blocked putter's item goes in behind the others,
           so the queue stays full and its items stay in order. */
        cio_task *putter = cio__waitq_first(&q->putters);
        if (putter) {
            struct put_wait *w = cio__wait_data(putter);
            if (!w)
                cio__panic("queue created at %s:%d: putter '%s' parked without its item",
                           q->obj.file, q->obj.line, cio_task_name(putter));
            push_back(q, w->item);
            cio__wake(putter, 0);
        }
        return 0;
    }
    if (cio__waitq_first(&q->putters))
        cio__panic("queue created at %s:%d is empty while task '%s' waits to put", q->obj.file,
                   q->obj.line, cio_task_name(cio__waitq_first(&q->putters)));
    if (q->closed)
        return -EPIPE;
    struct get_wait w = {NULL};
    rc = cio__park(&q->getters, &q->obj, "get", &w, site);
    if (rc == 0)
        *item = w.item;
    return rc;
}

void cio_queue_close(cio_queue *q) {
    cio__object_check((const cio__object *)q, CIO__MAGIC_QUEUE, "cio_queue_close");
    q->closed = 1; /* closing twice is harmless, like Trio's aclose() */
    /* Blocked putters keep their items; blocked getters wait only on an empty queue,
       so for them the queue is now closed and empty. */
    cio__wake_all(&q->putters, -EPIPE);
    cio__wake_all(&q->getters, -EPIPE);
}

size_t cio_queue_size(const cio_queue *q) {
    cio__object_check((const cio__object *)q, CIO__MAGIC_QUEUE, "cio_queue_size");
    return q->count;
}

void cio_queue_free(cio_queue *q) {
    cio__object_check((const cio__object *)q, CIO__MAGIC_QUEUE, "cio_queue_free");
    cio_task *first = cio__waitq_first(&q->getters);
    if (!first)
        first = cio__waitq_first(&q->putters);
    if (first)
        cio__misuse("?", 0, "cio_queue_free",
                    "freeing the queue created at %s:%d while task '%s' waits on it",
                    q->obj.file, q->obj.line, cio_task_name(first));
    cio__object_fini(&q->obj);
    free(q->ring);
    free(q);
}

/* Real functions behind the macros of cio.h, so that their addresses can be taken. */
cio_queue *(cio_queue_new)(size_t capacity) { return cio__queue_new(capacity, "?", 0); }
int (cio_queue_put)(cio_queue *q, void *item) { return cio__queue_put(q, item, "?", 0, "?"); }
int (cio_queue_get)(cio_queue *q, void **item) { return cio__queue_get(q, item, "?", 0, "?"); }

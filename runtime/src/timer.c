/*
 * timer.c — every deadline of the loop in one binary min-heap, and the callback
 * handles behind cio_call_soon / cio_call_later / cio_call_at.
 *
 * Sleeping tasks, timeouts, scope deadlines and delayed callbacks all become heap
 * entries; the loop asks the heap for its next deadline and polls libev with that
 * timeout, so a million sleeping tasks cost a million heap entries and no watcher.
 * Handles are values (slot + generation), so cancelling one that already ran is safe.
 */
#include "core.h"

#include <math.h>
#include <stdlib.h>

/* ---------------------------------------------------------------------------------- */
/* The heap                                                                           */
/* ---------------------------------------------------------------------------------- */

static struct {
    cio__timer **items; /* heap-ordered by (when, seq) */
    size_t       count; /* entries in use */
    size_t       cap;   /* entries allocated */
    uint64_t     seq;   /* next arming sequence number */
} heap;

static bool before(const cio__timer *a, const cio__timer *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void place(size_t i, cio__timer *t)
{
    heap.items[i] = t;
    t->slot = i;
}

static void sift_up(size_t i)
{
    cio__timer *t = heap.items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(t, heap.items[parent])) break;
        place(i, heap.items[parent]);
        i = parent;
    }
    place(i, t);
}

static void sift_down(size_t i)
{
    cio__timer *t = heap.items[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= heap.count) break;
        if (c + 1 < heap.count && before(heap.items[c + 1], heap.items[c])) c++;
        if (!before(heap.items[c], t)) break;
        place(i, heap.items[c]);
        i = c;
    }
    place(i, t);
}

void cio__timer_arm(cio__timer *t, double when)
{
    if (cio__timer_armed(t)) cio__panic("a timer was armed twice");
    if (heap.count == heap.cap) {
        size_t cap = heap.cap ? heap.cap * 2 : 256;
        cio__timer **items = realloc(heap.items, cap * sizeof *items);
        if (!items) cio__panic("out of memory growing the timer heap to %zu entries", cap);
        heap.items = items;
        heap.cap = cap;
    }
    t->when = when;
    t->seq = heap.seq++;
    place(heap.count++, t);
    sift_up(t->slot);
}

void cio__timer_disarm(cio__timer *t)
{
    if (!cio__timer_armed(t)) return;
    size_t i = t->slot;
    t->slot = CIO__TIMER_IDLE;
    cio__timer *last = heap.items[--heap.count];
    if (i == heap.count) return;
    place(i, last);
    if (i > 0 && before(last, heap.items[(i - 1) / 2])) sift_up(i);
    else sift_down(i);
}

size_t cio__timers_count(void) { return heap.count; }
double cio__timers_next(void) { return heap.count ? heap.items[0]->when : INFINITY; }

void cio__timers_fire_due(void)
{
    while (heap.count && heap.items[0]->when <= cio__time()) {
        cio__timer *t = heap.items[0];
        cio__timer_disarm(t);
        t->fire(t);
    }
}

void cio__timers_reset(void)
{
    for (size_t i = 0; i < heap.count; i++) heap.items[i]->slot = CIO__TIMER_IDLE;
    free(heap.items);
    heap.items = NULL;
    heap.count = heap.cap = 0;
    heap.seq = 0;
}

/* ---------------------------------------------------------------------------------- */
/* Callback handles                                                                   */
/* ---------------------------------------------------------------------------------- */

enum { H_FREE, H_TIMER, H_READY, H_CANCELLED };
enum { CHUNK_BITS = 8, CHUNK = 1 << CHUNK_BITS };

/** A scheduled callback. Lives in a slab chunk that never moves, so pointers stay valid. */
typedef struct handle {
    cio__runnable run;   /**< RUN_CALLBACK; first, so the ready queue can hold it */
    uint8_t       state; /**< H_FREE, H_TIMER (waiting in the heap), H_READY (queued), H_CANCELLED */
    uint32_t      gen;   /**< bumped on every reuse: stale cio_handle values do not match */
    uint32_t      index; /**< this handle's slot number */
    cio__timer    timer; /**< its deadline, for call_later / call_at */
    cio_callback  cb;    /**< what to call */
    void         *arg;   /**< its argument */
    struct handle *next_free; /**< free list link */
} handle;

static struct {
    handle **chunks;   /* chunk i holds slots [i*CHUNK, (i+1)*CHUNK) */
    size_t   nchunks;  /* chunks allocated */
    handle  *free;     /* free slots, LIFO */
} slab;

static handle *handle_new(cio_callback cb, void *arg)
{
    if (!cb) cio__misuse("?", 0, "cio_call_soon", "the callback is NULL");
    if (!slab.free) {
        handle **chunks = realloc(slab.chunks, (slab.nchunks + 1) * sizeof *chunks);
        if (!chunks) return NULL;
        slab.chunks = chunks;
        handle *c = calloc(CHUNK, sizeof *c);
        if (!c) return NULL;
        slab.chunks[slab.nchunks] = c;
        for (int i = CHUNK - 1; i >= 0; i--) {
            c[i].index = (uint32_t)(slab.nchunks * CHUNK + (size_t)i);
            c[i].run.kind = RUN_CALLBACK;
            c[i].timer.slot = CIO__TIMER_IDLE;
            c[i].next_free = slab.free;
            slab.free = &c[i];
        }
        slab.nchunks++;
    }
    handle *h = slab.free;
    slab.free = h->next_free;
    h->gen++;
    h->cb = cb;
    h->arg = arg;
    return h;
}

static void handle_free(handle *h)
{
    h->state = H_FREE;
    h->next_free = slab.free;
    slab.free = h;
}

static cio_handle handle_id(const handle *h)
{
    return (cio_handle){((uint64_t)h->gen << 32) | ((uint64_t)h->index + 1)};
}

static handle *handle_find(cio_handle id)
{
    uint64_t slot = (id.id & 0xffffffffu);
    if (!slot) return NULL;
    slot--;
    if (slot / CHUNK >= slab.nchunks) return NULL;
    handle *h = &slab.chunks[slot / CHUNK][slot % CHUNK];
    return h->gen == (uint32_t)(id.id >> 32) && h->state != H_FREE ? h : NULL;
}

static void handle_due(cio__timer *t)
{
    handle *h = (handle *)((char *)t - offsetof(handle, timer));
    h->state = H_READY;
    cio__ready_push(&h->run);
}

static void need_loop(const char *api)
{
    if (!cio__in_loop()) cio__misuse("?", 0, api, "called outside cio_run (there is no loop to schedule on)");
}

cio_handle cio_call_soon(cio_callback cb, void *arg)
{
    need_loop("cio_call_soon");
    handle *h = handle_new(cb, arg);
    if (!h) return (cio_handle){0};
    h->state = H_READY;
    cio__ready_push(&h->run);
    return handle_id(h);
}

cio_handle cio_call_at(double when, cio_callback cb, void *arg)
{
    need_loop("cio_call_at");
    if (isnan(when)) cio__misuse("?", 0, "cio_call_at", "the time is NaN");
    handle *h = handle_new(cb, arg);
    if (!h) return (cio_handle){0};
    h->state = H_TIMER;
    h->timer.fire = handle_due;
    cio__timer_arm(&h->timer, when);
    return handle_id(h);
}

cio_handle cio_call_later(double delay, cio_callback cb, void *arg)
{
    need_loop("cio_call_later");
    return cio_call_at(cio__time() + (delay > 0 ? delay : 0), cb, arg);
}

int cio_handle_cancel(cio_handle id)
{
    handle *h = handle_find(id);
    if (!h || h->state == H_CANCELLED) return -EALREADY;
    if (h->state == H_TIMER) {
        cio__timer_disarm(&h->timer);
        handle_free(h);
    } else {
        h->state = H_CANCELLED; /* still in the ready queue: skipped and freed when popped */
    }
    return 0;
}

void cio__handles_run(cio__runnable *r)
{
    handle *h = (handle *)r;
    if (h->state == H_READY) {
        cio_callback cb = h->cb;
        void *arg = h->arg;
        handle_free(h); /* first: the callback may cancel its own (now stale) handle */
        cb(arg);
    } else {
        handle_free(h);
    }
}

void cio__handles_reset(void)
{
    for (size_t i = 0; i < slab.nchunks; i++) free(slab.chunks[i]);
    free(slab.chunks);
    slab.chunks = NULL;
    slab.nchunks = 0;
    slab.free = NULL;
}

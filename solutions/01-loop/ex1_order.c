/*
 * ex1_order.c — exercise 01.1 (reference solution): make loop callbacks run in a
 * required order, at required times, and cancel one that must never run.
 *
 * Two cio_call_soon() calls queue "kettle on" and "cups out" in FIFO order; two
 * cio_call_later() timers fire "pour" and "tea ready"; the alarm's handle is cancelled.
 */
#include <cio.h>

#include <errno.h>

struct tea {
    double     boil_time;  /* seconds from "kettle on" to "pour" (set by the caller) */
    double     steep_time; /* seconds from "pour" to "tea ready" (set by the caller) */
    cio_handle alarm;      /* a callback the caller scheduled; it must never run */
    void     (*step)(struct tea *t, const char *name); /* the caller's: call it for each step */
    void      *user;       /* the caller's; leave it alone */
};

int schedule_tea(struct tea *t);

static void kettle_on(void *arg) { struct tea *t = arg; t->step(t, "kettle on"); }
static void cups_out(void *arg)  { struct tea *t = arg; t->step(t, "cups out"); }
static void pour(void *arg)      { struct tea *t = arg; t->step(t, "pour"); }
static void tea_ready(void *arg) { struct tea *t = arg; t->step(t, "tea ready"); }

int schedule_tea(struct tea *t)
{
    /* The ready queue is FIFO: whatever is queued first runs first. */
    if (!cio_call_soon(kettle_on, t).id) return -ENOMEM;
    if (!cio_call_soon(cups_out, t).id) return -ENOMEM;
    /* Timers run in deadline order, whatever order they were scheduled in. */
    if (!cio_call_later(t->boil_time, pour, t).id) return -ENOMEM;
    if (!cio_call_later(t->boil_time + t->steep_time, tea_ready, t).id) return -ENOMEM;
    /* A handle is a value: cancelling it after it ran would only say -EALREADY. */
    cio_handle_cancel(t->alarm);
    return 0;
}

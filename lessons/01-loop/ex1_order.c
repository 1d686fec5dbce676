/*
 * ex1_order.c — exercise 01.1: make loop callbacks run in a required order.
 *
 * Write schedule_tea(). Using only loop callbacks (cio_call_soon, cio_call_later,
 * cio_handle_cancel) make the loop call t->step(t, NAME) for these four steps, in this
 * order and at these loop times, where t0 is cio_now() when schedule_tea() is called:
 *
 *     "kettle on"  at t0                          (queued first)
 *     "cups out"   at t0, right after "kettle on"
 *     "pour"       at t0 + t->boil_time
 *     "tea ready"  at t0 + t->boil_time + t->steep_time
 *
 * Every step must run as a loop callback, after schedule_tea() has returned: do not call
 * t->step() from schedule_tea() itself. And cancel t->alarm, a callback the caller has
 * scheduled to ring in the middle of it all: it must never ring.
 * Return 0, or -ENOMEM if the loop could not schedule a callback (its handle's id is 0).
 *
 * Check it:  build/cio-grade check 01.1      A hint:  build/cio-grade hint 01.1
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

/* A loop callback receives the pointer you gave when scheduling it. One step: */
static void kettle_on(void *arg)
{
    struct tea *t = arg;
    t->step(t, "kettle on");
}

int schedule_tea(struct tea *t)
{
    /* TODO: schedule kettle_on and three more callbacks like it, and cancel t->alarm. */
    (void)t;
    (void)kettle_on;
    return -ENOSYS;
}

/*
 * cancel.c — cio_cancel and cancel scopes: who is cancelled, and waking them.
 *
 * Cancellation is level-triggered (Trio, libdill): nothing is delivered once and
 * forgotten; instead, whether a task is cancelled is *computed* at every suspension
 * from its innermost scope outwards: a cancelled or expired scope cancels; a shielded
 * scope stops the search; then the task's own flag; then, for a group's child, the
 * group and the scopes that enclosed cio_group_new in its owner. Because it is computed,
 * it can never be missed or swallowed: every later suspension sees it too.
 */
#include "core.h"

#include <math.h>

#define SCOPE_MAGIC 0x53434f50u /* "SCOP" */

/* Walk a chain of scopes; *decided is set when a scope answers for good. */
static bool scopes_cancel(cio_scope *s, bool *decided)
{
    for (; s; s = s->parent) {
        if (s->cancelled || s->deadline <= cio__time()) {
            s->cancelled = 1;
            *decided = true;
            return true;
        }
        if (s->shield) {
            *decided = true;
            return false;
        }
    }
    *decided = false;
    return false;
}

static bool task_cancelled(cio_task *t)
{
    bool decided;
    bool c = scopes_cancel(t->scope, &decided);
    if (decided) return c;
    if (t->cancelled) return true;
    return t->group && cio__group_cancelled(t->group);
}

bool cio__is_cancelled(cio_task *t) { return task_cancelled(t); }

/* Exported to group.c: the part of the chain that lies outside the group. */
bool cio__scope_chain_cancelled(cio_scope *s, cio_task *owner)
{
    bool decided;
    bool c = scopes_cancel(s, &decided);
    if (decided) return c;
    if (owner->cancelled) return true;
    return owner->group && cio__group_cancelled(owner->group);
}

void cio__propagate_cancel(cio_task *t)
{
    if (t->state == TASK_PARKED && !t->nocancel && task_cancelled(t)) cio__wake(t, -ECANCELED);
    for (cio_group *g = t->groups; g; g = cio__group_next(g)) cio__group_propagate(g);
}

int cio_cancel(cio_task *t)
{
    cio__task_check(t, "cio_cancel", (cio__site){"?", 0, "cio_cancel"});
    if (t->state == TASK_DONE) return -EALREADY;
    if (!t->cancelled && cio__tracing) cio__trace_instant(t, "cancelled");
    t->cancelled = true;
    cio__propagate_cancel(t);
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Scopes                                                                             */
/* ---------------------------------------------------------------------------------- */

static void scope_check(const cio_scope *s, const char *api)
{
    if (!s) cio__misuse("?", 0, api, "the scope is NULL");
    if (s->magic != SCOPE_MAGIC)
        cio__misuse("?", 0, api, "the scope is not open (never opened, or already closed)");
}

static void scope_deadline(void *arg)
{
    cio_scope *s = arg;
    s->timer = 0;
    s->cancelled = 1;
    cio__propagate_cancel(s->task);
}

void cio_scope_open(cio_scope *s, double deadline, int shield)
{
    cio_task *t = cio__L.current;
    if (!t) cio__misuse("?", 0, "cio_scope_open", "scopes belong to tasks: called outside a task");
    if (!s) cio__misuse("?", 0, "cio_scope_open", "the scope is NULL");
    if (isnan(deadline)) cio__misuse("?", 0, "cio_scope_open", "the deadline is NaN");
    s->deadline = deadline;
    s->shield = shield;
    s->cancelled = 0;
    s->parent = t->scope;
    s->task = t;
    s->timer = 0;
    s->magic = SCOPE_MAGIC;
    t->scope = s;
    if (deadline < INFINITY) s->timer = cio_call_at(deadline, scope_deadline, s).id;
}

void cio_scope_open_after(cio_scope *s, double seconds, int shield)
{
    if (isnan(seconds)) cio__misuse("?", 0, "cio_scope_open_after", "the delay is NaN");
    cio_scope_open(s, cio__time() + (seconds > 0 ? seconds : 0), shield);
}

void cio_scope_cancel(cio_scope *s)
{
    scope_check(s, "cio_scope_cancel");
    s->cancelled = 1;
    cio__propagate_cancel(s->task);
}

int cio_scope_fired(const cio_scope *s)
{
    scope_check(s, "cio_scope_fired");
    return s->cancelled || s->deadline <= cio__time();
}

int cio_scope_close(cio_scope *s)
{
    scope_check(s, "cio_scope_close");
    cio_task *t = s->task;
    if (t != cio__L.current)
        cio__misuse("?", 0, "cio_scope_close", "a scope must be closed by the task that opened it ('%s')", t->name);
    if (t->scope != s)
        cio__misuse("?", 0, "cio_scope_close", "scopes close innermost first: an inner scope is still open");
    for (cio_group *g = t->groups; g; g = cio__group_next(g))
        if (cio__group_scope(g) == s)
            cio__misuse("?", 0, "cio_scope_close", "a task group opened inside this scope was not waited for "
                        "(call cio_group_wait before closing the scope)");
    if (s->timer) cio_handle_cancel((cio_handle){s->timer});
    int fired = s->cancelled || s->deadline <= cio__time();
    t->scope = s->parent;
    s->magic = 0;
    return fired;
}

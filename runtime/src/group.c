/*
 * group.c — task groups (asyncio's TaskGroup, Trio's nursery): structured concurrency.
 *
 * A group owns its children: nobody else awaits them, and its owner cannot return
 * before cio_group_wait() has seen every child finish. The first child that fails
 * cancels its siblings; the group reports that failure, not the -ECANCELED its own
 * cancellation caused in the others. Children inherit the cancellation of the scopes
 * that enclosed cio_group_new(), because the group remembers that point of its owner.
 */
#include "core.h"

#include <stdlib.h>

struct cio_group {
    cio__object obj;         /**< header: kind "group", where it was created */
    cio_task   *owner;       /**< the task that created it; only it may wait */
    cio_scope  *scope;       /**< the owner's innermost scope at creation: children see it */
    bool        cancelled;   /**< set by cio_group_cancel, a failing child, or a cancelled waiter */
    bool        failing;     /**< a child failed; new spawns are refused */
    int         first_error; /**< the first failing child's status */
    cio_task   *children;    /**< children not yet finished (linked through sib_prev/next) */
    size_t      nchildren;   /**< how many */
    cio__waitq  waiters;     /**< the owner, while in cio_group_wait */
    cio_group  *prev;        /**< neighbours in the owner's list of open groups */
    cio_group  *next;
};

cio_group *cio__group_next(const cio_group *g) { return g->next; }
cio_scope *cio__group_scope(const cio_group *g) { return g->scope; }

static void describe(const cio__object *o, char *buf, size_t n)
{
    const cio_group *g = (const cio_group *)o;
    snprintf(buf, n, "%zu child task%s still running", g->nchildren, g->nchildren == 1 ? "" : "s");
}

bool cio__group_cancelled(cio_group *g)
{
    return g->cancelled || cio__scope_chain_cancelled(g->scope, g->owner);
}

void cio__group_propagate(cio_group *g)
{
    for (cio_task *c = g->children; c; c = c->sib_next) cio__propagate_cancel(c);
}

cio_group *cio__group_new(const char *file, int line)
{
    cio_task *owner = cio__L.current;
    if (!owner) cio__misuse(file, line, "?", "cio_group_new() must be called in a task (the group's owner)");
    cio_group *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    cio__object_init(&g->obj, CIO__MAGIC_GROUP, "group", file, line, describe);
    g->owner = owner;
    g->scope = owner->scope;
    g->next = owner->groups;
    if (owner->groups) owner->groups->prev = g;
    owner->groups = g;
    return g;
}

int cio__group_spawn(cio_group *g, cio_fn fn, void *arg, const char *name, const char *file, int line,
                     const char *func)
{
    cio__object_check(&g->obj, CIO__MAGIC_GROUP, "cio_group_spawn");
    if (!fn) cio__misuse(file, line, func, "cio_group_spawn() was given a NULL function");
    if (g->failing || cio__group_cancelled(g)) return -ECANCELED;
    cio_task *t = cio__spawn(fn, arg, name, file, line, func);
    if (!t) return -ENOMEM;
    t->group = g;
    t->claimed = true;
    t->sib_next = g->children;
    if (g->children) g->children->sib_prev = t;
    g->children = t;
    g->nchildren++;
    return 0;
}

void cio__group_child_done(cio_task *t)
{
    cio_group *g = t->group;
    if (t->sib_prev) t->sib_prev->sib_next = t->sib_next;
    else g->children = t->sib_next;
    if (t->sib_next) t->sib_next->sib_prev = t->sib_prev;
    g->nchildren--;
    int status = t->status;
    bool own_cancellation = status == -ECANCELED && cio__group_cancelled(g);
    if (status != 0 && !own_cancellation && !g->failing) {
        g->failing = true;
        g->first_error = status;
        g->cancelled = true;
        cio__group_propagate(g);
    }
    cio__task_free(t);
    if (g->nchildren == 0) cio__wake_all(&g->waiters, 0);
}

void cio_group_cancel(cio_group *g)
{
    cio__object_check(&g->obj, CIO__MAGIC_GROUP, "cio_group_cancel");
    g->cancelled = true;
    cio__group_propagate(g);
}

int cio__group_wait(cio_group *g, const char *file, int line, const char *func)
{
    cio__object_check(&g->obj, CIO__MAGIC_GROUP, "cio_group_wait");
    cio__site site = CIO__MKSITE;
    if (g->owner != cio__L.current)
        cio__misuse(file, line, func, "only the task that created a group may wait for it");
    bool cancelled = cio__cancel_point(site) != 0;
    if (cancelled) cio_group_cancel(g);
    while (g->nchildren) {
        if (!cancelled) {
            if (cio__park(&g->waiters, &g->obj, "wait for", NULL, site) == -ECANCELED) {
                cancelled = true;
                cio_group_cancel(g);
            }
        } else {
            cio__park_nocancel(&g->waiters, &g->obj, "wait for", NULL, site);
        }
    }
    int rc = g->failing ? g->first_error : cancelled ? -ECANCELED : 0;
    cio_task *owner = g->owner;
    if (g->prev) g->prev->next = g->next;
    else owner->groups = g->next;
    if (g->next) g->next->prev = g->prev;
    cio__object_fini(&g->obj);
    free(g);
    return rc;
}

#undef cio_group_new
#undef cio_group_spawn
#undef cio_group_wait
cio_group *cio_group_new(void) { return cio__group_new("?", 0); }
int cio_group_spawn(cio_group *g, cio_fn fn, void *arg) { return cio__group_spawn(g, fn, arg, "task", "?", 0, "?"); }
int cio_group_wait(cio_group *g) { return cio__group_wait(g, "?", 0, "?"); }

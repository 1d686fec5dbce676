/*
 * ex3_roundrobin.c — exercise 02.3 (reference solution): a round-robin scheduler for
 * stackful coroutines in about sixty lines, on POSIX ucontext.
 *
 * Each coroutine gets a malloc'd stack and a saved context; rr_run() switches into the
 * first in line, and every rr_yield() switches back to rr_run(), which puts it at the
 * back. That is cio's scheduler without the event loop (and with a slower switch).
 */
#include <errno.h>
#include <stdlib.h>
#include <ucontext.h>

typedef void (*rr_fn)(void *arg);

struct co {
    ucontext_t ctx;   /* registers and stack pointer saved while it is switched out */
    void      *stack; /* its stack (malloc'd); freed once it has finished */
    rr_fn      fn;    /* its body */
    void      *arg;   /* its body's argument */
    int        done;  /* set when fn has returned */
    struct co *next;  /* next in the run queue */
};

struct rr {
    ucontext_t sched;      /* rr_run()'s own context: every switch comes back here */
    struct co *head;       /* the run queue: first to run */
    struct co *tail;       /* the run queue: last in line */
    struct co *current;    /* the coroutine running now; NULL inside rr_run() itself */
    size_t     stack_size; /* bytes of stack for each coroutine */
};

struct rr *rr_new(size_t stack_size);
int  rr_spawn(struct rr *s, rr_fn fn, void *arg);
void rr_yield(struct rr *s);
int  rr_run(struct rr *s);
void rr_free(struct rr *s);

/* makecontext() passes only int arguments, so the entry point finds its scheduler here. */
static struct rr *running;

static void entry(void)
{
    struct co *c = running->current;
    c->fn(c->arg);
    c->done = 1;
    /* Returning follows uc_link back into rr_run(). */
}

static void enqueue(struct rr *s, struct co *c)
{
    c->next = NULL;
    if (s->tail) s->tail->next = c;
    else s->head = c;
    s->tail = c;
}

struct rr *rr_new(size_t stack_size)
{
    struct rr *s = calloc(1, sizeof *s);
    if (s) s->stack_size = stack_size < 16384 ? 16384 : stack_size;
    return s;
}

int rr_spawn(struct rr *s, rr_fn fn, void *arg)
{
    struct co *c = calloc(1, sizeof *c);
    if (!c) return -ENOMEM;
    c->stack = malloc(s->stack_size);
    if (!c->stack) {
        free(c);
        return -ENOMEM;
    }
    c->fn = fn;
    c->arg = arg;
    getcontext(&c->ctx);
    c->ctx.uc_stack.ss_sp = c->stack;
    c->ctx.uc_stack.ss_size = s->stack_size;
    c->ctx.uc_link = &s->sched; /* where to go when entry() returns */
    makecontext(&c->ctx, entry, 0);
    enqueue(s, c);
    return 0;
}

void rr_yield(struct rr *s)
{
    /* Save where this coroutine is, and resume rr_run() where it switched to us. */
    swapcontext(&s->current->ctx, &s->sched);
}

int rr_run(struct rr *s)
{
    int finished = 0;
    struct rr *outer = running;
    running = s;
    while (s->head) {
        struct co *c = s->head;
        s->head = c->next;
        if (!s->head) s->tail = NULL;
        s->current = c;
        swapcontext(&s->sched, &c->ctx); /* runs c until it yields or returns */
        s->current = NULL;
        if (c->done) {
            free(c->stack); /* safe: we are on rr_run()'s stack again */
            free(c);
            finished++;
        } else {
            enqueue(s, c); /* it yielded: back of the line */
        }
    }
    running = outer;
    return finished;
}

void rr_free(struct rr *s)
{
    while (s->head) { /* coroutines never run: free them as they are */
        struct co *c = s->head;
        s->head = c->next;
        free(c->stack);
        free(c);
    }
    free(s);
}

/*
 * ex3_roundrobin.c — exercise 02.3: build a round-robin coroutine scheduler on ucontext.
 *
 * No cio here: you write the heart of it yourself. A coroutine is a function with a
 * stack of its own (malloc it) and a saved context (ucontext_t: registers and stack
 * pointer). Four POSIX calls do the work:
 *   getcontext(&ctx)            fill ctx with the current context (needed before makecontext)
 *   makecontext(&ctx, fn, 0)    make ctx start fn() on ctx.uc_stack when switched to; when
 *                               fn returns, the context ctx.uc_link is resumed
 *   swapcontext(&save, &to)     save the running context in save, switch to to
 *
 *   rr_new(size)      a scheduler whose coroutines get stacks of `size` bytes
 *   rr_spawn(s,f,a)   queue a coroutine running f(a); 0 or -ENOMEM. Works before rr_run()
 *                     and from inside a running coroutine (the new one goes to the back).
 *   rr_yield(s)       from inside a coroutine: go to the back of the line, let the next run
 *   rr_run(s)         run coroutines in FIFO order until none is left; return how many
 *                     finished. Free each one's stack once it has finished.
 *   rr_free(s)        free the scheduler (and coroutines never run)
 *
 * Three coroutines that each log a letter and yield, three times, give ABCABCABC.
 *
 * Check it:  build/cio-grade check 02.3      A hint:  build/cio-grade hint 02.3
 * See it:    build/cio-grade run 02.3
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

/* Every coroutine starts here, on its own stack. */
static void entry(void)
{
    struct co *c = running->current;
    /* TODO: run the coroutine's body, then mark it done (returning goes to uc_link). */
    (void)c;
}

struct rr *rr_new(size_t stack_size)
{
    struct rr *s = calloc(1, sizeof *s);
    if (s) s->stack_size = stack_size < 16384 ? 16384 : stack_size;
    return s;
}

int rr_spawn(struct rr *s, rr_fn fn, void *arg)
{
    /* TODO: allocate a struct co and its stack, prepare its context to start entry()
     * on that stack and come back to s->sched when it returns, queue it at the back. */
    (void)s;
    (void)fn;
    (void)arg;
    (void)entry;
    return -ENOSYS;
}

void rr_yield(struct rr *s)
{
    /* TODO: switch from the running coroutine back to rr_run(). */
    (void)s;
}

int rr_run(struct rr *s)
{
    /* TODO: while the queue is not empty: take the first, switch to it; when it comes
     * back, free it if it is done, else put it at the back. Set `running` first. */
    (void)s;
    (void)running;
    return -ENOSYS;
}

void rr_free(struct rr *s)
{
    /* TODO: also free coroutines still queued (spawned but never run). */
    free(s);
}

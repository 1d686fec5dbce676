/*
 * ex3_roundrobin_demo.c — `cio-grade run 02.3`: three coroutines on your scheduler, each
 * printing a line per step and yielding; the middle one spawns a fourth. The output
 * shows the turns, FIFO, and where each coroutine's stack lives.
 */
#include <stdio.h>

typedef void (*rr_fn)(void *arg);
struct rr;
struct rr *rr_new(size_t stack_size);
int  rr_spawn(struct rr *s, rr_fn fn, void *arg);
void rr_yield(struct rr *s);
int  rr_run(struct rr *s);
void rr_free(struct rr *s);

struct worker {
    struct rr  *s;     /* the scheduler */
    const char *name;  /* printed */
    int         steps; /* how many steps */
};

static struct worker late; /* spawned by "bob" during its second step */

static void work(void *arg)
{
    struct worker *w = arg;
    int local = 0; /* lives on this coroutine's own stack */
    for (int i = 1; i <= w->steps; i++) {
        local += i;
        printf("%-5s step %d   (a local at %p)\n", w->name, i, (void *)&local);
        if (i == 2 && w->name[0] == 'b') {
            printf("bob   spawns dave\n");
            rr_spawn(w->s, work, &late);
        }
        rr_yield(w->s);
    }
    printf("%-5s done\n", w->name);
}

int main(void)
{
    struct rr *s = rr_new(64 * 1024);
    if (!s) {
        printf("rr_new() returned NULL\n");
        return 1;
    }
    struct worker w[3] = {{s, "alice", 3}, {s, "bob", 3}, {s, "carol", 2}};
    late = (struct worker){s, "dave", 2};
    for (int i = 0; i < 3; i++)
        if (rr_spawn(s, work, &w[i]) != 0) printf("rr_spawn(%s) failed\n", w[i].name);
    printf("rr_run() returned %d\n", rr_run(s));
    rr_free(s);
    return 0;
}

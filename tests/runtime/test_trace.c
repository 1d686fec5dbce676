/*
 * test_trace.c — seeded schedules and trace export. With the virtual clock and the
 * same seed a program runs the same schedule and writes a byte-identical Chrome
 * trace-event file; another seed gives another interleaving; seed 0 is FIFO; the file
 * parses with jansson as trace events with one named track per task. The program has
 * many possible interleavings: 8 tasks that each yield 5 times.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cio.h"
#include "support.h"

enum { YIELDERS = 8, YIELDS = 5, STEPS = YIELDERS * (YIELDS + 1) };

struct schedule {
    int order[STEPS];             /* the yielder ids in the order their steps ran */
    int n;                        /* steps so far */
};

struct yielder {
    struct schedule *log;         /* shared schedule log */
    int              id;          /* 0..YIELDERS-1 */
};

static int yielder(void *p) {
    struct yielder *y = p;
    for (int i = 0; i <= YIELDS; i++) {
        if (y->log->n < STEPS) y->log->order[y->log->n] = y->id;
        y->log->n++;
        if (i < YIELDS && cio_yield() != 0) return -ECANCELED;
    }
    return 0;
}

static int yielders_main(void *p) {
    struct schedule *log = p;
    struct yielder ys[YIELDERS];
    cio_task *ts[YIELDERS];
    for (int i = 0; i < YIELDERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "yielder%d", i);
        ys[i] = (struct yielder){log, i};
        ts[i] = cio_spawn_named(yielder, &ys[i], name);
    }
    return cio_gather(ts, YIELDERS);
}

/* Run the program with @p seed, writing a trace to @p trace_path (NULL: none). */
static void run_schedule(uint64_t seed, const char *trace_path, struct schedule *log) {
    memset(log, 0, sizeof *log);
    cio_config cfg = {.virtual_clock = 1, .seed = seed, .trace_path = trace_path};
    assert_int_equal(cio_run(yielders_main, log, &cfg), 0);
    assert_int_equal(log->n, STEPS);
}

static int same_schedule(const struct schedule *a, const struct schedule *b) {
    return a->n == b->n && memcmp(a->order, b->order, sizeof a->order) == 0;
}

static void trace_file_path(char *out, size_t n, const char *tag) {
    snprintf(out, n, "/tmp/cio-test-trace-%ld-%s.json", (long)getpid(), tag);
}

static char *read_whole_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) fail_msg("no trace file at %s", path);
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + *len, 1, cap - *len, f);
        if (got == 0) break;
        *len += got;
    }
    fclose(f);
    return buf;
}

/* ---------------------------------------------------------------------------------- */
/* Reading a trace                                                                    */
/* ---------------------------------------------------------------------------------- */

enum { MAX_TRACKS = 64, MAX_EVENTS = 4096 };

struct trace {
    json_int_t  track_tid[MAX_TRACKS];   /* tid of each thread_name metadata event */
    char        track_name[MAX_TRACKS][32]; /* the name it gives that track */
    int         tracks;                  /* metadata events read */
    json_int_t  event_tid[MAX_EVENTS];   /* tids of the other events, ordered by ts (stable) */
    double      event_ts[MAX_EVENTS];    /* their timestamps */
    int         events;                  /* other events read */
};

/* Parse @p path as Chrome trace-event JSON; fail the test if it is not. */
static void load_trace(const char *path, struct trace *tr) {
    memset(tr, 0, sizeof *tr);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (root == NULL) fail_msg("%s is not JSON: line %d: %s", path, err.line, err.text);
    json_t *events = json_is_array(root) ? root : json_object_get(root, "traceEvents");
    if (!json_is_array(events)) fail_msg("%s has no array of trace events", path);
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        if (!json_is_object(ev)) fail_msg("trace event %zu is not an object", i);
        const char *ph = json_string_value(json_object_get(ev, "ph"));
        if (ph == NULL) fail_msg("trace event %zu has no \"ph\"", i);
        json_t *tid = json_object_get(ev, "tid");
        json_t *pid = json_object_get(ev, "pid");
        if (strcmp(ph, "M") == 0) { /* metadata: only thread_name must carry a tid */
            const char *name = json_string_value(json_object_get(ev, "name"));
            if (name && strcmp(name, "thread_name") == 0 && tr->tracks < MAX_TRACKS) {
                if (!json_is_integer(tid) || !json_is_integer(pid))
                    fail_msg("thread_name event %zu lacks an integer pid or tid", i);
                const char *track = json_string_value(json_object_get(json_object_get(ev, "args"), "name"));
                if (track == NULL) fail_msg("thread_name event %zu has no args.name", i);
                tr->track_tid[tr->tracks] = json_integer_value(tid);
                snprintf(tr->track_name[tr->tracks], 32, "%s", track);
                tr->tracks++;
            }
            continue;
        }
        if (!json_is_integer(tid) || !json_is_integer(pid))
            fail_msg("trace event %zu (ph %s) lacks an integer pid or tid", i, ph);
        json_t *ts = json_object_get(ev, "ts");
        if (!json_is_number(ts)) fail_msg("trace event %zu (ph %s) has no numeric \"ts\"", i, ph);
        if (tr->events < MAX_EVENTS) {
            /* insertion keeps file order among equal timestamps */
            int at = tr->events;
            double t = json_number_value(ts);
            while (at > 0 && tr->event_ts[at - 1] > t) {
                tr->event_ts[at] = tr->event_ts[at - 1];
                tr->event_tid[at] = tr->event_tid[at - 1];
                at--;
            }
            tr->event_ts[at] = t;
            tr->event_tid[at] = json_integer_value(tid);
            tr->events++;
        }
    }
    json_decref(root);
}

static int track_of(const struct trace *tr, const char *name, json_int_t *tid) {
    for (int i = 0; i < tr->tracks; i++)
        if (strcmp(tr->track_name[i], name) == 0) {
            *tid = tr->track_tid[i];
            return 1;
        }
    return 0;
}

/* The yielder ids of the trace's events in time order (-1 for other tracks). */
static int yielder_event_order(const struct trace *tr, int *out, int max) {
    int n = 0;
    for (int e = 0; e < tr->events && n < max; e++) {
        int id = -1;
        for (int i = 0; i < tr->tracks; i++)
            if (tr->track_tid[i] == tr->event_tid[e] && sscanf(tr->track_name[i], "yielder%d", &id) == 1) break;
        if (id >= 0) out[n++] = id;
    }
    return n;
}

/* ---------------------------------------------------------------------------------- */
/* Tests                                                                              */
/* ---------------------------------------------------------------------------------- */

static void seed_zero_is_fifo_round_robin(void **state) {
    (void)state;
    struct schedule log;
    run_schedule(0, NULL, &log);
    for (int i = 0; i < STEPS; i++)
        if (log.order[i] != i % YIELDERS)
            fail_msg("step %d ran yielder%d, expected yielder%d (FIFO)", i, log.order[i], i % YIELDERS);
}

static void same_seed_same_schedule_and_byte_identical_trace(void **state) {
    (void)state;
    char path_a[128], path_b[128];
    trace_file_path(path_a, sizeof path_a, "a");
    trace_file_path(path_b, sizeof path_b, "b");
    struct schedule first, second;
    run_schedule(12345, path_a, &first);
    run_schedule(12345, path_b, &second);
    assert_true(same_schedule(&first, &second));

    size_t len_a, len_b;
    char *a = read_whole_file(path_a, &len_a);
    char *b = read_whole_file(path_b, &len_b);
    assert_true(len_a > 0);
    if (len_a != len_b || memcmp(a, b, len_a) != 0)
        fail_msg("two runs with seed 12345 wrote different traces (%zu and %zu bytes)", len_a, len_b);
    free(a);
    free(b);
    unlink(path_a);
    unlink(path_b);
}

static void different_seeds_give_different_interleavings(void **state) {
    (void)state;
    char path_1[128], path_2[128];
    trace_file_path(path_1, sizeof path_1, "seed1");
    trace_file_path(path_2, sizeof path_2, "seed2");
    struct schedule fifo, one, two;
    run_schedule(0, NULL, &fifo);
    run_schedule(1, path_1, &one);
    run_schedule(2, path_2, &two);
    assert_false(same_schedule(&one, &two));
    assert_false(same_schedule(&one, &fifo)); /* a nonzero seed shuffles */
    assert_false(same_schedule(&two, &fifo));
    /* every yielder still took all its steps */
    for (int id = 0; id < YIELDERS; id++) {
        int count = 0;
        for (int i = 0; i < STEPS; i++) count += one.order[i] == id;
        assert_int_equal(count, YIELDS + 1);
    }

    /* the traces show the two interleavings too */
    static struct trace t1, t2;
    load_trace(path_1, &t1);
    load_trace(path_2, &t2);
    static int order_1[MAX_EVENTS], order_2[MAX_EVENTS];
    int n1 = yielder_event_order(&t1, order_1, MAX_EVENTS);
    int n2 = yielder_event_order(&t2, order_2, MAX_EVENTS);
    assert_true(n1 >= STEPS / 2);
    assert_true(n1 != n2 || memcmp(order_1, order_2, sizeof(int) * (size_t)n1) != 0);
    unlink(path_1);
    unlink(path_2);
}

static void trace_is_chrome_trace_events_with_a_named_track_per_task(void **state) {
    (void)state;
    char path[128];
    trace_file_path(path, sizeof path, "format");
    struct schedule log;
    run_schedule(7, path, &log);
    static struct trace tr;
    load_trace(path, &tr);

    const char *names[YIELDERS + 1] = {"main"};
    char yielder_names[YIELDERS][16];
    for (int i = 0; i < YIELDERS; i++) {
        snprintf(yielder_names[i], sizeof yielder_names[i], "yielder%d", i);
        names[i + 1] = yielder_names[i];
    }
    json_int_t tids[YIELDERS + 1];
    for (int i = 0; i <= YIELDERS; i++) {
        if (!track_of(&tr, names[i], &tids[i])) fail_msg("no thread_name track for task %s", names[i]);
        for (int j = 0; j < i; j++)
            if (tids[j] == tids[i]) fail_msg("tasks %s and %s share track %lld", names[j], names[i], (long long)tids[i]);
        int events_on_track = 0;
        for (int e = 0; e < tr.events; e++) events_on_track += tr.event_tid[e] == tids[i];
        if (events_on_track == 0) fail_msg("task %s's track has no events", names[i]);
    }
    unlink(path);
}

static void environment_overrides_seed_and_trace_path(void **state) {
    (void)state;
    struct schedule by_config, by_env;
    run_schedule(2, NULL, &by_config);
    char path[128];
    trace_file_path(path, sizeof path, "env");
    unlink(path);
    setenv("CIO_SEED", "2", 1);
    setenv("CIO_TRACE", path, 1);
    memset(&by_env, 0, sizeof by_env);
    cio_config cfg = {.virtual_clock = 1, .seed = 0, .trace_path = NULL};
    int rc = cio_run(yielders_main, &by_env, &cfg);
    unsetenv("CIO_SEED");
    unsetenv("CIO_TRACE");
    assert_int_equal(rc, 0);
    assert_true(same_schedule(&by_config, &by_env));
    static struct trace tr;
    load_trace(path, &tr); /* fails if CIO_TRACE wrote nothing */
    assert_true(tr.tracks >= YIELDERS + 1);
    unlink(path);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_zero_is_fifo_round_robin),
        cmocka_unit_test(same_seed_same_schedule_and_byte_identical_trace),
        cmocka_unit_test(different_seeds_give_different_interleavings),
        cmocka_unit_test(trace_is_chrome_trace_events_with_a_named_track_per_task),
        cmocka_unit_test(environment_overrides_seed_and_trace_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

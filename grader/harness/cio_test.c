/*
 * cio_test.c — the helpers behind cio_test.h: run learner code under the virtual clock
 * with the seed the grader chose, and keep what the runtime reported so that tests can
 * assert on it (a deadlock report, a slow-step warning, tasks left pending).
 */
#include "cio_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char     *report_text;   /* what the last run reported; owned here */
static size_t    report_len;    /* its length */
static cio_stats last_stats;    /* counters of the last run */
static double    last_elapsed;  /* loop time the last run took */

uint64_t cio_test_seed(void)
{
    const char *s = getenv("CIO_SEED");
    return s ? strtoull(s, NULL, 10) : 0;
}

/* The first task of every test run: notes the start time, runs the test's main. */
struct timed_main { cio_fn fn; void *arg; double start; };
static int timed_main(void *p)
{
    struct timed_main *tm = p;
    tm->start = cio_now();
    return tm->fn(tm->arg);
}

int cio_test_run_with(cio_fn main, void *arg, const cio_config *cfg)
{
    cio_config c = cfg ? *cfg : (cio_config){0};
    c.virtual_clock = 1;
    if (!cfg || !cfg->seed) c.seed = cio_test_seed();
    free(report_text);
    report_text = NULL;
    report_len = 0;
    FILE *mem = open_memstream(&report_text, &report_len);
    if (!mem) fail_msg("cio_test_run: cannot capture reports (out of memory)");
    c.report_to = mem;
    struct timed_main tm = {main, arg, 0};
    int rc = cio_run(timed_main, &tm, &c);
    last_elapsed = cio_now() - tm.start;
    cio_stats_get(&last_stats);
    fclose(mem);
    /* Show the learner what the runtime said, as it would appear without the test. */
    if (report_len) fputs(report_text, stderr);
    return rc;
}

int cio_test_run(cio_fn main, void *arg) { return cio_test_run_with(main, arg, NULL); }
const char *cio_test_report(void) { return report_text ? report_text : ""; }
const cio_stats *cio_test_stats(void) { return &last_stats; }
double cio_test_elapsed(void) { return last_elapsed; }

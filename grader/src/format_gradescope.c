/*
 * format_gradescope.c — Gradescope's results.json, per its autograder specification:
 * top-level score, execution_time, output, visibility, stdout_visibility and tests[],
 * one entry per test case with name, number (the exercise id), score, max_score,
 * status, output and visibility. Hidden tests show only once grades are published.
 */
#include "formats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "textsafe.h"

/* Captured output shown to a student per test: the tail, where the failure usually is. */
#define OUTPUT_TAIL 4096

/* The text a student reads under one test: what happened, then what it printed. */
static char *test_output(const test_result *t, const exercise *ex)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) return NULL;
    if (t->verdict == VERDICT_PASS) {
        fprintf(m, "pass (%.2f s)", t->seconds);
    } else {
        char *why = format_failure_text(t, ex);
        fputs(why ? why : verdict_name(t->verdict), m);
        free(why);
    }
    if (t->output && *t->output) {
        size_t n = strlen(t->output);
        const char *tail = t->output;
        if (n > OUTPUT_TAIL) {
            tail += n - OUTPUT_TAIL;
            fprintf(m, "\n\nOutput (last %d bytes of %zu):\n", OUTPUT_TAIL, n);
        } else {
            fputs("\n\nOutput:\n", m);
        }
        fputs(tail, m);
    }
    fclose(m);
    return text;
}

/* The summary above the tests: the total, then one line per exercise. */
static char *summary(const course_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) return NULL;
    size_t done = 0, hidden = 0, skipped = 0;
    for (size_t i = 0; i < r->nexercises; i++) {
        done += r->exercises[i].done != 0;
        for (size_t k = 0; k < r->exercises[i].ex->ntests; k++) {
            skipped += r->exercises[i].tests[k].skipped != 0;
            hidden += r->exercises[i].ex->tests[k].visibility == VIS_HIDDEN && !r->exercises[i].tests[k].skipped;
        }
    }
    fprintf(m, "cio-grade: %g / %g points; %zu of %zu exercises complete.\n", r->score, r->max_score,
            done, r->nexercises);
    for (size_t i = 0; i < r->nexercises; i++) {
        const exercise_result *e = &r->exercises[i];
        fprintf(m, "  %-6s %-28s %6g / %g%s\n", e->ex->id, e->ex->name, e->score, e->max_score,
                e->done ? "  done" : "");
    }
    if (hidden)
        fprintf(m, "%zu hidden test%s will show once grades are published; the score above counts %s.\n",
                hidden, hidden == 1 ? "" : "s", hidden == 1 ? "it" : "them");
    if (skipped)
        fprintf(m, "%zu hidden test%s not run here; the final grade includes %s.\n", skipped,
                skipped == 1 ? " was" : "s were", skipped == 1 ? "it" : "them");
    fclose(m);
    return text;
}

int format_gradescope(FILE *out, const course_result *r)
{
    json_t *tests = json_array();
    int ok = tests != NULL;
    for (size_t i = 0; ok && i < r->nexercises; i++) {
        const exercise_result *e = &r->exercises[i];
        for (size_t k = 0; ok && k < e->ex->ntests; k++) {
            const test_result *t = &e->tests[k];
            if (t->skipped) continue; /* not run, not counted: nothing to show */
            char name[512];
            snprintf(name, sizeof name, "%s %s: %s", e->ex->id, e->ex->name, t->spec->name);
            char *text = test_output(t, e->ex);
            json_t *jt = json_pack("{s:o, s:o, s:f, s:f, s:s, s:o, s:s}",
                                   "name", textsafe_json(name),
                                   "number", textsafe_json(e->ex->id),
                                   "score", t->score,
                                   "max_score", t->spec->points,
                                   "status", t->verdict == VERDICT_PASS ? "passed" : "failed",
                                   "output", textsafe_json(text ? text : verdict_name(t->verdict)),
                                   "visibility", t->spec->visibility == VIS_HIDDEN ? "after_published" : "visible");
            free(text);
            if (!jt || json_array_append_new(tests, jt) != 0) ok = 0;
        }
    }
    char *sum = ok ? summary(r) : NULL;
    if (!sum) {
        json_decref(tests);
        fprintf(stderr, "cio-grade: out of memory while building the Gradescope results\n");
        return -1;
    }
    /* execution_time is whole seconds in the specification; round up so that a quick
     * run never reads as 0 s. json_pack's "o" takes the tests array in every case. */
    json_t *doc = json_pack("{s:f, s:I, s:o, s:s, s:s, s:o}",
                            "score", r->score,
                            "execution_time", (json_int_t)ceil(r->seconds),
                            "output", textsafe_json(sum),
                            "visibility", "visible",
                            "stdout_visibility", "hidden",
                            "tests", tests);
    free(sum);
    if (!doc) {
        fprintf(stderr, "cio-grade: out of memory while building the Gradescope results\n");
        return -1;
    }
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (rc != 0 || fputc('\n', out) == EOF) {
        fprintf(stderr, "cio-grade: could not write the Gradescope results\n");
        return -1;
    }
    return 0;
}

/*
 * formats.c — chooses a format by name and writes cio-grade's own JSON faces: the
 * results document (results_json.c) and the course listing of `list --format json`.
 * Gradescope, JUnit and TAP each have a file of their own (format_*.c).
 */
#include "formats.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "results_json.h"
#include "textsafe.h"

static const struct {
    const char *name;                                /* as given to --format */
    int (*write)(FILE *out, const course_result *r); /* the writer */
} formats[] = {
    {"json", format_json},
    {"gradescope", format_gradescope},
    {"junit", format_junit},
    {"tap", format_tap},
};

int format_known(const char *format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (format && strcmp(format, formats[i].name) == 0) return 1;
    return 0;
}

int format_write(FILE *out, const course_result *r, const char *format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (format && strcmp(format, formats[i].name) == 0) {
            if (formats[i].write(out, r) != 0) return -1;
            if (fflush(out) != 0 || ferror(out)) {
                fprintf(stderr, "cio-grade: could not write the %s output (disk full or closed pipe?)\n", format);
                return -1;
            }
            return 0;
        }
    fprintf(stderr, "cio-grade: unknown format '%s'; use text, json, gradescope, junit or tap\n",
            format ? format : "(none)");
    return -1;
}

/* Dump @p doc (stolen) to @p out, indented, with a final newline. */
static int dump(FILE *out, json_t *doc, const char *what)
{
    if (!doc) {
        fprintf(stderr, "cio-grade: out of memory while building the %s\n", what);
        return -1;
    }
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (rc != 0 || fputc('\n', out) == EOF) {
        fprintf(stderr, "cio-grade: could not write the %s\n", what);
        return -1;
    }
    return 0;
}

int format_json(FILE *out, const course_result *r)
{
    return dump(out, rjson_build(r), "JSON results");
}

char *format_failure_text(const test_result *t, const exercise *ex)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) return NULL;
    fprintf(m, "%s", verdict_name(t->verdict));
    if (t->message && *t->message) fprintf(m, ": %s", t->message);
    if (t->seed)
        fprintf(m, "%sfailed under schedule seed %lu (reproduce: CIO_SEED=%lu, exercise %s)",
                t->message && strchr(t->message, '\n') ? "\n" : "; ", t->seed, t->seed, ex->id);
    fclose(m);
    return text;
}

/* ---------------------------------------------------------------------------------- */
/* The course listing                                                                 */
/* ---------------------------------------------------------------------------------- */

static json_t *strings_json(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, textsafe_json(v[i])) != 0) { json_decref(a); return NULL; }
    return a;
}

static json_t *exercise_listing(const exercise *ex)
{
    json_t *tests = json_array();
    double points = 0;
    for (size_t k = 0; tests && k < ex->ntests; k++) {
        const test_spec *t = &ex->tests[k];
        points += t->points;
        json_t *jt = json_pack("{s:o, s:f, s:s}", "name", textsafe_json(t->name), "points", t->points,
                               "visibility", t->visibility == VIS_HIDDEN ? "hidden" : "visible");
        if (!jt || json_array_append_new(tests, jt) != 0) { json_decref(tests); return NULL; }
    }
    if (!tests) return NULL;
    /* json_pack's "o" steals each value, even on failure, so nothing leaks. */
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:f, s:i, s:f, s:I, s:o, s:o}",
                     "id", textsafe_json(ex->id),
                     "name", textsafe_json(ex->name),
                     "title", textsafe_json(ex->title),
                     "lesson", textsafe_json(ex->lesson),
                     "files", strings_json(ex->files, ex->nfiles),
                     "test", textsafe_json(ex->test),
                     "demo", textsafe_json(ex->demo),
                     "points", points,
                     "seeds", (int)ex->seeds,
                     "timeout", ex->timeout,
                     "hints", (json_int_t)ex->nhints,
                     "cflags", strings_json(ex->cflags, ex->ncflags),
                     "tests", tests);
}

int format_course(FILE *out, const course *c, const char *format)
{
    if (!format || strcmp(format, "json") != 0) {
        fprintf(stderr, "cio-grade: the course can be listed as text or json, not '%s'\n",
                format ? format : "(none)");
        return -1;
    }
    json_t *exs = json_array();
    double total = 0;
    for (size_t i = 0; exs && i < c->nexercises; i++) {
        json_t *e = exercise_listing(&c->exercises[i]);
        for (size_t k = 0; k < c->exercises[i].ntests; k++) total += c->exercises[i].tests[k].points;
        if (!e || json_array_append_new(exs, e) != 0) { json_decref(exs); exs = NULL; }
    }
    json_t *doc = exs ? json_pack("{s:s, s:i, s:o, s:o, s:f, s:o}", "format", "cio-grade-course",
                                  "version", 1, "title", textsafe_json(c->title),
                                  "root", textsafe_json(c->root), "max_score", total, "exercises", exs)
                      : NULL;
    return dump(out, doc, "course listing");
}

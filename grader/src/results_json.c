/*
 * results_json.c — course_result <-> JSON (see results_json.h). Writing is a plain walk
 * over the model; reading checks every member's type and matches exercises and tests
 * to the manifest by id and name, so a results file from an older manifest is refused
 * (and regraded) rather than misread.
 */
#include "results_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textsafe.h"

/* ---------------------------------------------------------------------------------- */
/* Writing                                                                            */
/* ---------------------------------------------------------------------------------- */

/* json_object_set_new() that remembers a failure instead of leaking or crashing. */
static void put(json_t *obj, const char *key, json_t *val, int *ok)
{
    if (!val || json_object_set_new(obj, key, val) != 0) *ok = 0;
}

static json_t *test_json(const test_result *t, int *ok)
{
    json_t *j = json_object();
    if (!j) { *ok = 0; return NULL; }
    put(j, "name", textsafe_json(t->spec ? t->spec->name : "?"), ok);
    put(j, "points", json_real(t->spec ? t->spec->points : 0), ok);
    put(j, "visibility", json_string(t->spec && t->spec->visibility == VIS_HIDDEN ? "hidden" : "visible"), ok);
    put(j, "verdict", json_string(verdict_name(t->verdict)), ok);
    put(j, "score", json_real(t->score), ok);
    put(j, "message", textsafe_json(t->message), ok);
    put(j, "output", textsafe_json(t->output), ok);
    put(j, "seed", json_integer((json_int_t)t->seed), ok);
    put(j, "seconds", json_real(t->seconds), ok);
    put(j, "skipped", json_boolean(t->skipped), ok);
    return j;
}

static json_t *exercise_json(const exercise_result *e, int *ok)
{
    json_t *j = json_object(), *tests = json_array();
    if (!j || !tests) { json_decref(j); json_decref(tests); *ok = 0; return NULL; }
    put(j, "id", textsafe_json(e->ex->id), ok);
    put(j, "name", textsafe_json(e->ex->name), ok);
    put(j, "title", textsafe_json(e->ex->title), ok);
    put(j, "score", json_real(e->score), ok);
    put(j, "max_score", json_real(e->max_score), ok);
    put(j, "done", json_boolean(e->done), ok);
    put(j, "build_log", textsafe_json(e->build_log), ok);
    for (size_t i = 0; i < e->ex->ntests; i++) {
        json_t *t = test_json(&e->tests[i], ok);
        if (!t || json_array_append_new(tests, t) != 0) *ok = 0;
    }
    put(j, "tests", tests, ok);
    return j;
}

json_t *rjson_build(const course_result *r)
{
    int ok = 1;
    json_t *doc = json_object(), *exs = json_array();
    if (!doc || !exs) { json_decref(doc); json_decref(exs); return NULL; }
    put(doc, "format", json_string(RJSON_FORMAT), &ok);
    put(doc, "version", json_integer(RJSON_VERSION), &ok);
    put(doc, "student", textsafe_json(r->student), &ok);
    put(doc, "score", json_real(r->score), &ok);
    put(doc, "max_score", json_real(r->max_score), &ok);
    put(doc, "seconds", json_real(r->seconds), &ok);
    for (size_t i = 0; i < r->nexercises; i++) {
        json_t *e = exercise_json(&r->exercises[i], &ok);
        if (!e || json_array_append_new(exs, e) != 0) ok = 0;
    }
    put(doc, "exercises", exs, &ok);
    if (!ok) { json_decref(doc); return NULL; }
    return doc;
}

/* ---------------------------------------------------------------------------------- */
/* Reading                                                                            */
/* ---------------------------------------------------------------------------------- */

int rjson_verdict_from_name(const char *name)
{
    for (int v = VERDICT_PASS; v <= VERDICT_ERROR; v++)
        if (strcmp(verdict_name((verdict)v), name) == 0) return v;
    return -1;
}

/* A string member, copied; NULL when absent or null. Sets *bad when of another type. */
static char *str_member(const json_t *obj, const char *key, int *bad)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return NULL;
    if (!json_is_string(v)) { *bad = 1; return NULL; }
    char *s = strdup(json_string_value(v));
    if (!s) *bad = 1;
    return s;
}

static double num_member(const json_t *obj, const char *key, int *bad)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v)) { *bad = 1; return 0; }
    return json_number_value(v);
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); goto fail; } while (0)

int rjson_load(const course *c, const json_t *doc, int with_output, course_result *out,
               char *err, size_t errlen)
{
    int bad = 0;
    memset(out, 0, sizeof *out);
    const json_t *fmt = json_object_get(doc, "format");
    if (!json_is_string(fmt) || strcmp(json_string_value(fmt), RJSON_FORMAT) != 0)
        FAIL("not a cio-grade results document (no \"format\": \"%s\")", RJSON_FORMAT);
    if (json_integer_value(json_object_get(doc, "version")) != RJSON_VERSION)
        FAIL("results version is not %d", RJSON_VERSION);
    const json_t *exs = json_object_get(doc, "exercises");
    if (!json_is_array(exs)) FAIL("\"exercises\" is not an array");
    if (json_array_size(exs) != c->nexercises)
        FAIL("results cover %zu exercises, the manifest lists %zu", json_array_size(exs), c->nexercises);

    out->student = str_member(doc, "student", &bad);
    out->seconds = num_member(doc, "seconds", &bad);
    out->exercises = calloc(c->nexercises ? c->nexercises : 1, sizeof *out->exercises);
    if (!out->exercises) FAIL("out of memory");
    out->nexercises = c->nexercises;
    for (size_t i = 0; i < c->nexercises; i++) {
        const exercise *ex = &c->exercises[i];
        const json_t *je = json_array_get(exs, i);
        exercise_result *er = &out->exercises[i];
        er->ex = ex;
        const json_t *id = json_object_get(je, "id");
        if (!json_is_string(id) || strcmp(json_string_value(id), ex->id) != 0)
            FAIL("exercise %zu is not %s as in the manifest", i + 1, ex->id);
        const json_t *tests = json_object_get(je, "tests");
        if (!json_is_array(tests) || json_array_size(tests) != ex->ntests)
            FAIL("exercise %s: the tests differ from the manifest's", ex->id);
        er->tests = calloc(ex->ntests ? ex->ntests : 1, sizeof *er->tests);
        if (!er->tests) FAIL("out of memory");
        er->build_log = str_member(je, "build_log", &bad);
        for (size_t k = 0; k < ex->ntests; k++) {
            const test_spec *spec = &ex->tests[k];
            const json_t *jt = json_array_get(tests, k);
            test_result *tr = &er->tests[k];
            tr->spec = spec;
            const json_t *name = json_object_get(jt, "name");
            if (!json_is_string(name) || strcmp(json_string_value(name), spec->name) != 0)
                FAIL("exercise %s: test %zu is not %s as in the manifest", ex->id, k + 1, spec->name);
            const json_t *vj = json_object_get(jt, "verdict");
            int v = json_is_string(vj) ? rjson_verdict_from_name(json_string_value(vj)) : -1;
            if (v < 0) FAIL("exercise %s, test %s: unknown verdict", ex->id, spec->name);
            tr->verdict = (verdict)v;
            tr->skipped = json_is_true(json_object_get(jt, "skipped"));
            /* Points come from the manifest as it is now, so a changed weight regrades
             * nothing but is still counted right. */
            tr->score = tr->verdict == VERDICT_PASS && !tr->skipped ? spec->points : 0;
            tr->message = str_member(jt, "message", &bad);
            if (with_output) tr->output = str_member(jt, "output", &bad);
            json_t *seed = json_object_get(jt, "seed");
            tr->seed = json_is_integer(seed) ? (unsigned long)json_integer_value(seed) : 0;
            tr->seconds = num_member(jt, "seconds", &bad);
            er->score += tr->score;
            if (!tr->skipped) er->max_score += spec->points;
        }
        er->done = 1;
        for (size_t k = 0; k < ex->ntests; k++)
            if (er->tests[k].verdict != VERDICT_PASS && !er->tests[k].skipped) er->done = 0;
        out->score += er->score;
        out->max_score += er->max_score;
    }
    if (bad) FAIL("a member has the wrong type");
    return 0;
fail:
    rjson_free(out);
    return -1;
}

void rjson_free(course_result *r)
{
    for (size_t i = 0; i < r->nexercises; i++) {
        exercise_result *er = &r->exercises[i];
        if (er->tests)
            for (size_t k = 0; k < er->ex->ntests; k++) {
                free(er->tests[k].message);
                free(er->tests[k].output);
            }
        free(er->tests);
        free(er->build_log);
    }
    free(r->exercises);
    free(r->student);
    memset(r, 0, sizeof *r);
}

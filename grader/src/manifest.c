/*
 * manifest.c — reads lessons/course.json (with jansson) into the course model and
 * checks everything a lesson author can get wrong: types, unknown keys (usually a
 * typo), duplicate ids and test names, files that are not there. Every problem is
 * reported, not just the first, each as "lessons/course.json:LINE:COL: what — fix".
 */
#include "grade.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#define MANIFEST_PATH "lessons/course.json"
#define DEFAULT_TIMEOUT 5.0 /* seconds per test case: tests run on the virtual clock */

/* ---------------------------------------------------------------------------------- */
/* Where a problem is                                                                 */
/* ---------------------------------------------------------------------------------- */

/*
 * jansson gives positions for syntax errors only, not for the values it returns. To
 * point at a wrong value we search the raw text for the key that holds it, starting
 * from the object it belongs to: a locator, not a parser (the parsing is jansson's).
 */
typedef struct loader {
    const char *root;    /* the course root (absolute) */
    char       *text;    /* the manifest's raw text, for locating problems; owned */
    FILE       *err;     /* where problems are written (a memstream over the caller's buffer) */
    int         nerrors; /* problems found so far */
    size_t      cursor;  /* offset in text where the object being checked starts */
} loader;

/* Line and column (1-based) of byte offset @p off. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') { (*line)++; *col = 1; }
        else (*col)++;
    }
}

/* Offset of the first `"key"` at or after @p from, or @p from if absent. */
static size_t find_key(const loader *L, size_t from, const char *key)
{
    char needle[128];
    snprintf(needle, sizeof needle, "\"%s\"", key);
    const char *p = strstr(L->text + from, needle);
    return p ? (size_t)(p - L->text) : from;
}

/* Report a problem located at @p off. */
static void problem_at(loader *L, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem_at(loader *L, size_t off, const char *fmt, ...)
{
    int line, col;
    line_col(L->text, off, &line, &col);
    fprintf(L->err, "%s:%d:%d: ", MANIFEST_PATH, line, col);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(L->err, fmt, ap);
    va_end(ap);
    fputc('\n', L->err);
    L->nerrors++;
}

/* Report a problem with member @p key of the object being checked. */
#define problem(L, key, ...) problem_at((L), find_key((L), (L)->cursor, (key)), __VA_ARGS__)

/* ---------------------------------------------------------------------------------- */
/* Typed getters: each reports a missing or mistyped member and returns a default.   */
/* ---------------------------------------------------------------------------------- */

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "something else";
}

/* A required (or optional) string member, copied; NULL when absent or wrong. */
static char *get_string(loader *L, const json_t *obj, const char *key, int required, const char *what)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) problem_at(L, L->cursor, "missing \"%s\" — add %s", key, what);
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) == 0) {
        problem(L, key, "\"%s\" is %s — it must be a non-empty string: %s", key,
                json_is_string(v) ? "empty" : type_name(v), what);
        return NULL;
    }
    return strdup(json_string_value(v));
}

/* An optional array of strings, copied into *out / *n. */
static void get_strings(loader *L, const json_t *obj, const char *key, int required, char ***out,
                        size_t *n, const char *what)
{
    *out = NULL;
    *n = 0;
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) problem_at(L, L->cursor, "missing \"%s\" — add %s", key, what);
        return;
    }
    if (!json_is_array(v)) {
        problem(L, key, "\"%s\" is %s — it must be an array of strings: %s", key, type_name(v), what);
        return;
    }
    *out = calloc(json_array_size(v) + 1, sizeof **out);
    if (!*out) return;
    size_t i;
    json_t *s;
    json_array_foreach(v, i, s) {
        if (!json_is_string(s)) {
            problem(L, key, "\"%s\"[%zu] is %s — every entry must be a string", key, i, type_name(s));
            continue;
        }
        (*out)[(*n)++] = strdup(json_string_value(s));
    }
}

/* An optional number member within [lo, hi]. */
static double get_number(loader *L, const json_t *obj, const char *key, double dflt, double lo,
                         double hi, int integer)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return dflt;
    if (integer ? !json_is_integer(v) : !json_is_number(v)) {
        problem(L, key, "\"%s\" is %s — it must be %s between %g and %g", key, type_name(v),
                integer ? "an integer" : "a number", lo, hi);
        return dflt;
    }
    double d = json_number_value(v);
    if (d < lo || d > hi) {
        problem(L, key, "\"%s\" is %g — it must be between %g and %g", key, d, lo, hi);
        return dflt;
    }
    return d;
}

/* Reject members the schema does not know: usually a typo that would be silently ignored. */
static void check_keys(loader *L, const json_t *obj, const char *const *known, const char *where)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        int ok = 0;
        for (const char *const *k = known; *k; k++)
            if (strcmp(key, *k) == 0) ok = 1;
        if (!ok) {
            char list[512] = "";
            for (const char *const *k = known; *k; k++) {
                strncat(list, *k, sizeof list - strlen(list) - 1);
                if (k[1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            problem(L, key, "unknown key \"%s\" in %s — is it a typo? known keys: %s", key, where, list);
        }
    }
}

/* A file that must exist under the course root, as a regular file. */
static void check_file(loader *L, const char *key, const char *rel)
{
    if (!rel) return;
    if (rel[0] == '/' || strstr(rel, "..")) {
        problem(L, key, "\"%s\" must be a path inside the course, relative to its root (got \"%s\")", key, rel);
        return;
    }
    char path[2 * PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", L->root, rel);
    if (stat(path, &st) != 0)
        problem(L, key, "\"%s\": %s does not exist — create it or fix the path", key, rel);
    else if (!S_ISREG(st.st_mode))
        problem(L, key, "\"%s\": %s is not a regular file", key, rel);
}

static int is_identifier(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_')) return 0;
    return 1;
}

/* ---------------------------------------------------------------------------------- */
/* The schema                                                                         */
/* ---------------------------------------------------------------------------------- */

static const char *const top_keys[] = {"title", "lessons", NULL};
static const char *const lesson_keys[] = {"dir", "title", "exercises", NULL};
static const char *const exercise_keys[] = {"id", "name", "title", "files", "test", "demo", "seeds",
                                            "timeout", "cflags", "allow", "tests", "hints", "network", NULL};
static const char *const test_keys[] = {"name", "points", "visibility", NULL};

static void load_test(loader *L, const json_t *jt, test_spec *t, size_t k)
{
    if (!json_is_object(jt)) {
        problem(L, "tests", "\"tests\"[%zu] is %s — each test is {\"name\", \"points\", \"visibility\"}", k,
                type_name(jt));
        return;
    }
    /* Move the cursor to this test's own "name", so problems point at its line. */
    size_t save = L->cursor;
    for (size_t i = 0; i <= k; i++) L->cursor = find_key(L, L->cursor + 1, "name");
    check_keys(L, jt, test_keys, "a test");
    t->name = get_string(L, jt, "name", 1, "the cmocka test function's name");
    if (t->name && !is_identifier(t->name))
        problem(L, "name", "test name \"%s\" is not a C identifier — it must be the cmocka test function's name",
                t->name);
    json_t *p = json_object_get(jt, "points");
    if (!p) problem(L, "name", "test \"%s\" has no \"points\" — add how many points it is worth",
                    t->name ? t->name : "?");
    t->points = get_number(L, jt, "points", 0, 0, 1000, 0);
    t->visibility = VIS_VISIBLE;
    json_t *vis = json_object_get(jt, "visibility");
    if (vis) {
        const char *v = json_string_value(vis);
        if (v && strcmp(v, "hidden") == 0) t->visibility = VIS_HIDDEN;
        else if (!v || strcmp(v, "visible") != 0)
            problem(L, "visibility", "\"visibility\" must be \"visible\" or \"hidden\"");
    }
    L->cursor = save;
}

/* Offset of exercise @p idx's opening in the lesson starting at @p lesson_off. */
static size_t exercise_offset(loader *L, size_t lesson_off, const json_t *jx)
{
    size_t off = find_key(L, lesson_off, "exercises");
    const char *id = json_string_value(json_object_get(jx, "id"));
    if (id) {
        char needle[160];
        snprintf(needle, sizeof needle, "\"%s\"", id);
        const char *p = strstr(L->text + off, needle);
        if (p) {
            /* back up to the "id" key before the value */
            const char *k = p;
            while (k > L->text + off && strncmp(k, "\"id\"", 4) != 0) k--;
            return (size_t)(k - L->text);
        }
    }
    return off;
}

static void load_exercise(loader *L, const json_t *jx, const char *lesson_dir, exercise *ex)
{
    check_keys(L, jx, exercise_keys, "an exercise");
    ex->lesson = lesson_dir ? strdup(lesson_dir) : NULL;
    ex->id = get_string(L, jx, "id", 1, "its id, e.g. \"03.2\" (lesson, dot, exercise)");
    ex->name = get_string(L, jx, "name", 1, "a short name used in file names, e.g. \"first_wins\"");
    ex->title = get_string(L, jx, "title", 1, "a one-line title for humans");
    if (ex->id && strspn(ex->id, "0123456789.") != strlen(ex->id))
        problem(L, "id", "id \"%s\" must be digits and dots, e.g. \"03.2\"", ex->id);
    if (ex->name && !is_identifier(ex->name))
        problem(L, "name", "name \"%s\" must be a C identifier (letters, digits, _)", ex->name);

    get_strings(L, jx, "files", 1, &ex->files, &ex->nfiles,
                "the learner's file(s), e.g. [\"lessons/03-tasks/ex2_first_wins.c\"]");
    if (json_object_get(jx, "files") && ex->nfiles == 0)
        problem(L, "files", "\"files\" is empty — list the file(s) the learner edits");
    for (size_t i = 0; i < ex->nfiles; i++) {
        check_file(L, "files", ex->files[i]);
        size_t n = strlen(ex->files[i]);
        if (n < 2 || strcmp(ex->files[i] + n - 2, ".c") != 0)
            problem(L, "files", "\"%s\" is not a .c file — learner files are C sources", ex->files[i]);
        if (lesson_dir) {
            char prefix[PATH_MAX + 16];
            snprintf(prefix, sizeof prefix, "lessons/%s/", lesson_dir);
            if (strncmp(ex->files[i], prefix, strlen(prefix)) != 0)
                problem(L, "files", "\"%s\" is not in its lesson's directory %s", ex->files[i], prefix);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(ex->files[i], ex->files[j]) == 0)
                problem(L, "files", "\"%s\" is listed twice", ex->files[i]);
    }
    ex->test = get_string(L, jx, "test", 1, "the cmocka test file, e.g. \"lessons/03-tasks/tests/ex2_first_wins_test.c\"");
    check_file(L, "test", ex->test);
    ex->demo = get_string(L, jx, "demo", 0, "a program for `cio-grade run`");
    check_file(L, "demo", ex->demo);
    ex->seeds = (unsigned)get_number(L, jx, "seeds", 1, 1, 1000, 1);
    ex->timeout = get_number(L, jx, "timeout", DEFAULT_TIMEOUT, 0.1, 600, 0);
    json_t *net = json_object_get(jx, "network");
    if (net && !json_is_boolean(net))
        problem(L, "network", "\"network\" is %s — it must be true (loopback sockets allowed) or false", type_name(net));
    ex->network = json_is_true(net);
    get_strings(L, jx, "cflags", 0, &ex->cflags, &ex->ncflags, "extra compiler flags");
    get_strings(L, jx, "allow", 0, &ex->allow, &ex->nallow, "functions the learner may call");
    for (size_t i = 0; i < ex->nallow; i++)
        if (!is_identifier(ex->allow[i]))
            problem(L, "allow", "\"allow\" entry \"%s\" is not a function name", ex->allow[i]);
    get_strings(L, jx, "hints", 0, &ex->hints, &ex->nhints, "progressive hints, gentlest first");

    json_t *jt = json_object_get(jx, "tests");
    if (!jt) {
        problem_at(L, L->cursor, "missing \"tests\" — list the test cases with their points and visibility");
    } else if (!json_is_array(jt) || json_array_size(jt) == 0) {
        problem(L, "tests", "\"tests\" must be a non-empty array of {\"name\", \"points\", \"visibility\"}");
    } else {
        ex->tests = calloc(json_array_size(jt), sizeof *ex->tests);
        if (!ex->tests) return;
        size_t k;
        json_t *t;
        json_array_foreach(jt, k, t) {
            load_test(L, t, &ex->tests[ex->ntests], k);
            test_spec *spec = &ex->tests[ex->ntests++];
            for (size_t j = 0; spec->name && j + 1 < ex->ntests; j++)
                if (ex->tests[j].name && strcmp(ex->tests[j].name, spec->name) == 0)
                    problem(L, "tests", "test \"%s\" is listed twice in exercise %s — test names must be unique",
                            spec->name, ex->id ? ex->id : "?");
        }
    }
}

/* ---------------------------------------------------------------------------------- */
/* Loading                                                                            */
/* ---------------------------------------------------------------------------------- */

static void exercise_free(exercise *ex)
{
    free(ex->id); free(ex->name); free(ex->title); free(ex->lesson);
    for (size_t i = 0; i < ex->nfiles; i++) free(ex->files[i]);
    free(ex->files);
    free(ex->test); free(ex->demo);
    for (size_t i = 0; i < ex->nhints; i++) free(ex->hints[i]);
    free(ex->hints);
    for (size_t i = 0; i < ex->ncflags; i++) free(ex->cflags[i]);
    free(ex->cflags);
    for (size_t i = 0; i < ex->nallow; i++) free(ex->allow[i]);
    free(ex->allow);
    for (size_t i = 0; i < ex->ntests; i++) free(ex->tests[i].name);
    free(ex->tests);
}

void course_free(course *c)
{
    for (size_t i = 0; i < c->nexercises; i++) exercise_free(&c->exercises[i]);
    free(c->exercises);
    free(c->root);
    free(c->title);
    memset(c, 0, sizeof *c);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); return NULL; }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

int manifest_load(const char *course_root, course *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (errlen) err[0] = 0;
    char root[PATH_MAX], path[2 * PATH_MAX];
    if (!realpath(course_root, root)) {
        snprintf(err, errlen, "%s: %s — pass the course's root with --course DIR", course_root, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s", root, MANIFEST_PATH);

    loader L = {.root = root};
    size_t len = 0;
    L.text = slurp(path, &len);
    if (!L.text) {
        snprintf(err, errlen, "%s: cannot read: %s — is %s a course root?", path, strerror(errno), root);
        return -1;
    }
    char *errbuf = NULL;
    size_t errbuf_len = 0;
    L.err = open_memstream(&errbuf, &errbuf_len);
    if (!L.err) { free(L.text); snprintf(err, errlen, "out of memory"); return -1; }

    json_error_t je;
    json_t *doc = json_loadb(L.text, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        fprintf(L.err, "%s:%d:%d: %s — fix the JSON syntax there\n", MANIFEST_PATH, je.line, je.column, je.text);
        L.nerrors++;
        goto done;
    }
    if (!json_is_object(doc)) {
        problem_at(&L, 0, "the manifest is %s — it must be an object {\"title\", \"lessons\"}", type_name(doc));
        goto done;
    }
    out->root = strdup(root);
    check_keys(&L, doc, top_keys, "the course");
    out->title = get_string(&L, doc, "title", 1, "the course's title");
    json_t *lessons = json_object_get(doc, "lessons");
    if (!json_is_array(lessons)) {
        problem(&L, "lessons", "\"lessons\" must be an array of {\"dir\", \"title\", \"exercises\"}");
        goto done;
    }
    size_t total = 0, i;
    json_t *jl;
    json_array_foreach(lessons, i, jl) {
        json_t *xs = json_object_get(jl, "exercises");
        if (json_is_array(xs)) total += json_array_size(xs);
    }
    out->exercises = calloc(total ? total : 1, sizeof *out->exercises);
    if (!out->exercises) { problem_at(&L, 0, "out of memory"); goto done; }

    size_t lesson_off = find_key(&L, 0, "lessons");
    json_array_foreach(lessons, i, jl) {
        lesson_off = find_key(&L, lesson_off + 1, "dir");
        L.cursor = lesson_off;
        if (!json_is_object(jl)) {
            problem_at(&L, lesson_off, "lesson %zu is %s — each lesson is {\"dir\", \"title\", \"exercises\"}", i,
                       type_name(jl));
            continue;
        }
        check_keys(&L, jl, lesson_keys, "a lesson");
        char *dir = get_string(&L, jl, "dir", 1, "the lesson's directory under lessons/, e.g. \"03-tasks\"");
        free(get_string(&L, jl, "title", 1, "the lesson's title"));
        if (dir) {
            struct stat st;
            snprintf(path, sizeof path, "%s/lessons/%s", root, dir);
            if (strchr(dir, '/') || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
                problem(&L, "dir", "lessons/%s is not a directory — create it or fix \"dir\"", dir);
        }
        json_t *xs = json_object_get(jl, "exercises");
        if (!json_is_array(xs)) {
            problem(&L, "exercises", "\"exercises\" must be an array (it may be empty)");
            free(dir);
            continue;
        }
        size_t k;
        json_t *jx;
        json_array_foreach(xs, k, jx) {
            if (!json_is_object(jx)) {
                problem(&L, "exercises", "exercise %zu of lesson %s is %s — each exercise is an object", k,
                        dir ? dir : "?", type_name(jx));
                continue;
            }
            L.cursor = exercise_offset(&L, lesson_off, jx);
            exercise *ex = &out->exercises[out->nexercises++];
            load_exercise(&L, jx, dir, ex);
            for (size_t j = 0; ex->id && j + 1 < out->nexercises; j++)
                if (out->exercises[j].id && strcmp(out->exercises[j].id, ex->id) == 0)
                    problem(&L, "id", "duplicate exercise id \"%s\" (also used by \"%s\") — ids must be unique",
                            ex->id, out->exercises[j].name ? out->exercises[j].name : "?");
        }
        free(dir);
    }

done:
    json_decref(doc);
    fclose(L.err);
    free(L.text);
    if (L.nerrors) {
        snprintf(err, errlen, "%s", errbuf ? errbuf : "");
        /* drop the trailing newline so callers can print it as one message */
        size_t n = strlen(err);
        if (n && err[n - 1] == '\n') err[n - 1] = 0;
        free(errbuf);
        course_free(out);
        return -1;
    }
    free(errbuf);
    return 0;
}

const exercise *course_find(const course *c, const char *id)
{
    for (size_t i = 0; i < c->nexercises; i++)
        if (strcmp(c->exercises[i].id, id) == 0) return &c->exercises[i];
    return NULL;
}

char *course_find_root(void)
{
    char dir[PATH_MAX], probe[PATH_MAX + 32];
    if (!getcwd(dir, sizeof dir)) return NULL;
    for (;;) {
        snprintf(probe, sizeof probe, "%s/%s", dir, MANIFEST_PATH);
        if (access(probe, R_OK) == 0) return strdup(dir);
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            if (strcmp(dir, "/") == 0) return NULL;
            strcpy(dir, "/");
            continue;
        }
        *slash = 0;
    }
}

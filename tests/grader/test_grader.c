/*
 * test_grader.c — the grader's core, tested through grade.h on the fixture course
 * (tests/grader/fixtures/course): manifest errors with their lines, every verdict kind,
 * seeds, hidden tests, and the hostile corpus (tests/grader/hostile/) graded side by side
 * with a correct submission, after which the machine must show no trace of it.
 * Run from the repository root (make test-grader).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <signal.h>

#include "cio.h"
#include "grade.h"
#include "sandbox.h"

/* Fail with a message unless @p cond holds (cio_test.h's helper, for this test too). */
#define cio_expect(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

static char kit[PATH_MAX];     /* the repository root */
static char fixture[PATH_MAX + 64]; /* the fixture course */
static char cache[PATH_MAX + 64];   /* build cache for these tests */
static course fc;              /* the fixture course's manifest */

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                            */
/* ---------------------------------------------------------------------------------- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, n, m);
    fclose(m);
    fclose(f);
    return buf;
}

static void write_text(const char *path, const char *text)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
        *p = 0;
        mkdir(dir, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Replace every @KEY@ in @p text; returns a new string. */
static char *substitute(const char *text, const char *key, const char *value)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    size_t kl = strlen(key);
    for (const char *p = text; *p;) {
        if (strncmp(p, key, kl) == 0) { fputs(value, m); p += kl; }
        else fputc(*p++, m);
    }
    fclose(m);
    return out;
}

static char *make_tree(void)
{
    char *t = strdup("/tmp/cio-grader-test-XXXXXX");
    assert_non_null(mkdtemp(t));
    chmod(t, 0755);
    return t;
}

static void rm_tree(const char *t)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", t);
}

/* A submission tree holding every reference solution at its learner path. */
static char *solved_tree(void)
{
    char *t = make_tree();
    for (size_t i = 0; i < fc.nexercises; i++) {
        const char *rel = fc.exercises[i].files[0];
        char from[PATH_MAX * 2], to[PATH_MAX * 2];
        snprintf(from, sizeof from, "%s/solutions/%s", fixture, rel + strlen("lessons/"));
        snprintf(to, sizeof to, "%s/%s", t, rel);
        char *text = read_text(from);
        assert_non_null(text);
        write_text(to, text);
        free(text);
    }
    return t;
}

/* grade_tree() must run in a task: this runs one call under cio_run(). */
typedef struct grading {
    const char    *sub;    /* submission root, NULL: the fixture itself */
    grade_opts     o;      /* options */
    course_result  r;      /* out */
    int            rc;     /* grade_tree's return */
} grading;

static int grading_main(void *arg)
{
    grading *g = arg;
    g->rc = grade_tree(&fc, g->sub, &g->o, &g->r);
    return 0;
}

static grade_opts base_opts(void)
{
    return (grade_opts){.jobs = 2, .hidden = 1, .kit_root = kit, .cache_dir = cache};
}

static void grade(grading *g)
{
    cio_config cfg = {.slow_step = -1, .stack_size = GRADE_STACK_SIZE}; /* a loaded machine: no slow-step noise */
    assert_int_equal(cio_run(grading_main, g, &cfg), 0);
    assert_int_equal(g->rc, 0);
}

static const exercise_result *result_of(const course_result *r, const char *id)
{
    for (size_t i = 0; i < r->nexercises; i++)
        if (strcmp(r->exercises[i].ex->id, id) == 0) return &r->exercises[i];
    fail_msg("no result for exercise %s", id);
    return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* The manifest                                                                       */
/* ---------------------------------------------------------------------------------- */

/* Load a manifest text in a scratch course; the error text or NULL if it loaded. */
static char *manifest_error(const char *json)
{
    char *t = make_tree();
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/lessons/course.json", t);
    write_text(path, json);
    snprintf(path, sizeof path, "%s/lessons/01-a/ex1_x.c", t);
    write_text(path, "int x(void) { return 0; } /* TODO */\n");
    snprintf(path, sizeof path, "%s/lessons/01-a/tests/ex1_x_test.c", t);
    write_text(path, "/* test */\n");
    course c;
    static char err[8192];
    int rc = manifest_load(t, &c, err, sizeof err);
    rm_tree(t);
    free(t);
    if (rc == 0) {
        course_free(&c);
        return NULL;
    }
    return err;
}

#define GOOD_EXERCISE \
    "{\"id\": \"01.1\", \"name\": \"x\", \"title\": \"X\", \"files\": [\"lessons/01-a/ex1_x.c\"],\n" \
    "  \"test\": \"lessons/01-a/tests/ex1_x_test.c\", \"tests\": [{\"name\": \"t1\", \"points\": 1}]}"

static void manifest_good_loads(void **state)
{
    (void)state;
    char *err = manifest_error("{\"title\": \"c\", \"lessons\": [{\"dir\": \"01-a\", \"title\": \"A\", \"exercises\": [\n"
                               GOOD_EXERCISE "]}]}\n");
    cio_expect(err == NULL, "a good manifest was refused: %s", err);
    assert_int_equal(fc.nexercises, 4);
    assert_string_equal(fc.exercises[2].id, "02.1");
    assert_int_equal(fc.exercises[2].seeds, 8);
    assert_int_equal(fc.exercises[0].tests[1].visibility, VIS_HIDDEN);
}

static void manifest_syntax_error_has_line(void **state)
{
    (void)state;
    char *err = manifest_error("{\"title\": \"c\",\n \"lessons\": [\n  {\"dir\": \"01-a\",, }\n]}\n");
    assert_non_null(err);
    cio_expect(strstr(err, "lessons/course.json:3:") != NULL, "no line 3 in: %s", err);
    cio_expect(strstr(err, "syntax") != NULL, "does not say what to do: %s", err);
}

static void manifest_missing_key(void **state)
{
    (void)state;
    char *err = manifest_error("{\"title\": \"c\", \"lessons\": [{\"dir\": \"01-a\", \"title\": \"A\", \"exercises\": [\n"
                               "{\"id\": \"01.1\", \"name\": \"x\", \"title\": \"X\", \"files\": [\"lessons/01-a/ex1_x.c\"],\n"
                               "  \"tests\": [{\"name\": \"t1\", \"points\": 1}]}]}]}\n");
    assert_non_null(err);
    cio_expect(strstr(err, "missing \"test\"") != NULL, "missing key not named: %s", err);
    cio_expect(strstr(err, "course.json:2:") != NULL, "not located at the exercise (line 2): %s", err);
}

static void manifest_wrong_type(void **state)
{
    (void)state;
    char *err = manifest_error("{\"title\": \"c\", \"lessons\": [{\"dir\": \"01-a\", \"title\": \"A\", \"exercises\": [\n"
                               "{\"id\": \"01.1\", \"name\": \"x\", \"title\": \"X\", \"files\": [\"lessons/01-a/ex1_x.c\"],\n"
                               "  \"test\": \"lessons/01-a/tests/ex1_x_test.c\",\n"
                               "  \"tests\": [{\"name\": \"t1\", \"points\": \"two\"}]}]}]}\n");
    assert_non_null(err);
    cio_expect(strstr(err, "\"points\" is a string") != NULL, "wrong type not named: %s", err);
    cio_expect(strstr(err, "course.json:4:") != NULL, "not located at line 4: %s", err);
}

static void manifest_duplicate_id_and_test(void **state)
{
    (void)state;
    char *err = manifest_error("{\"title\": \"c\", \"lessons\": [{\"dir\": \"01-a\", \"title\": \"A\", \"exercises\": [\n"
                               GOOD_EXERCISE ",\n"
                               "{\"id\": \"01.1\", \"name\": \"y\", \"title\": \"Y\", \"files\": [\"lessons/01-a/ex1_x.c\"],\n"
                               "  \"test\": \"lessons/01-a/tests/ex1_x_test.c\",\n"
                               "  \"tests\": [{\"name\": \"t1\", \"points\": 1}, {\"name\": \"t1\", \"points\": 1}]}]}]}\n");
    assert_non_null(err);
    cio_expect(strstr(err, "duplicate exercise id \"01.1\"") != NULL, "duplicate id not caught: %s", err);
    cio_expect(strstr(err, "listed twice") != NULL, "duplicate test name not caught: %s", err);
}

static void manifest_missing_file_and_unknown_key(void **state)
{
    (void)state;
    char *err = manifest_error("{\"title\": \"c\", \"lessons\": [{\"dir\": \"01-a\", \"title\": \"A\", \"exercises\": [\n"
                               "{\"id\": \"01.1\", \"name\": \"x\", \"title\": \"X\", \"files\": [\"lessons/01-a/nope.c\"],\n"
                               "  \"timout\": 3,\n"
                               "  \"test\": \"lessons/01-a/tests/ex1_x_test.c\", \"tests\": [{\"name\": \"t1\", \"points\": 1}]}]}]}\n");
    assert_non_null(err);
    cio_expect(strstr(err, "lessons/01-a/nope.c does not exist") != NULL, "missing file not caught: %s", err);
    cio_expect(strstr(err, "unknown key \"timout\"") != NULL, "unknown key not caught: %s", err);
    cio_expect(strstr(err, "course.json:3:") != NULL, "unknown key not located at line 3: %s", err);
}

static void manifest_missing_file_entirely(void **state)
{
    (void)state;
    course c;
    char err[1024];
    assert_int_equal(manifest_load("/nonexistent-course-dir", &c, err, sizeof err), -1);
    cio_expect(strstr(err, "--course") != NULL, "no advice in: %s", err);
}

/* ---------------------------------------------------------------------------------- */
/* Verdicts                                                                           */
/* ---------------------------------------------------------------------------------- */

static void solutions_get_full_marks(void **state)
{
    (void)state;
    char *t = solved_tree();
    grading g = {.sub = t, .o = base_opts()};
    grade(&g);
    for (size_t i = 0; i < g.r.nexercises; i++) {
        const exercise_result *er = &g.r.exercises[i];
        for (size_t k = 0; k < er->ex->ntests; k++)
            cio_expect(er->tests[k].verdict == VERDICT_PASS, "%s %s: %s: %s", er->ex->id, er->tests[k].spec->name,
                       verdict_name(er->tests[k].verdict), er->tests[k].message ? er->tests[k].message : "");
        assert_true(er->done);
    }
    assert_true(g.r.max_score == 10);
    assert_true(g.r.score == 10);
    course_result_free(&g.r);
    rm_tree(t);
    free(t);
}

static void stubs_score_zero_and_fail(void **state)
{
    (void)state;
    grading g = {.o = base_opts()};
    grade(&g);
    assert_true(g.r.score == 0);
    for (size_t i = 0; i < g.r.nexercises; i++)
        for (size_t k = 0; k < g.r.exercises[i].ex->ntests; k++)
            assert_int_equal(g.r.exercises[i].tests[k].verdict, VERDICT_FAIL);
    /* The failing assertion's own words reach the learner. */
    const exercise_result *add = result_of(&g.r, "01.1");
    cio_expect(strstr(add->tests[0].message, "add(2, 3) returned 0, expected 5") != NULL, "message: %s",
               add->tests[0].message);
    cio_expect(strstr(add->tests[0].message, "ex1_add_test.c:9") != NULL, "no test line in: %s", add->tests[0].message);
    course_result_free(&g.r);
}

static void compile_error_names_the_line(void **state)
{
    (void)state;
    char *t = make_tree();
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/lessons/01-basics/ex1_add.c", t);
    write_text(path, "int add(int a, int b);\n\nint add(int a, int b)\n{\n    return a + b\n}\n");
    grading g = {.sub = t, .o = base_opts()};
    grade(&g);
    const exercise_result *add = result_of(&g.r, "01.1");
    assert_int_equal(add->tests[0].verdict, VERDICT_COMPILE_ERROR);
    cio_expect(strstr(add->tests[0].message, "lessons/01-basics/ex1_add.c:5:") != NULL, "no file:line in: %s",
               add->tests[0].message);
    assert_true(add->score == 0);
    /* Every other exercise is still graded (their stubs: fail, not compile-error). */
    assert_int_equal(result_of(&g.r, "01.2")->tests[0].verdict, VERDICT_FAIL);
    course_result_free(&g.r);
    rm_tree(t);
    free(t);
}

static void racy_counter_fails_under_a_seed(void **state)
{
    (void)state;
    char *t = make_tree();
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/lessons/02-races/ex1_counter.c", t);
    char *sol = NULL;
    char from[PATH_MAX * 2];
    snprintf(from, sizeof from, "%s/solutions/02-races/ex1_counter.c", fixture);
    sol = read_text(from);
    char *racy = substitute(sol, "if (cio_lock_acquire(s->lock) != 0) return -1;", "");
    char *racy2 = substitute(racy, "cio_lock_release(s->lock);", "");
    write_text(path, racy2);
    grading g = {.sub = t, .o = base_opts()};
    g.o.only_id = "02.1";
    grade(&g);
    const test_result *tr = &result_of(&g.r, "02.1")->tests[0];
    assert_int_equal(tr->verdict, VERDICT_FAIL);
    cio_expect(tr->seed >= 1 && tr->seed <= 8, "the failing seed is not reported (seed %lu)", tr->seed);
    course_result_free(&g.r);
    /* The same seed reproduces it, alone. */
    unsigned long seed = tr->seed;
    grading again = {.sub = t, .o = base_opts()};
    again.o.only_id = "02.1";
    again.o.seed = seed;
    grade(&again);
    assert_int_equal(result_of(&again.r, "02.1")->tests[0].verdict, VERDICT_FAIL);
    assert_int_equal(result_of(&again.r, "02.1")->tests[0].seed, seed);
    course_result_free(&again.r);
    free(sol); free(racy); free(racy2);
    rm_tree(t);
    free(t);
}

static void hidden_tests_skipped_without_hidden(void **state)
{
    (void)state;
    char *t = solved_tree();
    grading g = {.sub = t, .o = base_opts()};
    g.o.hidden = 0;
    g.o.only_id = "01.1";
    grade(&g);
    const exercise_result *add = result_of(&g.r, "01.1");
    assert_int_equal(add->tests[0].verdict, VERDICT_PASS);
    assert_true(add->tests[1].skipped);
    assert_true(add->max_score == 1);
    assert_true(add->done);
    course_result_free(&g.r);
    rm_tree(t);
    free(t);
}

/* ---------------------------------------------------------------------------------- */
/* The hostile corpus                                                                 */
/* ---------------------------------------------------------------------------------- */

typedef struct hostile {
    char       *file;      /* corpus file name */
    char       *tree;      /* its submission tree */
    json_t     *verdicts;  /* the verdicts it may get */
    grading     g;         /* its grading */
} hostile;

static hostile *corpus;
static size_t   ncorpus;
static cio_sem *shared;

static int hostile_main(void *arg)
{
    (void)arg;
    shared = cio_sem_new(4); /* one pool of job slots for the whole "class", like batch */
    cio_task **ts = calloc(ncorpus, sizeof *ts);
    for (size_t i = 0; i < ncorpus; i++) {
        corpus[i].g.o.sem = shared;
        ts[i] = cio_spawn(grading_main, &corpus[i].g);
    }
    cio_gather(ts, ncorpus);
    free(ts);
    cio_sem_free(shared);
    return 0;
}

static int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d))) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

/* Processes still running under the sandbox's test uids (layer 1): there must be none. */
static int stray_processes(void)
{
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[300];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%s", e->d_name);
        if (stat(path, &st) == 0 && st.st_uid >= 61000 && st.st_uid < 61000 + 1024) n++;
    }
    if (d) closedir(d);
    return n;
}

static void hostile_corpus_scores_zero(void **state)
{
    (void)state;
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/tests/grader/hostile/expect.json", kit);
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    cio_expect(doc != NULL, "expect.json: %d: %s", je.line, je.text);
    json_t *cases = json_object_get(doc, "cases");
    ncorpus = json_object_size(cases) + 1; /* + the correct submission */
    assert_true(ncorpus >= 26);
    corpus = calloc(ncorpus, sizeof *corpus);

    /* Something on the machine's loopback that the network attack would reach. */
    int lsock = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    assert_int_equal(bind(lsock, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lsock, 8), 0);
    socklen_t alen = sizeof a;
    getsockname(lsock, (struct sockaddr *)&a, &alen);
    char port[16], marker[PATH_MAX];
    snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
    snprintf(marker, sizeof marker, "/tmp/cio-hostile-marker-%d", (int)getpid());
    unlink(marker);

    size_t i = 0;
    const char *name;
    json_t *c;
    json_object_foreach(cases, name, c) {
        hostile *h = &corpus[i++];
        h->file = strdup(name);
        h->verdicts = json_object_get(c, "verdicts");
        const char *id = json_string_value(json_object_get(c, "exercise"));
        const exercise *ex = course_find(&fc, id);
        assert_non_null(ex);
        snprintf(path, sizeof path, "%s/tests/grader/hostile/%s", kit, name);
        char *src = read_text(path);
        assert_non_null(src);
        char *s1 = substitute(src, "@COURSE@", fixture);
        char *s2 = substitute(s1, "@PORT@", port);
        char *s3 = substitute(s2, "@MARKER@", marker);
        h->tree = make_tree();
        snprintf(path, sizeof path, "%s/%s", h->tree, ex->files[0]);
        write_text(path, s3);
        free(src); free(s1); free(s2); free(s3);
        h->g = (grading){.sub = h->tree, .o = base_opts()};
        h->g.o.only_id = ex->id;
    }
    hostile *good = &corpus[i];
    good->file = strdup("(the correct submission)");
    good->tree = solved_tree();
    good->g = (grading){.sub = good->tree, .o = base_opts()};

    int fds_before = count_fds();
    struct stat sol_before, sol_after;
    snprintf(path, sizeof path, "%s/solutions/09-sandbox/ex1_secret.c", fixture);
    assert_int_equal(stat(path, &sol_before), 0);

    cio_config cfg = {.slow_step = -1, .stack_size = GRADE_STACK_SIZE};
    assert_int_equal(cio_run(hostile_main, NULL, &cfg), 0);

    /* Every hostile submission got one of its verdicts, and nothing. */
    int bad = 0;
    for (size_t k = 0; k + 1 < ncorpus; k++) {
        hostile *h = &corpus[k];
        cio_expect(h->g.rc == 0, "%s: the grader itself failed (%d)", h->file, h->g.rc);
        const exercise_result *er = &h->g.r.exercises[0];
        const test_result *t = &er->tests[0];
        int ok = 0;
        size_t vi;
        json_t *v;
        json_array_foreach(h->verdicts, vi, v)
            if (strcmp(json_string_value(v), verdict_name(t->verdict)) == 0) ok = 1;
        if (!ok || er->score != 0) {
            fprintf(stderr, "hostile %s: got %s (%g points): %s\n", h->file, verdict_name(t->verdict), er->score,
                    t->message ? t->message : "");
            bad++;
        } else {
            printf("  %-22s %-9s %s\n", h->file, verdict_name(t->verdict),
                   t->message ? strtok(t->message, "\n") : "");
        }
    }
    /* ... and the correct one, graded in the same run, got full marks. */
    const course_result *gr = &good->g.r;
    cio_expect(good->g.rc == 0 && gr->score == gr->max_score && gr->max_score == 10,
               "the correct submission scored %g/%g next to the hostile ones", gr->score, gr->max_score);
    assert_int_equal(bad, 0);

    /* The machine and the grader are unaffected. */
    assert_int_equal(count_fds(), fds_before);
    cio_expect(stray_processes() == 0, "%d test processes outlived the grading", stray_processes());
    snprintf(path, sizeof path, "%s/lessons/09-sandbox/PWNED", fixture);
    cio_expect(access(path, F_OK) != 0, "a submission wrote into the course");
    cio_expect(access(marker, F_OK) != 0, "a submission wrote %s", marker);
    snprintf(path, sizeof path, "%s/solutions/09-sandbox/ex1_secret.c", fixture);
    assert_int_equal(stat(path, &sol_after), 0);
    assert_true(sol_before.st_mtime == sol_after.st_mtime && sol_before.st_size == sol_after.st_size);
    int conn = accept(lsock, NULL, NULL);
    cio_expect(conn < 0, "a submission connected to the machine's loopback");
    close(lsock);
    assert_int_equal(kill(getpid(), 0), 0);

    for (size_t k = 0; k < ncorpus; k++) {
        course_result_free(&corpus[k].g.r);
        rm_tree(corpus[k].tree);
        free(corpus[k].tree);
        free(corpus[k].file);
    }
    free(corpus);
    json_decref(doc);
}

/* ---------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    if (!realpath(".", kit)) return -1;
    snprintf(fixture, sizeof fixture, "%s/tests/grader/fixtures/course", kit);
    snprintf(cache, sizeof cache, "%s/build/tests/grader/cache", kit);
    char err[8192];
    if (manifest_load(fixture, &fc, err, sizeof err) != 0) {
        fprintf(stderr, "the fixture course does not load:\n%s\n", err);
        return -1;
    }
    printf("sandbox: %s\n", grade_sandbox_mode());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    course_free(&fc);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_good_loads),
        cmocka_unit_test(manifest_syntax_error_has_line),
        cmocka_unit_test(manifest_missing_key),
        cmocka_unit_test(manifest_wrong_type),
        cmocka_unit_test(manifest_duplicate_id_and_test),
        cmocka_unit_test(manifest_missing_file_and_unknown_key),
        cmocka_unit_test(manifest_missing_file_entirely),
        cmocka_unit_test(solutions_get_full_marks),
        cmocka_unit_test(stubs_score_zero_and_fail),
        cmocka_unit_test(compile_error_names_the_line),
        cmocka_unit_test(racy_counter_fails_under_a_seed),
        cmocka_unit_test(hidden_tests_skipped_without_hidden),
        cmocka_unit_test(hostile_corpus_scores_zero),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

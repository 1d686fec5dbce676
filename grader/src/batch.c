/*
 * batch.c — grading a class (see batch.h); the largest use of cio in the grader.
 * Nothing a student submits can stop the batch: every failure becomes that student's
 * result or note, and the exit status speaks only of the grader itself.
 */

/*
 * The shape: one task per student, at most --jobs of them at once (a semaphore), all
 * children of one task group. A student's task stages the submission and writes its
 * results on the executor (tar, copying and fsync block; the loop must not), and
 * grades with grade_tree(), which suspends while compilers and tests run. A ticker
 * task redraws the progress bar.
 */
#define _GNU_SOURCE
#include "batch.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "afile.h"
#include "cio.h"
#include "formats.h"
#include "grade.h"
#include "gradebook.h"
#include "progress.h"
#include "report_html.h"
#include "results_json.h"
#include "roster.h"
#include "submission.h"

/* ---------------------------------------------------------------------------------- */
/* Options                                                                            */
/* ---------------------------------------------------------------------------------- */

typedef struct batch_opts {
    const char *dir;    /* the submissions directory */
    const char *out;    /* the output directory */
    const char *format; /* extra per-student format beside the JSON; NULL: none */
    unsigned    jobs;   /* students graded at once, and process slots shared by them */
    int         hidden; /* grade hidden tests too (the default for an instructor) */
    int         force;  /* regrade everyone, ignoring complete results */
} batch_opts;

static void usage(FILE *to)
{
    fputs("usage: cio-grade batch DIR --out OUT [--jobs N] [--format json|gradescope|junit|tap]\n"
          "                       [--no-hidden] [--force]\n"
          "  DIR    one entry per student: a directory or a .tar.gz holding the exercise\n"
          "         files at their course paths (lessons/NN-topic/exN_name.c)\n"
          "  OUT    results: students/NAME.json, gradebook.csv, report.html\n"
          "  --jobs N       students (and compilers/tests) at once; default: one per core\n"
          "  --format F     also write students/NAME in format F\n"
          "  --no-hidden    leave hidden tests out (as a student would see it)\n"
          "  --force        regrade every student, even those already complete\n"
          "An interrupted batch resumes: run the same command again.\n",
          to);
}

static int parse(int argc, char **argv, batch_opts *o)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *o = (batch_opts){.jobs = cores > 0 ? (unsigned)cores : 1, .hidden = 1};
    int i = (argc > 0 && strcmp(argv[0], "batch") == 0) ? 1 : 0;
    for (; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        const char *eq = strchr(a, '=');
        size_t keylen = eq && a[0] == '-' ? (size_t)(eq - a) : strlen(a);
#define IS(name) (strlen(name) == keylen && strncmp(a, name, keylen) == 0)
#define VALUE()                                                                              \
        do {                                                                                 \
            if (eq) val = eq + 1;                                                            \
            else if (i + 1 < argc) val = argv[++i];                                          \
            else { fprintf(stderr, "cio-grade batch: %.*s needs a value\n", (int)keylen, a); return -1; } \
        } while (0)
        if (IS("-h") || IS("--help")) { usage(stdout); return 1; }
        else if (IS("-j") || IS("--jobs")) {
            VALUE();
            char *end;
            long n = strtol(val, &end, 10);
            if (*end || n < 1 || n > 256) {
                fprintf(stderr, "cio-grade batch: --jobs wants a number from 1 to 256, not '%s'\n", val);
                return -1;
            }
            o->jobs = (unsigned)n;
        } else if (IS("-o") || IS("--out")) { VALUE(); o->out = val; }
        else if (IS("--format")) {
            VALUE();
            if (strcmp(val, "text") == 0 || strcmp(val, "json") == 0) o->format = NULL; /* JSON is always written */
            else if (format_known(val)) o->format = val;
            else {
                fprintf(stderr, "cio-grade batch: unknown format '%s'; use json, gradescope, junit or tap\n", val);
                return -1;
            }
        } else if (IS("--no-hidden")) o->hidden = 0;
        else if (IS("--force")) o->force = 1;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "cio-grade batch: unknown option '%s'\n", a);
            return -1;
        } else if (!o->dir) o->dir = a;
        else {
            fprintf(stderr, "cio-grade batch: one submissions directory only ('%s' and '%s')\n", o->dir, a);
            return -1;
        }
#undef IS
#undef VALUE
    }
    if (!o->dir) { fputs("cio-grade batch: which directory of submissions? (cio-grade batch DIR --out OUT)\n", stderr); return -1; }
    if (!o->out) { fputs("cio-grade batch: --out OUT is required: where results, gradebook.csv and report.html go\n", stderr); return -1; }
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Knowing when a student is already graded                                           */
/* ---------------------------------------------------------------------------------- */

/* FNV-1a over everything in the course that changes a grade: exercises, test files,
 * points, flags. Results made under another fingerprint are regraded. */
static void fnv(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) { *h ^= p[i]; *h *= 1099511628211ull; }
}
static void fnv_str(uint64_t *h, const char *s) { fnv(h, s ? s : "", s ? strlen(s) + 1 : 1); }
static void fnv_file(uint64_t *h, const char *root, const char *rel)
{
    char *path;
    if (!rel || asprintf(&path, "%s/%s", root, rel) < 0) return;
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f) return;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fnv(h, buf, n);
    fclose(f);
}

static char *course_fingerprint(const course *c, int hidden)
{
    uint64_t h = 14695981039346656037ull;
    fnv(&h, &hidden, sizeof hidden);
    for (size_t i = 0; i < c->nexercises; i++) {
        const exercise *ex = &c->exercises[i];
        fnv_str(&h, ex->id);
        fnv_str(&h, ex->name);
        for (size_t f = 0; f < ex->nfiles; f++) fnv_str(&h, ex->files[f]);
        fnv_str(&h, ex->test);
        fnv_file(&h, c->root, ex->test);
        for (size_t f = 0; f < ex->ncflags; f++) fnv_str(&h, ex->cflags[f]);
        for (size_t f = 0; f < ex->nallow; f++) fnv_str(&h, ex->allow[f]);
        fnv(&h, &ex->seeds, sizeof ex->seeds);
        fnv(&h, &ex->timeout, sizeof ex->timeout);
        for (size_t k = 0; k < ex->ntests; k++) {
            fnv_str(&h, ex->tests[k].name);
            fnv(&h, &ex->tests[k].points, sizeof ex->tests[k].points);
            fnv(&h, &ex->tests[k].visibility, sizeof ex->tests[k].visibility);
        }
    }
    char *s;
    return asprintf(&s, "%016llx", (unsigned long long)h) < 0 ? NULL : s;
}

/* Nonzero if OUT/students/NAME.json is complete, made for this course, and newer than
 * the submission: then the student is not graded again. */
static int already_graded(const course *c, const char *path, double sub_mtime, const char *fingerprint)
{
    struct stat st;
    if (stat(path, &st) != 0) return 0;
    if ((double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9 <= sub_mtime) return 0;
    json_t *doc = json_load_file(path, 0, NULL);
    if (!doc) return 0;
    int ok = 0;
    const char *fp = json_string_value(json_object_get(doc, "course_fingerprint"));
    if (fp && fingerprint && strcmp(fp, fingerprint) == 0) {
        course_result r;
        char err[128];
        if (rjson_load(c, doc, 0, &r, err, sizeof err) == 0) {
            ok = 1;
            rjson_free(&r);
        }
    }
    json_decref(doc);
    return ok;
}

/* ---------------------------------------------------------------------------------- */
/* One student                                                                        */
/* ---------------------------------------------------------------------------------- */

typedef struct batch batch;

typedef struct student_job {
    batch            *b;        /* the batch it belongs to */
    const submission *sub;      /* what the student handed in */
    char             *path;     /* OUT/students/NAME.json; owned */
    int               failed;   /* 1: the grader failed for this student (reported) */
    /* executor hand-off: filled by the loop, used by a worker thread */
    staged            st;       /* the staged tree */
    json_t           *doc;      /* the results document to write; owned until written */
    int               rc;       /* the executor job's result */
} student_job;

struct batch {
    const course *c;            /* the course being graded */
    char         *kit;          /* holds runtime/, grader/harness/, build/libcio.a; owned */
    batch_opts    o;            /* the command line */
    char         *out;          /* OUT, absolute; owned */
    char         *students_dir; /* OUT/students; owned */
    char         *work_dir;     /* OUT/.work: private staging trees; owned */
    char         *dir_abs;      /* DIR, absolute; owned */
    char         *fingerprint;  /* course_fingerprint(); owned */
    const char   *hide[3];      /* directories test processes must not see: DIR and OUT */
    submission   *subs;         /* every entry of DIR, in name order; owned */
    size_t        nsubs;        /* how many */
    student_job  *jobs;         /* one per submission; owned */
    cio_sem      *students;     /* students graded at once */
    cio_sem      *slots;        /* compilers and test processes at once, shared by all students */
    progress      prog;         /* the progress bar */
    int           failures;     /* students the grader failed for */
    int           status;       /* the exit status */
};

static int stage_job(void *arg) /* on the executor */
{
    student_job *j = arg;
    j->rc = submission_stage(j->b->c, j->sub, j->b->work_dir, &j->st);
    return 0;
}

static int cleanup_job(void *arg) /* on the executor */
{
    staged_free(&((student_job *)arg)->st);
    return 0;
}

static int write_job(void *arg) /* on the executor: fsync blocks */
{
    student_job *j = arg;
    afile a;
    j->rc = afile_open(&a, j->path);
    if (j->rc != 0) return 0;
    if (json_dumpf(j->doc, a.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) != 0 ||
        fputc('\n', a.f) == EOF) {
        afile_abort(&a);
        j->rc = -EIO;
        return 0;
    }
    j->rc = afile_commit(&a);
    return 0;
}

/* The result of a submission that could not be graded at all: every test an error
 * worth 0, with the reason, so that the gradebook still has the student's row. */
static int refused_result(const course *c, const char *name, const char *why, course_result *r)
{
    memset(r, 0, sizeof *r);
    r->student = strdup(name);
    r->exercises = calloc(c->nexercises ? c->nexercises : 1, sizeof *r->exercises);
    if (!r->student || !r->exercises) return -ENOMEM;
    r->nexercises = c->nexercises;
    for (size_t i = 0; i < c->nexercises; i++) {
        exercise_result *er = &r->exercises[i];
        er->ex = &c->exercises[i];
        er->tests = calloc(er->ex->ntests ? er->ex->ntests : 1, sizeof *er->tests);
        if (!er->tests) return -ENOMEM;
        for (size_t k = 0; k < er->ex->ntests; k++) {
            er->tests[k] = (test_result){.spec = &er->ex->tests[k], .verdict = VERDICT_ERROR,
                                         .message = strdup(why)};
            er->max_score += er->ex->tests[k].points;
        }
        r->max_score += er->max_score;
    }
    return 0;
}

/* What batch adds to a results document: where it came from and what staging saw. */
static int annotate(json_t *doc, const batch *b, const student_job *j)
{
    json_t *notes = json_array();
    for (size_t i = 0; notes && i < j->st.nnotes; i++) json_array_append_new(notes, json_string(j->st.notes[i]));
    int rc = 0;
    rc |= json_object_set_new(doc, "course_fingerprint", json_string(b->fingerprint));
    rc |= json_object_set_new(doc, "submission", json_string(j->sub->path));
    rc |= json_object_set_new(doc, "submission_mtime", json_real(j->sub->mtime));
    rc |= json_object_set_new(doc, "hidden_tests", json_boolean(b->o.hidden));
    rc |= json_object_set_new(doc, "refused", j->st.refused ? json_string(j->st.refused) : json_null());
    rc |= json_object_set_new(doc, "notes", notes);
    return rc ? -ENOMEM : 0;
}

static int grade_student(void *arg)
{
    student_job *j = arg;
    batch *b = j->b;
    const char *name = j->sub->name;
    double t0 = progress_clock();
    progress_begin(&b->prog, name);

    course_result r;
    int from_grader = 0, rc;
    const char *stage = "staging the submission";
    j->rc = -ECANCELED;
    rc = cio_to_thread(stage_job, j);
    if (rc == 0) rc = j->rc;
    if (rc == 0 && j->st.refused) {
        rc = refused_result(b->c, name, j->st.refused, &r);
        stage = "recording the refusal";
    } else if (rc == 0) {
        grade_opts go = {.jobs = b->o.jobs, .hidden = b->o.hidden, .hide = b->hide, .sem = b->slots,
                         .student = name, .kit_root = b->kit};
        stage = "grading";
        rc = grade_tree(b->c, j->st.root, &go, &r);
        from_grader = rc == 0;
    }
    if (rc == 0) {
        r.seconds = progress_clock() - t0;
        j->doc = rjson_build(&r);
        stage = "writing the results";
        rc = j->doc ? annotate(j->doc, b, j) : -ENOMEM;
        if (rc == 0) {
            j->rc = -ECANCELED;
            rc = cio_to_thread(write_job, j);
            if (rc == 0) rc = j->rc;
        }
        json_decref(j->doc);
        j->doc = NULL;
        if (rc == 0)
            progress_end(&b->prog, name, r.score, r.max_score, r.seconds, j->st.refused ? "refused" : NULL);
        if (from_grader) course_result_free(&r);
        else rjson_free(&r);
    }
    if (rc != 0) {
        j->failed = 1;
        b->failures++;
        progress_end(&b->prog, name, 0, 0, progress_clock() - t0, "grader failed");
        fprintf(stderr, "\ncio-grade batch: %s: the grader failed while %s: %s\n", name, stage, strerror(-rc));
    }
    if (cio_to_thread(cleanup_job, j) != 0) staged_free(&j->st); /* no executor: do it here */
    cio_sem_release(b->students);
    return 0; /* never fail the group: one student must not cancel the others */
}

/* ---------------------------------------------------------------------------------- */
/* The class                                                                          */
/* ---------------------------------------------------------------------------------- */

static int ticker(void *arg)
{
    batch *b = arg;
    while (cio_sleep(0.5) == 0) progress_draw(&b->prog);
    return 0;
}

static int mkdir_p(const char *path)
{
    char *p = strdup(path);
    if (!p) return -ENOMEM;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) { int e = errno; free(p); return -e; }
            *s = c;
            if (!c) break;
        }
    }
    free(p);
    return 0;
}

/* Remove what an interrupted run left: staging trees and half-written temporaries. */
static void sweep(const batch *b)
{
    submission_rmtree(b->work_dir);
    DIR *d = opendir(b->students_dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (afile_is_leftover(e->d_name)) unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

typedef int (*page_fn)(FILE *out, const roster *r);
static int write_page(const char *path, page_fn fn, const roster *r)
{
    afile a;
    int rc = afile_open(&a, path);
    if (rc != 0) return rc;
    if (fn(a.f, r) != 0) { afile_abort(&a); return -EIO; }
    return afile_commit(&a);
}

/* students/NAME.<ext> in the extra --format, from each student's JSON, so that resumed
 * students get it too. */
static int write_extra_format(const batch *b)
{
    const char *f = b->o.format;
    const char *ext = strcmp(f, "gradescope") == 0 ? "gradescope.json" : strcmp(f, "junit") == 0 ? "xml" : "tap";
    int failed = 0;
    for (size_t i = 0; i < b->nsubs; i++) {
        json_t *doc = json_load_file(b->jobs[i].path, 0, NULL);
        course_result r;
        char err[128], *path;
        if (!doc) continue;
        if (rjson_load(b->c, doc, 1, &r, err, sizeof err) == 0) {
            if (asprintf(&path, "%s/%s.%s", b->students_dir, b->subs[i].name, ext) >= 0) {
                afile a;
                if (afile_open(&a, path) != 0 || format_write(a.f, &r, f) != 0) { failed = 1; if (a.f) afile_abort(&a); }
                else if (afile_commit(&a) != 0) failed = 1;
                free(path);
            }
            rjson_free(&r);
        }
        json_decref(doc);
    }
    return failed ? -EIO : 0;
}

static int finish(batch *b, double started)
{
    char **names = calloc(b->nsubs ? b->nsubs : 1, sizeof *names);
    if (!names) return -ENOMEM;
    for (size_t i = 0; i < b->nsubs; i++) names[i] = b->subs[i].name;
    roster r;
    int rc = roster_load(&r, b->c, b->students_dir, names, b->nsubs);
    free(names);
    char *gb = NULL, *rep = NULL;
    if (rc == 0 && (asprintf(&gb, "%s/gradebook.csv", b->out) < 0 || asprintf(&rep, "%s/report.html", b->out) < 0))
        rc = -ENOMEM;
    if (rc == 0 && (rc = write_page(gb, gradebook_write, &r)) != 0)
        fprintf(stderr, "cio-grade batch: cannot write %s: %s\n", gb, strerror(-rc));
    int rc2 = rc == 0 ? write_page(rep, report_html_write, &r) : 0;
    if (rc2 != 0) fprintf(stderr, "cio-grade batch: cannot write %s: %s\n", rep, strerror(-rc2));
    if (rc == 0) rc = rc2;
    if (rc == 0 && b->o.format && (rc = write_extra_format(b)) != 0)
        fprintf(stderr, "cio-grade batch: could not write every students/NAME file in format %s\n", b->o.format);

    if (rc == 0) {
        size_t graded = 0, refused = 0;
        double sum = 0;
        for (size_t i = 0; i < r.n; i++) {
            if (!r.students[i].loaded) continue;
            graded++;
            refused += r.students[i].refused != NULL;
            sum += roster_percent(r.students[i].result.score, r.students[i].result.max_score);
        }
        printf("cio-grade batch: %zu student%s (%zu graded now, %zu resumed, %zu refused) in %.1f s; mean %.1f%%\n",
               r.n, r.n == 1 ? "" : "s", b->prog.done - b->prog.resumed, b->prog.resumed, refused,
               progress_clock() - started, graded ? sum / (double)graded : 0.0);
        printf("  gradebook: %s\n  report:    %s\n  results:   %s/NAME.json\n", gb, rep, b->students_dir);
    }
    free(gb);
    free(rep);
    roster_free(&r);
    return rc;
}

static int batch_main(void *arg)
{
    batch *b = arg;
    double started = progress_clock();
    size_t resumed = 0;
    for (size_t i = 0; i < b->nsubs; i++) {
        student_job *j = &b->jobs[i];
        *j = (student_job){.b = b, .sub = &b->subs[i]};
        if (asprintf(&j->path, "%s/%s.json", b->students_dir, b->subs[i].name) < 0) return -ENOMEM;
        if (!b->o.force && already_graded(b->c, j->path, b->subs[i].mtime, b->fingerprint)) {
            j->sub = NULL; /* nothing to do */
            resumed++;
        }
    }
    progress_start(&b->prog, stderr, b->nsubs, resumed);

    b->students = cio_sem_new(b->o.jobs);
    b->slots = cio_sem_new(b->o.jobs);
    cio_group *g = cio_group_new();
    cio_task *tick = b->prog.tty ? cio_spawn(ticker, b) : NULL;
    if (!b->students || !b->slots || !g) {
        fputs("cio-grade batch: out of memory\n", stderr);
        return -ENOMEM;
    }
    int rc = 0;
    for (size_t i = 0; i < b->nsubs && rc == 0; i++) {
        if (!b->jobs[i].sub) continue;
        if ((rc = cio_sem_acquire(b->students)) != 0) break;
        if ((rc = cio_group_spawn(g, grade_student, &b->jobs[i])) != 0) cio_sem_release(b->students);
    }
    int wrc = cio_group_wait(g);
    if (rc == 0) rc = wrc;
    if (tick) {
        cio_cancel(tick);
        cio_await(tick);
    }
    progress_finish(&b->prog);
    cio_sem_free(b->students);
    cio_sem_free(b->slots);
    if (rc != 0) {
        fprintf(stderr, "cio-grade batch: stopped: %s\n", strerror(-rc));
        return rc;
    }
    return finish(b, started);
}

/* ---------------------------------------------------------------------------------- */
/* The command                                                                        */
/* ---------------------------------------------------------------------------------- */

/* @p path made absolute, resolving links in the part that exists (it may not yet). */
static char *resolve(const char *path)
{
    char *r = realpath(path, NULL);
    if (r || errno != ENOENT) return r;
    char *copy = strdup(path);
    if (!copy) return NULL;
    char *slash = strrchr(copy, '/');
    while (slash && slash > copy && slash[1] == '\0') { *slash = '\0'; slash = strrchr(copy, '/'); }
    char *parent = slash ? (slash == copy ? strdup("/") : (*slash = '\0', resolve(copy))) : realpath(".", NULL);
    const char *name = slash ? slash + 1 : copy;
    char *full = NULL;
    if (parent && asprintf(&full, "%s%s%s", parent, strcmp(parent, "/") ? "/" : "", name) < 0) full = NULL;
    free(parent);
    free(copy);
    return full;
}

/* Nonzero if @p path is @p dir or below it (both absolute). */
static int inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static void batch_free(batch *b)
{
    if (b->jobs)
        for (size_t i = 0; i < b->nsubs; i++) free(b->jobs[i].path);
    free(b->jobs);
    submission_list_free(b->subs, b->nsubs);
    free(b->out);
    free(b->students_dir);
    free(b->work_dir);
    free(b->dir_abs);
    free(b->fingerprint);
    free(b->kit);
}

int cmd_batch(const course *c, int argc, char **argv)
{
    batch b = {.c = c};
    int p = parse(argc, argv, &b.o);
    if (p != 0) {
        if (p < 0) usage(stderr);
        return p < 0 ? 2 : 0;
    }
    b.dir_abs = realpath(b.o.dir, NULL);
    if (!b.dir_abs) {
        fprintf(stderr, "cio-grade batch: the submissions directory %s: %s\n", b.o.dir, strerror(errno));
        batch_free(&b);
        return 2;
    }
    char *out_abs = resolve(b.o.out);
    if (out_abs && inside(out_abs, b.dir_abs)) {
        fprintf(stderr, "cio-grade batch: --out %s is inside the submissions directory %s; choose a directory "
                        "outside it, or its results would be graded as a student\n", out_abs, b.dir_abs);
        free(out_abs);
        batch_free(&b);
        return 2;
    }
    free(out_abs);
    int rc = mkdir_p(b.o.out);
    if (rc != 0) {
        fprintf(stderr, "cio-grade batch: cannot create %s: %s\n", b.o.out, strerror(-rc));
        batch_free(&b);
        return 1;
    }
    b.out = realpath(b.o.out, NULL);
    if (!b.out || asprintf(&b.students_dir, "%s/students", b.out) < 0 ||
        asprintf(&b.work_dir, "%s/.work", b.out) < 0) {
        fprintf(stderr, "cio-grade batch: %s: %s\n", b.o.out, strerror(errno));
        batch_free(&b);
        return 1;
    }
    /* One batch at a time per OUT: a second would regrade and overwrite the same files. */
    char *lock_path;
    int lock_fd = -1;
    if (asprintf(&lock_path, "%s/.lock", b.out) >= 0) {
        lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        free(lock_path);
    }
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "cio-grade batch: another batch is writing to %s; wait for it or choose another --out\n", b.out);
        if (lock_fd >= 0) close(lock_fd);
        batch_free(&b);
        return 1;
    }
    b.kit = grade_find_kit(c->root); /* NULL: grade_tree() uses the course root and says what is missing */
    b.hide[0] = b.dir_abs;
    b.hide[1] = b.out;
    b.hide[2] = NULL;
    sweep(&b);
    if ((rc = mkdir_p(b.students_dir)) != 0 || (rc = mkdir_p(b.work_dir)) != 0) {
        fprintf(stderr, "cio-grade batch: cannot create directories in %s: %s\n", b.out, strerror(-rc));
        close(lock_fd);
        batch_free(&b);
        return 1;
    }
    b.fingerprint = course_fingerprint(c, b.o.hidden);
    if (submission_scan(b.dir_abs, &b.subs, &b.nsubs) != 0 || !b.fingerprint ||
        !(b.jobs = calloc(b.nsubs ? b.nsubs : 1, sizeof *b.jobs))) {
        close(lock_fd);
        batch_free(&b);
        return 1;
    }
    if (b.nsubs == 0) fprintf(stderr, "cio-grade batch: %s holds no submissions (directories or .tar.gz files)\n", b.o.dir);

    /* grade_tree() needs a running loop: join the caller's, or start one. */
    rc = cio_current() ? batch_main(&b) : cio_run(batch_main, &b, NULL);
    submission_rmtree(b.work_dir);
    int status = rc != 0 || b.failures ? 1 : 0;
    if (b.failures)
        fprintf(stderr, "cio-grade batch: the grader failed for %d student%s (see above); run the same command "
                        "again to retry them\n", b.failures, b.failures == 1 ? "" : "s");
    close(lock_fd);
    batch_free(&b);
    return status;
}

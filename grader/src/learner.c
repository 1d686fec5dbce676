/*
 * learner.c — the commands a learner types, each a cio task body (see learner.h).
 *
 * `watch` is the one to read first: one task waits for any of the exercise's files to
 * change (cio_wait_path_change, libev's stat watcher), another reads commands typed on
 * stdin, and cio_wait_any() says which came first — asyncio.wait(FIRST_COMPLETED).
 */
#define _GNU_SOURCE
#include "learner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cio.h"
#include "formats.h"
#include "grade.h"
#include "proc.h"
#include "state.h"
#include "text.h"
#include "timeline.h"

static grade_opts opts_for(const app *a, const char *only_id)
{
    return (grade_opts){.jobs = a->jobs, .hidden = 1, .timeout_scale = a->timeout_scale, .only_id = only_id,
                        .seed = a->seed, .kit_root = a->kit};
}

static const exercise *need_exercise(app *a, const char *usage)
{
    if (a->nargs < 1) {
        fprintf(stderr, "usage: cio-grade %s\n", usage);
        a->exit_code = 2;
        return NULL;
    }
    const exercise *ex = course_find(&a->c, a->args[0]);
    if (!ex) {
        fprintf(stderr, "cio-grade: there is no exercise '%s' — `cio-grade list` shows them all\n", a->args[0]);
        a->exit_code = 2;
    }
    return ex;
}

/* The first exercise, in learning order, not done at its last check (NULL: all done). */
static const exercise *next_pending(const course *c, const state *s, const char *after)
{
    int seen = after == NULL;
    for (size_t i = 0; i < c->nexercises; i++) {
        if (!seen) {
            if (strcmp(c->exercises[i].id, after) == 0) seen = 1;
            continue;
        }
        if (!state_done(s, c->exercises[i].id)) return &c->exercises[i];
    }
    return after ? next_pending(c, s, NULL) : NULL;
}

static void point_at(FILE *f, const exercise *ex)
{
    fprintf(f, "%sNext:%s %s%s %s%s — %s\n", text_bold(), text_reset(), text_cyan(), ex->id, ex->name, text_reset(),
            ex->title);
    for (size_t i = 0; i < ex->nfiles; i++) fprintf(f, "      edit %s\n", ex->files[i]);
    fprintf(f, "      then `cio-grade check %s` (or keep `cio-grade watch` running); stuck? `cio-grade hint %s`\n",
            ex->id, ex->id);
}

/* ---------------------------------------------------------------------------------- */
/* list                                                                               */
/* ---------------------------------------------------------------------------------- */

int cmd_list(app *a)
{
    if (strcmp(a->format, "text") != 0) return a->exit_code = format_course(stdout, &a->c, a->format) ? 1 : 0;
    state s;
    state_load(&s, a->c.root);
    size_t done = 0;
    for (size_t i = 0; i < a->c.nexercises; i++) done += state_done(&s, a->c.exercises[i].id);
    const exercise *next = next_pending(&a->c, &s, NULL);
    printf("%s%s%s\n", text_bold(), a->c.title, text_reset());
    text_progress_bar(stdout, done, a->c.nexercises, 40);
    printf(" exercises done\n");
    const char *lesson = NULL;
    for (size_t i = 0; i < a->c.nexercises; i++) {
        const exercise *ex = &a->c.exercises[i];
        if (!lesson || strcmp(lesson, ex->lesson) != 0) {
            lesson = ex->lesson;
            printf("\n  %s%s%s\n", text_bold(), lesson, text_reset());
        }
        int d = state_done(&s, ex->id);
        const char *mark = d ? "done   " : state_checked(&s, ex->id) ? "pending" : "pending";
        printf("    %s%s%s %-6s %-20s %s%s%s\n", d ? text_green() : (ex == next ? text_yellow() : text_dim()), mark,
               text_reset(), ex->id, ex->name, ex->title, ex == next ? "  <- next" : "", "");
    }
    if (next) {
        printf("\n");
        point_at(stdout, next);
    } else if (a->c.nexercises) {
        printf("\n%sEvery exercise is done. Well played.%s\n", text_green(), text_reset());
    }
    state_free(&s);
    return a->exit_code = 0;
}

/* ---------------------------------------------------------------------------------- */
/* check                                                                              */
/* ---------------------------------------------------------------------------------- */

static void progress_line(void *arg, const exercise_result *r)
{
    size_t *count = arg;
    (*count)++;
    if (isatty(2)) fprintf(stderr, "\r  graded %zu (%s)   ", *count, r->ex->id);
}

int cmd_check(app *a)
{
    const char *id = a->nargs > 0 ? a->args[0] : NULL;
    if (id && !course_find(&a->c, id)) {
        fprintf(stderr, "cio-grade: there is no exercise '%s' — `cio-grade list` shows them all\n", id);
        return a->exit_code = 2;
    }
    size_t count = 0;
    grade_opts o = opts_for(a, id);
    o.progress = progress_line;
    o.progress_arg = &count;
    course_result r;
    int rc = grade_tree(&a->c, NULL, &o, &r);
    if (isatty(2) && count) fprintf(stderr, "\r%40s\r", "");
    if (rc != 0) {
        fprintf(stderr, "cio-grade: grading failed: %s\n", strerror(-rc));
        return a->exit_code = 2;
    }
    state s;
    state_load(&s, a->c.root);
    for (size_t i = 0; i < r.nexercises; i++) state_record(&s, &r.exercises[i]);
    state_save(&s);
    if (strcmp(a->format, "text") == 0) {
        for (size_t i = 0; i < r.nexercises; i++) text_exercise(stdout, &r.exercises[i], a->verbose);
        text_summary(stdout, &r);
        const exercise *next = next_pending(&a->c, &s, NULL);
        if (next) point_at(stdout, next);
    } else if (format_write(stdout, &r, a->format) != 0) {
        a->exit_code = 2;
    }
    a->exit_code = a->exit_code ? a->exit_code : (a->strict && r.score < r.max_score) ? 1 : 0;
    course_result_free(&r);
    state_free(&s);
    return a->exit_code;
}

/* ---------------------------------------------------------------------------------- */
/* hint                                                                               */
/* ---------------------------------------------------------------------------------- */

int cmd_hint(app *a)
{
    const exercise *ex = need_exercise(a, "hint ID");
    if (!ex) return a->exit_code;
    if (ex->nhints == 0) {
        printf("Exercise %s has no hints. Read the comment at the top of %s and the lesson's README.\n", ex->id,
               ex->files[0]);
        return a->exit_code = 0;
    }
    state s;
    state_load(&s, a->c.root);
    int shown = state_hints(&s, ex->id);
    int n = shown < (int)ex->nhints ? shown + 1 : (int)ex->nhints;
    for (int i = 0; i < n; i++)
        printf("%sHint %d of %zu%s for %s %s:\n  %s\n\n", i == n - 1 ? text_bold() : text_dim(), i + 1, ex->nhints,
               text_reset(), ex->id, ex->name, ex->hints[i]);
    if (n == (int)ex->nhints) printf("%sThat is the last hint.%s\n", text_dim(), text_reset());
    else printf("%sRun `cio-grade hint %s` again for the next one.%s\n", text_dim(), ex->id, text_reset());
    state_set_hints(&s, ex->id, n);
    state_save(&s);
    state_free(&s);
    return a->exit_code = 0;
}

/* ---------------------------------------------------------------------------------- */
/* reset                                                                              */
/* ---------------------------------------------------------------------------------- */

static int write_atomic(const char *path, const char *data, size_t len)
{
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    int rc = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -EIO;
    close(fd);
    if (rc == 0 && rename(tmp, path) != 0) rc = -errno;
    if (rc != 0) unlink(tmp);
    return rc;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    char chunk[8192];
    size_t k;
    while (m && (k = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, k, m);
    if (m) fclose(m);
    fclose(f);
    *len = n;
    return buf;
}

/* The stub as first handed out: a pristine copy if the release shipped one, else git. */
static char *pristine(const app *a, const char *rel, size_t *len, const char **from)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/.cio-pristine/%s", a->c.root, rel);
    char *data = slurp(path, len);
    if (data) { *from = ".cio-pristine/"; return data; }
    char spec[PATH_MAX + 8];
    snprintf(spec, sizeof spec, "HEAD:%s", rel);
    char *argv[] = {"git", "-C", a->c.root, "show", spec, NULL};
    proc_spec s = {.argv = argv, .timeout = 30, .output_cap = 16 << 20, .echo_fd = -1};
    proc_result r;
    if (proc_run(&s, &r) == 0 && !r.timed_out && r.status == 0 && r.output) {
        *len = r.output_len;
        data = r.output;
        r.output = NULL;
        *from = "git (HEAD)";
    }
    proc_result_free(&r);
    return data;
}

int cmd_reset(app *a)
{
    const exercise *ex = need_exercise(a, "reset ID");
    if (!ex) return a->exit_code;
    for (size_t i = 0; i < ex->nfiles; i++) {
        const char *from = NULL;
        size_t len = 0;
        char *stub = pristine(a, ex->files[i], &len, &from);
        if (!stub) {
            fprintf(stderr, "cio-grade: cannot find the original of %s (no .cio-pristine/ copy and not in git); "
                            "nothing was changed\n", ex->files[i]);
            return a->exit_code = 1;
        }
        char path[PATH_MAX * 2], backup[PATH_MAX * 3], stamp[32];
        snprintf(path, sizeof path, "%s/%s", a->c.root, ex->files[i]);
        time_t now = time(NULL);
        struct tm tm;
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
        snprintf(backup, sizeof backup, "%s/.cio-backup/%s.%s", a->c.root, ex->files[i], stamp);
        size_t cur_len = 0;
        char *cur = slurp(path, &cur_len);
        if (cur) {
            /* keep the learner's work first: no backup, no reset */
            char dir[sizeof backup];
            snprintf(dir, sizeof dir, "%s", backup);
            for (char *p = dir + strlen(a->c.root) + 1; (p = strchr(p, '/')); p++) {
                *p = 0;
                mkdir(dir, 0755);
                *p = '/';
            }
            if (write_atomic(backup, cur, cur_len) != 0) {
                fprintf(stderr, "cio-grade: cannot back up %s to %s; nothing was changed\n", ex->files[i], backup);
                free(cur);
                free(stub);
                return a->exit_code = 1;
            }
            free(cur);
        }
        int rc = write_atomic(path, stub, len);
        free(stub);
        if (rc != 0) {
            fprintf(stderr, "cio-grade: cannot write %s: %s\n", ex->files[i], strerror(-rc));
            return a->exit_code = 1;
        }
        printf("Restored %s from %s.\n", ex->files[i], from);
        if (cur_len) printf("  Your version is kept in %s\n", backup + strlen(a->c.root) + 1);
    }
    state s;
    state_load(&s, a->c.root);
    json_t *exs = json_object_get(s.doc, "exercises");
    json_t *e = json_object_get(exs, ex->id);
    if (e) json_object_set_new(e, "done", json_false());
    state_save(&s);
    state_free(&s);
    return a->exit_code = 0;
}

/* ---------------------------------------------------------------------------------- */
/* run                                                                                */
/* ---------------------------------------------------------------------------------- */

int cmd_run(app *a)
{
    const exercise *ex = need_exercise(a, "run ID");
    if (!ex) return a->exit_code;
    if (!ex->demo) {
        printf("Exercise %s has no demo program; `cio-grade check %s` runs its tests.\n", ex->id, ex->id);
        return a->exit_code = 0;
    }
    printf("%s== %s %s: running %s with your %s%s\n", text_dim(), ex->id, ex->name, ex->demo, ex->files[0],
           text_reset());
    fflush(stdout);
    grade_opts o = opts_for(a, ex->id);
    int status = -1;
    char *log = NULL;
    int rc = grade_demo(&a->c, ex, &o, 1, &status, &log);
    if (rc != 0) {
        fprintf(stderr, "cio-grade: cannot run the demo: %s\n", strerror(-rc));
        return a->exit_code = 2;
    }
    if (log) {
        printf("%sdoes not compile:%s\n%s\n", text_red(), text_reset(), log);
        free(log);
        return a->exit_code = 0;
    }
    if (WIFSIGNALED(status))
        printf("%s== the demo was killed by %s%s\n", text_red(), proc_signal_name(WTERMSIG(status)), text_reset());
    else
        printf("%s== the demo exited with status %d%s\n", text_dim(), WEXITSTATUS(status), text_reset());
    return a->exit_code = 0;
}

/* ---------------------------------------------------------------------------------- */
/* trace                                                                              */
/* ---------------------------------------------------------------------------------- */

int cmd_trace(app *a)
{
    const exercise *ex = need_exercise(a, "trace ID [TEST]");
    if (!ex) return a->exit_code;
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/build/trace", a->c.root);
    grade_opts o = opts_for(a, ex->id);
    o.hidden = 0; /* a timeline of the tests the learner can read */
    o.trace_dir = dir;
    o.only_test = a->nargs > 1 ? a->args[1] : NULL;
    course_result r;
    int rc = grade_tree(&a->c, NULL, &o, &r);
    if (rc != 0) {
        fprintf(stderr, "cio-grade: grading failed: %s\n", strerror(-rc));
        return a->exit_code = 2;
    }
    for (size_t i = 0; i < r.nexercises; i++) {
        const exercise_result *er = &r.exercises[i];
        for (size_t k = 0; k < ex->ntests; k++) {
            const test_result *t = &er->tests[k];
            if (t->skipped) continue;
            char path[PATH_MAX * 2];
            snprintf(path, sizeof path, "%s/%s-%s.json", dir, ex->id, t->spec->name);
            printf("\n%s%s%s  %s%s%s\n", text_bold(), t->spec->name, text_reset(),
                   t->verdict == VERDICT_PASS ? text_green() : text_red(), verdict_name(t->verdict), text_reset());
            if (access(path, R_OK) != 0) {
                printf("  no trace was written (the test did not get to the end of cio_run)\n");
                continue;
            }
            timeline_print(stdout, path, 60);
            printf("  trace file: %s\n  open it in https://ui.perfetto.dev (Open trace file) or chrome://tracing\n",
                   path + strlen(a->c.root) + 1);
        }
    }
    course_result_free(&r);
    return a->exit_code = 0;
}

/* ---------------------------------------------------------------------------------- */
/* watch                                                                              */
/* ---------------------------------------------------------------------------------- */

/* Waits until the file changes (the stat watcher), then returns. */
static int wait_change(void *arg)
{
    return cio_wait_path_change((const char *)arg);
}

/* Reads one line from stdin; its first character is the command. */
static int read_key(void *arg)
{
    char *key = arg, buf[64];
    ssize_t n = cio_read(0, buf, sizeof buf);
    if (n <= 0) return n == 0 ? -EPIPE : (int)n;
    *key = buf[0];
    return 0;
}

static double check_one(app *a, const exercise *ex, state *s, int *done)
{
    grade_opts o = opts_for(a, ex->id);
    course_result r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = grade_tree(&a->c, NULL, &o, &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    *done = 0;
    if (isatty(1) && !a->verbose) printf("\033[2J\033[H"); /* a fresh screen per check, like rustlings */
    if (rc != 0) {
        printf("cio-grade: grading failed: %s\n", strerror(-rc));
        return secs;
    }
    text_exercise(stdout, &r.exercises[0], a->verbose);
    state_record(s, &r.exercises[0]);
    state_save(s);
    *done = r.exercises[0].done;
    course_result_free(&r);
    return secs;
}

int cmd_watch(app *a)
{
    state s;
    state_load(&s, a->c.root);
    const exercise *ex = a->nargs > 0 ? course_find(&a->c, a->args[0]) : next_pending(&a->c, &s, NULL);
    int stdin_open = 1;
    char key = 0;
    cio_task *keys = NULL;
    while (ex) {
        int done = 0;
        double secs = check_one(a, ex, &s, &done);
        printf("%s(checked in %.2f s)%s\n", text_dim(), secs, text_reset());
        if (done) {
            const exercise *next = next_pending(&a->c, &s, ex->id);
            printf("\n%s%s %s is done!%s\n", text_green(), ex->id, ex->name, text_reset());
            if (!next) break;
            point_at(stdout, next);
            ex = next;
            printf("\n");
            fflush(stdout);
            continue;
        }
        printf("\n%sWatching %s for changes%s — save to re-check.  h+Enter: hint   l: list   q: quit\n", text_dim(),
               ex->files[0], text_reset());
        fflush(stdout);
        /* Wait for the first of: a change to any of the exercise's files, or a key. */
        for (;;) {
            size_t n = ex->nfiles, nt = 0;
            cio_task *ts[16];
            char *paths[16];
            for (size_t i = 0; i < n && i < 15; i++) {
                if (asprintf(&paths[i], "%s/%s", a->c.root, ex->files[i]) < 0) paths[i] = NULL;
                ts[nt++] = cio_spawn(wait_change, paths[i]);
            }
            if (stdin_open && !keys) keys = cio_spawn(read_key, &key);
            if (stdin_open) ts[nt++] = keys;
            int which = cio_wait_any(ts, nt, -1);
            int key_pressed = stdin_open && which == (int)nt - 1;
            for (size_t i = 0; i < n && i < 15; i++) {
                cio_cancel(ts[i]);
                cio_await(ts[i]);
                free(paths[i]);
            }
            if (which < 0) { ex = NULL; break; } /* we were cancelled: leave */
            if (!key_pressed) {
                cio_sleep(0.05); /* editors write in several steps: let the save settle */
                break;
            }
            int krc = cio_await(keys);
            keys = NULL;
            if (krc != 0) { stdin_open = 0; continue; } /* stdin closed: watch files only */
            if (key == 'q') { ex = NULL; break; }
            if (key == 'h') {
                char *args[] = {ex->id};
                app h = *a;
                h.args = args;
                h.nargs = 1;
                cmd_hint(&h);
                state_free(&s);
                state_load(&s, a->c.root);
            } else if (key == 'l') {
                cmd_list(a);
            } else {
                break; /* any other key: check again now */
            }
        }
    }
    if (keys) {
        cio_cancel(keys);
        cio_await(keys);
    }
    if (!next_pending(&a->c, &s, NULL)) printf("%sEvery exercise is done. Well played.%s\n", text_green(), text_reset());
    state_free(&s);
    return a->exit_code = 0;
}

/* ---------------------------------------------------------------------------------- */
/* dev check                                                                          */
/* ---------------------------------------------------------------------------------- */

static int copy_into(const char *from, const char *to)
{
    size_t len = 0;
    char *data = slurp(from, &len);
    if (!data) return -errno;
    char dir[PATH_MAX * 2];
    snprintf(dir, sizeof dir, "%s", to);
    for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
        *p = 0;
        mkdir(dir, 0755);
        *p = '/';
    }
    int rc = write_atomic(to, data, len);
    free(data);
    return rc;
}

int cmd_dev_check(app *a)
{
    int problems = 0;
    /* 1. Every stub says TODO; every learner file has a solution. */
    for (size_t i = 0; i < a->c.nexercises; i++) {
        const exercise *ex = &a->c.exercises[i];
        for (size_t f = 0; f < ex->nfiles; f++) {
            char path[PATH_MAX * 2];
            size_t len = 0;
            snprintf(path, sizeof path, "%s/%s", a->c.root, ex->files[f]);
            char *stub = slurp(path, &len);
            if (!stub || !strstr(stub, "TODO")) {
                printf("%s: the stub of %s does not contain TODO\n", ex->files[f], ex->id);
                problems++;
            }
            free(stub);
            snprintf(path, sizeof path, "%s/solutions/%s", a->c.root, ex->files[f] + strlen("lessons/"));
            if (access(path, R_OK) != 0) {
                printf("solutions/%s: missing (the reference solution of %s)\n", ex->files[f] + strlen("lessons/"),
                       ex->id);
                problems++;
            }
        }
    }
    /* 2. The stubs compile and score 0. */
    grade_opts o = opts_for(a, a->nargs > 0 ? a->args[0] : NULL);
    course_result stubs, sols;
    int rc = grade_tree(&a->c, NULL, &o, &stubs);
    if (rc != 0) {
        fprintf(stderr, "cio-grade dev check: grading the stubs failed: %s\n", strerror(-rc));
        return a->exit_code = 2;
    }
    /* 3. The solutions, copied over the stubs in a temporary tree, score full marks. */
    char tmpl[] = "/tmp/cio-dev-check-XXXXXX";
    char *tree = mkdtemp(tmpl);
    if (!tree) {
        course_result_free(&stubs);
        return a->exit_code = 2;
    }
    for (size_t i = 0; i < a->c.nexercises; i++)
        for (size_t f = 0; f < a->c.exercises[i].nfiles; f++) {
            const char *rel = a->c.exercises[i].files[f];
            char from[PATH_MAX * 2], to[PATH_MAX * 2];
            snprintf(from, sizeof from, "%s/solutions/%s", a->c.root, rel + strlen("lessons/"));
            snprintf(to, sizeof to, "%s/%s", tree, rel);
            copy_into(from, to);
        }
    rc = grade_tree(&a->c, tree, &o, &sols);
    char *argv[] = {"rm", "-rf", tree, NULL};
    proc_spec rm = {.argv = argv, .timeout = 60, .echo_fd = -1};
    proc_result rr;
    proc_run(&rm, &rr);
    proc_result_free(&rr);
    if (rc != 0) {
        fprintf(stderr, "cio-grade dev check: grading the solutions failed: %s\n", strerror(-rc));
        course_result_free(&stubs);
        return a->exit_code = 2;
    }
    printf("%-7s %-22s %-16s %-16s\n", "id", "name", "stub", "solution");
    for (size_t i = 0; i < stubs.nexercises; i++) {
        const exercise_result *st = &stubs.exercises[i], *so = &sols.exercises[i];
        int stub_ok = st->score == 0, stub_builds = 1, sol_ok = so->score == so->max_score && so->max_score > 0;
        for (size_t k = 0; k < st->ex->ntests; k++)
            if (st->tests[k].verdict == VERDICT_COMPILE_ERROR || st->tests[k].verdict == VERDICT_FORBIDDEN)
                stub_builds = 0;
        char a1[64], a2[64];
        snprintf(a1, sizeof a1, "%s %g/%g", !stub_builds ? "NO BUILD" : stub_ok ? "ok" : "SCORES", st->score,
                 st->max_score);
        snprintf(a2, sizeof a2, "%s %g/%g", sol_ok ? "ok" : "FAILS", so->score, so->max_score);
        printf("%-7s %-22s %s%-16s%s %s%-16s%s\n", st->ex->id, st->ex->name,
               stub_ok && stub_builds ? text_green() : text_red(), a1, text_reset(), sol_ok ? text_green() : text_red(),
               a2, text_reset());
        if (!stub_builds) text_exercise(stdout, st, 2);
        if (!sol_ok) text_exercise(stdout, so, 2);
        problems += !stub_ok + !stub_builds + !sol_ok;
    }
    printf("\n%s%s%s: %zu exercises, %d problem%s (%.1f s stubs, %.1f s solutions)\n",
           problems ? text_red() : text_green(), problems ? "dev check FAILED" : "dev check passed", text_reset(),
           stubs.nexercises, problems, problems == 1 ? "" : "s", stubs.seconds, sols.seconds);
    course_result_free(&stubs);
    course_result_free(&sols);
    return a->exit_code = problems ? 1 : 0;
}

/*
 * main.c — cio-grade's command line: finds the course, loads its manifest, and runs one
 * command as the first task of cio_run() (batch manages its own loop). Exit status 0
 * means the grader worked, whatever the score; 1 is --strict without full marks or a
 * failed dev check; 2 is bad usage or the grader's own failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cio.h"
#include "formats.h"
#include "grade.h"
#include "learner.h"
#include "text.h"

static const char usage[] =
    "usage: cio-grade [--course DIR] COMMAND [options]\n"
    "\n"
    "Working through the course:\n"
    "  list                 every exercise, done or pending, and a progress bar\n"
    "  check [ID]           grade one exercise, or all of them (--strict: exit 1 unless full marks)\n"
    "  watch [ID]           re-check on every save, then move on to the next exercise\n"
    "  hint ID              one more hint each time\n"
    "  reset ID             restore the exercise's stub (your version is backed up)\n"
    "  run ID               build and run the exercise's demo with your code\n"
    "  trace ID [TEST]      run the tests with tracing on and draw a timeline of the tasks\n"
    "\n"
    "Teaching:\n"
    "  batch DIR --out OUT  grade a class (see `cio-grade batch --help`)\n"
    "  dev check [ID]       every stub compiles, says TODO and scores 0; every solution scores full marks\n"
    "\n"
    "Options: --format text|json|gradescope|junit|tap (list, check)   --jobs N   --seed N (check)\n"
    "         --timeout-scale X   --no-color   -v (more detail)   --version\n";

/* The first task: run the chosen command. */
typedef struct job {
    app        *a;     /* the parsed command line */
    int       (*cmd)(app *);
} job;

static int job_main(void *arg)
{
    job *j = arg;
    j->cmd(j->a);
    return 0;
}

static int number(const char *opt, const char *v, double *out)
{
    char *end;
    *out = v ? strtod(v, &end) : 0;
    if (!v || *end || *out < 0) {
        fprintf(stderr, "cio-grade: %s needs a number\n", opt);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    app a = {.format = "text"};
    const char *course_dir = NULL, *command = NULL;
    int no_color = 0, dev = 0;
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int npos = 0, cmd_index = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        double d;
        if (command && strcmp(command, "batch") == 0) break; /* batch parses its own options */
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) { fputs(usage, stdout); return 0; }
        else if (strcmp(s, "--version") == 0) {
            printf("cio-grade 1.0 — sandbox: %s\n", grade_sandbox_mode());
            return 0;
        }
        else if (strcmp(s, "--course") == 0 && i + 1 < argc) course_dir = argv[++i];
        else if (strncmp(s, "--course=", 9) == 0) course_dir = s + 9;
        else if ((strcmp(s, "--jobs") == 0 || strcmp(s, "-j") == 0) && i + 1 < argc) {
            if (number(s, argv[++i], &d) != 0) return 2;
            a.jobs = (unsigned)d;
        } else if (strcmp(s, "--format") == 0 && i + 1 < argc) a.format = argv[++i];
        else if (strncmp(s, "--format=", 9) == 0) a.format = s + 9;
        else if (strcmp(s, "--seed") == 0 && i + 1 < argc) {
            if (number(s, argv[++i], &d) != 0) return 2;
            a.seed = (unsigned long)d;
        } else if (strcmp(s, "--timeout-scale") == 0 && i + 1 < argc) {
            if (number(s, argv[++i], &d) != 0) return 2;
            a.timeout_scale = d;
        } else if (strcmp(s, "--strict") == 0) a.strict = 1;
        else if (strcmp(s, "--no-color") == 0) no_color = 1;
        else if (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0) a.verbose = 1;
        else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "cio-grade: unknown option %s\n%s", s, usage);
            return 2;
        } else if (!command) {
            command = s;
            cmd_index = i;
        } else if (strcmp(command, "dev") == 0 && !dev && strcmp(s, "check") == 0) dev = 1;
        else pos[npos++] = argv[i];
    }
    if (!command) { fputs(usage, stderr); return 2; }
    if (strcmp(a.format, "text") != 0 && !format_known(a.format)) {
        fprintf(stderr, "cio-grade: unknown format '%s'; use text, json, gradescope, junit or tap\n", a.format);
        return 2;
    }
    text_init(stdout, no_color);

    char *root = course_dir ? realpath(course_dir, NULL) : course_find_root();
    if (!root) {
        fprintf(stderr, "cio-grade: %s — run it inside the course, or pass --course DIR\n",
                course_dir ? strerror(errno) : "no lessons/course.json here or in any parent directory");
        return 2;
    }
    char err[16384];
    if (manifest_load(root, &a.c, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(root);
        return 2;
    }
    char *kit = grade_find_kit(root);
    if (!kit) kit = strdup(root); /* grade_tree then says what is missing */
    a.kit = kit;
    a.args = pos;
    a.nargs = npos;

    static const struct { const char *name; int (*cmd)(app *); } cmds[] = {
        {"list", cmd_list}, {"check", cmd_check}, {"watch", cmd_watch}, {"hint", cmd_hint},
        {"reset", cmd_reset}, {"run", cmd_run}, {"trace", cmd_trace},
    };
    int rc = 2;
    if (strcmp(command, "batch") == 0) {
        rc = cmd_batch(&a.c, argc - cmd_index, argv + cmd_index);
    } else {
        int (*cmd)(app *) = NULL;
        if (strcmp(command, "dev") == 0) {
            if (!dev) fprintf(stderr, "usage: cio-grade dev check [ID]\n");
            else cmd = cmd_dev_check;
        }
        for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
            if (strcmp(command, cmds[i].name) == 0) cmd = cmds[i].cmd;
        if (!cmd && strcmp(command, "dev") != 0) fprintf(stderr, "cio-grade: unknown command '%s'\n%s", command, usage);
        if (cmd) {
            job j = {.a = &a, .cmd = cmd};
            /* Probing the sandbox forks and waits: do it before the loop starts, not in a task. */
            grade_sandbox_mode();
            cio_config cfg = {.slow_step = 1.0, .stack_size = GRADE_STACK_SIZE}; /* a fork or a mount can take a while on a loaded machine */
            int run = cio_run(job_main, &j, &cfg);
            rc = run == 0 ? a.exit_code : 2;
            if (run != 0) fprintf(stderr, "cio-grade: the event loop failed: %s\n", strerror(-run));
        }
    }
    course_free(&a.c);
    free(kit);
    free(root);
    free(pos);
    return rc;
}

/*
 * harness.c — main() of every exercise test binary. Under the grader it runs ONE named
 * cmocka case per process and reports the verdict through a private channel; run by
 * hand (no CIO_GRADE_FD in the environment) it runs every case, or those named on the
 * command line, with cmocka's usual output, so authors can use it directly.
 *
 * Why the learner cannot forge a pass: the grader passes a pipe fd and a random nonce in
 * the environment. Before any learner code runs, main() copies both into a page of its
 * own, wipes them from the environment (and from the bytes /proc/self/environ shows),
 * and makes that page inaccessible (PROT_NONE). The record — one JSON object holding
 * the nonce — is written only after cmocka returns. Learner code cannot call mprotect
 * (the grader's static checks refuse it) so it cannot learn the nonce; printing "OK",
 * exiting early or writing garbage to the pipe yields no valid record, which the grader
 * scores as an error worth 0, never as a pass.
 */
#include "cio_test.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#define NONCE_MAX 64 /* bytes of nonce kept; the grader sends 32 hex digits */

/* The secret part of the channel, in a page that is PROT_NONE while the test runs. */
struct channel {
    int  fd;                   /* write end of the grader's result pipe */
    char nonce[NONCE_MAX + 1]; /* proves the record comes from here */
};

static struct channel *chan;  /* the protected page, or NULL when run by hand */

/* ---------------------------------------------------------------------------------- */
/* What cmocka says, captured by interposing its two print functions                 */
/* ---------------------------------------------------------------------------------- */

/*
 * cmocka 1.1 prints every failure message through vprint_error() and every status line
 * ("[       OK ] name") through vprint_message(), both called through the PLT, so a
 * definition in the executable takes their place. We keep the text while a case runs
 * and print it as cmocka would. Learner code cannot call these (the static checks
 * refuse cmocka symbols), so seeing "[       OK ]" here means cmocka itself said so.
 */
static char  *failure_text;  /* everything cmocka reported as an error during the case */
static size_t failure_len;   /* its length */
static FILE  *failure_mem;   /* memstream over failure_text while a case runs */
static int    saw_ok;        /* cmocka printed the case's OK line */
static int    saw_skip;      /* cmocka printed the case's SKIPPED line */

void vprint_error(const char *const format, va_list args);
void vprint_message(const char *const format, va_list args);

void vprint_error(const char *const format, va_list args)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, format, args);
    if (failure_mem) fputs(buf, failure_mem);
    fputs(buf, stderr);
    fflush(stderr);
}

void vprint_message(const char *const format, va_list args)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, format, args);
    if (failure_mem) {
        if (strncmp(buf, "[       OK ]", 12) == 0) saw_ok = 1;
        if (strncmp(buf, "[  SKIPPED ]", 12) == 0) saw_skip = 1;
    }
    fputs(buf, stdout);
    fflush(stdout);
}

/* ---------------------------------------------------------------------------------- */
/* The channel                                                                        */
/* ---------------------------------------------------------------------------------- */

/* Take the channel out of the environment into the protected page. 0, or -1 if absent. */
static int channel_open(void)
{
    char *fd_s = getenv("CIO_GRADE_FD");
    char *nonce_s = getenv("CIO_GRADE_NONCE");
    if (!fd_s || !nonce_s) return -1;
    chan = mmap(NULL, sizeof *chan, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (chan == MAP_FAILED) {
        fprintf(stderr, "cio harness: cannot map the result page: %s\n", strerror(errno));
        _exit(3);
    }
    chan->fd = atoi(fd_s);
    snprintf(chan->nonce, sizeof chan->nonce, "%s", nonce_s);
    /* getenv() points into the block /proc/self/environ shows: wipe the bytes, then the names. */
    memset(nonce_s, 'x', strlen(nonce_s));
    memset(fd_s, 'x', strlen(fd_s));
    unsetenv("CIO_GRADE_NONCE");
    unsetenv("CIO_GRADE_FD");
    /* Programs the test might start must not inherit the pipe. */
    if (fcntl(chan->fd, F_SETFD, FD_CLOEXEC) != 0) {
        fprintf(stderr, "cio harness: the result fd %d is not open\n", chan->fd);
        _exit(3);
    }
    if (mprotect(chan, sizeof *chan, PROT_NONE) != 0) _exit(3);
    return 0;
}

/* Write the verdict record and end the process. Never returns. */
static void channel_report(const char *name, const char *status, const char *message, int exit_code)
{
    fflush(stdout);
    fflush(stderr);
    if (mprotect(chan, sizeof *chan, PROT_READ | PROT_WRITE) != 0) _exit(3);
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s?}", "nonce", chan->nonce, "case", name, "status", status,
                            "message", message);
    char *text = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
    if (text) {
        size_t len = strlen(text), off = 0;
        while (off < len) {
            ssize_t w = write(chan->fd, text + off, len - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            off += (size_t)w;
        }
    }
    close(chan->fd);
    memset(chan->nonce, 0, sizeof chan->nonce);
    /* exit(), not _exit(): sanitizers report at exit, and the grader reads the status. */
    exit(exit_code);
}

/* ---------------------------------------------------------------------------------- */
/* main                                                                               */
/* ---------------------------------------------------------------------------------- */

static const struct CMUnitTest *find_case(const char *name)
{
    for (size_t i = 0; i < cio_test_ncases; i++)
        if (strcmp(cio_test_cases[i].name, name) == 0) return &cio_test_cases[i];
    return NULL;
}

/* "Test failed with exception: Segmentation fault(11)" -> 11, else 0. */
static int exception_signal(const char *text)
{
    const char *p = text ? strstr(text, "Test failed with exception: ") : NULL;
    if (!p) return 0;
    const char *open = strchr(p, '(');
    return open ? atoi(open + 1) : 0;
}

static int run_by_hand(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < cio_test_ncases; i++) printf("%s\n", cio_test_cases[i].name);
        return 0;
    }
    if (argc <= 1)
        return _cmocka_run_group_tests("exercise", cio_test_cases, cio_test_ncases, NULL, NULL) ? 1 : 0;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        const struct CMUnitTest *t = find_case(argv[i]);
        if (!t) {
            fprintf(stderr, "no test case named '%s' (try --list)\n", argv[i]);
            failed = 1;
            continue;
        }
        if (_cmocka_run_group_tests(t->name, t, 1, NULL, NULL)) failed = 1;
    }
    return failed;
}

int main(int argc, char **argv)
{
    if (channel_open() != 0) return run_by_hand(argc, argv);

    const char *name = argc > 1 ? argv[1] : "";
    const struct CMUnitTest *t = find_case(name);
    if (!t) channel_report(name, "missing", "the test file has no test case of this name", 0);

    failure_mem = open_memstream(&failure_text, &failure_len);
    if (!failure_mem) channel_report(name, "error", "out of memory before the test started", 0);
    cmocka_set_message_output(CM_OUTPUT_STDOUT);
    int failures = _cmocka_run_group_tests(t->name, t, 1, NULL, NULL);
    fclose(failure_mem);
    failure_mem = NULL;

    int sig = exception_signal(failure_text);
    if (sig) {
        char msg[128];
        snprintf(msg, sizeof msg, "%d", sig);
        channel_report(name, "crash", msg, 0);
    }
    if (failures == 0 && saw_skip) channel_report(name, "skip", failure_text, 0);
    if (failures == 0 && saw_ok) channel_report(name, "pass", NULL, 0);
    channel_report(name, "fail", failure_text && *failure_text ? failure_text : "the test failed", 0);
}

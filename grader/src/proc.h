/*
 * proc.h — run a child process from a cio task and collect what it did: its output
 * (capped, drained concurrently so it never blocks on a full pipe), its private result
 * record, its status, whether it ran out of time. Compilers and nm run through here
 * plainly; test programs run through here inside the sandbox (sandbox.h).
 */
#ifndef CIO_GRADE_PROC_H
#define CIO_GRADE_PROC_H

#include <stddef.h>

#include "sandbox.h"

#define PROC_OUTPUT_CAP (64 * 1024) /* bytes of output kept by default; the rest is counted */

/** What to run. */
typedef struct proc_spec {
    char *const *argv;            /* argv[0] is searched in PATH (plain) or absolute (sandboxed) */
    char *const *envp;            /* NULL: the grader's own environment */
    const char  *cwd;             /* NULL: the grader's; required when sandboxed (scratch dir) */
    double       timeout;         /* wall-clock seconds; <= 0: none */
    size_t       output_cap;      /* bytes of stdout+stderr kept; 0: PROC_OUTPUT_CAP */
    int          want_record;     /* nonzero: give the child the private result pipe as fd 3,
                                     CIO_GRADE_FD=3 and a fresh CIO_GRADE_NONCE in its env */
    const sandbox_policy *policy; /* NULL: an ordinary child (compiler, nm, objdump) */
    int          echo_fd;         /* >= 0: also copy the output here as it arrives (run ID) */
} proc_spec;

/** What happened. */
typedef struct proc_result {
    int     started;       /* 1 if the child was started */
    int     status;        /* its wait status (waitpid's encoding) */
    int     timed_out;     /* 1 if it was killed for running out of time */
    char   *output;        /* stdout+stderr interleaved, NUL-terminated, at most the cap; owned */
    size_t  output_len;    /* bytes kept */
    size_t  output_total;  /* bytes written in all (kept or not) */
    char   *record;        /* what arrived on the result pipe, NUL-terminated; owned; NULL if none */
    size_t  record_len;    /* its length */
    char    nonce[33];     /* the nonce given to the child (hex), to check the record */
    double  seconds;       /* wall-clock time from start to exit */
} proc_result;

/**
 * Run the child to completion. Must be called from a cio task. If the calling task is
 * cancelled, the child is killed and waited for before returning -ECANCELED.
 * @return 0 (look at @p r), -ECANCELED, or -errno if the child could not be started
 *         (r->output may then say why).
 */
int proc_run(const proc_spec *s, proc_result *r);

/** Free what proc_run() put in @p r. */
void proc_result_free(proc_result *r);

/** "SIGSEGV" for 11: the signal's short name. */
const char *proc_signal_name(int sig);

#endif /* CIO_GRADE_PROC_H */

/*
 * learner.h — the learner's commands: list, check, watch, hint, reset, run, trace, and
 * the authors' dev check. main.c parses the command line into an app and runs one of
 * these as the first task of cio_run(); each returns the process exit status.
 */
#ifndef CIO_GRADE_LEARNER_H
#define CIO_GRADE_LEARNER_H

#include "model.h"

/** Everything a command needs, filled in by main.c. */
typedef struct app {
    course       c;         /* the loaded manifest; owned by main */
    const char  *kit;       /* where runtime/, grader/harness and build/libcio.a are */
    const char  *format;    /* "text", or a format of formats.h */
    unsigned     jobs;      /* --jobs; 0: one per core */
    int          strict;    /* check --strict: exit 1 unless full marks */
    int          verbose;   /* -v: passing tests, warnings and more output too */
    unsigned long seed;     /* check --seed N: reproduce one schedule */
    double       timeout_scale; /* --timeout-scale */
    char       **args;      /* the command's positional arguments */
    int          nargs;     /* how many */
    int          exit_code; /* set by the command */
} app;

int cmd_list(app *a);
int cmd_check(app *a);
int cmd_watch(app *a);
int cmd_hint(app *a);
int cmd_reset(app *a);
int cmd_run(app *a);
int cmd_trace(app *a);
int cmd_dev_check(app *a);

#endif /* CIO_GRADE_LEARNER_H */

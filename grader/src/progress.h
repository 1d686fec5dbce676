/*
 * progress.h — what batch shows while it grades: on a terminal one line redrawn in
 * place (bar, count, elapsed, ETA, the last student finished); when piped, one plain
 * line per student, so that logs stay readable.
 */
#ifndef CIO_GRADE_PROGRESS_H
#define CIO_GRADE_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

typedef struct progress {
    FILE  *out;       /* where it is drawn (stderr) */
    int    tty;       /* 1: redraw one line in place; 0: plain lines */
    size_t total;     /* students in the batch */
    size_t done;      /* students finished, resumed ones included */
    size_t resumed;   /* students skipped because their results were already complete */
    size_t running;   /* students being graded now */
    double start;     /* monotonic seconds when grading began */
    double first_end; /* monotonic seconds when the first graded student finished */
    char   last[96];  /* "alice 34/50": the last student finished, for the bar */
} progress;

/** Begin: @p total students, @p resumed of which are already complete. */
void progress_start(progress *p, FILE *out, size_t total, size_t resumed);
/** A student's grading began. */
void progress_begin(progress *p, const char *name);
/** A student finished with @p score of @p max (or @p problem, a short note, when not graded). */
void progress_end(progress *p, const char *name, double score, double max, double seconds, const char *problem);
/** Redraw the bar (a ticker calls this so elapsed time and ETA keep moving). */
void progress_draw(progress *p);
/** End the bar's line. */
void progress_finish(progress *p);
/** Monotonic seconds, for timing. */
double progress_clock(void);

#endif /* CIO_GRADE_PROGRESS_H */

/*
 * timeline.h — an ASCII timeline of the tasks in a Chrome trace written by the runtime
 * (CIO_TRACE): one row per task, a mark where it ran, so that `cio-grade trace ID`
 * shows at a glance whether the tasks overlapped or ran one after another.
 */
#ifndef CIO_GRADE_TIMELINE_H
#define CIO_GRADE_TIMELINE_H

#include <stdio.h>

/**
 * Draw the trace in @p path on @p out, @p width columns of time.
 * @return 0, or -1 after printing why the file could not be read.
 */
int timeline_print(FILE *out, const char *path, int width);

#endif /* CIO_GRADE_TIMELINE_H */

/*
 * formats.h — the machine-readable faces of a grading result: cio-grade's own JSON,
 * Gradescope's results.json, JUnit XML and TAP version 13, all views of one
 * course_result (model.h); plus the course listing of `list --format json`.
 * main.c calls these for `--format` on list, check and batch; "text" lives in main.
 */
#ifndef CIO_GRADE_FORMATS_H
#define CIO_GRADE_FORMATS_H

#include <stdio.h>

#include "model.h"

/** Nonzero if format_write() knows @p format ("json", "gradescope", "junit", "tap"). */
int format_known(const char *format);

/**
 * Write @p r to @p out in @p format: "json", "gradescope", "junit" or "tap".
 * @return 0; -1 after a message on stderr for an unknown format, a write error or
 *         lack of memory.
 */
int format_write(FILE *out, const course_result *r, const char *format);

/**
 * Write the course itself — every exercise with its files, tests, points and
 * visibility — for `list --format json`. Only "json" is known.
 * @return 0, or -1 after a message on stderr.
 */
int format_course(FILE *out, const course *c, const char *format);

/* One function per format, for callers that know which one they want. */
int format_json(FILE *out, const course_result *r);       /* results_json.h's document */
int format_gradescope(FILE *out, const course_result *r); /* Gradescope results.json */
int format_junit(FILE *out, const course_result *r);      /* one testsuite per exercise */
int format_tap(FILE *out, const course_result *r);        /* TAP 13, YAML on failures */

/** How a failed test reads in every format: verdict, message and the seed's repro line. malloc'd. */
char *format_failure_text(const test_result *t, const exercise *ex);

#endif /* CIO_GRADE_FORMATS_H */

/*
 * results_json.h — a course_result as JSON and back: the `--format json` face, the
 * per-student files of a batch, and what batch reads again to resume, build the
 * gradebook and draw the class report. Built and parsed with jansson.
 */

/*
 * The document: {"format": "cio-grade-results", "version": 1, "student", "score",
 * "max_score", "seconds", "exercises": [{"id", "name", "title", "score", "max_score",
 * "done", "build_log", "tests": [{"name", "points", "visibility", "verdict", "score",
 * "message", "output", "seed", "seconds", "skipped"}]}]}. A skipped test (hidden,
 * not run) counts in neither score nor max_score.
 */
#ifndef CIO_GRADE_RESULTS_JSON_H
#define CIO_GRADE_RESULTS_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "model.h"

#define RJSON_FORMAT  "cio-grade-results" /* the "format" member: what this file is */
#define RJSON_VERSION 1                   /* bumped when a member changes meaning */

/** Build the JSON document for @p r (NULL if memory ran out). The caller owns it. */
json_t *rjson_build(const course_result *r);

/**
 * Read a document made by rjson_build() back into @p out, pointing its specs at the
 * entries of @p c. With @p with_output 0 the captured output is dropped (a class
 * report needs only verdicts and messages). Returns 0; -1 with @p err set when the
 * document is malformed or does not cover every exercise and test of @p c as the
 * manifest lists them now (the results are stale: grade again).
 */
int rjson_load(const course *c, const json_t *doc, int with_output, course_result *out,
               char *err, size_t errlen);

/** Free what rjson_load() allocated in @p r (not @p r itself). */
void rjson_free(course_result *r);

/** The verdict named @p name ("pass", "fail", ...), or -1. */
int rjson_verdict_from_name(const char *name);

#endif /* CIO_GRADE_RESULTS_JSON_H */

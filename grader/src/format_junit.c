/*
 * format_junit.c — JUnit XML for CI dashboards: <testsuites> for the course, one
 * <testsuite> per exercise, one <testcase> per test. A test the learner's code failed
 * (fail, crash, timeout, compile-error, forbidden) is a <failure> whose type is the
 * verdict; only the grader's own "error" is an <error>. Every string is escaped.
 */
#include "formats.h"

#include <stdlib.h>
#include <string.h>

#include "textsafe.h"

/* How much captured output goes in each <system-out>: CI pages choke on megabytes. */
#define OUTPUT_CAP 16384

static void attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    textsafe_xml(out, value, 0);
    fputc('"', out);
}

static void count(const exercise_result *e, size_t *failures, size_t *errors, size_t *skipped, double *secs)
{
    for (size_t k = 0; k < e->ex->ntests; k++) {
        const test_result *t = &e->tests[k];
        if (t->skipped) ++*skipped;
        else if (t->verdict == VERDICT_ERROR) ++*errors;
        else if (t->verdict != VERDICT_PASS) ++*failures;
        *secs += t->seconds;
    }
}

static void testcase(FILE *out, const exercise_result *e, const test_result *t)
{
    char classname[256];
    snprintf(classname, sizeof classname, "%s.%s", e->ex->id, e->ex->name);
    fputs("    <testcase", out);
    attr(out, "name", t->spec->name);
    attr(out, "classname", classname);
    fprintf(out, " time=\"%.3f\">\n", t->seconds);
    if (t->skipped) {
        fputs("      <skipped message=\"hidden test, not run\"/>\n", out);
    } else if (t->verdict != VERDICT_PASS) {
        const char *tag = t->verdict == VERDICT_ERROR ? "error" : "failure";
        char *text = format_failure_text(t, e->ex);
        char *first = textsafe_first_line(t->message ? t->message : verdict_name(t->verdict), 200);
        fprintf(out, "      <%s", tag);
        attr(out, "type", verdict_name(t->verdict));
        attr(out, "message", first ? first : verdict_name(t->verdict));
        fputs(">", out);
        textsafe_xml(out, text ? text : verdict_name(t->verdict), 0);
        fprintf(out, "</%s>\n", tag);
        free(text);
        free(first);
    }
    if (t->output && *t->output) {
        fputs("      <system-out>", out);
        textsafe_xml(out, t->output, OUTPUT_CAP);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

int format_junit(FILE *out, const course_result *r)
{
    size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double secs = 0;
    for (size_t i = 0; i < r->nexercises; i++) {
        tests += r->exercises[i].ex->ntests;
        count(&r->exercises[i], &failures, &errors, &skipped, &secs);
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
    attr(out, "name", r->student ? r->student : "cio-grade");
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n", tests,
            failures, errors, skipped, r->seconds > 0 ? r->seconds : secs);
    for (size_t i = 0; i < r->nexercises; i++) {
        const exercise_result *e = &r->exercises[i];
        size_t f = 0, er = 0, sk = 0;
        double s = 0;
        count(e, &f, &er, &sk, &s);
        char name[256];
        snprintf(name, sizeof name, "%s %s", e->ex->id, e->ex->name);
        fputs("  <testsuite", out);
        attr(out, "name", name);
        attr(out, "id", e->ex->id);
        attr(out, "package", e->ex->lesson ? e->ex->lesson : "");
        fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
                e->ex->ntests, f, er, sk, s);
        fprintf(out, "    <properties>\n      <property name=\"score\" value=\"%g\"/>\n"
                     "      <property name=\"max_score\" value=\"%g\"/>\n", e->score, e->max_score);
        fputs("      <property name=\"title\"", out);
        attr(out, "value", e->ex->title ? e->ex->title : "");
        fputs("/>\n    </properties>\n", out);
        for (size_t k = 0; k < e->ex->ntests; k++) testcase(out, e, &e->tests[k]);
        if (e->build_log && *e->build_log) {
            fputs("    <system-out>", out);
            textsafe_xml(out, e->build_log, OUTPUT_CAP);
            fputs("</system-out>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}

/*
 * format_tap.c — TAP version 13: a plan line, one "ok"/"not ok" line per test case in
 * learning order, and for each failure a YAML block (verdict, message, points, seed,
 * the tail of the output) that TAP consumers such as prove or tap-parser show.
 */
#include "formats.h"

#include <stdlib.h>
#include <string.h>

#include "textsafe.h"

#define OUTPUT_TAIL 2048 /* bytes of captured output in a failure's YAML block */

/* A test description: TAP reads '#' as the start of a directive, so escape it, and a
 * newline would end the line. */
static void description(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '#' || *s == '\\') fputc('\\', out);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
    }
}

/* A YAML literal block scalar: every line indented; control characters YAML forbids
 * become U+FFFD (they cannot be escaped inside a literal block). */
static void yaml_block(FILE *out, const char *key, const char *text)
{
    char *clean = textsafe_utf8(text);
    if (!clean) return;
    fprintf(out, "  %s: |2-\n    ", key); /* explicit indent: text may start with spaces */
    for (const char *p = clean; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n') fputs(p[1] ? "\n    " : "", out);
        else if (c == '\r') continue;
        else if ((c < 0x20 && c != '\t') || c == 0x7F) fputs("\xEF\xBF\xBD", out);
        else fputc(c, out);
    }
    fputc('\n', out);
    free(clean);
}

int format_tap(FILE *out, const course_result *r)
{
    size_t total = 0, n = 0;
    for (size_t i = 0; i < r->nexercises; i++) total += r->exercises[i].ex->ntests;
    fputs("TAP version 13\n", out);
    if (total == 0) {
        fputs("1..0 # SKIP no test cases to grade\n", out);
        return ferror(out) ? -1 : 0;
    }
    fprintf(out, "1..%zu\n", total);
    for (size_t i = 0; i < r->nexercises; i++) {
        const exercise_result *e = &r->exercises[i];
        fprintf(out, "# %s %s: %g / %g\n", e->ex->id, e->ex->name, e->score, e->max_score);
        for (size_t k = 0; k < e->ex->ntests; k++) {
            const test_result *t = &e->tests[k];
            fprintf(out, "%s %zu - ", t->verdict == VERDICT_PASS || t->skipped ? "ok" : "not ok", ++n);
            description(out, e->ex->id);
            fputc(' ', out);
            description(out, e->ex->name);
            fputs(": ", out);
            description(out, t->spec->name);
            if (t->skipped) fputs(" # SKIP hidden test, not run", out);
            fputc('\n', out);
            if (t->verdict == VERDICT_PASS || t->skipped) continue;
            fputs("  ---\n", out);
            fprintf(out, "  verdict: %s\n", verdict_name(t->verdict));
            yaml_block(out, "message", t->message ? t->message : verdict_name(t->verdict));
            fprintf(out, "  points: %g\n", t->spec->points);
            fprintf(out, "  visibility: %s\n", t->spec->visibility == VIS_HIDDEN ? "hidden" : "visible");
            if (t->seed) fprintf(out, "  seed: %lu\n", t->seed);
            fprintf(out, "  seconds: %.3f\n", t->seconds);
            if (t->output && *t->output) {
                size_t len = strlen(t->output);
                const char *tail = len > OUTPUT_TAIL ? t->output + len - OUTPUT_TAIL : t->output;
                /* Start the tail at a character boundary. */
                while (tail > t->output && ((unsigned char)*tail & 0xC0) == 0x80) tail++;
                yaml_block(out, "output", tail);
            }
            fputs("  ...\n", out);
        }
    }
    fprintf(out, "# score %g / %g\n", r->score, r->max_score);
    return ferror(out) ? -1 : 0;
}

/*
 * text.c — the terminal face (see text.h). A failing test is shown as: its name and
 * verdict, the message indented beneath it, then the last lines of its output, since
 * that is where a learner's own printf()s and the runtime's reports are.
 */
#define _GNU_SOURCE
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int colour; /* 1 when escapes are written */

void text_init(FILE *f, int force_off)
{
    const char *term = getenv("TERM");
    colour = !force_off && isatty(fileno(f)) && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
}

const char *text_bold(void) { return colour ? "\033[1m" : ""; }
const char *text_dim(void) { return colour ? "\033[2m" : ""; }
const char *text_red(void) { return colour ? "\033[31m" : ""; }
const char *text_green(void) { return colour ? "\033[32m" : ""; }
const char *text_yellow(void) { return colour ? "\033[33m" : ""; }
const char *text_cyan(void) { return colour ? "\033[36m" : ""; }
const char *text_reset(void) { return colour ? "\033[0m" : ""; }

static const char *verdict_colour(verdict v)
{
    switch (v) {
    case VERDICT_PASS: return text_green();
    case VERDICT_TIMEOUT: return text_yellow();
    default: return text_red();
    }
}

/* Print @p text with every line indented by @p indent; at most @p max_lines (0: all). */
static void indented(FILE *f, const char *text, const char *indent, int max_lines)
{
    int n = 0;
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (max_lines && n == max_lines) {
            fprintf(f, "%s%s...%s\n", indent, text_dim(), text_reset());
            return;
        }
        fprintf(f, "%s%.*s\n", indent, (int)len, line);
        n++;
        line = end ? end + 1 : line + len;
    }
}

/* The last @p max lines of @p text. */
static const char *tail(const char *text, int max)
{
    if (!text) return NULL;
    const char *p = text + strlen(text);
    while (p > text && (p[-1] == '\n')) p--;
    int n = 0;
    while (p > text) {
        if (p[-1] == '\n' && ++n == max) break;
        p--;
    }
    return p;
}

/* The output without cmocka's own status lines: what the learner's code and the runtime said. */
static char *own_output(const char *text)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    if (!m) return NULL;
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t l = end ? (size_t)(end - line) : strlen(line);
        int cmocka = (l > 2 && line[0] == '[' && (line[1] == ' ' || line[1] == '=')) ||
                     (l && memmem(line, l, "FAILED TEST(S)", 14)) || l == 0;
        if (!cmocka) fprintf(m, "%.*s\n", (int)l, line);
        line = end ? end + 1 : line + l;
    }
    fclose(m);
    if (out && !*out) { free(out); out = NULL; }
    return out;
}

void text_exercise(FILE *f, const exercise_result *r, int verbose)
{
    const exercise *ex = r->ex;
    int full = r->done && r->max_score > 0;
    fprintf(f, "%s%s %s%s %s%s%s — %s  %s%g/%g%s\n", full ? text_green() : text_red(), full ? "✓" : "✗",
            text_bold(), ex->id, ex->name, text_reset(), "", ex->title, text_bold(), r->score, r->max_score,
            text_reset());
    /* A build failure or refusal is the same for every test: say it once. */
    const test_result *first = NULL;
    for (size_t k = 0; k < ex->ntests; k++)
        if (!r->tests[k].skipped) { first = &r->tests[k]; break; }
    if (first && (first->verdict == VERDICT_COMPILE_ERROR || first->verdict == VERDICT_FORBIDDEN)) {
        int same = 1;
        for (size_t k = 0; k < ex->ntests; k++)
            if (!r->tests[k].skipped && r->tests[k].verdict != first->verdict) same = 0;
        if (same) {
            fprintf(f, "    %s%s%s\n", text_red(),
                    first->verdict == VERDICT_COMPILE_ERROR ? "does not compile:" : "refused before running:",
                    text_reset());
            indented(f, first->message, "      ", 30);
            return;
        }
    }
    if (verbose && r->build_log && strstr(r->build_log, "warning")) {
        fprintf(f, "    %scompiler warnings:%s\n", text_yellow(), text_reset());
        indented(f, r->build_log, "      ", 20);
    }
    int hidden_no = 0;
    for (size_t k = 0; k < ex->ntests; k++) {
        const test_result *t = &r->tests[k];
        int hidden = t->spec->visibility == VIS_HIDDEN;
        if (hidden) hidden_no++;
        if (t->skipped) continue;
        if (t->verdict == VERDICT_PASS && !verbose) continue;
        if (hidden && verbose < 2) {
            fprintf(f, "    %s%-8s%s hidden test %d %s(%g pt%s; details are not shown)%s\n", verdict_colour(t->verdict),
                    verdict_name(t->verdict), text_reset(), hidden_no, text_dim(), t->spec->points,
                    t->spec->points == 1 ? "" : "s", text_reset());
            continue;
        }
        fprintf(f, "    %s%-8s%s %s %s(%g pt%s, %.2f s)%s\n", verdict_colour(t->verdict), verdict_name(t->verdict),
                text_reset(), t->spec->name, text_dim(), t->spec->points, t->spec->points == 1 ? "" : "s",
                t->seconds, text_reset());
        if (t->verdict == VERDICT_PASS) continue;
        if (t->message) indented(f, t->message, "      ", 25);
        if (t->seed)
            fprintf(f, "      %sfailed under schedule seed %lu; reproduce with:%s  cio-grade check %s --seed %lu\n",
                    text_yellow(), t->seed, text_reset(), ex->id, t->seed);
        char *own = verbose ? (t->output ? strdup(t->output) : NULL) : own_output(t->output);
        if (own) {
            int lines = verbose ? 40 : 8;
            fprintf(f, "      %soutput (last lines):%s\n", text_dim(), text_reset());
            indented(f, tail(own, lines), "        ", lines);
            free(own);
        }
    }
}

void text_progress_bar(FILE *f, size_t done, size_t total, int width)
{
    int filled = total ? (int)((double)done / (double)total * width + 0.5) : 0;
    fputc('[', f);
    fputs(text_green(), f);
    for (int i = 0; i < filled; i++) fputc('#', f);
    fputs(text_reset(), f);
    fputs(text_dim(), f);
    for (int i = filled; i < width; i++) fputc('-', f);
    fputs(text_reset(), f);
    fprintf(f, "] %zu/%zu", done, total);
}

void text_summary(FILE *f, const course_result *r)
{
    size_t done = 0;
    for (size_t i = 0; i < r->nexercises; i++) done += r->exercises[i].done;
    fprintf(f, "\n%sScore: %g/%g%s   ", text_bold(), r->score, r->max_score, text_reset());
    text_progress_bar(f, done, r->nexercises, 30);
    fprintf(f, " exercises done   %s(%.1f s)%s\n", text_dim(), r->seconds, text_reset());
}

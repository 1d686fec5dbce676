/*
 * report_html.c — the class report page (see report_html.h). The page is also
 * well-formed XML (every element closed, every attribute quoted, only the five XML
 * entities) so that tests can parse it and any tool can scrape it. Student text —
 * names, assertion messages — is untrusted and always goes through textsafe_xml().
 */
#define _GNU_SOURCE
#include "report_html.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_svg.h"
#include "textsafe.h"

#define HIST_BINS     10  /* score histogram: 0-9 %, ..., 90-100 % */
#define TOP_FAILURES  10  /* failure messages charted */
#define MESSAGE_CAP   400 /* bytes of a message shown in a student's table */

static const char STYLE[] =
    ":root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--accent:#0969da}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,'Segoe UI',"
    "Roboto,'Helvetica Neue',Arial,sans-serif}\n"
    ".wrap{max-width:1160px;margin:0 auto;padding:0 24px}\n"
    "header{background:#24292f;color:#fff;padding:28px 0 24px;margin-bottom:24px}\n"
    "header h1{margin:0;font-size:26px;font-weight:600}\n"
    "header p{margin:4px 0 0;color:#c9d1d9}\n"
    "h2{font-size:16px;margin:0 0 12px;font-weight:600}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:16px;margin-bottom:16px}\n"
    ".card,.panel{background:var(--card);border:1px solid var(--line);border-radius:10px}\n"
    ".card{padding:14px 16px}\n"
    ".card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}\n"
    ".card .v{font-size:26px;font-weight:600;margin-top:2px}\n"
    ".card .s{color:var(--muted);font-size:12px}\n"
    ".panel{padding:18px 20px;margin-bottom:16px;overflow-x:auto}\n"
    ".grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px}\n"
    ".grid2 .panel{margin-bottom:0}.grid2{margin-bottom:16px}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    "svg text{font-family:inherit;font-size:12px;fill:#3d444d}\n"
    "svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .track{fill:#eef1f4}\n"
    "svg .count{font-weight:600}svg .axis-label{fill:var(--muted)}svg .value{fill:var(--ink)}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px}\n"
    "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}\n"
    "th{font-weight:600;color:var(--muted);font-size:12px;white-space:nowrap}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "th.ex{text-align:center}table.st{table-layout:fixed}\n"
    "table.book td.cell{text-align:center;font-variant-numeric:tabular-nums;border:2px solid #fff;"
    "border-radius:4px;min-width:48px}\n"
    ".full{background:#dafbe1}.part{background:#fff8c5}.zero{background:#ffebe9}.none{background:#eef1f4}\n"
    "a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}\n"
    ".v-badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:11px;font-weight:600;"
    "color:#fff;white-space:nowrap}\n"
    ".v-pass{background:#1a7f37}.v-fail{background:#cf222e}.v-crash{background:#8250df}"
    ".v-timeout{background:#bc4c00}.v-compile-error{background:#9a6700}.v-forbidden{background:#57606a}"
    ".v-error{background:#818b98}.v-skipped{background:#afb8c1}\n"
    "details{border-top:1px solid #eaeef2}details:first-of-type{border-top:0}\n"
    "summary{cursor:pointer;padding:9px 2px;display:flex;gap:12px;align-items:center}\n"
    "summary .name{font-weight:600;min-width:180px}\n"
    ".meter{flex:0 0 160px;height:8px;background:#eef1f4;border-radius:4px;overflow:hidden}\n"
    ".meter span{display:block;height:100%}\n"
    ".msg{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;"
    "white-space:pre-wrap;word-break:break-word;color:#3d444d}\n"
    ".note{color:#9a6700;font-size:12px}.refused{color:#cf222e;font-weight:600}\n"
    ".muted{color:var(--muted)}\n"
    "footer{color:var(--muted);font-size:12px;padding:8px 0 32px}\n"
    "@media print{header{background:#fff;color:#000}details{break-inside:avoid}}\n";

/* ---------------------------------------------------------------------------------- */
/* Figures                                                                            */
/* ---------------------------------------------------------------------------------- */

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A colour for a share of 0..1: red, amber, green. */
static const char *share_color(double f)
{
    return f >= 0.8 ? "#2da44e" : f >= 0.5 ? "#d4a72c" : "#e5534b";
}

static const char *cell_class(double score, double max)
{
    if (max <= 0) return "none";
    return score >= max ? "full" : score > 0 ? "part" : "zero";
}

/* One failure seen in the class: which test, how, and the message's first line. */
typedef struct failure {
    const exercise *ex;   /* the exercise */
    const char     *test; /* the test's name */
    verdict         v;    /* how it ended */
    char           *line; /* the message's first line, cut; owned */
} failure;

static int failure_cmp(const void *a, const void *b)
{
    const failure *x = a, *y = b;
    int c = strcmp(x->ex->id, y->ex->id);
    if (!c) c = strcmp(x->test, y->test);
    if (!c) c = (int)x->v - (int)y->v;
    if (!c) c = strcmp(x->line, y->line);
    return c;
}

typedef struct failure_count {
    const failure *f; /* the first of a run of equal failures */
    size_t         n; /* how many students had it */
} failure_count;

static int count_cmp(const void *a, const void *b)
{
    const failure_count *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? 1 : -1;
    return failure_cmp(x->f, y->f);
}

/* ---------------------------------------------------------------------------------- */
/* Page parts                                                                         */
/* ---------------------------------------------------------------------------------- */

static void text(FILE *out, const char *s) { textsafe_xml(out, s, 0); }

static void card(FILE *out, const char *key, const char *value, const char *sub)
{
    fputs("<div class=\"card\"><div class=\"k\">", out);
    text(out, key);
    fputs("</div><div class=\"v\">", out);
    text(out, value);
    fputs("</div><div class=\"s\">", out);
    text(out, sub);
    fputs("</div></div>\n", out);
}

static void badge(FILE *out, const test_result *t)
{
    const char *name = t->skipped ? "skipped" : verdict_name(t->verdict);
    fprintf(out, "<span class=\"v-badge v-%s\">%s</span>", name, name);
}

static void summary_cards(FILE *out, const roster *r, const double *pct, size_t graded, double max)
{
    char v[64], s[128];
    size_t full = 0, problems = 0;
    double sum = 0;
    for (size_t i = 0; i < graded; i++) { sum += pct[i]; full += pct[i] >= 100.0 - 1e-9; }
    for (size_t i = 0; i < r->n; i++) problems += !r->students[i].loaded || r->students[i].refused;
    snprintf(v, sizeof v, "%zu", r->n);
    snprintf(s, sizeof s, "%zu graded%s", graded, problems ? ", some need a look" : "");
    card(out, "Students", v, s);
    snprintf(v, sizeof v, "%.1f%%", graded ? sum / (double)graded : 0.0);
    snprintf(s, sizeof s, "of %g points", max);
    card(out, "Mean score", v, s);
    snprintf(v, sizeof v, "%.1f%%", graded ? (graded % 2 ? pct[graded / 2] : (pct[graded / 2 - 1] + pct[graded / 2]) / 2) : 0.0);
    snprintf(s, sizeof s, "lowest %.0f%%, highest %.0f%%", graded ? pct[0] : 0.0, graded ? pct[graded - 1] : 0.0);
    card(out, "Median", v, s);
    snprintf(v, sizeof v, "%zu", full);
    snprintf(s, sizeof s, "%.0f%% of the class", graded ? 100.0 * (double)full / (double)graded : 0.0);
    card(out, "Full marks", v, s);
    snprintf(v, sizeof v, "%zu", r->course->nexercises);
    snprintf(s, sizeof s, "%zu submission%s refused or missing", problems, problems == 1 ? "" : "s");
    card(out, "Exercises", v, s);
}

static void histogram(FILE *out, const double *pct, size_t graded)
{
    size_t counts[HIST_BINS] = {0};
    char labels[HIST_BINS][16];
    const char *lp[HIST_BINS];
    for (size_t i = 0; i < graded; i++) {
        int b = (int)(pct[i] / (100.0 / HIST_BINS));
        counts[b >= HIST_BINS ? HIST_BINS - 1 : b < 0 ? 0 : b]++;
    }
    for (int b = 0; b < HIST_BINS; b++) {
        snprintf(labels[b], sizeof labels[b], "%d\xE2\x80\x93%d", b * 10, b == HIST_BINS - 1 ? 100 : b * 10 + 9);
        lp[b] = labels[b];
    }
    fputs("<div class=\"panel\"><h2>Score distribution</h2>\n", out);
    svg_histogram(out, counts, HIST_BINS, lp, "score (% of the maximum)", "Histogram of the students' scores");
    fputs("</div>\n", out);
}

static int pass_rates(FILE *out, const roster *r)
{
    const course *c = r->course;
    svg_bar *bars = calloc(c->nexercises ? c->nexercises : 1, sizeof *bars);
    char **labels = calloc(c->nexercises ? c->nexercises : 1, sizeof *labels);
    char **texts = calloc(c->nexercises ? c->nexercises : 1, sizeof *texts);
    char **tips = calloc(c->nexercises ? c->nexercises : 1, sizeof *tips);
    if (!bars || !labels || !texts || !tips) { free(bars); free(labels); free(texts); free(tips); return -1; }
    for (size_t i = 0; i < c->nexercises; i++) {
        const exercise *ex = &c->exercises[i];
        size_t graded = 0, done = 0;
        double sum = 0, max = 0;
        for (size_t s = 0; s < r->n; s++) {
            const roster_entry *e = &r->students[s];
            if (!e->loaded) continue;
            graded++;
            done += e->result.exercises[i].done != 0;
            sum += e->result.exercises[i].score;
            max = e->result.exercises[i].max_score;
        }
        double rate = graded ? (double)done / (double)graded : 0;
        if (asprintf(&labels[i], "%s %s", ex->id, ex->name) < 0) labels[i] = NULL;
        if (asprintf(&texts[i], "%.0f%%  (%zu/%zu)", 100 * rate, done, graded) < 0) texts[i] = NULL;
        if (asprintf(&tips[i], "%s %s: %zu of %zu students passed every test; mean %.1f of %g points",
                     ex->id, ex->title ? ex->title : ex->name, done, graded, graded ? sum / (double)graded : 0.0,
                     max) < 0)
            tips[i] = NULL;
        bars[i] = (svg_bar){labels[i], rate, texts[i], share_color(rate), tips[i]};
    }
    fputs("<div class=\"panel\"><h2>Pass rate per exercise</h2>\n"
          "<p class=\"muted\">The share of the class that passed every test of the exercise.</p>\n", out);
    double lw = svg_label_width((const char *const *)labels, c->nexercises, 90, 220);
    svg_hbars(out, bars, c->nexercises, 1.0, 560, lw, "Share of students who passed every test of each exercise");
    fputs("</div>\n", out);
    for (size_t i = 0; i < c->nexercises; i++) { free(labels[i]); free(texts[i]); free(tips[i]); }
    free(bars); free(labels); free(texts); free(tips);
    return 0;
}

static int common_failures(FILE *out, const roster *r)
{
    size_t n = 0, cap = 0;
    failure *fs = NULL;
    for (size_t s = 0; s < r->n; s++) {
        const roster_entry *e = &r->students[s];
        if (!e->loaded || e->refused) continue; /* a refused archive is not a failure of a test */
        for (size_t i = 0; i < e->result.nexercises; i++) {
            const exercise_result *er = &e->result.exercises[i];
            for (size_t k = 0; k < er->ex->ntests; k++) {
                const test_result *t = &er->tests[k];
                if (t->verdict == VERDICT_PASS || t->skipped) continue;
                if (n == cap) {
                    cap = cap ? 2 * cap : 256;
                    failure *nf = realloc(fs, cap * sizeof *nf);
                    if (!nf) goto oom;
                    fs = nf;
                }
                char *line = textsafe_first_line(t->message ? t->message : "", 110);
                if (!line) goto oom;
                fs[n++] = (failure){er->ex, t->spec->name, t->verdict, line};
            }
        }
    }
    qsort(fs, n, sizeof *fs, failure_cmp);
    failure_count *counts = calloc(n ? n : 1, sizeof *counts);
    if (!counts) goto oom;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && failure_cmp(counts[m - 1].f, &fs[i]) == 0) counts[m - 1].n++;
        else counts[m++] = (failure_count){&fs[i], 1};
    }
    qsort(counts, m, sizeof *counts, count_cmp);
    size_t top = m < TOP_FAILURES ? m : TOP_FAILURES;

    svg_bar bars[TOP_FAILURES];
    char *labels[TOP_FAILURES], *texts[TOP_FAILURES], *tips[TOP_FAILURES];
    for (size_t i = 0; i < top; i++) {
        const failure *f = counts[i].f;
        if (asprintf(&labels[i], "%s %s", f->ex->id, f->test) < 0) labels[i] = NULL;
        if (asprintf(&texts[i], "%zu \xC3\x97 %s", counts[i].n, verdict_name(f->v)) < 0) texts[i] = NULL;
        if (asprintf(&tips[i], "%s: %s", verdict_name(f->v), f->line) < 0) tips[i] = NULL;
        bars[i] = (svg_bar){labels[i], (double)counts[i].n, texts[i], "#cf6a5f", tips[i]};
    }
    fputs("<div class=\"panel\"><h2>Most common failures</h2>\n", out);
    if (top == 0) {
        fputs("<p class=\"muted\">No test failed. Every graded test passed.</p>\n", out);
    } else {
        double lw = svg_label_width((const char *const *)labels, top, 120, 320);
        svg_hbars(out, bars, top, (double)counts[0].n, 820, lw, "The failures most students share");
        fputs("<table><thead><tr><th class=\"num\">students</th><th>exercise</th><th>test</th><th>verdict</th>"
              "<th>message</th></tr></thead><tbody>\n", out);
        for (size_t i = 0; i < top; i++) {
            const failure *f = counts[i].f;
            test_result t = {.verdict = f->v};
            fprintf(out, "<tr><td class=\"num\">%zu</td><td>", counts[i].n);
            text(out, f->ex->id);
            fputs("</td><td>", out);
            text(out, f->test);
            fputs("</td><td>", out);
            badge(out, &t);
            fputs("</td><td class=\"msg\">", out);
            text(out, f->line[0] ? f->line : "(no message)");
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody></table>\n", out);
    }
    fputs("</div>\n", out);
    for (size_t i = 0; i < top; i++) { free(labels[i]); free(texts[i]); free(tips[i]); }
    free(counts);
    for (size_t i = 0; i < n; i++) free(fs[i].line);
    free(fs);
    return 0;
oom:
    for (size_t i = 0; i < n; i++) free(fs[i].line);
    free(fs);
    return -1;
}

static void gradebook_table(FILE *out, const roster *r)
{
    const course *c = r->course;
    fputs("<div class=\"panel\"><h2>Gradebook</h2>\n<table class=\"book\"><thead><tr><th>student</th>", out);
    for (size_t i = 0; i < c->nexercises; i++) {
        fputs("<th class=\"ex\" title=\"", out);
        text(out, c->exercises[i].title ? c->exercises[i].title : c->exercises[i].name);
        fputs("\">", out);
        text(out, c->exercises[i].id);
        fputs("</th>", out);
    }
    fputs("<th class=\"num\">total</th><th class=\"num\">%</th></tr></thead><tbody>\n", out);
    for (size_t s = 0; s < r->n; s++) {
        const roster_entry *e = &r->students[s];
        fprintf(out, "<tr><td><a href=\"#s-%zu\">", s + 1);
        text(out, e->name);
        fputs("</a></td>", out);
        for (size_t i = 0; i < c->nexercises; i++) {
            if (!e->loaded) { fputs("<td class=\"cell none\">\xE2\x80\x93</td>", out); continue; }
            const exercise_result *er = &e->result.exercises[i];
            fprintf(out, "<td class=\"cell %s\">%g</td>", cell_class(er->score, er->max_score), er->score);
        }
        if (e->loaded)
            fprintf(out, "<td class=\"num\">%g / %g</td><td class=\"num\">%.0f%%</td></tr>\n", e->result.score,
                    e->result.max_score, roster_percent(e->result.score, e->result.max_score));
        else
            fputs("<td class=\"num\">\xE2\x80\x93</td><td class=\"num\">\xE2\x80\x93</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
}

static void student_section(FILE *out, const roster_entry *e, size_t index)
{
    double pct = e->loaded ? roster_percent(e->result.score, e->result.max_score) : 0;
    fprintf(out, "<details id=\"s-%zu\"><summary><span class=\"name\">", index + 1);
    text(out, e->name);
    fputs("</span>", out);
    if (e->loaded)
        fprintf(out, "<span class=\"meter\"><span style=\"width:%.1f%%;background:%s\"></span></span>"
                     "<span class=\"num\">%g / %g (%.0f%%)</span>",
                pct, share_color(pct / 100), e->result.score, e->result.max_score, pct);
    else
        fputs("<span class=\"refused\">not graded</span>", out);
    if (e->refused) fputs("<span class=\"refused\">submission refused</span>", out);
    else if (e->nnotes) fputs("<span class=\"note\">see notes</span>", out);
    fputs("</summary>\n", out);
    if (!e->loaded) {
        fputs("<p class=\"refused\">", out);
        text(out, e->error ? e->error : "no results");
        fputs("</p>\n", out);
    }
    if (e->refused) {
        fputs("<p class=\"refused\">", out);
        text(out, e->refused);
        fputs("</p>\n", out);
    }
    for (size_t k = 0; k < e->nnotes; k++) {
        fputs("<p class=\"note\">", out);
        text(out, e->notes[k]);
        fputs("</p>\n", out);
    }
    if (e->loaded && !e->refused) {
        fputs("<table class=\"st\"><colgroup><col style=\"width:24%\"/><col style=\"width:10%\"/>"
              "<col style=\"width:11%\"/><col/></colgroup>\n<thead><tr><th>exercise</th><th class=\"num\">score</th>"
              "<th>tests</th><th>what failed</th></tr></thead><tbody>\n", out);
        for (size_t i = 0; i < e->result.nexercises; i++) {
            const exercise_result *er = &e->result.exercises[i];
            size_t passed = 0, run = 0;
            for (size_t k = 0; k < er->ex->ntests; k++) {
                run += !er->tests[k].skipped;
                passed += !er->tests[k].skipped && er->tests[k].verdict == VERDICT_PASS;
            }
            fputs("<tr><td>", out);
            text(out, er->ex->id);
            fputs(" ", out);
            text(out, er->ex->name);
            fprintf(out, "</td><td class=\"num\">%g / %g</td><td>%zu/%zu passed</td><td>", er->score,
                    er->max_score, passed, run);
            for (size_t k = 0; k < er->ex->ntests; k++) {
                const test_result *t = &er->tests[k];
                if (t->verdict == VERDICT_PASS || t->skipped) continue;
                fputs("<div>", out);
                badge(out, t);
                fputs(" <b>", out);
                text(out, t->spec->name);
                fputs("</b>", out);
                if (t->seed) fprintf(out, " <span class=\"muted\">(seed %lu)</span>", t->seed);
                if (t->message && *t->message) {
                    fputs("<div class=\"msg\">", out);
                    textsafe_xml(out, t->message, MESSAGE_CAP);
                    fputs("</div>", out);
                }
                fputs("</div>", out);
            }
            if (passed == run) fputs("<span class=\"muted\">\xE2\x80\x94</span>", out);
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody></table>\n", out);
    }
    fputs("</details>\n", out);
}

/* ---------------------------------------------------------------------------------- */
/* The page                                                                           */
/* ---------------------------------------------------------------------------------- */

int report_html_write(FILE *out, const roster *r)
{
    const course *c = r->course;
    double *pct = calloc(r->n ? r->n : 1, sizeof *pct);
    if (!pct) return -1;
    size_t graded = 0;
    double max = 0;
    for (size_t s = 0; s < r->n; s++)
        if (r->students[s].loaded) {
            pct[graded++] = roster_percent(r->students[s].result.score, r->students[s].result.max_score);
            max = r->students[s].result.max_score;
        }
    qsort(pct, graded, sizeof *pct, by_double);

    char when[64];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime(&now));
    const char *title = c->title ? c->title : "cio";

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>Class report \xE2\x80\x94 ",
          out);
    text(out, title);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><div class=\"wrap\"><h1>", STYLE);
    text(out, title);
    fprintf(out, "</h1><p>Class report \xC2\xB7 %zu student%s \xC2\xB7 %zu exercise%s \xC2\xB7 generated %s by "
                 "cio-grade batch</p></div></header>\n<main class=\"wrap\">\n<section class=\"cards\">\n",
            r->n, r->n == 1 ? "" : "s", c->nexercises, c->nexercises == 1 ? "" : "s", when);
    summary_cards(out, r, pct, graded, max);
    fputs("</section>\n<section class=\"grid2\">\n", out);
    histogram(out, pct, graded);
    int rc = pass_rates(out, r);
    fputs("</section>\n<section>\n", out);
    if (rc == 0) rc = common_failures(out, r);
    fputs("</section>\n<section>\n", out);
    gradebook_table(out, r);
    fputs("</section>\n<section class=\"panel\"><h2>Students</h2>\n"
          "<p class=\"muted\">Open a student to see each exercise and the message of every failed test.</p>\n", out);
    for (size_t s = 0; s < r->n; s++) student_section(out, &r->students[s], s);
    fputs("</section>\n</main>\n<footer><div class=\"wrap\">Scores count only tests that passed; a hidden test "
          "counts like any other. Per-student results: students/NAME.json; spreadsheet: gradebook.csv."
          "</div></footer>\n</body>\n</html>\n", out);
    free(pct);
    if (rc != 0) return -1;
    return ferror(out) ? -1 : 0;
}

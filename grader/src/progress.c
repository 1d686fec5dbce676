/*
 * progress.c — the batch progress bar (see progress.h). The ETA is the average time
 * per graded student so far, times those left, divided by nothing: the average is
 * measured in wall-clock time over parallel jobs, so parallelism is already in it.
 */
#include "progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

double progress_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void duration(char *buf, size_t n, double s)
{
    if (s < 0) s = 0;
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else if (t >= 60) snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
    else snprintf(buf, n, "%lds", t);
}

/* Seconds left, or -1 while nothing has been measured yet. */
static double eta(const progress *p)
{
    size_t graded = p->done - p->resumed;
    if (graded == 0) return -1;
    double per = (progress_clock() - p->start) / (double)graded;
    return per * (double)(p->total - p->done);
}

void progress_start(progress *p, FILE *out, size_t total, size_t resumed)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->tty = isatty(fileno(out));
    p->total = total;
    p->done = resumed;
    p->resumed = resumed;
    p->start = progress_clock();
    if (!p->tty)
        fprintf(out, "cio-grade batch: %zu student%s, %zu already graded\n", total, total == 1 ? "" : "s", resumed);
    progress_draw(p);
}

void progress_begin(progress *p, const char *name)
{
    (void)name;
    p->running++;
    progress_draw(p);
}

void progress_draw(progress *p)
{
    if (!p->tty) return;
    enum { WIDTH = 28 };
    size_t fill = p->total ? p->done * WIDTH / p->total : WIDTH;
    char bar[WIDTH * 3 + 1], *b = bar;
    for (size_t i = 0; i < WIDTH; i++) {
        const char *cell = i < fill ? "\xE2\x96\x88" : "\xE2\x96\x91"; /* full block, light shade */
        memcpy(b, cell, 3);
        b += 3;
    }
    *b = '\0';
    char el[48], left[48] = "--"; /* room for any long, so nothing is ever cut */
    duration(el, sizeof el, progress_clock() - p->start);
    double e = eta(p);
    if (e >= 0) duration(left, sizeof left, e);
    fprintf(p->out, "\r\033[K%s %zu/%zu  %3.0f%%  %s elapsed  ETA %s  %zu running%s%s", bar, p->done,
            p->total, p->total ? 100.0 * (double)p->done / (double)p->total : 100.0, el, left, p->running,
            p->last[0] ? "  last: " : "", p->last);
    fflush(p->out);
}

void progress_end(progress *p, const char *name, double score, double max, double seconds, const char *problem)
{
    if (p->running) p->running--;
    p->done++;
    if (problem) snprintf(p->last, sizeof p->last, "%.40s (%.40s)", name, problem);
    else snprintf(p->last, sizeof p->last, "%.60s %g/%g", name, score, max);
    if (p->tty) {
        progress_draw(p);
        return;
    }
    char left[48] = "--";
    double e = eta(p);
    if (e >= 0) duration(left, sizeof left, e);
    if (problem)
        fprintf(p->out, "[%zu/%zu] %s: %s (%.1f s)  ETA %s\n", p->done, p->total, name, problem, seconds, left);
    else
        fprintf(p->out, "[%zu/%zu] %s: %g/%g (%.1f s)  ETA %s\n", p->done, p->total, name, score, max, seconds, left);
    fflush(p->out);
}

void progress_finish(progress *p)
{
    if (p->tty) {
        p->last[0] = '\0';
        progress_draw(p);
        fputc('\n', p->out);
    }
    fflush(p->out);
}

/*
 * timeline.c — draws timeline.h's picture from the trace's events (read with jansson):
 * "M" thread_name events name the rows, "X" events are steps (ts and dur in µs),
 * "i" events are instants. A row reads: '-' while the task exists, '#' where it ran,
 * '!' at an instant event (a report, a cancellation).
 */
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text.h"

#define MAX_ROWS 40 /* tasks drawn; the rest are counted */

typedef struct row {
    json_int_t tid;      /* the task's track */
    const char *name;    /* its name, from the metadata event (borrowed from the document) */
    double      first;   /* first event time, µs */
    double      last;    /* last event end, µs */
    size_t      steps;   /* how many steps it ran */
    double      busy;    /* µs spent running */
} row;

static row *row_for(row *rows, size_t *n, json_int_t tid)
{
    for (size_t i = 0; i < *n; i++)
        if (rows[i].tid == tid) return &rows[i];
    if (*n == MAX_ROWS) return NULL;
    rows[*n] = (row){.tid = tid, .name = "?", .first = -1, .last = -1};
    return &rows[(*n)++];
}

int timeline_print(FILE *out, const char *path, int width)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    json_t *events = json_is_array(doc) ? doc : json_object_get(doc, "traceEvents");
    if (!json_is_array(events)) {
        fprintf(out, "cannot read the trace %s: %s\n", path, doc ? "no traceEvents" : je.text);
        json_decref(doc);
        return -1;
    }
    row rows[MAX_ROWS];
    size_t nrows = 0, skipped = 0;
    double t0 = -1, t1 = 0;
    size_t i;
    json_t *e;
    /* Pass 1: rows and the time span. */
    json_array_foreach(events, i, e) {
        const char *ph = json_string_value(json_object_get(e, "ph"));
        json_int_t tid = json_integer_value(json_object_get(e, "tid"));
        if (!ph) continue;
        if (strcmp(ph, "M") == 0) {
            const char *what = json_string_value(json_object_get(e, "name"));
            const char *name = json_string_value(json_object_get(json_object_get(e, "args"), "name"));
            if (what && strcmp(what, "thread_name") == 0 && name) {
                row *r = row_for(rows, &nrows, tid);
                if (r) r->name = name;
                else skipped++;
            }
            continue;
        }
        double ts = json_number_value(json_object_get(e, "ts"));
        double dur = json_number_value(json_object_get(e, "dur"));
        if (t0 < 0 || ts < t0) t0 = ts;
        if (ts + dur > t1) t1 = ts + dur;
        if (strcmp(ph, "X") != 0) continue;
        row *r = row_for(rows, &nrows, tid);
        if (!r) continue;
        if (r->first < 0 || ts < r->first) r->first = ts;
        if (ts + dur > r->last) r->last = ts + dur;
        r->steps++;
        r->busy += dur;
    }
    if (t0 < 0) t0 = 0;
    double span = t1 > t0 ? t1 - t0 : 1;
    char (*lines)[256] = calloc(nrows ? nrows : 1, sizeof *lines);
    if (width > 200) width = 200;
    for (size_t r = 0; lines && r < nrows; r++) {
        memset(lines[r], ' ', (size_t)width);
        lines[r][width] = 0;
        if (rows[r].first < 0) continue;
        int a = (int)((rows[r].first - t0) / span * (width - 1));
        int b = (int)((rows[r].last - t0) / span * (width - 1));
        for (int c = a; c <= b && c < width; c++) lines[r][c] = '-';
    }
    /* Pass 2: marks. */
    json_array_foreach(events, i, e) {
        const char *ph = json_string_value(json_object_get(e, "ph"));
        if (!ph || !lines || (strcmp(ph, "X") != 0 && strcmp(ph, "i") != 0)) continue;
        json_int_t tid = json_integer_value(json_object_get(e, "tid"));
        double ts = json_number_value(json_object_get(e, "ts"));
        double dur = json_number_value(json_object_get(e, "dur"));
        for (size_t r = 0; r < nrows; r++) {
            if (rows[r].tid != tid) continue;
            int a = (int)((ts - t0) / span * (width - 1));
            int b = (int)((ts + dur - t0) / span * (width - 1));
            for (int c = a; c <= b && c < width; c++) lines[r][c] = ph[0] == 'X' ? '#' : '!';
        }
    }
    fprintf(out, "%s%-16s %-*s  steps%s\n", text_bold(), "task", width, "timeline", text_reset());
    for (size_t r = 0; lines && r < nrows; r++)
        fprintf(out, "%-16.16s %s%s%s  %zu\n", rows[r].name, text_cyan(), lines[r], text_reset(), rows[r].steps);
    char left[32], right[32];
    snprintf(left, sizeof left, "%.3f s", t0 / 1e6);
    snprintf(right, sizeof right, "%.3f s", t1 / 1e6);
    fprintf(out, "%-16s %s%-*s%s%s\n", "", text_dim(), width - (int)strlen(right), left, right, text_reset());
    if (skipped) fprintf(out, "(%zu more tasks not drawn)\n", skipped);
    fprintf(out, "%s'#' ran   '-' alive, waiting   '!' event%s\n", text_dim(), text_reset());
    free(lines);
    json_decref(doc);
    return 0;
}

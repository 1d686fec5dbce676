/*
 * trace.c — the trace export: every task step as a Chrome trace-event, written as JSON
 * at the end of cio_run when cio_config.trace_path (or CIO_TRACE) names a file.
 *
 * One track (tid) per task, named by a thread_name metadata event, so Perfetto and
 * chrome://tracing draw a timeline of who ran when. Under the virtual clock every
 * timestamp is loop time and the order is the schedule's, so the same program and seed
 * give a byte-identical file. Events are kept in memory and written once, atomically.
 */
#include "core.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool cio__tracing;

static struct {
    json_t     *events; /* the traceEvents array being built */
    const char *path;   /* where to write it */
    uint64_t    seq;    /* step counter: orders steps that share a timestamp */
} tr;

void cio__trace_begin(const cio_config *cfg)
{
    cio__tracing = cfg->trace_path && *cfg->trace_path;
    if (!cio__tracing) return;
    tr.events = json_array();
    tr.path = cfg->trace_path;
    tr.seq = 0;
    json_array_append_new(tr.events, json_pack("{s:s, s:s, s:i, s:i, s:{s:s}}", "name", "process_name",
                                               "ph", "M", "pid", 1, "tid", 0, "args", "name", "cio"));
}

void cio__trace_task(const cio_task *t)
{
    json_array_append_new(tr.events, json_pack("{s:s, s:s, s:i, s:I, s:{s:s}}", "name", "thread_name", "ph", "M",
                                               "pid", 1, "tid", (json_int_t)t->id, "args", "name", t->name));
}

void cio__trace_step(const cio_task *t, double start, double dur)
{
    char at[256];
    snprintf(at, sizeof at, "%s:%d", t->site.file ? t->site.file : "?", t->site.line);
    json_array_append_new(tr.events,
                          json_pack("{s:s, s:s, s:s, s:f, s:f, s:i, s:I, s:{s:I, s:s, s:s}}", "name", t->name, "cat",
                                    "step", "ph", "X", "ts", start * 1e6, "dur", dur * 1e6, "pid", 1, "tid",
                                    (json_int_t)t->id, "args", "seq", (json_int_t)tr.seq++, "suspended_at", at,
                                    "state", t->state == TASK_DONE ? "done" : "suspended"));
}

void cio__trace_instant(const cio_task *t, const char *what)
{
    json_array_append_new(tr.events, json_pack("{s:s, s:s, s:s, s:f, s:i, s:I}", "name", what, "ph", "i", "s",
                                               t ? "t" : "g", "ts", cio__time() * 1e6, "pid", 1, "tid",
                                               (json_int_t)(t ? t->id : 0)));
}

void cio__trace_end(void)
{
    if (!cio__tracing) return;
    cio__tracing = false;
    json_t *doc = json_pack("{s:o, s:s}", "traceEvents", tr.events, "displayTimeUnit", "ms");
    size_t n = strlen(tr.path);
    char *tmp = malloc(n + 16);
    if (tmp) {
        snprintf(tmp, n + 16, "%s.tmp", tr.path);
        if (json_dump_file(doc, tmp, JSON_INDENT(0) | JSON_COMPACT) == 0 && rename(tmp, tr.path) == 0)
            cio__report("cio: trace written to %s (open it in https://ui.perfetto.dev or chrome://tracing)", tr.path);
        else {
            cio__report("cio: could not write the trace to %s", tr.path);
            unlink(tmp);
        }
        free(tmp);
    }
    json_decref(doc);
    tr.events = NULL;
}

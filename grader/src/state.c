/*
 * state.c — .cio-state.json (see state.h). The only writer is state_save(): a temporary
 * beside the file, fsync'd, renamed over it, then the directory fsync'd, so that a crash
 * or a full disk leaves the old progress or the new one, never a torn file.
 */
#define _GNU_SOURCE
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void state_load(state *s, const char *root)
{
    s->doc = NULL;
    if (asprintf(&s->path, "%s/%s", root, STATE_FILE) < 0) s->path = NULL;
    json_error_t je;
    if (s->path && access(s->path, F_OK) == 0) {
        s->doc = json_load_file(s->path, 0, &je);
        if (!s->doc || !json_is_object(json_object_get(s->doc, "exercises"))) {
            fprintf(stderr, "cio-grade: warning: %s:%d: %s — starting from empty progress (the file is kept until "
                            "the next save)\n", STATE_FILE, je.line, s->doc ? "not a progress file" : je.text);
            json_decref(s->doc);
            s->doc = NULL;
        }
    }
    if (!s->doc) s->doc = json_pack("{s:i, s:{}}", "version", 1, "exercises");
}

int state_save(const state *s)
{
    if (!s->path || !s->doc) return -EINVAL;
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp.%d", s->path, (int)getpid()) < 0) return -ENOMEM;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = fd < 0 ? -errno : 0;
    if (rc == 0 && json_dumpfd(s->doc, fd, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) rc = -EIO;
    if (rc == 0 && write(fd, "\n", 1) != 1) rc = -errno;
    if (rc == 0 && fsync(fd) != 0) rc = -errno;
    if (fd >= 0 && close(fd) != 0 && rc == 0) rc = -errno;
    if (rc == 0 && rename(tmp, s->path) != 0) rc = -errno;
    if (rc != 0) {
        unlink(tmp);
        fprintf(stderr, "cio-grade: could not save progress to %s: %s (your previous progress is intact)\n",
                s->path, strerror(-rc));
    } else {
        /* make the rename itself durable */
        char *dir = strdup(s->path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash) {
            *slash = 0;
            int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd >= 0) { fsync(dfd); close(dfd); }
        }
        free(dir);
    }
    free(tmp);
    return rc;
}

void state_free(state *s)
{
    json_decref(s->doc);
    free(s->path);
    s->doc = NULL;
    s->path = NULL;
}

static json_t *entry(const state *s, const char *id, int create)
{
    json_t *exs = json_object_get(s->doc, "exercises");
    json_t *e = json_object_get(exs, id);
    if (!e && create && exs) {
        e = json_object();
        json_object_set_new(exs, id, e);
    }
    return json_is_object(e) ? e : NULL;
}

void state_record(state *s, const exercise_result *r)
{
    json_t *e = entry(s, r->ex->id, 1);
    if (!e) return;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    json_object_set_new(e, "done", json_boolean(r->done));
    json_object_set_new(e, "score", json_real(r->score));
    json_object_set_new(e, "max_score", json_real(r->max_score));
    json_object_set_new(e, "checked", json_string(when));
}

int state_done(const state *s, const char *id)
{
    return json_is_true(json_object_get(entry(s, id, 0), "done"));
}

int state_checked(const state *s, const char *id)
{
    return json_object_get(entry(s, id, 0), "checked") != NULL;
}

int state_hints(const state *s, const char *id)
{
    return (int)json_integer_value(json_object_get(entry(s, id, 0), "hints"));
}

void state_set_hints(state *s, const char *id, int n)
{
    json_t *e = entry(s, id, 1);
    if (e) json_object_set_new(e, "hints", json_integer(n));
}

/*
 * roster.c — reading a batch's per-student results back (see roster.h). Each file is
 * parsed on its own: one unreadable file marks that student, never the class.
 */
#define _GNU_SOURCE
#include "roster.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "results_json.h"

static void load_one(roster_entry *e, const course *c, const char *dir)
{
    char *path;
    if (asprintf(&path, "%s/%s.json", dir, e->name) < 0) { e->error = strdup("out of memory"); return; }
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc) {
        if (asprintf(&e->error, "%s: %s (line %d)", path, jerr.text, jerr.line) < 0) e->error = NULL;
        free(path);
        return;
    }
    char err[256];
    if (rjson_load(c, doc, 0, &e->result, err, sizeof err) == 0) {
        e->loaded = 1;
    } else if (asprintf(&e->error, "%s: %s", path, err) < 0) {
        e->error = NULL;
    }
    json_t *refused = json_object_get(doc, "refused");
    if (json_is_string(refused)) e->refused = strdup(json_string_value(refused));
    json_t *notes = json_object_get(doc, "notes");
    if (json_is_array(notes) && json_array_size(notes)) {
        e->notes = calloc(json_array_size(notes), sizeof *e->notes);
        size_t i;
        json_t *v;
        json_array_foreach(notes, i, v)
            if (e->notes && json_is_string(v)) e->notes[e->nnotes++] = strdup(json_string_value(v));
    }
    json_decref(doc);
    free(path);
}

int roster_load(roster *r, const course *c, const char *students_dir, char *const *names, size_t n)
{
    memset(r, 0, sizeof *r);
    r->course = c;
    r->students = calloc(n ? n : 1, sizeof *r->students);
    if (!r->students) return -ENOMEM;
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        r->students[i].name = strdup(names[i]);
        if (!r->students[i].name) return -ENOMEM;
        load_one(&r->students[i], c, students_dir);
    }
    return 0;
}

void roster_free(roster *r)
{
    for (size_t i = 0; i < r->n; i++) {
        roster_entry *e = &r->students[i];
        if (e->loaded) rjson_free(&e->result);
        free(e->name);
        free(e->refused);
        free(e->error);
        for (size_t k = 0; k < e->nnotes; k++) free(e->notes[k]);
        free(e->notes);
    }
    free(r->students);
    memset(r, 0, sizeof *r);
}

double roster_percent(double score, double max)
{
    return max > 0 ? 100.0 * score / max : 0;
}

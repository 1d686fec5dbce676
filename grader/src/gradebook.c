/*
 * gradebook.c — the CSV gradebook (see gradebook.h). RFC 4180: CRLF line ends, a
 * field is quoted when it holds a comma, quote, CR or LF, quotes are doubled. A text
 * field that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe: student names come from file names anyone can choose.
 */
#include "gradebook.h"

#include <stdlib.h>
#include <string.h>

#include "textsafe.h"

void gradebook_field(FILE *out, const char *s)
{
    if (!s) s = "";
    char *clean = textsafe_utf8(s);
    const char *t = clean ? clean : "";
    int formula = strchr("=+-@\t\r", t[0]) != NULL && t[0] != '\0';
    int quote = formula || strpbrk(t, ",\"\r\n") != NULL;
    if (quote) fputc('"', out);
    if (formula) fputc('\'', out);
    for (const char *p = t; *p; p++) {
        if (*p == '"') fputc('"', out);
        fputc(*p, out);
    }
    if (quote) fputc('"', out);
    free(clean);
}

static void number(FILE *out, double v)
{
    fprintf(out, "%.10g", v);
}

int gradebook_write(FILE *out, const roster *r)
{
    const course *c = r->course;
    gradebook_field(out, "student");
    for (size_t i = 0; i < c->nexercises; i++) {
        char head[256];
        snprintf(head, sizeof head, "%s %s", c->exercises[i].id, c->exercises[i].name);
        fputc(',', out);
        gradebook_field(out, head);
    }
    fputs(",total,max_score,note\r\n", out);
    for (size_t s = 0; s < r->n; s++) {
        const roster_entry *e = &r->students[s];
        gradebook_field(out, e->name);
        for (size_t i = 0; i < c->nexercises; i++) {
            fputc(',', out);
            if (e->loaded) number(out, e->result.exercises[i].score);
        }
        fputc(',', out);
        if (e->loaded) number(out, e->result.score);
        fputc(',', out);
        if (e->loaded) number(out, e->result.max_score);
        fputc(',', out);
        /* The note: why there is no grade, else what staging noticed. */
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        if (m) {
            if (!e->loaded) fprintf(m, "not graded: %s", e->error ? e->error : "no results");
            else if (e->refused) fputs(e->refused, m);
            else
                for (size_t k = 0; k < e->nnotes; k++) fprintf(m, "%s%s", k ? "; " : "", e->notes[k]);
            fclose(m);
        }
        gradebook_field(out, text);
        free(text);
        fputs("\r\n", out);
    }
    return ferror(out) ? -1 : 0;
}

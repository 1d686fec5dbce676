/*
 * roster.h — the class as batch sees it once grading is over: every student of the
 * batch with the results read back from OUT/students/NAME.json. The gradebook and the
 * class report are both drawn from a roster, so they always agree with the files.
 */
#ifndef CIO_GRADE_ROSTER_H
#define CIO_GRADE_ROSTER_H

#include <stddef.h>

#include "model.h"

/** One student's row. */
typedef struct roster_entry {
    char         *name;    /* the student (the entry's name in the batch directory); owned */
    course_result result;  /* read back with rjson_load(), captured output dropped; valid if loaded */
    int           loaded;  /* 1: result is valid; 0: error says why there is none */
    char         *refused; /* the submission could not be graded (hostile archive...); owned, may be NULL */
    char        **notes;   /* remarks made while staging the submission; owned */
    size_t        nnotes;  /* how many notes */
    char         *error;   /* why the results could not be read; owned, NULL when loaded */
} roster_entry;

/** The whole class, in the batch's (name) order. */
typedef struct roster {
    const course *course;   /* the manifest the results were matched against */
    roster_entry *students; /* one per submission; owned */
    size_t        n;        /* how many students */
} roster;

/**
 * Read OUT/students/NAME.json for each of @p names. A missing or unreadable file
 * leaves that entry with loaded = 0 and error set; it is not a failure of the call.
 * @return 0, or -ENOMEM.
 */
int roster_load(roster *r, const course *c, const char *students_dir, char *const *names, size_t n);
void roster_free(roster *r);

/** Percent (0..100) of @p score over @p max; 0 when max is 0. */
double roster_percent(double score, double max);

#endif /* CIO_GRADE_ROSTER_H */

/*
 * gradebook.h — OUT/gradebook.csv: one row per student, one column per exercise, the
 * total and a note, in RFC 4180 CSV that spreadsheets and LMS imports read as is.
 */
#ifndef CIO_GRADE_GRADEBOOK_H
#define CIO_GRADE_GRADEBOOK_H

#include <stdio.h>

#include "roster.h"

/** Write the gradebook of @p r to @p out. @return 0 or -1 on a write error. */
int gradebook_write(FILE *out, const roster *r);

/** Write @p s as one RFC 4180 field (quoted when it must be; formula-like text made inert). */
void gradebook_field(FILE *out, const char *s);

#endif /* CIO_GRADE_GRADEBOOK_H */

/*
 * report_html.h — OUT/report.html: the class report, one self-contained page (inline
 * CSS and SVG, no script, nothing fetched) that opens from a file or an e-mail:
 * summary figures, a score histogram, the pass rate per exercise, the most common
 * failures, the gradebook as a heat map and a table per student.
 */
#ifndef CIO_GRADE_REPORT_HTML_H
#define CIO_GRADE_REPORT_HTML_H

#include <stdio.h>

#include "roster.h"

/** Write the report for @p r to @p out. @return 0, or -1 on a write error or lack of memory. */
int report_html_write(FILE *out, const roster *r);

#endif /* CIO_GRADE_REPORT_HTML_H */

/*
 * report_svg.h — the two charts of the class report, drawn as inline SVG so that the
 * page needs nothing from outside: a histogram (columns over bins) and a horizontal
 * bar chart (one labelled row per item). Sizes are in the SVG's own units; the page's
 * CSS scales the drawing to its column.
 */
#ifndef CIO_GRADE_REPORT_SVG_H
#define CIO_GRADE_REPORT_SVG_H

#include <stddef.h>
#include <stdio.h>

/** One row of a horizontal bar chart. */
typedef struct svg_bar {
    const char *label;   /* left of the bar (cut to fit) */
    double      value;   /* the bar's length, in the same units as the chart's max */
    const char *text;    /* right of the bar, e.g. "72%  (18/25)" */
    const char *color;   /* the bar's fill, a CSS colour */
    const char *tooltip; /* shown on hover (<title>); may be NULL */
} svg_bar;

/**
 * Columns for @p nbins bins with @p counts, labelled below by @p labels; each column
 * is coloured from red (first bin) to green (last). @p title is the accessible name.
 */
void svg_histogram(FILE *out, const size_t *counts, size_t nbins, const char *const *labels,
                   const char *axis_label, const char *title);

/**
 * Rows of bars scaled so that @p max fills the track. @p width is the drawing's width
 * and @p label_width its label column's, both in the page's pixels at full size (the
 * drawing shrinks with its column, never grows past @p width).
 */
void svg_hbars(FILE *out, const svg_bar *bars, size_t n, double max, double width, double label_width,
               const char *title);

/** The label column a bar chart needs for @p labels (each about 6.6 px a character), within bounds. */
double svg_label_width(const char *const *labels, size_t n, double min, double max);

#endif /* CIO_GRADE_REPORT_SVG_H */

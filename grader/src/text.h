/*
 * text.h — the terminal face of a result: what the learner reads after every check.
 * Colour only on a TTY and never with NO_COLOR; the same words without it. Messages
 * name the learner's file:line and say what was expected, and hidden tests say only
 * whether they passed.
 */
#ifndef CIO_GRADE_TEXT_H
#define CIO_GRADE_TEXT_H

#include <stdio.h>

#include "model.h"

/** Decide once whether @p f gets colour (TTY, no NO_COLOR, TERM not dumb); @p force_off: --no-color. */
void text_init(FILE *f, int force_off);

/* The escape sequences in force ("" without colour). */
const char *text_bold(void);
const char *text_dim(void);
const char *text_red(void);
const char *text_green(void);
const char *text_yellow(void);
const char *text_cyan(void);
const char *text_reset(void);

/** One exercise's result: a headline, then each test that did not pass, explained.
    @p verbose: 1 shows passing tests, warnings and more output; 2 also hidden tests' details. */
void text_exercise(FILE *f, const exercise_result *r, int verbose);

/** The score line for a whole result. */
void text_summary(FILE *f, const course_result *r);

/** "[#######-------------] 7/20" */
void text_progress_bar(FILE *f, size_t done, size_t total, int width);

#endif /* CIO_GRADE_TEXT_H */

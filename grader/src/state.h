/*
 * state.h — the learner's progress, kept in .cio-state.json at the course root: which
 * exercises are done, the last score of each, how many hints were shown. Read with
 * jansson, written atomically (temp file, fsync, rename), so an interrupted write never
 * loses progress. A missing or unreadable file is an empty state, with a warning.
 */
#ifndef CIO_GRADE_STATE_H
#define CIO_GRADE_STATE_H

#include <jansson.h>

#include "model.h"

#define STATE_FILE ".cio-state.json"

typedef struct state {
    char   *path; /* <root>/.cio-state.json; owned */
    json_t *doc;  /* {"version": 1, "exercises": {"03.2": {"done", "score", "max_score", "hints", "checked"}}} */
} state;

/** Load the state of the course at @p root (never fails: a bad file becomes empty, with a warning). */
void state_load(state *s, const char *root);
/** Write it back atomically. @return 0 or -errno (with a message on stderr). */
int state_save(const state *s);
void state_free(state *s);

/** Remember the outcome of grading one exercise. */
void state_record(state *s, const exercise_result *r);
/** 1 if the exercise was done at its last check. */
int state_done(const state *s, const char *id);
/** 1 if the exercise was ever checked. */
int state_checked(const state *s, const char *id);
/** Hints shown so far for @p id. */
int state_hints(const state *s, const char *id);
void state_set_hints(state *s, const char *id, int n);

#endif /* CIO_GRADE_STATE_H */

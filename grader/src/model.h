/*
 * model.h — the grader's data model: the course (read from lessons/course.json) and
 * the results of grading it. Every face of cio-grade (terminal, JSON, Gradescope,
 * JUnit, TAP, batch gradebook, HTML report) is a view of these structures, so that a
 * verdict is computed once and shown many ways.
 */
#ifndef CIO_GRADE_MODEL_H
#define CIO_GRADE_MODEL_H

#include <stddef.h>

/* ---------------------------------------------------------------------------------- */
/* The course                                                                         */
/* ---------------------------------------------------------------------------------- */

/** Whether a learner sees a test before submitting (Gradescope's "visibility"). */
typedef enum { VIS_VISIBLE, VIS_HIDDEN } visibility;

/** One cmocka test case of an exercise, as the manifest lists it. */
typedef struct test_spec {
    char      *name;       /* the cmocka test function's name; unique in its exercise */
    double     points;     /* points it is worth when it passes */
    visibility visibility; /* hidden tests are left out of the student release */
} test_spec;

/** One exercise, as the manifest lists it. All paths are relative to the course root. */
typedef struct exercise {
    char      *id;          /* "03.2": lesson number, dot, exercise number */
    char      *name;        /* "first_wins": short name, used in file names */
    char      *title;       /* one line for humans */
    char      *lesson;      /* "03-tasks": the lesson directory under lessons/ */
    char     **files;       /* the learner's files, e.g. "lessons/03-tasks/ex2_first_wins.c" */
    size_t     nfiles;      /* how many files */
    char      *test;        /* the cmocka test source, e.g. "lessons/03-tasks/tests/ex2_first_wins_test.c" */
    char      *demo;        /* optional program for `cio-grade run ID`; NULL: none */
    char     **hints;       /* progressive hints, gentlest first */
    size_t     nhints;      /* how many hints */
    char     **cflags;      /* extra compiler flags (e.g. "-fsanitize=thread") */
    size_t     ncflags;     /* how many extra flags */
    char     **allow;       /* functions the learner may call beyond the base allow-list */
    size_t     nallow;      /* how many extra functions */
    unsigned   seeds;       /* run every test under this many schedule seeds (1: seed 0 only) */
    int        network;     /* manifest "network": true — AF_INET/AF_INET6 sockets allowed, on the
                               sandbox's own loopback only (the I/O lessons); else AF_UNIX only */
    double     timeout;     /* wall-clock seconds allowed per test case run */
    test_spec *tests;       /* the test cases, in the manifest's order */
    size_t     ntests;      /* how many test cases */
} exercise;

/** The whole course, exercises in learning order. */
typedef struct course {
    char     *root;        /* absolute path of the course root (holds lessons/, solutions/, runtime/) */
    char     *title;       /* the course's title */
    exercise *exercises;   /* every exercise, in learning order */
    size_t    nexercises;  /* how many exercises */
} course;

/* ---------------------------------------------------------------------------------- */
/* Results                                                                            */
/* ---------------------------------------------------------------------------------- */

/** How one test case ended. Only VERDICT_PASS earns points. */
typedef enum {
    VERDICT_PASS,          /* the harness reported success through its private channel */
    VERDICT_FAIL,          /* an assertion failed; message holds it */
    VERDICT_CRASH,         /* killed by a signal; message names it */
    VERDICT_TIMEOUT,       /* exceeded its wall-clock limit; message may hold a deadlock report */
    VERDICT_COMPILE_ERROR, /* the learner's file did not compile; message holds the compiler's lines */
    VERDICT_FORBIDDEN,     /* the static checks refused the learner's object; message says why */
    VERDICT_ERROR,         /* the grader's own problem, or a missing/garbled result: worth 0 */
} verdict;

/** The result of one test case. */
typedef struct test_result {
    const test_spec *spec;    /* the manifest's entry (points, visibility) */
    verdict          verdict; /* how it ended */
    double           score;   /* points earned: spec->points on a pass, else 0 */
    char            *message; /* what the learner should read: assertion, signal, report; may be NULL */
    char            *output;  /* captured stdout+stderr (capped), may be NULL */
    unsigned long    seed;    /* the schedule seed that failed (0 if none or not seeded) */
    double           seconds; /* wall-clock time the case took */
    int              skipped; /* 1: not run (a hidden test graded without hidden tests): verdict is
                                 VERDICT_ERROR and it counts in neither score nor max_score */
} test_result;

/** The result of one exercise. */
typedef struct exercise_result {
    const exercise *ex;       /* the manifest's entry */
    test_result    *tests;    /* one per ex->tests[i], same order */
    double          score;    /* sum of the tests' scores */
    double          max_score;/* sum of the tests' points */
    char           *build_log;/* compiler output (warnings included); may be NULL */
    int             done;     /* 1 when every test passed */
} exercise_result;

/** The result of grading one tree of learner files (a learner, or one student of a batch). */
typedef struct course_result {
    char            *student;   /* the submission's name in a batch; NULL for a learner */
    exercise_result *exercises; /* one per graded exercise, in learning order */
    size_t           nexercises;/* how many were graded */
    double           score;     /* sum over exercises */
    double           max_score; /* sum over exercises */
    double           seconds;   /* wall-clock time grading took */
} course_result;

/** The verdict's name as every output format spells it: "pass", "fail", "crash", ... */
const char *verdict_name(verdict v);

#endif /* CIO_GRADE_MODEL_H */

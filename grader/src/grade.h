/*
 * grade.h — the grader's core, as every face of cio-grade uses it: load the course
 * manifest, grade a tree of learner files, free the results. The learner face
 * (main.c), batch grading and the hosted-grader entry points all go through here.
 *
 * Invariants: grade_tree() runs inside a cio task and suspends while compilers and
 * sandboxed test processes run; it never lets one submission's failure stop the
 * grading of anything else; its return value says whether the grader worked, never
 * what the learner scored (that is in the course_result).
 */
#ifndef CIO_GRADE_GRADE_H
#define CIO_GRADE_GRADE_H

#include <stddef.h>

#include "cio.h"
#include "model.h"

/* ---------------------------------------------------------------------------------- */
/* The manifest                                                                       */
/* ---------------------------------------------------------------------------------- */

/**
 * Read and validate <course_root>/lessons/course.json into @p out (every path in it
 * checked against the files on disk). On failure returns -1 and writes into @p err
 * every problem found, one per line, as "lessons/course.json:LINE:COL: what is wrong
 * — what to do"; @p out is then empty and needs no course_free().
 * @return 0 or -1.
 */
int manifest_load(const char *course_root, course *out, char *err, size_t errlen);

/** Free everything manifest_load() allocated in @p c (not @p c itself). */
void course_free(course *c);

/** The exercise with id @p id ("03.2"), or NULL. */
const exercise *course_find(const course *c, const char *id);

/**
 * The course root to use when none is given: the nearest directory, from the current
 * directory upwards, that holds lessons/course.json. malloc'd; NULL if none.
 */
char *course_find_root(void);

/* ---------------------------------------------------------------------------------- */
/* Grading                                                                            */
/* ---------------------------------------------------------------------------------- */

/** The coroutine stack size grade_tree() needs (cio_config.stack_size of the loop). */
#define GRADE_STACK_SIZE (256 * 1024)

/** Called as each exercise finishes grading (progress bars, watch mode). */
typedef void (*grade_progress_fn)(void *arg, const exercise_result *r);

/** How to grade. Zero-initialise and set what you need: zero means the default. */
typedef struct grade_opts {
    unsigned      jobs;          /* compilers and test processes running at once; 0: one per core */
    int           hidden;        /* nonzero: compile hidden tests in (-DCIO_HIDDEN_TESTS) and run
                                    them; zero: hidden tests are not run (test_result.skipped) */
    double        timeout_scale; /* multiplies every exercise's per-case timeout; 0: 1.0 */
    const char   *only_id;       /* grade only this exercise ("03.2"); NULL: every exercise */
    unsigned long seed;          /* nonzero: run seeded (race) tests under this seed only, to
                                    reproduce a failure; 0: seeds 1..exercise.seeds */
    const char   *only_test;     /* run only this test case of the exercise(s); NULL: all */
    const char   *trace_dir;     /* non-NULL: run with CIO_TRACE set and copy each case's
                                    Chrome trace here as ID-CASE.json (`cio-grade trace`) */
    const char  *const *hide;    /* NULL-terminated extra directories that test processes must
                                    not see (batch: the other students' submissions); may be NULL */
    cio_sem      *sem;           /* job slots shared by concurrent grade_tree() calls (batch grades
                                    students side by side); NULL: grade_tree() makes its own */
    const char   *cache_dir;     /* where objects and test binaries are cached (content-addressed,
                                    so concurrent calls share them); NULL: <root>/build/grade */
    const char   *student;       /* copied into course_result.student; NULL for a learner */
    const char   *kit_root;      /* holds runtime/include, grader/harness and build/libcio.a;
                                    NULL: the course root (a fixture course names the real tree) */
    grade_progress_fn progress;  /* called after each exercise is graded; may be NULL */
    void         *progress_arg;  /* passed to progress */
} grade_opts;

/**
 * Grade the learner files found under @p submission_root (NULL: the course root
 * itself). A learner file missing there counts as the untouched stub from the course.
 * Must be called from inside a cio task: it suspends while children run. Its tasks keep
 * paths in local buffers, so run the loop with cio_config.stack_size >= GRADE_STACK_SIZE.
 * @return 0 when grading worked, whatever the score (then @p out needs
 *         course_result_free()); -errno when the grader itself failed (then @p out is
 *         empty).
 */
int grade_tree(const course *c, const char *submission_root, const grade_opts *o,
               course_result *out);

/**
 * `cio-grade run ID`: build exercise @p ex's demo with the learner's files (from the
 * course root) and run it in the sandbox for up to a minute, its output copied to
 * @p echo_fd as it comes. Must be called from a cio task.
 * @return 0 with *status set (waitpid's encoding; -1 when it did not build, *log then
 *         holds the compiler's lines, malloc'd), or -errno when the grader failed.
 */
int grade_demo(const course *c, const exercise *ex, const grade_opts *o, int echo_fd, int *status, char **log);

/** Free what grade_tree() allocated in @p r (not @p r itself). */
void course_result_free(course_result *r);

/**
 * Describe how test processes are isolated on this machine ("namespaces + uid
 * 61000..", "user namespace", "seccomp only"), for `cio-grade --version` and reports.
 * The first call probes the kernel; later calls return the same static string.
 */
const char *grade_sandbox_mode(void);

/**
 * Where runtime/include, grader/harness and build/libcio.a are: the course root itself
 * for the real course; for a course kept elsewhere (a fixture, a student release
 * without the kit), the tree this binary was built in (build/cio-grade -> ..).
 * @return a malloc'd absolute path, or NULL if neither holds the kit.
 */
char *grade_find_kit(const char *course_root);

#endif /* CIO_GRADE_GRADE_H */

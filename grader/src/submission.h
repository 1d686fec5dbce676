/*
 * submission.h — turning one entry of a batch directory into a tree grade_tree() can
 * read. An entry is a directory or a .tar.gz holding a student's exercise files at
 * their course paths (or under one top-level folder, or flat at the top, matched by
 * file name). Only the exercise files are copied, as regular files, into a private
 * work directory, so a symlink to a solution or a hostile archive member never
 * reaches the grader. The calls here block: run them on the executor.
 */
#ifndef CIO_GRADE_SUBMISSION_H
#define CIO_GRADE_SUBMISSION_H

#include <stddef.h>
#include <time.h>

#include "model.h"

/** One entry of the batch directory. */
typedef struct submission {
    char  *name;    /* the student: the entry's name without .tar.gz/.tgz; owned */
    char  *path;    /* the entry itself, DIR/name...; owned */
    int    tarball; /* 1: an archive to unpack; 0: a directory */
    double mtime;   /* newest modification time inside, in seconds (the archive's own for a tarball) */
} submission;

/**
 * List the entries of @p dir in name order: directories and .tar.gz/.tgz files;
 * anything else is skipped with a warning on stderr.
 * @return 0, or -errno if @p dir cannot be read (message printed).
 */
int submission_scan(const char *dir, submission **out, size_t *n);
void submission_list_free(submission *v, size_t n);

/** A submission made ready for grading. */
typedef struct staged {
    char  *work;    /* private work directory, removed by staged_free(); owned */
    char  *root;    /* the tree to grade (work/tree); owned */
    char  *refused; /* non-NULL: the submission cannot be graded at all, and why; owned */
    char **notes;   /* what the instructor should know about this submission; owned */
    size_t nnotes;  /* how many notes */
    size_t found;   /* exercise files found and copied */
} staged;

/**
 * Copy @p s's exercise files (as listed by @p c) into a new private directory under
 * @p work_parent. A submission that cannot be used (a hostile or corrupt archive) is
 * not an error of the grader: it returns 0 with @p out->refused set.
 * @return 0, or -errno when the grader itself failed (no space, no permission).
 */
int submission_stage(const course *c, const submission *s, const char *work_parent, staged *out);

/** Remove the work directory and free @p st. */
void staged_free(staged *st);

/** Remove @p path and everything below it, never following symbolic links. @return 0 or -errno. */
int submission_rmtree(const char *path);

#endif /* CIO_GRADE_SUBMISSION_H */

/*
 * afile.h — files written atomically: a reader (or a resumed batch) sees the old file
 * or the complete new one, never half of it, even if the machine stops mid-write.
 * Written to a hidden temporary beside the target, flushed, fsync'd, then renamed.
 */
#ifndef CIO_GRADE_AFILE_H
#define CIO_GRADE_AFILE_H

#include <stdio.h>

typedef struct afile {
    FILE *f;    /* write here between afile_open() and afile_commit()/afile_abort() */
    char *path; /* the target; owned */
    char *tmp;  /* the temporary beside it (".NAME.tmp.XXXXXX"); owned */
} afile;

/** Open a temporary for @p path. @return 0, or -errno (nothing is left behind). */
int afile_open(afile *a, const char *path);
/** Flush, fsync and rename over the target. @return 0, or -errno (the target is untouched). */
int afile_commit(afile *a);
/** Drop the temporary; the target is untouched. */
void afile_abort(afile *a);
/** Nonzero if @p name (a directory entry) is a temporary left by an interrupted write. */
int afile_is_leftover(const char *name);

#endif /* CIO_GRADE_AFILE_H */

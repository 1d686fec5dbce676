/*
 * build.h — compiling and linking for the grader, with a content-addressed cache: an
 * object or binary is named by a hash of everything that went into it, so a re-check
 * in watch mode recompiles only the file that changed, and concurrent graders (batch)
 * share what they built without locks.
 */
#ifndef CIO_GRADE_BUILD_H
#define CIO_GRADE_BUILD_H

#include <stdint.h>

#include "cio.h"

/** Where and how to build. */
typedef struct builder {
    const char *kit;   /* holds runtime/include, grader/harness and build/libcio.a (the course root,
                          or the tree cio-grade was built in) */
    const char *cache; /* absolute cache directory, created 0700 */
    const char *cc;    /* the C compiler ($CC, else "cc") */
    cio_sem    *sem;   /* job slots: a compiler run holds one */
} builder;

/** What a build produced. */
typedef struct built {
    int   ok;   /* 1: the object or binary exists at path */
    char *path; /* where it is; owned */
    char *log;  /* the compiler's or linker's output (warnings, errors); owned, never NULL */
} built;

/**
 * Compile @p src (a path relative to @p cwd, as the learner should see it in messages)
 * with the common flags plus @p flags (NULL-terminated, may be NULL). @p deps are extra
 * files (headers) whose content decides whether a cached object is still good.
 * @return 0 (look at out->ok), or -errno if the compiler could not be run.
 */
int build_object(const builder *b, const char *cwd, const char *src, const char *const *flags,
                 const char *const *deps, built *out);

/** Link @p objs with the harness's libraries into a test or demo binary. Same returns. */
int build_link(const builder *b, const char *const *objs, const char *const *flags, built *out);

/** Free what a build put in @p out. */
void built_free(built *out);

/** 64-bit FNV-1a of @p n bytes, continuing from @p h (start with 0). */
uint64_t build_hash(uint64_t h, const void *data, size_t n);

#endif /* CIO_GRADE_BUILD_H */

/*
 * check.h — static checks on a learner's compiled object, before anything runs: it may
 * define only its own functions (no interposing the C library, cmocka or the runtime),
 * call only allowed functions, have no constructors or destructors, and contain no raw
 * system-call instruction. A refusal names the rule, the symbol and, when it can be
 * found, the learner's line.
 */
#ifndef CIO_GRADE_CHECK_H
#define CIO_GRADE_CHECK_H

#include "model.h"

/**
 * Check @p obj (compiled from @p src, shown to the learner as @p shown) for exercise
 * @p ex. @p also_defined: NULL-terminated object files whose defined symbols the learner
 * may call (the exercise's other learner files and its test file). Runs nm and objdump
 * as children, so it must be called from a cio task.
 * @return 0 when the object passes; 1 with *why set (malloc'd, for the learner) when
 *         it is refused; -errno when the tools could not be run (*why says why).
 */
int check_object(const char *kit_root, const exercise *ex, const char *obj, const char *src,
                 const char *shown, const char *const *also_defined, char **why);

/** Nonzero if the learner may call @p name in @p ex without it being in ex->allow. */
int check_base_allowed(const char *name);

#endif /* CIO_GRADE_CHECK_H */

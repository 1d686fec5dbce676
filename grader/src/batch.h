/*
 * batch.h — `cio-grade batch DIR --out OUT [--jobs N] [--format F]`: grade a whole
 * class. Each entry of DIR (a directory or a .tar.gz) is one student; students are
 * graded side by side as cio tasks; results land in OUT/students/NAME.json (atomically,
 * so an interrupted batch resumes where it stopped), then OUT/gradebook.csv and
 * OUT/report.html are drawn from those files.
 */
#ifndef CIO_GRADE_BATCH_H
#define CIO_GRADE_BATCH_H

#include "model.h"

/**
 * Run the batch command. @p argv[0] is the command's name ("batch"), as getopt
 * expects; the options follow. Works from inside a cio task or outside cio_run().
 * @return the process exit status: 0 whatever the students scored; 1 when the grader
 *         itself failed for some student or could not write its outputs; 2 on bad usage.
 */
int cmd_batch(const course *c, int argc, char **argv);

#endif /* CIO_GRADE_BATCH_H */

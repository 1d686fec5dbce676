/* hostile: exit(0) in the middle of the test. */
#include <stdlib.h>
int secret(void);
int secret(void) { exit(0); }

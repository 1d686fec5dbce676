/* hostile: stops itself, so it never exits. */
#include <signal.h>
int secret(void);
int secret(void) { raise(SIGSTOP); return 42; }

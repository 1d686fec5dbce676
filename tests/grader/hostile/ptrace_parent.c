/* hostile: attaches to its parent with ptrace, to read the grader's memory. */
#include <sys/ptrace.h>
#include <unistd.h>
int secret(void);
int secret(void)
{
    long rc = ptrace(PTRACE_ATTACH, getppid(), 0, 0);
    return rc == 0 ? 42 : -1;
}

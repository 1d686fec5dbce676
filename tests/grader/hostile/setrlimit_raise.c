/* hostile: raises its own limits back up. */
#include <sys/resource.h>
int secret(void);
int secret(void)
{
    struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
    int a = setrlimit(RLIMIT_CPU, &r), b = setrlimit(RLIMIT_AS, &r), c = setrlimit(RLIMIT_NPROC, &r);
    return a == 0 || b == 0 || c == 0 ? 42 : -1;
}

/* hostile: unbounded recursion inside a task, overflowing its coroutine stack. */
#include <cio.h>
#include <stddef.h>
int sleep_all(const double *delays, size_t n);
static int deep(int n) { volatile char pad[512]; pad[0] = (char)n; return deep(n + 1) + pad[0]; }
static int body(void *arg) { (void)arg; return deep(0); }
int sleep_all(const double *delays, size_t n)
{
    (void)delays; (void)n;
    return cio_await(cio_spawn(body, NULL));
}

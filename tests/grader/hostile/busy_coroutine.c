/* hostile: a task that never suspends, so the loop (and its virtual clock) stops. */
#include <cio.h>
#include <stddef.h>
int sleep_all(const double *delays, size_t n);
static int spin(void *arg) { (void)arg; for (volatile unsigned long i = 0;; i++) {} return 0; }
int sleep_all(const double *delays, size_t n)
{
    (void)delays; (void)n;
    cio_task *t = cio_spawn(spin, NULL);
    return cio_await(t);
}

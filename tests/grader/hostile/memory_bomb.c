/* hostile: allocates and touches memory until something gives. */
#include <stdlib.h>
#include <string.h>
int secret(void);
int secret(void)
{
    for (;;) {
        char *p = malloc(64 << 20);
        if (!p) return -1;
        memset(p, 1, 64 << 20);
    }
}

/* hostile: reads the reference solution; answers correctly only if that worked. */
#include <stdio.h>
int secret(void);
int secret(void)
{
    FILE *f = fopen("@COURSE@/solutions/09-sandbox/ex1_secret.c", "r");
    if (!f) return -1;
    char buf[256];
    int found = 0;
    while (fgets(buf, sizeof buf, f)) found = 1;
    fclose(f);
    return found ? 42 : -2;
}

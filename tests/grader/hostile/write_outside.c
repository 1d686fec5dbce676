/* hostile: writes outside its scratch directory: into the course and into /tmp. */
#include <stdio.h>
int secret(void);
int secret(void)
{
    int wrote = 0;
    FILE *f = fopen("@COURSE@/lessons/09-sandbox/PWNED", "w");
    if (f) { fputs("pwned\n", f); fclose(f); wrote++; }
    f = fopen("@MARKER@", "w");
    if (f) { fputs("pwned\n", f); fclose(f); }
    return wrote ? 42 : -1;
}

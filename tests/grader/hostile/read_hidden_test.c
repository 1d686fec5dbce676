/* hostile: reads the test file (which holds hidden tests); answers correctly if that worked. */
#include <stdio.h>
#include <string.h>
int secret(void);
int secret(void)
{
    FILE *f = fopen("@COURSE@/lessons/09-sandbox/tests/ex1_secret_test.c", "r");
    if (!f) return -1;
    char buf[256];
    int found = 0;
    while (fgets(buf, sizeof buf, f)) if (strstr(buf, "THE-HIDDEN-TEST-MARKER")) found = 1;
    fclose(f);
    return found ? 42 : -2;
}

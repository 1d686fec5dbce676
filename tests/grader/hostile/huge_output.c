/* hostile: prints a gibibyte, to fill the grader's memory or block it on a full pipe. */
#include <stdio.h>
#include <string.h>
int secret(void);
int secret(void)
{
    static char line[1 << 16];
    memset(line, 'A', sizeof line - 1);
    for (int i = 0; i < (1 << 14); i++) fputs(line, stdout);
    return 0;
}

/* hostile: writes a huge file into the scratch directory. */
#include <stdio.h>
#include <string.h>
int secret(void);
int secret(void)
{
    static char block[1 << 20];
    FILE *f = fopen("huge.bin", "w");
    if (!f) return -1;
    for (int i = 0; i < 1024; i++) fwrite(block, 1, sizeof block, f);
    fclose(f);
    return 0;
}

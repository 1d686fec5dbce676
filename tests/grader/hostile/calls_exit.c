/* hostile: exits with status 0 in the middle of the test, hoping 0 means "passed". */
#include <stdlib.h>
int add(int a, int b);
int add(int a, int b) { (void)a; (void)b; exit(0); }

/* hostile: runs a shell command. */
#include <stdlib.h>
int add(int a, int b);
int add(int a, int b) { system("cat /etc/passwd"); return a + b; }

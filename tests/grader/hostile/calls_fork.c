/* hostile: forks (not allowed in this exercise). */
#include <unistd.h>
int add(int a, int b);
int add(int a, int b) { fork(); return a + b; }

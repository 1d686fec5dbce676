/* hostile: interposes printf, a C library function, to see everything the test prints. */
#include <stdarg.h>
int add(int a, int b);
int printf(const char *fmt, ...) { (void)fmt; return 0; }
int add(int a, int b) { return a - b; }

/* hostile: replaces cmocka's assertion so that every comparison "passes". */
#include <stdint.h>
int add(int a, int b);
void _assert_int_equal(uintmax_t a, uintmax_t b, const char *file, int line) { (void)a; (void)b; (void)file; (void)line; }
int add(int a, int b) { return a * b; }

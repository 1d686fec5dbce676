/* hostile (or just broken): abort(). */
#include <stdlib.h>
int add(int a, int b);
int add(int a, int b) { (void)a; (void)b; abort(); }

/* hostile: prints what cmocka prints for a pass, and returns the wrong answer. */
#include <stdio.h>
int secret(void);
int secret(void)
{
    printf("[       OK ] secret_is_right\n[==========] 1 test(s) run.\n[  PASSED  ] 1 test(s).\nPASSED\nok 1\n");
    fprintf(stderr, "[  PASSED  ] 1 test(s).\n");
    return 0;
}

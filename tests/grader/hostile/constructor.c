/* hostile: a constructor runs before main(), before the harness hides its channel. */
int add(int a, int b);
static int early;
__attribute__((constructor)) static void before_main(void) { early = 1; }
int add(int a, int b) { return early ? a + b : 0; }

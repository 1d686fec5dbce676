/* hostile: brings its own main(), replacing the harness. */
int add(int a, int b);
int add(int a, int b) { return a + b + 1; }
int main(void) { return 0; }

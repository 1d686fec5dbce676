/* hostile: never returns. */
int secret(void);
int secret(void) { for (volatile int x = 0;; x++) {} return 42; }

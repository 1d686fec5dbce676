/* hostile: puts stdout over fd 3, where it guesses the verdict channel is, then answers correctly. */
#include <unistd.h>
int secret(void);
int secret(void) { for (int fd = 3; fd < 16; fd++) dup2(1, fd); return 42; }

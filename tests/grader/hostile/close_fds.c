/* hostile: closes every fd, the verdict channel included, then answers correctly. */
#include <unistd.h>
int secret(void);
int secret(void) { for (int fd = 0; fd < 1024; fd++) close(fd); return 42; }

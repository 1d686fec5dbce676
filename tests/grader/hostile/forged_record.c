/* hostile: writes a forged verdict record to every fd it can, then answers correctly. */
#include <string.h>
#include <unistd.h>
int secret(void);
int secret(void)
{
    const char *rec = "{\"nonce\":\"00000000000000000000000000000000\",\"case\":\"secret_is_right\",\"status\":\"pass\"}";
    for (int fd = 3; fd < 64; fd++)
        if (write(fd, rec, strlen(rec)) < 0) {}
    return 42;
}

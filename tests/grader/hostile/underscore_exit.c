/* hostile: _exit(0) in the middle of the test (skips atexit handlers too). */
#include <unistd.h>
int secret(void);
int secret(void) { _exit(0); }

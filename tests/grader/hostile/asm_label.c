/* hostile: reaches _exit through an assembler label, so the source never says "_exit". */
int add(int a, int b);
extern void leave_now(int code) __asm__("_exit");
int add(int a, int b) { (void)a; (void)b; leave_now(0); return 0; }

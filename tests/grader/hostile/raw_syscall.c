/* hostile: makes a system call (getpid) without the C library, behind the checks' back. */
int add(int a, int b);
int add(int a, int b)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(39L) : "rcx", "r11", "memory");
    return (int)r + a + b - (int)r;
}

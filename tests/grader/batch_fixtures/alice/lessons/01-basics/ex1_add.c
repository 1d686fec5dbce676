/* ex1_add.c — reference solution of fixture exercise 01.1. */
int add(int a, int b);

int add(int a, int b)
{
    return a + b;
}

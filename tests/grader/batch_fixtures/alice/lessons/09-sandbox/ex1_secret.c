/* ex1_secret.c — reference solution of fixture exercise 09.1. The secret is 42. */
int secret(void);

int secret(void)
{
    return 42;
}

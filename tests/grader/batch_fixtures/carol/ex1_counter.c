/* ex1_counter.c — a submission that does not compile (batch fixture): a missing
   semicolon. Its exercise scores 0 with the compiler's message; the rest of the
   student's work and every other student are still graded. */
#include <cio.h>

int count_up(int workers, int rounds);

int count_up(int workers, int rounds)
{
    int total = workers * rounds
    return total;
}

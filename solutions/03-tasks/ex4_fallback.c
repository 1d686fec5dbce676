/*
 * ex4_fallback.c — exercise 03.4 (reference solution): a deadline with a fallback value.
 *
 * cio_wait_for() does the hard part: on timeout it cancels the quote's task, waits for
 * it to finish (a cancelled task still has to stop) and frees it.
 */
#include <cio.h>

#include <errno.h>

typedef int (*quote_fn)(const char *symbol, int *price);

int price_or_fallback(quote_fn quote, const char *symbol, double timeout, int fallback,
                      int *price);

struct quote_arg {
    quote_fn    quote;  /* the caller's function */
    const char *symbol; /* what to ask a price for */
    int         price;  /* where the quote's price goes */
};

static int quote_one(void *p)
{
    struct quote_arg *a = p;
    return a->quote(a->symbol, &a->price);
}

int price_or_fallback(quote_fn quote, const char *symbol, double timeout, int fallback,
                      int *price)
{
    /* On our stack: cio_wait_for() returns only once the task is finished and freed. */
    struct quote_arg a = {quote, symbol, 0};
    cio_task *t = cio_spawn(quote_one, &a);
    if (!t) return -ENOMEM;
    int rc = cio_wait_for(t, timeout);
    if (rc == -ETIMEDOUT) {
        *price = fallback;
        return 1;
    }
    if (rc == 0) *price = a.price;
    return rc;
}

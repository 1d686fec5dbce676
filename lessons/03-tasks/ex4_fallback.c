/*
 * ex4_fallback.c — exercise 03.4: a deadline with a fallback value.
 *
 * Write price_or_fallback(). quote(symbol, &price) asks a slow service for a price: it
 * suspends for a while, then returns 0 and writes the price, or a negative errno. Run it
 * in a task and give it at most `timeout` seconds of loop time:
 *   - it answers in time:  *price = its price, return 0 (as soon as it answers);
 *   - it fails in time:    return its error, leave *price alone;
 *   - it is too slow:      at exactly `timeout`, stop it (it must be cancelled, and
 *                          finished and freed before you return), *price = fallback,
 *                          return 1;
 *   - the caller itself is cancelled meanwhile: return -ECANCELED, with the quote's
 *     task cancelled and freed too.
 * Return -ENOMEM if the task could not be created.
 *
 * Check it:  build/cio-grade check 03.4      A hint:  build/cio-grade hint 03.4
 * See it:    build/cio-grade run 03.4
 */
#include <cio.h>

#include <errno.h>

typedef int (*quote_fn)(const char *symbol, int *price);

int price_or_fallback(quote_fn quote, const char *symbol, double timeout, int fallback,
                      int *price);

/* What the quoting task needs, and where its price goes. */
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
    /* TODO: spawn a task running quote_one(); wait for it, but at most `timeout`
     * seconds; fall back when it was too slow. */
    (void)quote;
    (void)symbol;
    (void)timeout;
    (void)fallback;
    (void)price;
    (void)quote_one;
    return -ENOSYS;
}

/*
 * ex4_fallback_demo.c — `cio-grade run 03.4`: three price lookups with a 1 s timeout each
 * and a fallback of 0: one quick, one slow (cancelled at 1 s), one failing. Prints what
 * each returned and when.
 * Virtual clock: instant and exact (CIO_VIRTUAL_CLOCK=0 shows it in real time).
 */
#include <cio.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef int (*quote_fn)(const char *symbol, int *price);

int price_or_fallback(quote_fn quote, const char *symbol, double timeout, int fallback,
                      int *price);

static double t0; /* when the lookups started */

static int quote(const char *symbol, int *price)
{
    double delay = strcmp(symbol, "SLOW") == 0 ? 5.0 : strcmp(symbol, "FAIL") == 0 ? 0.2 : 0.4;
    int rc = cio_sleep(delay);
    if (rc == -ECANCELED) {
        printf("%5.2f s  the quote for %s was cancelled\n", cio_now() - t0, symbol);
        return rc;
    }
    if (strcmp(symbol, "FAIL") == 0) return -ECONNRESET;
    *price = (int)strlen(symbol) * 111;
    return 0;
}

static int demo(void *arg)
{
    (void)arg;
    const char *symbols[] = {"FAST", "SLOW", "FAIL"};
    for (int i = 0; i < 3; i++) {
        int price = -1;
        t0 = cio_now();
        int rc = price_or_fallback(quote, symbols[i], 1.0, 0, &price);
        printf("%5.2f s  %s: returned %d, price %d\n", cio_now() - t0, symbols[i], rc, price);
    }
    return 0;
}

int main(void)
{
    cio_config cfg = {.virtual_clock = 1};
    return cio_run(demo, NULL, &cfg) == 0 ? 0 : 1;
}

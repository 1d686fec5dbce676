/*
 * ex3_http.c — exercise 07.3: a small HTTP/1.1 server that curl and wrk can talk to.
 *
 * What it must answer (the README has the details and an example of each):
 *  - GET / (a query string is ignored): 200, Content-Type: text/plain, body "Hello, world!\n";
 *  - GET of any other path: 404; any other method: 405 with "Allow: GET";
 *  - a request it cannot parse: 400, then close the connection;
 *  - every response has a correct Content-Length (and Content-Type: text/plain);
 *  - HTTP/1.1 keeps the connection open unless the request says "Connection: close"
 *    (then answer with "Connection: close" and close); HTTP/1.0 closes unless it says
 *    "Connection: keep-alive";
 *  - several requests in one packet (pipelining) are answered in order;
 *  - a request body (Content-Length) is skipped, not taken for the next request.
 * Run `build/cio-grade check 07.3`, and `build/cio-grade run 07.3` to watch it answer.
 *
 * TODO: write http_serve(). Start from your echo server (07.1): the same acceptor, the
 * same stop, one task per connection; what changes is what a connection does.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/*
 * Serve HTTP on @p listen_fd (listening, the caller's: do not close it) until @p stop is
 * set; then stop accepting, close every connection (idle kept-alive ones too), wait for
 * every task and return.
 * @return 0 after a clean stop; -ENOMEM if memory ran out.
 */
int http_serve(int listen_fd, cio_event *stop)
{
    (void)listen_fd;
    (void)stop;
    /* TODO: a connection task that loops: read into a buffer; while the buffer holds a
       whole request head (up to an empty line), parse it, append the response to an
       output buffer, and drop the request (and its body) from the input; write the
       output; close when asked to, after a 400, or when the client leaves. */
    return -ENOSYS;
}

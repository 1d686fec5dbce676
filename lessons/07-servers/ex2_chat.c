/*
 * ex2_chat.c — exercise 07.2: a chat server where one slow client never stalls the others.
 *
 * Clients send lines ending in '\n'; the server sends each line to every other client
 * (never back to its sender), whole and in the order its sender sent them. Each client
 * has an outbox — a cio_queue of at most `queue_lines` lines — drained into its socket
 * by a writer task of its own. The policy for a client whose outbox is full (it stopped
 * reading): it is disconnected on the spot, and the others carry on. Run
 * `build/cio-grade check 07.2`; by hand: `build/cio-grade run 07.2`, then
 * `nc 127.0.0.1 7008` in two or three terminals.
 *
 * TODO: write chat_serve(). Start from your echo server (07.1): the same acceptor, the
 * same stop; what changes is what a connection does.
 */
#include <cio.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_LINE = 1024 }; /* the longest line, '\n' included (the tests send shorter ones) */

/* A line on its way to one client: each recipient gets a copy of its own, which its
   writer frees once written. */
struct line {
    size_t len;    /* bytes in text, '\n' included */
    char   text[]; /* the line */
};

/*
 * Serve a chat on @p listen_fd (listening, the caller's: do not close it) until @p stop
 * is set. Every line a client sends goes to every other connected client. Each client
 * has an outbox of @p queue_lines lines; a client whose outbox is full is disconnected.
 * When stop is set: stop accepting, end every connection, wait for every task, free
 * everything, return 0.
 * @return 0 after a clean stop; -EINVAL if queue_lines is 0; -ENOMEM.
 */
int chat_serve(int listen_fd, cio_event *stop, size_t queue_lines)
{
    if (queue_lines == 0)
        return -EINVAL;
    (void)listen_fd;
    (void)stop;
    /* TODO, one piece at a time:
         - a list of connected clients (fd, outbox queue, a "kicked" flag, list links);
         - per connection, a session task: create the outbox, start a writer task that
           takes lines from it and cio_write()s them, join the list, read lines and
           broadcast each one, then leave the list, close the outbox, await the writer,
           free what is left, close the fd;
         - broadcast: for every other client, if its outbox already holds queue_lines
           lines, disconnect it (shutdown(fd, SHUT_RDWR) ends both of its tasks);
           otherwise cio_queue_put a copy — with room in the queue, that never waits;
         - stop: as in 07.1, then shutdown every client's fd so that every session ends.
       Read the hints (`build/cio-grade hint 07.2`) when a test surprises you. */
    return -ENOSYS;
}

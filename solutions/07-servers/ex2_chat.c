/*
 * ex2_chat.c — reference solution of exercise 07.2: a chat server where one slow client
 * never stalls the others.
 *
 * Each connection has a session task (reads lines, broadcasts them) and a writer task
 * (drains the client's bounded outbox into its socket). Broadcasting never waits: a
 * recipient whose outbox is full is disconnected on the spot — the policy Redis applies
 * to pub/sub clients whose output buffer grows past its limit. The session yields after
 * each line it broadcasts, so that every writer gets its turn before the next line: a
 * full outbox then means a client that does not read, not a burst the writers had no
 * chance to see.
 */
#include <cio.h>

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_LINE = 1024 }; /* the longest line, '\n' included; a longer one ends its sender */

/* A line on its way to one client. Each recipient gets its own copy. */
struct line {
    size_t len;    /* bytes in text, '\n' included */
    char   text[]; /* the line */
};

struct room;

/* One connected client. Lives on its session task's stack. */
struct client {
    int            fd;        /* the connection; closed by the session at the very end */
    cio_queue     *outbox;    /* lines to write, owned by the session; the writer drains it */
    struct room   *room;      /* where it is listed */
    struct client *prev;      /* neighbours in the room's list; changed by join and leave */
    struct client *next;      /* (the other neighbour) */
    int            kicked;    /* set once its outbox overflowed: it is being disconnected */
};

/* Everyone connected. Lives on chat_serve's stack. */
struct room {
    struct client *clients;   /* every client whose session has joined and not yet left */
    size_t         capacity;  /* lines an outbox may hold */
    cio_group     *sessions;  /* one session task per connection */
    int            listen_fd; /* the caller's listening socket */
    int            stopping;  /* set by chat_serve on stop: sessions not yet reading end at once */
};

/* ---------------------------------------------------------------------------------- */
/* The room                                                                           */
/* ---------------------------------------------------------------------------------- */

static void join(struct room *r, struct client *c)
{
    c->prev = NULL;
    c->next = r->clients;
    if (r->clients)
        r->clients->prev = c;
    r->clients = c;
}

static void leave(struct room *r, struct client *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        r->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
}

/* Disconnect @p c without waiting: its session and writer see the socket end and clean
   up. Never suspends, so broadcasting never waits for a slow client. */
static void kick(struct client *c)
{
    c->kicked = 1;
    shutdown(c->fd, SHUT_RDWR);
}

/* Queue a copy of the line for every client but its sender. Never suspends: the check
   and the put run with no suspension between them, and a put into a queue with room
   returns at once. */
static void broadcast(struct room *r, const struct client *sender, const char *text, size_t len)
{
    for (struct client *c = r->clients; c; c = c->next) {
        if (c == sender || c->kicked)
            continue;
        if (cio_queue_size(c->outbox) >= r->capacity) {
            kick(c); /* it stopped reading: disconnect it, the others go on */
            continue;
        }
        struct line *l = malloc(sizeof *l + len);
        if (!l) {
            kick(c); /* out of memory: drop the client rather than its lines */
            continue;
        }
        l->len = len;
        memcpy(l->text, text, len);
        if (cio_queue_put(c->outbox, l) != 0)
            free(l);
    }
}

/* ---------------------------------------------------------------------------------- */
/* One connection                                                                     */
/* ---------------------------------------------------------------------------------- */

/* Drain the outbox into the socket until the outbox is closed and empty, or writing
   fails (the client went away or was kicked). */
static int write_loop(void *arg)
{
    struct client *c = arg;
    void *item;
    while (cio_queue_get(c->outbox, &item) == 0) {
        struct line *l = item;
        ssize_t w = c->kicked ? -EPIPE : cio_write(c->fd, l->text, l->len);
        free(l);
        if (w < 0)
            break;
    }
    return 0;
}

/* Read lines and broadcast them until the client leaves, misbehaves or is kicked. */
static void read_loop(struct room *r, struct client *c)
{
    char buf[2 * MAX_LINE];
    size_t have = 0;
    for (;;) {
        ssize_t n = cio_read(c->fd, buf + have, sizeof buf - have);
        if (n <= 0)
            return; /* end of file, an error, a kick, or the server stopping */
        have += (size_t)n;
        size_t start = 0;
        for (char *nl; (nl = memchr(buf + start, '\n', have - start));) {
            size_t len = (size_t)(nl - (buf + start)) + 1;
            if (len > MAX_LINE)
                return;
            broadcast(r, c, buf + start, len);
            start += len;
            if (cio_yield() != 0) /* let every writer take this line before the next */
                return;
        }
        memmove(buf, buf + start, have - start);
        have -= start;
        if (have >= MAX_LINE)
            return; /* a line longer than MAX_LINE: this client breaks the protocol */
    }
}

struct session_arg {
    struct room *room; /* the room to join */
    int          fd;   /* the accepted connection */
};

static int session(void *arg)
{
    struct session_arg a = *(struct session_arg *)arg;
    free(arg);
    struct client c = {.fd = a.fd, .room = a.room};
    c.outbox = cio_queue_new(a.room->capacity);
    cio_task *writer = c.outbox ? cio_spawn(write_loop, &c) : NULL;
    if (writer) {
        join(a.room, &c);
        if (!a.room->stopping) /* started after the stop: nobody would end this read */
            read_loop(a.room, &c);
        leave(a.room, &c); /* from here on nobody queues lines for c */
    }
    /* Cleanup must finish even if this task was cancelled (chat_serve itself cancelled):
       shield it, and end the connection first so that the writer cannot block. */
    cio_scope cleanup;
    cio_scope_open(&cleanup, INFINITY, 1);
    if (cio_is_cancelled() || a.room->stopping)
        shutdown(c.fd, SHUT_RDWR);
    if (c.outbox) {
        cio_queue_close(c.outbox); /* the writer sends what is queued, then stops */
        if (writer)
            cio_await(writer);
        void *item;
        while (cio_queue_size(c.outbox) > 0 && cio_queue_get(c.outbox, &item) == 0)
            free(item); /* lines the writer could not send (it stopped early) */
        cio_queue_free(c.outbox);
    }
    cio_scope_close(&cleanup);
    close(c.fd);
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Accepting, and stopping                                                            */
/* ---------------------------------------------------------------------------------- */

static int accept_loop(void *arg)
{
    struct room *r = arg;
    for (;;) {
        int fd = cio_accept(r->listen_fd);
        if (fd == -ECANCELED)
            return 0;
        if (fd < 0) {
            if (cio_sleep(0.01) == -ECANCELED)
                return 0;
            continue;
        }
        struct session_arg *a = malloc(sizeof *a);
        if (!a || cio_group_spawn(r->sessions, session, a) != 0) {
            free(a);
            close(fd);
            continue;
        }
        *a = (struct session_arg){r, fd};
    }
}

/*
 * Serve a chat on @p listen_fd until @p stop is set: every line a client sends goes to
 * every other client; each client has an outbox of @p queue_lines lines, and a client
 * whose outbox is full is disconnected.
 * @return 0 after a clean stop; -EINVAL if queue_lines is 0; -ENOMEM.
 */
int chat_serve(int listen_fd, cio_event *stop, size_t queue_lines)
{
    if (queue_lines == 0)
        return -EINVAL;
    struct room r = {.capacity = queue_lines, .listen_fd = listen_fd};
    r.sessions = cio_group_new();
    if (!r.sessions)
        return -ENOMEM;
    cio_task *acceptor = cio_spawn(accept_loop, &r);
    int rc = acceptor ? cio_event_wait(stop) : -ENOMEM;
    if (acceptor) {
        cio_cancel(acceptor);
        cio_await(acceptor);
    }
    /* Ending every connection ends every session: its read returns 0, it leaves the
       room, its writer stops, and it closes its socket. */
    r.stopping = 1;
    for (struct client *c = r.clients; c; c = c->next)
        shutdown(c->fd, SHUT_RDWR);
    int grc = cio_group_wait(r.sessions);
    if (rc == 0 && grc == -ECANCELED)
        rc = -ECANCELED;
    return rc;
}

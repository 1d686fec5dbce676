/*
 * ex2_chat_test.c — tests of exercise 07.2 (chat_serve): every line reaches every other
 * client whole and in its sender's order, never its own sender; a client that stops
 * reading is disconnected while the others go on undisturbed; leaving and stopping are
 * clean.
 *
 * The clients are cio tasks in this process talking over 127.0.0.1. Before chatting,
 * the clients join one by one: each new client says "join K" and waits until every
 * earlier one has heard it, so that all of them are surely in the room.
 */
#include "net_test.h"

#include <stdarg.h>

/* ---- The learner's side (keep in step with ex2_chat.c) ---------------------------- */

int chat_serve(int listen_fd, cio_event *stop, size_t queue_lines);

/* ---- Chatters ------------------------------------------------------------------------- */

enum { MAX_CHATTERS = 8, LINE_CAP = 1100 };

struct chatter {
    struct net_lines in;  /* its connection and what it received but has not read yet */
    int              ok;  /* 1 while it has seen nothing wrong */
};

struct chat {
    unsigned short    port;                  /* the server's port */
    int               listen_fd;             /* its socket */
    size_t            queue_lines;           /* passed to chat_serve */
    struct chatter    c[MAX_CHATTERS];       /* the clients */
    size_t            n;                     /* how many joined */
    struct net_server server;                /* the learner's server, via serve_chat */
    int               stop_rc;               /* net_server_stop's result */
    int               fails;                 /* problems seen */
    char              first[320];            /* the first of them */
};

static struct chat *current; /* serve_chat needs queue_lines: one chat at a time */

static int serve_chat(int listen_fd, cio_event *stop)
{
    return chat_serve(listen_fd, stop, current->queue_lines);
}

static void problem(struct chat *ch, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct chat *ch, const char *fmt, ...)
{
    if (ch->fails++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ch->first, sizeof ch->first, fmt, ap);
        va_end(ap);
    }
}

/* Read one line for chatter k and compare it with @p want. */
static int expect_line(struct chat *ch, size_t k, const char *want)
{
    char got[LINE_CAP];
    ssize_t n = net_read_line(&ch->c[k].in, got, sizeof got);
    if (n <= 0) {
        problem(ch, "client %zu waited for the line \"%.*s\" and %s", k,
                (int)strcspn(want, "\n"), want,
                n == 0 ? "its connection was closed instead" : "reading failed");
        return -1;
    }
    if (strcmp(got, want) != 0) {
        problem(ch, "client %zu expected the line \"%.*s\" and received \"%.*s\"", k,
                (int)strcspn(want, "\n"), want, (int)strcspn(got, "\n"), got);
        return -1;
    }
    return 0;
}

static int say(struct chat *ch, size_t k, const char *text)
{
    size_t len = strlen(text);
    if (cio_write(ch->c[k].in.fd, text, len) != (ssize_t)len) {
        problem(ch, "client %zu could not send \"%.*s\"", k, (int)strcspn(text, "\n"), text);
        return -1;
    }
    return 0;
}

/* Connect chatters 0 .. n-1 one by one; each says "join K", and every earlier one must
   hear it before the next connects. @p rcvbuf[k] > 0 shrinks chatter k's buffer. */
static int join_all(struct chat *ch, size_t n, const int *rcvbuf)
{
    for (size_t k = 0; k < n; k++) {
        int fd = net_connect(ch->port, rcvbuf ? rcvbuf[k] : 0);
        if (fd < 0) {
            problem(ch, "client %zu could not connect: %s", k, strerror(-fd));
            return -1;
        }
        ch->c[k].in.fd = fd;
        ch->c[k].in.len = 0;
        ch->c[k].ok = 1;
        ch->n = k + 1;
        char line[32];
        snprintf(line, sizeof line, "join %zu\n", k);
        if (say(ch, k, line) != 0)
            return -1;
        for (size_t j = 0; j < k; j++)
            if (expect_line(ch, j, line) != 0)
                return -1;
    }
    return 0;
}

/* Every scenario: start the server, run @p body with a deadline, check that nobody got
   anything more than expected, stop the server, see every connection end. */
typedef int (*body_fn)(struct chat *ch);

struct chat_run {
    struct chat *ch;   /* the chat */
    body_fn      body; /* the scenario */
};

static int chat_body(void *arg)
{
    struct chat_run *run = arg;
    return run->body(run->ch);
}

static int chat_main(void *arg)
{
    struct chat_run *run = arg;
    struct chat *ch = run->ch;
    if (net_server_start(&ch->server, serve_chat, ch->listen_fd) != 0)
        return -ENOMEM;
    if (net_while_serving(&ch->server, chat_body, run, 20.0) == -ETIMEDOUT)
        problem(ch, "the test gave up after 20 s: a client still waited for a line. Is the "
                "server stuck (or waiting for a slow client)?");
    ch->stop_rc = net_server_stop(&ch->server, 5.0);
    /* After the stop, every connection must end, with no line left unread. */
    for (size_t k = 0; k < ch->n && !ch->server.returned_early; k++) {
        if (ch->c[k].in.fd < 0)
            continue;
        cio_scope deadline;
        cio_scope_open_after(&deadline, 5.0, 0);
        char extra[LINE_CAP];
        ssize_t r;
        while ((r = net_read_line(&ch->c[k].in, extra, sizeof extra)) > 0)
            if (ch->c[k].ok) {
                problem(ch, "client %zu received the line \"%.*s\", which it should not have "
                        "(its own line, or one too many)", k, (int)strcspn(extra, "\n"), extra);
                ch->c[k].ok = 0;
            }
        if (cio_scope_close(&deadline))
            problem(ch, "client %zu's connection stayed open after chat_serve was stopped", k);
    }
    for (size_t k = 0; k < ch->n; k++)
        if (ch->c[k].in.fd >= 0) {
            close(ch->c[k].in.fd);
            ch->c[k].in.fd = -1;
        }
    return 0;
}

static void run_chat(size_t queue_lines, int sndbuf, body_fn body)
{
    static struct chat ch;
    memset(&ch, 0, sizeof ch);
    for (size_t k = 0; k < MAX_CHATTERS; k++)
        ch.c[k].in.fd = -1;
    ch.queue_lines = queue_lines;
    ch.listen_fd = net_listen(&ch.port, sndbuf);
    current = &ch;
    int before = net_open_fds();
    struct chat_run run = {&ch, body};
    int rc = net_run(chat_main, &run);
    cio_expect(rc == 0, "the run ended with %d (%s), expected 0", rc, strerror(-rc));
    net_expect_served(&ch.server, "chat_serve");
    cio_expect(ch.fails == 0, "%s", ch.first);
    net_expect_clean_stop(ch.stop_rc, ch.server.rc, "chat_serve");
    int after = net_open_fds();
    close(ch.listen_fd);
    net_expect_no_leaks(before, after, "chat_serve");
}

/* ---- Visible cases ---------------------------------------------------------------- */

static int three_say_hello(struct chat *ch)
{
    if (join_all(ch, 3, NULL) != 0)
        return -1;
    const char *hello[3] = {"hello from 0\n", "hi, this is 1\n", "2 here\n"};
    for (size_t k = 0; k < 3; k++)
        if (say(ch, k, hello[k]) != 0)
            return -1;
    for (size_t k = 0; k < 3; k++) {
        /* the other two lines, in either order */
        int seen[3] = {0};
        for (int i = 0; i < 2; i++) {
            char got[LINE_CAP];
            ssize_t n = net_read_line(&ch->c[k].in, got, sizeof got);
            size_t from = 3;
            for (size_t j = 0; j < 3; j++)
                if (n > 0 && strcmp(got, hello[j]) == 0)
                    from = j;
            if (from == 3 || from == k || seen[from]++) {
                problem(ch, "client %zu expected the others' hellos and received %s%.*s%s", k,
                        n > 0 ? "\"" : "", n > 0 ? (int)strcspn(got, "\n") : 0, got,
                        n > 0 ? (from == k ? "\" — its own line" : "\"")
                              : "nothing (its connection closed)");
                return -1;
            }
        }
    }
    return 0;
}

static void broadcasts_to_everyone_else(void **state)
{
    (void)state;
    run_chat(16, 0, three_say_hello);
}

static int lines_in_pieces(struct chat *ch)
{
    if (join_all(ch, 2, NULL) != 0)
        return -1;
    const char *pieces[] = {"hel", "lo\nwor", "ld\n", "x\ny\n"};
    for (size_t i = 0; i < 4; i++) {
        if (say(ch, 0, pieces[i]) != 0)
            return -1;
        cio_sleep(0.05); /* let the server read each piece on its own */
    }
    const char *want[] = {"hello\n", "world\n", "x\n", "y\n"};
    for (size_t i = 0; i < 4; i++)
        if (expect_line(ch, 1, want[i]) != 0)
            return -1;
    return 0;
}

static void lines_split_and_joined(void **state)
{
    (void)state;
    run_chat(16, 0, lines_in_pieces);
}

/* F1 sends 3000 lines; F2 must receive them all, in order, while S (which never reads
   after joining) fills its buffers and outbox and is disconnected. */
enum { FLOOD = 3000 };

static void flood_line(char *buf, size_t i)
{
    snprintf(buf, 100, "F1 %05zu ", i);
    size_t len = strlen(buf);
    memset(buf + len, 'a' + (int)(i % 26), 98 - len);
    buf[98] = '\n';
    buf[99] = '\0';
}

struct flooder {
    struct chat *ch; /* the chat */
    int          fd; /* F1's connection */
};

static int flood(void *arg)
{
    struct flooder *f = arg;
    char *all = malloc((size_t)FLOOD * 99);
    if (!all)
        return -ENOMEM;
    for (size_t i = 0; i < FLOOD; i++) {
        char line[100];
        flood_line(line, i);
        memcpy(all + i * 99, line, 99);
    }
    ssize_t w = cio_write(f->fd, all, (size_t)FLOOD * 99); /* one burst: the server reads
                                                               it in whatever chunks it likes */
    free(all);
    if (w < 0)
        problem(f->ch, "client F1 could not send its lines: %s", strerror((int)-w));
    return 0;
}

static int slow_reader(struct chat *ch)
{
    /* 0: S, with a tiny receive buffer; 1: F1; 2: F2 */
    const int rcvbuf[3] = {2048, 0, 0};
    if (join_all(ch, 3, rcvbuf) != 0)
        return -1;
    /* S heard "join 1" and "join 2" and will never read again. */
    struct flooder f = {ch, ch->c[1].in.fd};
    cio_task *sender = cio_spawn(flood, &f);
    if (!sender)
        return -ENOMEM;
    size_t got = 0;
    for (; got < FLOOD; got++) {
        char want[100];
        flood_line(want, got);
        char line[LINE_CAP];
        ssize_t n = net_read_line(&ch->c[2].in, line, sizeof line);
        if (n <= 0 || strcmp(line, want) != 0) {
            problem(ch, "fast client F2 received %zu of F1's %d lines, then %s. A client that "
                    "does not read must not hold up the others, and a fast one must not be "
                    "disconnected.", got, FLOOD,
                    n == 0 ? "its connection was closed" : n < 0 ? "reading failed"
                                                             : "a line out of order");
            break;
        }
    }
    cio_await(sender);
    if (got < FLOOD)
        return -1;
    /* S must have been disconnected by now: what it can still read is a prefix of F1's
       lines (the ones written before its outbox overflowed), then the end. */
    size_t s_got = 0;
    cio_scope deadline;
    cio_scope_open_after(&deadline, 10.0, 0);
    for (;;) {
        char want[100], line[LINE_CAP];
        flood_line(want, s_got);
        ssize_t n = net_read_line(&ch->c[0].in, line, sizeof line);
        if (n <= 0)
            break;
        if (strcmp(line, want) != 0) {
            problem(ch, "slow client S received F1's lines out of order (line %zu)", s_got);
            break;
        }
        s_got++;
    }
    if (cio_scope_close(&deadline))
        problem(ch, "slow client S never read, and it was never disconnected: when a "
                "client's queue is full, disconnect it");
    else if (s_got == FLOOD)
        problem(ch, "slow client S received all %d lines before the end: it should have "
                "been disconnected when its queue filled up", FLOOD);
    close(ch->c[0].in.fd);
    ch->c[0].in.fd = -1;
    return 0;
}

static void slow_client_is_disconnected(void **state)
{
    (void)state;
    /* Small fixed send buffers on the server's side of every connection, so that S's
       fill up after some 40 lines whatever the kernel's defaults. */
    run_chat(8, 4096, slow_reader);
}

#ifdef CIO_HIDDEN_TESTS
/* ---- Hidden cases ----------------------------------------------------------------- */

enum { TALKERS = 5, TALK_LINES = 200 };

struct talker {
    struct chat *ch; /* the chat */
    size_t       k;  /* which client */
};

static int talk(void *arg)
{
    struct talker *t = arg;
    for (size_t i = 0; i < TALK_LINES; i++) {
        char line[64];
        snprintf(line, sizeof line, "talker %zu line %03zu\n", t->k, i);
        if (say(t->ch, t->k, line) != 0)
            return -1;
        if (i % 10 == 9)
            cio_yield();
    }
    return 0;
}

static int listen_to_all(void *arg)
{
    struct talker *t = arg;
    size_t next[TALKERS] = {0};
    for (size_t got = 0; got < (TALKERS - 1) * TALK_LINES; got++) {
        char line[LINE_CAP];
        size_t from, i;
        ssize_t n = net_read_line(&t->ch->c[t->k].in, line, sizeof line);
        if (n <= 0 || sscanf(line, "talker %zu line %zu", &from, &i) != 2 || from >= TALKERS) {
            problem(t->ch, "talker %zu stopped hearing after %zu lines (%s)", t->k, got,
                    n == 0 ? "its connection was closed" : n < 0 ? "read failed" : "bad line");
            return -1;
        }
        if (from == t->k) {
            problem(t->ch, "talker %zu received its own line %zu", t->k, i);
            return -1;
        }
        if (i != next[from]) {
            problem(t->ch, "talker %zu received talker %zu's line %zu when line %zu was due: "
                    "each sender's lines must arrive in the order sent", t->k, from, i,
                    next[from]);
            return -1;
        }
        next[from]++;
    }
    return 0;
}

static int many_talkers(struct chat *ch)
{
    if (join_all(ch, TALKERS, NULL) != 0)
        return -1;
    struct talker t[TALKERS];
    cio_task *tasks[2 * TALKERS];
    for (size_t k = 0; k < TALKERS; k++) {
        t[k] = (struct talker){ch, k};
        tasks[k] = cio_spawn(talk, &t[k]);
        tasks[TALKERS + k] = cio_spawn(listen_to_all, &t[k]);
    }
    cio_gather(tasks, 2 * TALKERS);
    return 0;
}

static void per_sender_order_kept(void **state)
{
    (void)state;
    run_chat(32, 0, many_talkers);
}

static int comings_and_goings(struct chat *ch)
{
    if (join_all(ch, 4, NULL) != 0)
        return -1;
    /* Client 3 leaves; the others keep talking and hear each other. */
    close(ch->c[3].in.fd);
    ch->c[3].in.fd = -1;
    if (say(ch, 0, "is 3 gone?\n") != 0 || expect_line(ch, 1, "is 3 gone?\n") != 0 ||
        expect_line(ch, 2, "is 3 gone?\n") != 0)
        return -1;
    /* Client 2 says goodbye and hangs up at once: its last line must still go out. */
    if (say(ch, 2, "bye\n") != 0)
        return -1;
    close(ch->c[2].in.fd);
    ch->c[2].in.fd = -1;
    if (expect_line(ch, 0, "bye\n") != 0 || expect_line(ch, 1, "bye\n") != 0)
        return -1;
    /* The two left keep talking. */
    if (say(ch, 1, "still here\n") != 0 || expect_line(ch, 0, "still here\n") != 0)
        return -1;
    return 0;
}

static void leaving_and_stopping(void **state)
{
    (void)state;
    run_chat(4, 0, comings_and_goings);
}
#endif

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(broadcasts_to_everyone_else),
    cmocka_unit_test(lines_split_and_joined),
    cmocka_unit_test(slow_client_is_disconnected),
#ifdef CIO_HIDDEN_TESTS
    cmocka_unit_test(per_sender_order_kept),
    cmocka_unit_test(leaving_and_stopping),
#endif
};

CIO_TEST_MAIN(tests)

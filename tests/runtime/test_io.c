/*
 * test_io.c — non-blocking I/O on real pipes and sockets: a task waiting to read
 * suspends (other tasks run) instead of blocking the loop; cio_write() delivers all of
 * a large buffer in order; writing to a closed peer returns -EPIPE without SIGPIPE
 * killing the process; accept/connect work over loopback TCP; a cancel scope bounds a
 * read; cio_wait_path_change() wakes on a file change. Real I/O: the assertions are
 * about order and bytes, not about times.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cio.h"
#include "support.h"

/* A test that hangs (a read that blocks the loop, a lost wake-up) dies of SIGALRM. */
enum { WATCHDOG_SECONDS = 60 };

/* ---------------------------------------------------------------------------------- */
/* A reader waits while a writer writes later                                         */
/* ---------------------------------------------------------------------------------- */

struct handoff {
    int     fds[2];               /* [0] read by the reader, [1] written by the writer */
    char    log[16];              /* r: reader waits, w: writer runs, W: wrote, R: reader got */
    int     log_len;              /* letters so far */
    char    got[16];              /* bytes the reader read */
    ssize_t read_rc;              /* what cio_read() returned */
    ssize_t write_rc;             /* what cio_write() returned */
};

static void note(struct handoff *h, char c) {
    if (h->log_len < (int)sizeof h->log - 1) h->log[h->log_len++] = c;
}

static int patient_reader(void *p) {
    struct handoff *h = p;
    note(h, 'r');
    h->read_rc = cio_read(h->fds[0], h->got, sizeof h->got);
    note(h, 'R');
    return h->read_rc < 0 ? (int)h->read_rc : 0;
}

static int later_writer(void *p) {
    struct handoff *h = p;
    note(h, 'w');
    for (int i = 0; i < 3; i++) cio_yield(); /* the reader stays suspended meanwhile */
    h->write_rc = cio_write(h->fds[1], "hello", 5);
    note(h, 'W');
    return h->write_rc < 0 ? (int)h->write_rc : 0;
}

static int handoff_main(void *p) {
    cio_task *ts[2] = {cio_spawn(patient_reader, p), cio_spawn(later_writer, p)};
    return cio_gather(ts, 2);
}

static void check_handoff(struct handoff *h) {
    assert_int_equal(run_virtual(handoff_main, h), 0);
    assert_int_equal(h->read_rc, 5);
    assert_memory_equal(h->got, "hello", 5);
    assert_int_equal(h->write_rc, 5);
    /* the writer ran while the reader was waiting, and the reader got the bytes after */
    const char *r = strchr(h->log, 'r'), *w = strchr(h->log, 'w'), *R = strchr(h->log, 'R'),
               *W = strchr(h->log, 'W');
    if (!r || !w || !R || !W || !(r < w && w < R && r < W))
        fail_msg("order of events \"%s\": expected the reader to wait (r) while the writer ran (w)", h->log);
    close(h->fds[0]);
    close(h->fds[1]);
}

static void reader_suspends_until_a_socketpair_peer_writes(void **state) {
    (void)state;
    alarm(WATCHDOG_SECONDS);
    struct handoff h = {0};
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, h.fds), 0);
    check_handoff(&h);
    alarm(0);
}

static void reader_suspends_until_a_pipe_is_written(void **state) {
    (void)state;
    alarm(WATCHDOG_SECONDS);
    struct handoff h = {0};
    assert_int_equal(pipe(h.fds), 0);
    check_handoff(&h);
    alarm(0);
}

/* ---------------------------------------------------------------------------------- */
/* A 4 MiB write read concurrently                                                    */
/* ---------------------------------------------------------------------------------- */

enum { BIG = 4 << 20 };

struct bulk {
    int            fds[2];        /* socketpair */
    unsigned char *sent;          /* BIG bytes of a pattern */
    unsigned char *received;      /* what the reader collected */
    size_t         received_len;  /* bytes collected before end of file */
    ssize_t        write_rc;      /* cio_write() of the whole buffer */
    int            reads;         /* cio_read() calls that returned data */
    ssize_t        last_read_rc;  /* the read that ended the loop (0: end of file) */
};

static int bulk_writer(void *p) {
    struct bulk *b = p;
    b->write_rc = cio_write(b->fds[1], b->sent, BIG);
    shutdown(b->fds[1], SHUT_WR); /* the reader sees end of file */
    return 0;
}

static int bulk_reader(void *p) {
    struct bulk *b = p;
    for (;;) {
        size_t room = BIG + 1 - b->received_len;
        if (room > 65536) room = 65536;
        ssize_t n = cio_read(b->fds[0], b->received + b->received_len, room);
        b->last_read_rc = n;
        if (n <= 0) break;
        b->received_len += (size_t)n;
        b->reads++;
        if (b->received_len > BIG) break;
    }
    return 0;
}

static int bulk_main(void *p) {
    cio_task *ts[2] = {cio_spawn(bulk_writer, p), cio_spawn(bulk_reader, p)};
    return cio_gather(ts, 2);
}

static void large_write_arrives_whole_and_in_order(void **state) {
    (void)state;
    alarm(WATCHDOG_SECONDS);
    struct bulk b = {0};
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b.fds), 0);
    b.sent = malloc(BIG);
    b.received = malloc(BIG + 1);
    assert_non_null(b.sent);
    assert_non_null(b.received);
    for (size_t i = 0; i < BIG; i++) b.sent[i] = (unsigned char)((i * 7 + i / 251) % 253);
    assert_int_equal(run_virtual(bulk_main, &b), 0);
    assert_int_equal(b.write_rc, BIG);
    assert_int_equal(b.last_read_rc, 0);
    assert_int_equal(b.received_len, BIG);
    assert_true(b.reads > 1); /* it did not fit in one go: both sides suspended in turn */
    assert_memory_equal(b.received, b.sent, BIG);
    free(b.sent);
    free(b.received);
    close(b.fds[0]);
    close(b.fds[1]);
    alarm(0);
}

/* ---------------------------------------------------------------------------------- */
/* -EPIPE, and SIGPIPE does not kill the process                                      */
/* ---------------------------------------------------------------------------------- */

struct broken {
    int     sock[2];              /* socketpair; sock[0] closed before writing */
    int     pipe_fds[2];          /* pipe; its read end closed before writing */
    int     mid[2];               /* socketpair whose reader closes during a large write */
    ssize_t sock_rc;              /* cio_write() to the closed socket peer */
    ssize_t pipe_rc;              /* cio_write() to the pipe without a reader */
    ssize_t mid_rc;               /* cio_write() of 4 MiB whose reader quits early */
    unsigned char *buf;           /* 4 MiB to write */
};

static int quitting_reader(void *p) {
    struct broken *b = p;
    char chunk[1000];
    ssize_t n = cio_read(b->mid[0], chunk, sizeof chunk);
    close(b->mid[0]);
    return n > 0 ? 0 : -EIO;
}

static int stubborn_writer(void *p) {
    struct broken *b = p;
    b->mid_rc = cio_write(b->mid[1], b->buf, BIG);
    return 0;
}

static int broken_main(void *p) {
    struct broken *b = p;
    b->sock_rc = cio_write(b->sock[1], "x", 1);
    b->pipe_rc = cio_write(b->pipe_fds[1], "x", 1);
    cio_task *ts[2] = {cio_spawn(stubborn_writer, b), cio_spawn(quitting_reader, b)};
    return cio_gather(ts, 2);
}

/* Exit status bits of the child: one per write that did not return -EPIPE. */
static void write_to_closed_peers(void) {
    static struct broken b;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, b.sock) != 0 || pipe(b.pipe_fds) != 0 ||
        socketpair(AF_UNIX, SOCK_STREAM, 0, b.mid) != 0)
        _exit(100);
    b.buf = calloc(1, BIG);
    if (b.buf == NULL) _exit(101);
    close(b.sock[0]);
    close(b.pipe_fds[0]);
    int rc = run_virtual(broken_main, &b);
    int bits = (b.sock_rc != -EPIPE) | (b.pipe_rc != -EPIPE) << 1 | (b.mid_rc != -EPIPE) << 2 |
               (rc != 0) << 3;
    _exit(bits);
}

static void writing_to_a_closed_peer_returns_epipe_without_sigpipe(void **state) {
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL); /* as a fresh program has it: the runtime must cope */
        alarm(WATCHDOG_SECONDS);
        write_to_closed_peers();
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("the process died of signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    int bits = WEXITSTATUS(status);
    if (bits & 1) fail_msg("cio_write() to a socket whose peer closed did not return -EPIPE");
    if (bits & 2) fail_msg("cio_write() to a pipe without a reader did not return -EPIPE");
    if (bits & 4) fail_msg("cio_write() of 4 MiB whose reader closed midway did not return -EPIPE");
    if (bits & 8) fail_msg("cio_run() did not return 0");
    assert_int_equal(bits, 0);
}

/* ---------------------------------------------------------------------------------- */
/* accept / connect over loopback TCP                                                 */
/* ---------------------------------------------------------------------------------- */

enum { CLIENTS = 3, MSG = 6 };

struct tcp_state {
    int                listen_fd;           /* bound to 127.0.0.1 on an ephemeral port */
    struct sockaddr_in addr;                /* its address (from getsockname) */
    int                accepted;            /* connections accepted */
    int                accept_nonblocking;  /* every accepted fd was non-blocking */
    int                connect_rc[CLIENTS]; /* cio_connect() per client */
    char               reply[CLIENTS][MSG + 1]; /* what each client got back */
    ssize_t            eof_rc[CLIENTS];     /* the read after the reply (0: server closed) */
    int                server_rc;           /* the server's status */
};

struct client_arg {
    struct tcp_state *s;          /* shared state */
    int               id;         /* 0..CLIENTS-1 */
};

/* Read exactly n bytes, or fail. */
static int read_exactly(int fd, char *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = cio_read(fd, buf + got, n - got);
        if (r <= 0) return r < 0 ? (int)r : -EIO;
        got += (size_t)r;
    }
    return 0;
}

static int echo_upper(void *p) {
    int fd = (int)(intptr_t)p;
    char buf[MSG];
    int rc = read_exactly(fd, buf, MSG);
    for (int i = 0; rc == 0 && i < MSG; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 'a' + 'A');
    if (rc == 0 && cio_write(fd, buf, MSG) != MSG) rc = -EIO;
    close(fd);
    return rc;
}

static int server(void *p) {
    struct tcp_state *s = p;
    cio_task *handlers[CLIENTS];
    s->accept_nonblocking = 1;
    for (int i = 0; i < CLIENTS; i++) {
        int fd = cio_accept(s->listen_fd);
        if (fd < 0) {
            cio_gather(handlers, (size_t)i);
            return fd;
        }
        if (!(fcntl(fd, F_GETFL) & O_NONBLOCK)) s->accept_nonblocking = 0;
        s->accepted++;
        handlers[i] = cio_spawn(echo_upper, (void *)(intptr_t)fd);
    }
    return cio_gather(handlers, CLIENTS);
}

static int client(void *p) {
    struct client_arg *a = p;
    struct tcp_state *s = a->s;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -errno;
    s->connect_rc[a->id] = cio_connect(fd, (struct sockaddr *)&s->addr, sizeof s->addr);
    int rc = s->connect_rc[a->id];
    char msg[MSG + 1];
    snprintf(msg, sizeof msg, "ping-%d", a->id);
    if (rc == 0 && cio_write(fd, msg, MSG) != MSG) rc = -EIO;
    if (rc == 0) rc = read_exactly(fd, s->reply[a->id], MSG);
    char extra;
    if (rc == 0) s->eof_rc[a->id] = cio_read(fd, &extra, 1);
    close(fd);
    return rc;
}

static int tcp_main(void *p) {
    struct tcp_state *s = p;
    struct client_arg args[CLIENTS];
    cio_task *ts[CLIENTS + 1];
    ts[0] = cio_spawn(server, s);
    for (int i = 0; i < CLIENTS; i++) {
        args[i] = (struct client_arg){s, i};
        ts[i + 1] = cio_spawn(client, &args[i]);
    }
    return cio_gather(ts, CLIENTS + 1);
}

static void accept_and_connect_over_loopback_tcp(void **state) {
    (void)state;
    alarm(WATCHDOG_SECONDS);
    struct tcp_state s = {0};
    s.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s.listen_fd >= 0);
    s.addr.sin_family = AF_INET;
    s.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s.addr.sin_port = 0; /* ephemeral */
    assert_int_equal(bind(s.listen_fd, (struct sockaddr *)&s.addr, sizeof s.addr), 0);
    assert_int_equal(listen(s.listen_fd, 16), 0);
    socklen_t len = sizeof s.addr;
    assert_int_equal(getsockname(s.listen_fd, (struct sockaddr *)&s.addr, &len), 0);
    assert_true(ntohs(s.addr.sin_port) != 0);

    assert_int_equal(run_virtual(tcp_main, &s), 0);
    assert_int_equal(s.accepted, CLIENTS);
    assert_true(s.accept_nonblocking);
    for (int i = 0; i < CLIENTS; i++) {
        char want[MSG + 1];
        snprintf(want, sizeof want, "PING-%d", i);
        assert_int_equal(s.connect_rc[i], 0);
        assert_string_equal(s.reply[i], want);
        assert_int_equal(s.eof_rc[i], 0);
    }
    close(s.listen_fd);
    alarm(0);
}

/* ---------------------------------------------------------------------------------- */
/* A read bounded by a cancel scope                                                   */
/* ---------------------------------------------------------------------------------- */

struct bounded_read {
    int     fds[2];               /* socketpair nobody writes to, at first */
    double  t0;                   /* loop time before the read */
    ssize_t rc;                   /* cio_read() inside a 1 s scope */
    double  elapsed;              /* loop time it took */
    int     closed;               /* cio_scope_close() */
    ssize_t rc_after;             /* a read after the scope, once a byte was written */
    char    byte;                 /* the byte it read */
};

static int bounded_read_main(void *p) {
    struct bounded_read *b = p;
    char buf[8];
    b->t0 = cio_now();
    cio_scope scope;
    cio_scope_open_after(&scope, 1.0, 0);
    b->rc = cio_read(b->fds[0], buf, sizeof buf);
    b->elapsed = cio_now() - b->t0;
    b->closed = cio_scope_close(&scope);
    if (write(b->fds[1], "z", 1) != 1) return -EIO;
    b->rc_after = cio_read(b->fds[0], &b->byte, 1); /* the fd still works after the cancel */
    return 0;
}

static void read_bounded_by_a_scope_is_cancelled_at_the_deadline(void **state) {
    (void)state;
    alarm(WATCHDOG_SECONDS);
    struct bounded_read b = {0};
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b.fds), 0);
    assert_int_equal(run_virtual(bounded_read_main, &b), 0);
    assert_int_equal(b.rc, -ECANCELED);
    assert_int_equal(b.closed, 1);
    assert_true(b.elapsed >= 1.0 - 1e-9); /* not before the deadline */
    assert_int_equal(b.rc_after, 1);
    assert_int_equal(b.byte, 'z');
    close(b.fds[0]);
    close(b.fds[1]);
    alarm(0);
}

/* ---------------------------------------------------------------------------------- */
/* cio_wait_path_change()                                                             */
/* ---------------------------------------------------------------------------------- */

struct path_state {
    char path[128];               /* a file in /tmp */
    char log[8];                  /* w: watcher waits, c: changer wrote, W: watcher woke */
    int  log_len;                 /* letters so far */
    int  wait_rc;                 /* cio_wait_path_change() */
    int  scope_fired;             /* the 30 s safety scope fired instead */
};

static void path_note(struct path_state *s, char c) {
    if (s->log_len < (int)sizeof s->log - 1) s->log[s->log_len++] = c;
}

static int watcher(void *p) {
    struct path_state *s = p;
    cio_scope safety; /* a lost wake-up fails the test instead of hanging it */
    cio_scope_open_after(&safety, 30.0, 0);
    path_note(s, 'w');
    s->wait_rc = cio_wait_path_change(s->path);
    path_note(s, 'W');
    s->scope_fired = cio_scope_close(&safety);
    return 0;
}

static int changer(void *p) {
    struct path_state *s = p;
    cio_yield();
    FILE *f = fopen(s->path, "a");
    if (f == NULL) return -errno;
    fputs("a change of size and contents\n", f);
    fclose(f);
    path_note(s, 'c');
    return 0;
}

static int path_main(void *p) {
    cio_task *ts[2] = {cio_spawn(watcher, p), cio_spawn(changer, p)};
    return cio_gather(ts, 2);
}

static void wait_path_change_wakes_when_another_task_writes_the_file(void **state) {
    (void)state;
    alarm(WATCHDOG_SECONDS);
    struct path_state s = {0};
    snprintf(s.path, sizeof s.path, "/tmp/cio-test-path-%ld.txt", (long)getpid());
    FILE *f = fopen(s.path, "w");
    assert_non_null(f);
    fputs("before\n", f);
    fclose(f);
    assert_int_equal(cio_run(path_main, &s, NULL), 0); /* real clock: the safety scope is real */
    assert_int_equal(s.scope_fired, 0);
    assert_int_equal(s.wait_rc, 0);
    assert_string_equal(s.log, "wcW");
    unlink(s.path);
    alarm(0);
}

/* ---------------------------------------------------------------------------------- */
/* A descriptor number reused before the loop polls again                             */
/* ---------------------------------------------------------------------------------- */

/* The kernel forgets a watched file when it is closed; a new file that gets the same
 * number must be watched afresh even if no poll happened in between (programs that run
 * one child after another reuse pidfd and pipe numbers exactly like this). */
struct reuse_state {
    int    write_fd;    /* the new pipe's write end, written by reuse_writer */
    int    old_fd;      /* the first pipe's read end number */
    int    new_fd;      /* the second pipe's read end number (the same number) */
    int    wait_rc;     /* what waiting on the reused number returned */
    int    scope_fired; /* 1 if the 5 s safety deadline had to end the wait */
};

static int reuse_writer(void *p) {
    struct reuse_state *s = p;
    cio_sleep(0.05);
    return write(s->write_fd, "x", 1) == 1 ? 0 : -EIO;
}

static int reuse_main(void *p) {
    struct reuse_state *s = p;
    int first[2], second[2];
    if (pipe(first) != 0) return -errno;
    if (write(first[1], "a", 1) != 1) return -EIO;
    cio_wait_readable(first[0]); /* watched, then stopped when it is ready */
    close(first[0]);
    close(first[1]);
    if (pipe(second) != 0) return -errno;
    s->old_fd = first[0];
    s->new_fd = second[0];
    s->write_fd = second[1];
    cio_task *w = cio_spawn(reuse_writer, s);
    cio_scope guard;
    cio_scope_open_after(&guard, 5.0, 0);
    s->wait_rc = cio_wait_readable(second[0]);
    s->scope_fired = cio_scope_close(&guard);
    int rc = cio_await(w);
    close(second[0]);
    close(second[1]);
    return rc;
}

static void a_reused_descriptor_number_is_watched_afresh(void **state) {
    (void)state;
    struct reuse_state s = {0};
    assert_int_equal(cio_run(reuse_main, &s, NULL), 0);
    assert_int_equal(s.new_fd, s.old_fd); /* the premise: the number was reused */
    assert_int_equal(s.scope_fired, 0);   /* readiness of the new pipe was seen */
    assert_int_equal(s.wait_rc, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Ready and cancelled in the same turn of the loop                                   */
/* ---------------------------------------------------------------------------------- */

/* A reader's scope deadline and its pipe's data arrive at the same loop time: the
 * cancellation wakes it first, then the poll reports the pipe ready. The loop must still
 * count its pending I/O right: afterwards a real deadlock is reported at once, instead
 * of the loop waiting forever for I/O that nobody waits for. */
struct race_state {
    int fds[2];       /* the pipe: reader waits on [0], writer writes [1] */
    int read_rc;      /* what the bounded read returned */
    int scope_fired;  /* 1 if the reader's deadline fired */
};

static int race_writer(void *p) {
    struct race_state *s = p;
    cio_sleep(1.0); /* exactly the reader's deadline */
    return write(s->fds[1], "x", 1) == 1 ? 0 : -EIO;
}

static int race_main(void *p) {
    struct race_state *s = p;
    if (pipe(s->fds) != 0) return -errno;
    cio_task *w = cio_spawn(race_writer, s);
    cio_scope scope;
    cio_scope_open_after(&scope, 1.0, 0);
    char c;
    s->read_rc = (int)cio_read(s->fds[0], &c, 1);
    s->scope_fired = cio_scope_close(&scope);
    cio_await(w);
    close(s->fds[0]);
    close(s->fds[1]);
    cio_event *never = cio_event_new();
    cio_event_wait(never); /* nothing can set it: a deadlock, reported at once */
    cio_event_free(never);
    return 0;
}

static void cancelled_and_ready_in_one_turn_keeps_the_io_count(void **state) {
    (void)state;
    struct race_state s = {0};
    char *report = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&report, &len);
    cio_config cfg = {.virtual_clock = 1, .report_to = mem};
    alarm(20); /* the bug this guards against made the run wait forever */
    int rc = cio_run(race_main, &s, &cfg);
    alarm(0);
    fclose(mem);
    assert_int_equal(rc, -EDEADLK);
    assert_int_equal(s.scope_fired, 1);
    assert_true(s.read_rc == -ECANCELED || s.read_rc == 1);
    assert_non_null(strstr(report, "deadlock"));
    free(report);
}

/* ---------------------------------------------------------------------------------- */
/* Waiting on a descriptor that is not open                                           */
/* ---------------------------------------------------------------------------------- */

struct badfd_state {
    int read_rc;  /* what cio_wait_readable on a closed descriptor returned */
    int write_rc; /* what cio_wait_writable on it returned */
};

static int badfd_main(void *p) {
    struct badfd_state *s = p;
    int fds[2];
    if (pipe(fds) != 0) return -errno;
    close(fds[0]);
    close(fds[1]); /* both numbers are free now */
    s->read_rc = cio_wait_readable(fds[0]);
    s->write_rc = cio_wait_writable(fds[1]);
    return 0;
}

static void waiting_on_a_closed_descriptor_fails_with_ebadf(void **state) {
    (void)state;
    struct badfd_state s = {0, 0};
    alarm(20); /* a wait that hung here would be the bug */
    assert_int_equal(cio_run(badfd_main, &s, NULL), 0);
    alarm(0);
    assert_int_equal(s.read_rc, -EBADF);
    assert_int_equal(s.write_rc, -EBADF);
}

int main(void) {
    ignore_cio_environment();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reader_suspends_until_a_socketpair_peer_writes),
        cmocka_unit_test(reader_suspends_until_a_pipe_is_written),
        cmocka_unit_test(large_write_arrives_whole_and_in_order),
        cmocka_unit_test(writing_to_a_closed_peer_returns_epipe_without_sigpipe),
        cmocka_unit_test(accept_and_connect_over_loopback_tcp),
        cmocka_unit_test(read_bounded_by_a_scope_is_cancelled_at_the_deadline),
        cmocka_unit_test(wait_path_change_wakes_when_another_task_writes_the_file),
        cmocka_unit_test(a_reused_descriptor_number_is_watched_afresh),
        cmocka_unit_test(cancelled_and_ready_in_one_turn_keeps_the_io_count),
        cmocka_unit_test(waiting_on_a_closed_descriptor_fails_with_ebadf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

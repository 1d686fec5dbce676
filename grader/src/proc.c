/*
 * proc.c — one child process, watched by cio tasks: one task per pipe drains output
 * as it comes (so the child never blocks on a full pipe, however much it prints), a
 * watchdog task holds the timeout as a cancel scope and kills the child when it fires,
 * and the caller waits for the child's pidfd to become readable. This is the pattern
 * the whole grader is built from:
 * asyncio's create_subprocess_exec + wait_for, in C.
 */
#define _GNU_SOURCE
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cio.h"

extern char **environ;

#define RECORD_CAP   (64 * 1024) /* a verdict record is a few hundred bytes */
#define READ_CHUNK   (64 * 1024) /* one read from a pipe */
#define DRAIN_GRACE  2.0         /* seconds to reach EOF after the child exited */
#define YIELD_EVERY  (4u << 20)  /* bytes drained between two yields */

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------------------- */
/* Draining a pipe                                                                    */
/* ---------------------------------------------------------------------------------- */

/* One pipe being drained by its own task. */
typedef struct sink {
    int    fd;      /* read end; owned by proc_run */
    size_t cap;     /* bytes to keep */
    char  *buf;     /* what was kept, NUL-terminated; handed to the result */
    size_t len;     /* bytes kept */
    size_t total;   /* bytes read in all */
    int    echo_fd; /* >= 0: copy everything here as it arrives */
} sink;

static int sink_drain(void *arg)
{
    sink *s = arg;
    char *chunk = malloc(READ_CHUNK);
    s->buf = malloc(s->cap + 1);
    if (!chunk || !s->buf) { free(chunk); return -ENOMEM; }
    s->buf[0] = 0;
    size_t since_yield = 0;
    for (;;) {
        /* A pipe that always has data never makes cio_read() wait, so this task would
           never suspend: let the others run every few MiB (cooperative fairness). */
        if (since_yield >= YIELD_EVERY) {
            since_yield = 0;
            if (cio_yield() != 0) { free(chunk); return -ECANCELED; }
        }
        ssize_t n = cio_read(s->fd, chunk, READ_CHUNK);
        if (n <= 0) {
            free(chunk);
            return n == 0 ? 0 : (int)n; /* EOF, or -ECANCELED when the grace ran out */
        }
        s->total += (size_t)n;
        since_yield += (size_t)n;
        size_t keep = s->len < s->cap ? s->cap - s->len : 0;
        if (keep > (size_t)n) keep = (size_t)n;
        memcpy(s->buf + s->len, chunk, keep);
        s->len += keep;
        s->buf[s->len] = 0;
        /* The terminal is ours, not the loop's: a plain blocking write. */
        for (ssize_t off = 0; s->echo_fd >= 0 && off < n;) {
            ssize_t w = write(s->echo_fd, chunk + off, (size_t)(n - off));
            if (w <= 0) break;
            off += w;
        }
    }
}

/* ---------------------------------------------------------------------------------- */
/* Starting a plain child                                                             */
/* ---------------------------------------------------------------------------------- */

static int spawn_plain(const proc_spec *s, char *const *envp, int out_w, pid_t *pid, int *pidfd)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_w, 1);
    posix_spawn_file_actions_adddup2(&fa, out_w, 2);
    if (s->cwd) posix_spawn_file_actions_addchdir_np(&fa, s->cwd);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setpgroup(&at, 0); /* its own group, so a timeout kills its children too */
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawnp(pid, s->argv[0], &fa, &at, s->argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) return -rc;
    *pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
    if (*pidfd < 0) {
        int e = -errno;
        kill(-*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
        return e;
    }
    return 0;
}

static int reap_plain(pid_t pid, int pidfd)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) != 0 && errno == EINTR) {}
    kill(-pid, SIGKILL); /* anything it left running in its group */
    close(pidfd);
    return si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : (si.si_status & 0x7f);
}

/* ---------------------------------------------------------------------------------- */
/* The environment of a test: the caller's, plus the channel                          */
/* ---------------------------------------------------------------------------------- */

static char **env_with_channel(char *const *base, const char *nonce)
{
    size_t n = 0;
    while (base[n]) n++;
    char **env = calloc(n + 3, sizeof *env);
    if (!env) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(base[i], "CIO_GRADE_", 10) != 0) env[k++] = base[i];
    static char fd_var[] = "CIO_GRADE_FD=3";
    static __thread char nonce_var[64];
    snprintf(nonce_var, sizeof nonce_var, "CIO_GRADE_NONCE=%s", nonce);
    env[k++] = fd_var;
    env[k++] = strdup(nonce_var);
    env[k] = NULL;
    return env;
}

static void env_free(char **env)
{
    if (!env) return;
    for (size_t i = 0; env[i]; i++)
        if (strncmp(env[i], "CIO_GRADE_NONCE=", 16) == 0) free(env[i]);
    free(env);
}

static void make_nonce(char out[33])
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        /* never happens on Linux >= 3.17; still, never a predictable nonce */
        abort();
    }
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* ---------------------------------------------------------------------------------- */
/* The watchdog                                                                       */
/* ---------------------------------------------------------------------------------- */

/* Kills a child when its time is up. */
typedef struct watchdog {
    cio_event     *exited;    /* set by proc_run once the child has exited */
    double         timeout;   /* seconds; <= 0: none */
    sandbox_child *child;     /* the child, when sandboxed */
    pid_t          pid;       /* the child, when plain */
    int            sandboxed; /* which of the two */
    int            timed_out; /* set when the deadline passed first */
} watchdog;

static void child_kill(const watchdog *w)
{
    if (w->sandboxed) sandbox_kill(w->child);
    else kill(-w->pid, SIGKILL);
}

/*
 * The timeout as a cancel scope around a wait for the exit event. (The scope is not put
 * around the pidfd wait itself: a wait cancelled in the same loop iteration as its fd
 * becomes ready is miscounted by the runtime, see runtime/src/io.c on_ready().)
 */
static int watchdog_run(void *arg)
{
    watchdog *w = arg;
    cio_scope deadline;
    cio_scope_open(&deadline, w->timeout > 0 ? cio_now() + w->timeout : INFINITY, 0);
    cio_event_wait(w->exited);
    if (cio_scope_close(&deadline)) {
        w->timed_out = 1;
        child_kill(w);
    }
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Running                                                                            */
/* ---------------------------------------------------------------------------------- */

int proc_run(const proc_spec *s, proc_result *r)
{
    memset(r, 0, sizeof *r);
    int out[2] = {-1, -1}, rec[2] = {-1, -1};
    char **env = NULL;
    char *const *envp = s->envp ? s->envp : environ;
    if (pipe2(out, O_CLOEXEC) != 0) return -errno;
    if (s->want_record) {
        if (pipe2(rec, O_CLOEXEC) != 0) { close(out[0]); close(out[1]); return -errno; }
        make_nonce(r->nonce);
        env = env_with_channel(envp, r->nonce);
        if (!env) { close(out[0]); close(out[1]); close(rec[0]); close(rec[1]); return -ENOMEM; }
        envp = env;
    }

    sandbox_child child = {.pidfd = -1, .status_fd = -1, .slot = -1};
    pid_t pid = -1;
    int pidfd = -1, rc;
    double t0 = mono();
    if (s->policy) {
        sandbox_launch l = {.exe = s->argv[0], .argv = s->argv, .envp = envp, .cwd = s->cwd,
                            .out_fd = out[1], .record_fd = rec[1], .policy = s->policy};
        rc = sandbox_spawn(&l, &child);
        pidfd = child.pidfd;
    } else {
        rc = spawn_plain(s, envp, out[1], &pid, &pidfd);
    }
    close(out[1]);
    if (rec[1] >= 0) close(rec[1]);
    env_free(env);
    if (rc != 0) {
        close(out[0]);
        if (rec[0] >= 0) close(rec[0]);
        return rc;
    }
    r->started = 1;

    /* Drain both pipes concurrently while we wait for the exit. */
    sink so = {.fd = out[0], .cap = s->output_cap ? s->output_cap : PROC_OUTPUT_CAP, .echo_fd = s->echo_fd};
    sink sr = {.fd = rec[0], .cap = RECORD_CAP, .echo_fd = -1};
    if (!s->echo_fd) so.echo_fd = -1; /* a zeroed spec means no echo, not stdin */
    cio_task *t_out = cio_spawn(sink_drain, &so);
    cio_task *t_rec = rec[0] >= 0 ? cio_spawn(sink_drain, &sr) : NULL;

    /* The deadline belongs to a watchdog task: a cancel scope around its wait for the
       exit (Trio's move_on_after). When the scope fires, the watchdog kills the child,
       and our wait on the pidfd below simply sees it exit. */
    watchdog dog = {.exited = cio_event_new(), .timeout = s->timeout, .child = &child, .pid = pid,
                    .sandboxed = s->policy != NULL};
    cio_task *t_dog = dog.exited ? cio_spawn(watchdog_run, &dog) : NULL;
    int wrc = cio_wait_readable(pidfd);
    int cancelled = wrc != 0; /* our caller is being cancelled: clean up, then say so */
    if (cancelled) child_kill(&dog);
    /* From here on we only clean up, and cleanup must finish: a shielded scope. */
    cio_scope shield;
    cio_scope_open(&shield, INFINITY, 1);
    if (wrc != 0) cio_wait_readable(pidfd);
    if (dog.exited) cio_event_set(dog.exited);
    if (t_dog) cio_await(t_dog);
    if (dog.exited) cio_event_free(dog.exited);
    r->timed_out = dog.timed_out;
    r->status = s->policy ? sandbox_reap(&child) : reap_plain(pid, pidfd);
    r->seconds = mono() - t0;
    /* Whatever is still buffered in the pipes arrives now; an escaped grandchild
       holding them open (layer 3 only) is not waited for beyond the grace. */
    if (t_out) cio_wait_for(t_out, DRAIN_GRACE);
    if (t_rec) cio_wait_for(t_rec, DRAIN_GRACE);
    cio_scope_close(&shield);

    close(out[0]);
    if (rec[0] >= 0) close(rec[0]);
    r->output = so.buf;
    r->output_len = so.len;
    r->output_total = so.total;
    if (rec[0] >= 0) {
        r->record = sr.buf;
        r->record_len = sr.len;
    }
    return cancelled ? -ECANCELED : 0;
}

void proc_result_free(proc_result *r)
{
    free(r->output);
    free(r->record);
    memset(r, 0, sizeof *r);
}

const char *proc_signal_name(int sig)
{
    static __thread char buf[32];
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev) snprintf(buf, sizeof buf, "SIG%s", abbrev);
    else snprintf(buf, sizeof buf, "signal %d", sig);
    return buf;
}

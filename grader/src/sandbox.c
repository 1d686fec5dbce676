/*
 * sandbox.c — how an untrusted test process is started (see sandbox.h for the layers).
 *
 * The shape, in layers 1 and 2: clone3() makes a child "init" that is pid 1 of fresh
 * pid, mount, network, IPC and UTS namespaces. The init hides what the test must not
 * read, forks the test, waits for it and sends its wait status back on a pipe. Killing
 * the init (timeout) makes the kernel kill everything in the pid namespace: no escaped
 * grandchild, fork bomb or setsid() survives, and no test can signal the grader,
 * because nothing outside its namespace is visible to it.
 *
 * Everything between clone3() and execve() makes system calls only: the grader may have
 * threads, so the child must not touch malloc or stdio; the parent prepares every
 * string and the seccomp program beforehand.
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#define UID_BASE_DEFAULT 61000 /* test uid = base + job slot; nobody else uses these */
#define MAX_SLOTS        1024  /* far more than any --jobs */
#define NS_FLAGS (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

/* ---------------------------------------------------------------------------------- */
/* Job slots: each running test gets a uid of its own, so RLIMIT_NPROC is its own too */
/* ---------------------------------------------------------------------------------- */

static unsigned char slot_used[MAX_SLOTS]; /* 1 while a child runs under base + index */

static int slot_acquire(void)
{
    for (int i = 0; i < MAX_SLOTS; i++)
        if (!slot_used[i]) { slot_used[i] = 1; return i; }
    return -1;
}

static void slot_release(int s)
{
    if (s >= 0 && s < MAX_SLOTS) slot_used[s] = 0;
}

static uid_t uid_base(void)
{
    const char *s = getenv("CIO_GRADE_UID_BASE");
    long v = s ? strtol(s, NULL, 10) : 0;
    return v > 1000 ? (uid_t)v : UID_BASE_DEFAULT;
}

/* ---------------------------------------------------------------------------------- */
/* The seccomp filter, compiled once per variant in the parent                        */
/* ---------------------------------------------------------------------------------- */

static struct sock_fprog filters[4]; /* [network | ptrace << 1], built on first use */

static void deny(scmp_filter_ctx ctx, int nr, int err)
{
    if (nr >= 0) seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
}

/*
 * Refused: everything that reaches outside the test (other processes' memory, mounts,
 * namespaces, kernel modules, keys, BPF, io_uring which bypasses this filter), user
 * namespaces (clone3 is refused as ENOSYS so libc falls back to clone, whose flags we
 * can see), and sockets of any family but AF_UNIX unless the exercise needs the network.
 */
static int filter_build(int network, int ptrace_ok, struct sock_fprog *out)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return -ENOMEM;
    static const int refused[] = {
        SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(mount), SCMP_SYS(umount2),
        SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(unshare), SCMP_SYS(setns),
        SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load), SCMP_SYS(init_module), SCMP_SYS(finit_module),
        SCMP_SYS(delete_module), SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(keyctl),
        SCMP_SYS(add_key), SCMP_SYS(request_key), SCMP_SYS(userfaultfd), SCMP_SYS(swapon),
        SCMP_SYS(swapoff), SCMP_SYS(reboot), SCMP_SYS(acct), SCMP_SYS(settimeofday),
        SCMP_SYS(clock_settime), SCMP_SYS(adjtimex), SCMP_SYS(quotactl), SCMP_SYS(open_by_handle_at),
        SCMP_SYS(name_to_handle_at), SCMP_SYS(iopl), SCMP_SYS(ioperm), SCMP_SYS(syslog),
        SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
        SCMP_SYS(fanotify_init), SCMP_SYS(move_mount), SCMP_SYS(fsopen), SCMP_SYS(fsmount),
        SCMP_SYS(open_tree),
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) deny(ctx, refused[i], EPERM);
    if (!ptrace_ok) deny(ctx, SCMP_SYS(ptrace), EPERM);
    deny(ctx, SCMP_SYS(clone3), ENOSYS);
    static const unsigned long nsbits[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID,
                                           CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP};
    for (size_t i = 0; i < sizeof nsbits / sizeof nsbits[0]; i++)
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                         SCMP_A0(SCMP_CMP_MASKED_EQ, nsbits[i], nsbits[i]));
    /* No signalling process groups or everyone (kill(-1)), nor the grader by its pid:
       without namespaces (layer 3) both would reach outside the test. */
    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, 0x80000000u, 0x80000000u));
    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1,
                     SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)(uint32_t)getpid()));
    for (int fam = 0; fam < AF_MAX; fam++) {
        if (fam == AF_UNIX) continue;
        if (network && (fam == AF_INET || fam == AF_INET6)) continue;
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                         SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fam));
    }
    /* Export the BPF through a memfd so the child only has to hand it to prctl(). */
    int fd = memfd_create("cio-seccomp", MFD_CLOEXEC);
    int rc = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
    seccomp_release(ctx);
    if (rc < 0) { if (fd >= 0) close(fd); return rc; }
    off_t len = lseek(fd, 0, SEEK_END);
    struct sock_filter *prog = malloc((size_t)len);
    if (!prog || pread(fd, prog, (size_t)len, 0) != len) { free(prog); close(fd); return -EIO; }
    close(fd);
    out->filter = prog;
    out->len = (unsigned short)(len / (off_t)sizeof *prog);
    return 0;
}

static const struct sock_fprog *filter_get(int network, int ptrace_ok)
{
    struct sock_fprog *f = &filters[(network ? 1 : 0) | (ptrace_ok ? 2 : 0)];
    if (!f->filter && filter_build(network, ptrace_ok, f) != 0) return NULL;
    return f;
}

/* ---------------------------------------------------------------------------------- */
/* The child side: system calls only                                                  */
/* ---------------------------------------------------------------------------------- */

/* Everything the child needs, prepared by the parent. */
typedef struct prepared {
    const sandbox_launch   *l;          /* what to run */
    const struct sock_fprog *filter;    /* the seccomp program */
    sandbox_mode            mode;       /* layer */
    int                     exe_fd;     /* O_PATH fd of the program, opened before hiding */
    int                     status_w;   /* init -> grader: the test's wait status */
    uid_t                   uid;        /* the test's uid (layer 1) */
    char                    uid_map[64];/* "U U 1" for layer 2 */
    char                    gid_map[64];/* "G G 1" for layer 2 */
} prepared;

static void say(const char *a, const char *b)
{
    /* write(2) to stderr (the output pipe by then): the grader shows it as output */
    if (write(2, "cio sandbox: ", 13) < 0) return;
    if (write(2, a, strlen(a)) < 0) return;
    if (b && write(2, b, strlen(b)) < 0) return;
    if (write(2, "\n", 1) < 0) return;
}

static void die(const char *what)
{
    int e = errno;
    say(what, strerror(e));
    _exit(126);
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Set a limit with soft = hard, so the test cannot raise it back. */
static void limit(int resource, rlim_t v)
{
    struct rlimit r = {v, v};
    if (setrlimit(resource, &r) != 0) die("setrlimit: ");
}

/* The test process: wire the fds, drop privileges, apply limits and filter, exec. */
static _Noreturn void child_exec(const prepared *p)
{
    const sandbox_launch *l = p->l;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
    setpgid(0, 0);

    /* Move the fds we keep out of the way, then place them at 0-3. */
    int out = fcntl(l->out_fd, F_DUPFD, 100);
    int rec = l->record_fd >= 0 ? fcntl(l->record_fd, F_DUPFD, 100) : -1;
    int null = open("/dev/null", O_RDONLY);
    if (out < 0 || null < 0 || (l->record_fd >= 0 && rec < 0)) _exit(126);
    if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(126);
    if (rec >= 0 && dup2(rec, 3) < 0) _exit(126);
    int exe = fcntl(p->exe_fd, F_DUPFD, 100);
    if (exe < 0) die("exe fd: ");
    /* close everything else, keeping the exe fd for execveat */
    int first = rec >= 0 ? 4 : 3;
    if (exe > first) close_range((unsigned)first, (unsigned)exe - 1, 0);
    close_range((unsigned)exe + 1, ~0U, 0);
    fcntl(exe, F_SETFD, FD_CLOEXEC);

    const sandbox_policy *pol = l->policy;
    limit(RLIMIT_CORE, 0);
    limit(RLIMIT_CPU, (rlim_t)(pol->cpu_seconds + 1));
    if (pol->address_space) limit(RLIMIT_AS, pol->address_space);
    limit(RLIMIT_FSIZE, pol->file_size);
    limit(RLIMIT_NOFILE, pol->nofile);
    if (p->mode == SANDBOX_ROOT) {
        if (setgroups(0, NULL) != 0) die("setgroups: ");
        if (setresgid(p->uid, p->uid, p->uid) != 0) die("setgid: ");
        limit(RLIMIT_NPROC, pol->nproc); /* before setuid: counted for the new uid */
        if (setresuid(p->uid, p->uid, p->uid) != 0) die("setuid: ");
    } else {
        limit(RLIMIT_NPROC, pol->nproc);
    }
    /* The grader's death kills the test (in layers 1-2 the init's death does already). */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("no_new_privs: ");
    if (p->filter && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, p->filter) != 0) die("seccomp: ");
    syscall(SYS_execveat, exe, "", l->argv, l->envp, AT_EMPTY_PATH);
    say("cannot start the test program: ", strerror(errno));
    _exit(127);
}

/* Bring the loopback interface of a fresh network namespace up (it starts down). */
static void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
}

/* Layers 1-2: the namespace's init. Hides files, starts the test, relays its status. */
static _Noreturn void child_init(const prepared *p)
{
    const sandbox_launch *l = p->l;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (p->mode == SANDBOX_USERNS) {
        if (write_file("/proc/self/setgroups", "deny") != 0 || write_file("/proc/self/uid_map", p->uid_map) != 0 ||
            write_file("/proc/self/gid_map", p->gid_map) != 0)
            die("user namespace map: ");
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("private mounts: ");
    if (chdir(l->cwd) != 0) die("chdir to the scratch directory: ");
    for (const char *const *h = l->policy->hide; h && *h; h++)
        if (mount("cio-hidden", *h, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=000") != 0 &&
            errno != ENOENT && errno != ENOTDIR)
            die("hiding a directory: ");
    static const char *const tmps[] = {"/tmp", "/var/tmp", "/dev/shm"};
    for (size_t i = 0; i < 3; i++)
        mount("cio-tmp", tmps[i], "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777");
    /* A /proc of this pid namespace: the grader and other tests are not in it. */
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    if (l->policy->network) loopback_up();

    pid_t test = fork();
    if (test < 0) die("fork: ");
    if (test == 0) {
        close(p->status_w);
        child_exec(p);
    }
    close(l->out_fd);
    if (l->record_fd >= 0) close(l->record_fd);
    int st = 0;
    for (;;) {
        pid_t w = waitpid(-1, &st, 0); /* reaps orphans too: we are their init */
        if (w == test) break;
        if (w < 0 && errno != EINTR) { st = 126 << 8; break; }
    }
    if (write(p->status_w, &st, sizeof st) != (ssize_t)sizeof st) _exit(125);
    _exit(0); /* the kernel now kills whatever the test left behind */
}

/* ---------------------------------------------------------------------------------- */
/* The parent side                                                                    */
/* ---------------------------------------------------------------------------------- */

static pid_t clone3_pidfd(unsigned long flags, int *pidfd)
{
    struct clone_args a;
    memset(&a, 0, sizeof a);
    a.flags = flags | CLONE_PIDFD;
    a.pidfd = (uint64_t)(uintptr_t)pidfd;
    a.exit_signal = SIGCHLD;
    return (pid_t)syscall(SYS_clone3, &a, sizeof a);
}

/* Can this layer start a child that mounts a tmpfs? Tried once, in a throwaway child. */
static int layer_works(unsigned long flags, sandbox_mode mode)
{
    int pidfd = -1;
    char uid_map[64], gid_map[64];
    snprintf(uid_map, sizeof uid_map, "%u %u 1", (unsigned)geteuid(), (unsigned)geteuid());
    snprintf(gid_map, sizeof gid_map, "%u %u 1", (unsigned)getegid(), (unsigned)getegid());
    pid_t pid = clone3_pidfd(flags, &pidfd);
    if (pid < 0) return 0;
    if (pid == 0) {
        if (mode == SANDBOX_USERNS &&
            (write_file("/proc/self/setgroups", "deny") != 0 || write_file("/proc/self/uid_map", uid_map) != 0 ||
             write_file("/proc/self/gid_map", gid_map) != 0))
            _exit(1);
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) _exit(1);
        if (mount("cio-probe", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k") != 0) _exit(1);
        _exit(0);
    }
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    close(pidfd);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int probed = -1; /* the layer in force, once probed */

sandbox_mode sandbox_probe(void)
{
    if (probed >= 0) return (sandbox_mode)probed;
    const char *force = getenv("CIO_GRADE_SANDBOX"); /* "plain" or "userns": for testing the fallbacks */
    if (geteuid() == 0 && !(force && *force) && layer_works(NS_FLAGS, SANDBOX_ROOT)) probed = SANDBOX_ROOT;
    else if (!(force && strcmp(force, "plain") == 0) && layer_works(NS_FLAGS | CLONE_NEWUSER, SANDBOX_USERNS))
        probed = SANDBOX_USERNS;
    else probed = SANDBOX_PLAIN;
    if (probed == SANDBOX_PLAIN)
        fprintf(stderr, "cio-grade: warning: this kernel allows no namespaces here, so tests run with limits and a\n"
                        "  syscall filter only: files you can read (solutions, hidden tests) stay readable to them.\n");
    return (sandbox_mode)probed;
}

const char *sandbox_describe(void)
{
    static char text[160];
    switch (sandbox_probe()) {
    case SANDBOX_ROOT:
        snprintf(text, sizeof text, "namespaces (pid, mount, net, ipc, uts), uid %u + slot, rlimits, seccomp",
                 (unsigned)uid_base());
        break;
    case SANDBOX_USERNS:
        snprintf(text, sizeof text, "user namespace with pid, mount, net, ipc, uts namespaces, rlimits, seccomp");
        break;
    case SANDBOX_PLAIN:
        snprintf(text, sizeof text, "process group, rlimits, seccomp only (no namespaces on this kernel)");
        break;
    }
    return text;
}

int sandbox_spawn(const sandbox_launch *l, sandbox_child *c)
{
    memset(c, 0, sizeof *c);
    c->slot = -1;
    c->status_fd = -1;
    prepared p = {.l = l, .exe_fd = -1, .status_w = -1};
    p.mode = c->mode = sandbox_probe();
    p.filter = filter_get(l->policy->network, l->policy->allow_ptrace);
    if (!p.filter) return -ENOMEM;
    p.exe_fd = open(l->exe, O_PATH | O_CLOEXEC);
    if (p.exe_fd < 0) return -errno;

    unsigned long flags = 0;
    if (p.mode == SANDBOX_ROOT) {
        c->slot = slot_acquire();
        if (c->slot < 0) { close(p.exe_fd); return -EAGAIN; }
        p.uid = uid_base() + (uid_t)c->slot;
        /* The scratch directory is the test's own; nobody else can enter it. */
        if (chown(l->cwd, p.uid, p.uid) != 0 || chmod(l->cwd, 0700) != 0) {
            int e = -errno;
            slot_release(c->slot);
            close(p.exe_fd);
            return e;
        }
        flags = NS_FLAGS;
    } else if (p.mode == SANDBOX_USERNS) {
        snprintf(p.uid_map, sizeof p.uid_map, "%u %u 1", (unsigned)geteuid(), (unsigned)geteuid());
        snprintf(p.gid_map, sizeof p.gid_map, "%u %u 1", (unsigned)getegid(), (unsigned)getegid());
        flags = NS_FLAGS | CLONE_NEWUSER;
    }
    int sp[2] = {-1, -1};
    if (p.mode != SANDBOX_PLAIN) {
        if (pipe2(sp, O_CLOEXEC | O_NONBLOCK) != 0) {
            int e = -errno;
            slot_release(c->slot);
            close(p.exe_fd);
            return e;
        }
        p.status_w = sp[1];
    }
    int pidfd = -1;
    pid_t pid = clone3_pidfd(flags, &pidfd);
    if (pid == 0) {
        if (p.mode == SANDBOX_PLAIN) child_exec(&p);
        close(sp[0]);
        child_init(&p);
    }
    int e = pid < 0 ? -errno : 0;
    close(p.exe_fd);
    if (sp[1] >= 0) close(sp[1]);
    if (pid < 0) {
        if (sp[0] >= 0) close(sp[0]);
        slot_release(c->slot);
        c->slot = -1;
        return e;
    }
    c->pid = pid;
    c->pidfd = pidfd;
    c->status_fd = sp[0];
    return 0;
}

void sandbox_kill(const sandbox_child *c)
{
    if (c->pidfd < 0) return;
    /* Layers 1-2: the init's death takes the namespace down. Layer 3: the group. */
    if (c->mode == SANDBOX_PLAIN) kill(-c->pid, SIGKILL);
    syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
}

int sandbox_reap(sandbox_child *c)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    while (waitid(P_PIDFD, (id_t)c->pidfd, &si, WEXITED) != 0 && errno == EINTR) {}
    int st;
    if (si.si_code == CLD_EXITED) st = (si.si_status & 0xff) << 8;
    else st = si.si_status & 0x7f; /* killed or dumped: the signal number */
    if (c->mode == SANDBOX_PLAIN) kill(-c->pid, SIGKILL); /* whatever the test left in its group */
    if (c->status_fd >= 0) {
        int test_status;
        if (read(c->status_fd, &test_status, sizeof test_status) == (ssize_t)sizeof test_status) st = test_status;
        close(c->status_fd);
        c->status_fd = -1;
    }
    close(c->pidfd);
    c->pidfd = -1;
    slot_release(c->slot);
    c->slot = -1;
    return st;
}

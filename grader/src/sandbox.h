/*
 * sandbox.h — starting one untrusted test process, isolated as well as this machine
 * allows. proc.c calls sandbox_spawn() and then watches the child like any other;
 * everything about namespaces, uids, limits and the syscall filter lives in sandbox.c.
 *
 * Layers, strongest first (grade_sandbox_mode() says which one is in force):
 *  1. root: new pid, mount, network, IPC and UTS namespaces; solutions, hidden tests,
 *     .git and the build cache covered by empty read-only tmpfs mounts; private /tmp;
 *     the test runs under its own unprivileged uid (one per job slot) with no
 *     capabilities, rlimits, no_new_privs and a seccomp filter.
 *  2. not root, user namespaces allowed: the same namespaces inside a user namespace;
 *     the test keeps the caller's uid (mapped), but loses every capability at exec.
 *  3. neither: a process group, rlimits, no_new_privs and the seccomp filter only —
 *     files the caller can read stay readable (a warning says so once).
 */
#ifndef CIO_GRADE_SANDBOX_H
#define CIO_GRADE_SANDBOX_H

#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

/** Which isolation layer is available (see above). */
typedef enum { SANDBOX_ROOT, SANDBOX_USERNS, SANDBOX_PLAIN } sandbox_mode;

/** What a sandboxed child may do. Filled by grade.c, read by sandbox_spawn(). */
typedef struct sandbox_policy {
    const char *const *hide;     /* absolute directories covered by empty tmpfs (NULL-terminated) */
    int         network;         /* nonzero: AF_INET/AF_INET6 sockets allowed (loopback only: the
                                    network namespace has nothing else) */
    int         allow_ptrace;    /* nonzero: ptrace allowed (LeakSanitizer needs it) */
    double      cpu_seconds;     /* RLIMIT_CPU */
    rlim_t      address_space;   /* RLIMIT_AS in bytes; 0: unlimited (sanitizers map terabytes) */
    rlim_t      file_size;       /* RLIMIT_FSIZE in bytes */
    rlim_t      nproc;           /* RLIMIT_NPROC: processes and threads of the test's uid */
    rlim_t      nofile;          /* RLIMIT_NOFILE */
} sandbox_policy;

/** How to start the child. All strings are prepared by the parent: the child allocates nothing. */
typedef struct sandbox_launch {
    const char *exe;             /* absolute path of the program */
    char *const *argv;           /* its argv */
    char *const *envp;           /* its whole environment */
    const char *cwd;             /* its scratch directory (chowned to the test's uid) */
    int         out_fd;          /* becomes its stdout and stderr */
    int         record_fd;       /* becomes fd 3 (CIO_GRADE_FD=3); -1: none */
    const sandbox_policy *policy;/* limits and filter */
} sandbox_launch;

/** A started child. */
typedef struct sandbox_child {
    pid_t pid;                   /* the child the grader waits for (the namespace's init in 1-2) */
    int   pidfd;                 /* readable once it exits */
    int   status_fd;             /* read end: the test's wait status, sent by the init (1-2); -1 in 3 */
    int   slot;                  /* the job slot whose uid it runs under; -1: none */
    sandbox_mode mode;           /* the layer it was started with */
} sandbox_child;

/** Probe once which layer works here. */
sandbox_mode sandbox_probe(void);

/** Start the child. @return 0, or -errno (nothing is left running). */
int sandbox_spawn(const sandbox_launch *l, sandbox_child *c);

/** Kill the child and everything it started (SIGKILL). Safe to call more than once. */
void sandbox_kill(const sandbox_child *c);

/**
 * Reap the child (it has exited: its pidfd was readable) and return the test
 * program's own wait status, as waitpid() reports it. Frees the slot and closes fds.
 */
int sandbox_reap(sandbox_child *c);

/** A one-line description of the layer in force, for reports. */
const char *sandbox_describe(void);

#endif /* CIO_GRADE_SANDBOX_H */

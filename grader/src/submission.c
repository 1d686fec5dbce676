/*
 * submission.c — scanning a batch directory and staging each student's files (see
 * submission.h). Archives are checked before anything is unpacked: `tar -tv` lists
 * every member, and one that is absolute, climbs out with "..", is not a plain file or
 * directory, or makes the archive too big refuses the whole archive. Then only the
 * exercise files are copied, opened with O_NOFOLLOW, into the tree that is graded.
 */
#define _GNU_SOURCE
#include "submission.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_MEMBERS     20000             /* members in one archive */
#define MAX_UNPACKED    (256u << 20)      /* bytes unpacked from one archive */
#define MAX_FILE        (1u << 20)        /* bytes in one exercise file */
#define MAX_LISTING     (8u << 20)        /* bytes of `tar -tv` output read */
#define TAR_TIMEOUT     "120"             /* seconds tar may take, listing or unpacking */
#define MAX_SCAN_ENTRIES 100000           /* files looked at for a directory's mtime */

/* ---------------------------------------------------------------------------------- */
/* Scanning the batch directory                                                       */
/* ---------------------------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* The newest mtime below @p path (lstat: links are not followed), bounded in depth and count. */
static double mtime_of(const struct stat *st)
{
    return (double)st->st_mtim.tv_sec + st->st_mtim.tv_nsec / 1e9;
}

static void newest_mtime(const char *path, int depth, size_t *budget, double *newest)
{
    struct stat st;
    if (*budget == 0 || lstat(path, &st) != 0) return;
    --*budget;
    if (mtime_of(&st) > *newest) *newest = mtime_of(&st);
    if (!S_ISDIR(st.st_mode) || depth > 16) return;
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *child;
        if (asprintf(&child, "%s/%s", path, e->d_name) < 0) break;
        newest_mtime(child, depth + 1, budget, newest);
        free(child);
    }
    closedir(d);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const submission *)a)->name, ((const submission *)b)->name);
}

int submission_scan(const char *dir, submission **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        fprintf(stderr, "cio-grade batch: cannot read the submissions directory %s: %s\n", dir, strerror(e));
        return -e;
    }
    submission *v = NULL;
    size_t len = 0, cap = 0;
    struct dirent *e;
    int err = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue; /* ".", "..", and hidden files such as .DS_Store */
        char *path;
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) { err = -ENOMEM; break; }
        struct stat st;
        if (stat(path, &st) != 0) {
            fprintf(stderr, "cio-grade batch: skipping %s: %s\n", path, strerror(errno));
            free(path);
            continue;
        }
        int tarball = S_ISREG(st.st_mode) && (ends_with(e->d_name, ".tar.gz") || ends_with(e->d_name, ".tgz"));
        if (!S_ISDIR(st.st_mode) && !tarball) {
            fprintf(stderr, "cio-grade batch: skipping %s: neither a directory nor a .tar.gz\n", path);
            free(path);
            continue;
        }
        char *name = strdup(e->d_name);
        if (!name) { free(path); err = -ENOMEM; break; }
        if (tarball) name[strlen(name) - (ends_with(name, ".tgz") ? 4 : 7)] = '\0';
        if (len == cap) {
            cap = cap ? 2 * cap : 64;
            submission *nv = realloc(v, cap * sizeof *v);
            if (!nv) { free(name); free(path); err = -ENOMEM; break; }
            v = nv;
        }
        double newest = mtime_of(&st);
        size_t budget = MAX_SCAN_ENTRIES;
        if (!tarball) newest_mtime(path, 0, &budget, &newest);
        v[len++] = (submission){name, path, tarball, newest};
    }
    closedir(d);
    if (err) {
        fprintf(stderr, "cio-grade batch: out of memory while listing %s\n", dir);
        submission_list_free(v, len);
        return err;
    }
    qsort(v, len, sizeof *v, by_name);
    /* Two entries for one student (alice/ and alice.tar.gz): grade the first, say so. */
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        if (w > 0 && strcmp(v[w - 1].name, v[i].name) == 0) {
            fprintf(stderr, "cio-grade batch: skipping %s: %s already holds student %s\n",
                    v[i].path, v[w - 1].path, v[i].name);
            free(v[i].name);
            free(v[i].path);
            continue;
        }
        v[w++] = v[i];
    }
    *out = v;
    *n = w;
    return 0;
}

void submission_list_free(submission *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].path);
    }
    free(v);
}

/* ---------------------------------------------------------------------------------- */
/* Running tar                                                                        */
/* ---------------------------------------------------------------------------------- */

/* Run argv, collecting stdout (up to @p cap bytes; more is an error) and the end of
 * stderr. Returns the exit status (0..255), 256 + signal, or -errno if it could not run. */
static int run_capture(char *const argv[], char **out, size_t cap, char *errtail, size_t errlen)
{
    int po[2], pe[2];
    *out = NULL;
    errtail[0] = '\0';
    if (pipe2(po, O_CLOEXEC) != 0) return -errno;
    if (pipe2(pe, O_CLOEXEC) != 0) { int e = errno; close(po[0]); close(po[1]); return -e; }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    if (rc != 0) { close(po[0]); close(pe[0]); return -rc; }

    char *buf = NULL;
    size_t len = 0, elen = 0;
    int overflow = 0, open_fds = 2;
    struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    while (open_fds > 0) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        char chunk[65536];
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t r = read(p[i].fd, chunk, sizeof chunk);
            if (r <= 0) {
                if (r < 0 && errno == EINTR) continue;
                close(p[i].fd);
                p[i].fd = -1;
                open_fds--;
                continue;
            }
            if (i == 0) {
                if (overflow || len + (size_t)r > cap) { overflow = 1; continue; } /* drain */
                char *nb = realloc(buf, len + (size_t)r + 1);
                if (!nb) { overflow = 1; continue; }
                buf = nb;
                memcpy(buf + len, chunk, (size_t)r);
                len += (size_t)r;
                buf[len] = '\0';
            } else {
                /* Keep the last errlen-1 bytes of stderr: tar's final complaint. */
                for (ssize_t k = 0; k < r; k++) {
                    if (elen + 1 >= errlen) { memmove(errtail, errtail + 1, errlen - 2); elen--; }
                    errtail[elen++] = chunk[k];
                }
                errtail[elen] = '\0';
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) { free(buf); return -errno; }
    if (overflow) { free(buf); return -E2BIG; }
    *out = buf ? buf : strdup("");
    if (WIFSIGNALED(status)) return 256 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* ---------------------------------------------------------------------------------- */
/* Staging                                                                            */
/* ---------------------------------------------------------------------------------- */

static void note(staged *st, const char *fmt, ...)
{
    char *text;
    va_list ap;
    va_start(ap, fmt);
    int rc = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (rc < 0) return;
    char **nv = realloc(st->notes, (st->nnotes + 1) * sizeof *nv);
    if (!nv) { free(text); return; }
    st->notes = nv;
    st->notes[st->nnotes++] = text;
}

static void refuse(staged *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(st->refused);
    if (vasprintf(&st->refused, fmt, ap) < 0) st->refused = NULL;
    va_end(ap);
    if (!st->refused) st->refused = strdup("the submission could not be read");
}

/* Nonzero if the member name is absolute or has a ".." component. */
static int escapes(const char *name)
{
    if (name[0] == '/') return 1;
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') return 1;
        p += n;
        while (*p == '/') p++;
    }
    return 0;
}

/* Check every member of the archive before unpacking; refuse the submission otherwise.
 * Returns 0 (checked: st->refused says whether it may be unpacked) or -errno. */
static int check_archive(const submission *s, staged *st)
{
    char *argv[] = {"timeout", "-k", "5", TAR_TIMEOUT, "tar", "--numeric-owner", "--quoting-style=escape",
                    "-tvzf", s->path, NULL};
    char *listing, errtail[256];
    int rc = run_capture(argv, &listing, MAX_LISTING, errtail, sizeof errtail);
    if (rc == -E2BIG) { refuse(st, "archive refused: it lists too many members"); return 0; }
    if (rc == -ENOENT) {
        fprintf(stderr, "cio-grade batch: tar or timeout is not installed (apt-get install tar coreutils)\n");
        return -ENOENT;
    }
    if (rc < 0) return rc;
    if (rc != 0) {
        char *first = errtail;
        while (*first == '\n') first++;
        refuse(st, "archive refused: tar cannot read it (%s)", *first ? strtok(first, "\n") : "corrupt or not gzip");
        free(listing);
        return 0;
    }
    size_t members = 0;
    unsigned long long total = 0;
    for (char *line = strtok(listing, "\n"); line; line = strtok(NULL, "\n")) {
        members++;
        char type = line[0];
        /* mode owner size date time name: skip five fields to reach the name. */
        char *p = line;
        unsigned long long size = 0;
        for (int field = 0; field < 5 && *p; field++) {
            while (*p && *p != ' ') p++;
            while (*p == ' ') p++;
            if (field == 1) size = strtoull(p, NULL, 10);
        }
        if (type != '-' && type != 'd') {
            refuse(st, "archive refused: member '%s' is a %s; only plain files and directories are accepted",
                   p, type == 'l' ? "symbolic link" : type == 'h' ? "hard link" : "special file");
            break;
        }
        if (escapes(p)) {
            refuse(st, "archive refused: member '%s' would be written outside the submission", p);
            break;
        }
        total += size;
        if (members > MAX_MEMBERS || total > MAX_UNPACKED) {
            refuse(st, "archive refused: more than %d members or %u MiB unpacked", MAX_MEMBERS, MAX_UNPACKED >> 20);
            break;
        }
    }
    free(listing);
    return 0;
}

static int unpack(const submission *s, const char *dest, staged *st)
{
    char *argv[] = {"timeout", "-k", "5", TAR_TIMEOUT, "tar", "--no-same-owner", "--no-same-permissions",
                    "--mode=u+rwX", "-xzf", s->path, "-C", (char *)dest, NULL};
    char *out, errtail[256];
    int rc = run_capture(argv, &out, 1 << 20, errtail, sizeof errtail);
    if (rc < 0 && rc != -E2BIG) return rc;
    free(out);
    if (rc != 0) refuse(st, "archive refused: tar could not unpack it (%s)", errtail[0] ? strtok(errtail, "\n") : "error");
    return 0;
}

/* Is there a file (of any kind) at base/rel? */
static int exists_at(const char *base, const char *rel)
{
    char *p;
    if (asprintf(&p, "%s/%s", base, rel) < 0) return 0;
    struct stat st;
    int ok = lstat(p, &st) == 0;
    free(p);
    return ok;
}

/* Students often pack a folder ("alice/lessons/..."): descend through a lone folder
 * while no exercise file sits at its course path. */
static char *find_base(const course *c, const char *top)
{
    char *base = strdup(top);
    for (int depth = 0; base && depth < 3; depth++) {
        for (size_t i = 0; i < c->nexercises; i++)
            for (size_t f = 0; f < c->exercises[i].nfiles; f++)
                if (exists_at(base, c->exercises[i].files[f])) return base;
        DIR *d = opendir(base);
        if (!d) return base;
        struct dirent *e;
        char *only = NULL;
        int count = 0;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.' || strcmp(e->d_name, "__MACOSX") == 0) continue;
            if (++count == 1) only = strdup(e->d_name);
        }
        closedir(d);
        char *next = NULL;
        struct stat st;
        if (count == 1 && only && asprintf(&next, "%s/%s", base, only) >= 0 &&
            lstat(next, &st) == 0 && S_ISDIR(st.st_mode)) {
            free(base);
            base = next;
            next = NULL;
        } else {
            free(next);
            free(only);
            return base;
        }
        free(only);
    }
    return base;
}

static int mkdirs(const char *path) /* mkdir -p of path's parent directories */
{
    char *p = strdup(path);
    if (!p) return -ENOMEM;
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) { int e = errno; free(p); return -e; }
        *s = '/';
    }
    free(p);
    return 0;
}

/* Copy src (a regular file, not followed if a link) to dst. Returns 0, 1 when the
 * source is unusable (noted), or -errno for the grader's own failure. */
static int copy_file(const char *src, const char *dst, const char *rel, staged *st)
{
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (in < 0) {
        if (errno == ELOOP) note(st, "%s is a symbolic link: ignored, the stub is graded instead", rel);
        else note(st, "%s cannot be read (%s): the stub is graded instead", rel, strerror(errno));
        return 1;
    }
    struct stat sb;
    if (fstat(in, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        note(st, "%s is not a regular file: ignored, the stub is graded instead", rel);
        close(in);
        return 1;
    }
    if (sb.st_size > (off_t)MAX_FILE) {
        note(st, "%s is larger than %u KiB: ignored, the stub is graded instead", rel, MAX_FILE >> 10);
        close(in);
        return 1;
    }
    int rc = mkdirs(dst);
    int out = rc == 0 ? open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    if (out < 0) { rc = rc ? rc : -errno; close(in); return rc; }
    char buf[65536];
    ssize_t r;
    while ((r = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)r) != r) { rc = -(errno ? errno : EIO); break; }
    if (r < 0 && rc == 0) rc = -errno;
    close(in);
    if (close(out) != 0 && rc == 0) rc = -errno;
    return rc;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* How many exercise files share this file's name (the name alone cannot place those). */
static int same_name(const course *c, const char *name)
{
    int n = 0;
    for (size_t i = 0; i < c->nexercises; i++)
        for (size_t f = 0; f < c->exercises[i].nfiles; f++)
            n += strcmp(base_name(c->exercises[i].files[f]), name) == 0;
    return n;
}

static int copy_exercise_files(const course *c, const char *base, staged *st)
{
    size_t wanted = 0, by_name_count = 0;
    for (size_t i = 0; i < c->nexercises; i++) {
        const exercise *ex = &c->exercises[i];
        for (size_t f = 0; f < ex->nfiles; f++) {
            const char *rel = ex->files[f];
            wanted++;
            if (escapes(rel)) continue; /* the manifest's own paths are relative; never trust otherwise */
            char *src = NULL, *dst = NULL;
            if (asprintf(&dst, "%s/%s", st->root, rel) < 0) return -ENOMEM;
            if (exists_at(base, rel)) {
                if (asprintf(&src, "%s/%s", base, rel) < 0) src = NULL;
            } else if (same_name(c, base_name(rel)) == 1 && exists_at(base, base_name(rel))) {
                if (asprintf(&src, "%s/%s", base, base_name(rel)) < 0) src = NULL;
                by_name_count++;
            }
            int rc = src ? copy_file(src, dst, rel, st) : 1;
            free(src);
            free(dst);
            if (rc < 0) return rc;
            if (rc == 0) st->found++;
        }
    }
    if (by_name_count)
        note(st, "%zu file%s found at the top of the submission and placed by name", by_name_count,
             by_name_count == 1 ? "" : "s");
    if (st->found < wanted)
        note(st, "%zu of %zu exercise files submitted; the others are graded as the untouched stub",
             st->found, wanted);
    return 0;
}

int submission_stage(const course *c, const submission *s, const char *work_parent, staged *out)
{
    memset(out, 0, sizeof *out);
    char *tmpl;
    if (asprintf(&tmpl, "%s/%s.XXXXXX", work_parent, s->name) < 0) return -ENOMEM;
    if (!mkdtemp(tmpl)) { int e = errno; free(tmpl); return -e; }
    chmod(tmpl, 0755); /* the graded tree must be readable by the grader's sandboxed builds */
    out->work = tmpl;
    if (asprintf(&out->root, "%s/tree", tmpl) < 0 || mkdir(out->root, 0755) != 0) return -errno;

    char *top = NULL;
    int rc = 0;
    if (s->tarball) {
        rc = check_archive(s, out);
        if (rc == 0 && !out->refused) {
            if (asprintf(&top, "%s/unpacked", tmpl) < 0) return -ENOMEM;
            if (mkdir(top, 0700) != 0) rc = -errno;
            if (rc == 0) rc = unpack(s, top, out);
        }
    } else {
        top = strdup(s->path);
        if (!top) rc = -ENOMEM;
    }
    if (rc == 0 && !out->refused) {
        char *base = find_base(c, top);
        rc = base ? copy_exercise_files(c, base, out) : -ENOMEM;
        free(base);
    }
    free(top);
    return rc;
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    int rc = (type == FTW_DP) ? rmdir(path) : unlink(path);
    return rc != 0 && errno != ENOENT ? -1 : 0;
}

int submission_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -errno;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -errno;
}

void staged_free(staged *st)
{
    if (st->work) submission_rmtree(st->work);
    free(st->work);
    free(st->root);
    free(st->refused);
    for (size_t i = 0; i < st->nnotes; i++) free(st->notes[i]);
    free(st->notes);
    memset(st, 0, sizeof *st);
}

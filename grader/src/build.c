/*
 * build.c — the compiler and linker runs of build.h. A result is cached under the hash
 * of its inputs: <cache>/<hash>.o (or a binary) plus <hash>.log, or <hash>.fail with
 * the log when the compiler refused. Files appear by rename, so a concurrent reader
 * sees a whole file or none.
 */
#define _GNU_SOURCE
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

#define BUILD_TIMEOUT 120.0        /* seconds for one compiler or linker run */
#define LOG_CAP       (256 * 1024) /* compiler output kept */

uint64_t build_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    if (!h) h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    return build_hash(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* Hash a file's content (a missing file hashes as its absence). */
static uint64_t hash_file(uint64_t h, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hash_str(h, "(missing)");
    char buf[16384];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) h = build_hash(h, buf, (size_t)n);
    close(fd);
    return h;
}

/* Hash a file's identity, for big inputs like libcio.a: size and modification time. */
static uint64_t hash_stat(uint64_t h, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return hash_str(h, "(missing)");
    h = build_hash(h, &st.st_size, sizeof st.st_size);
    return build_hash(h, &st.st_mtim, sizeof st.st_mtim);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[8192];
    size_t n;
    while (m && (n = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, n, m);
    if (m) fclose(m);
    fclose(f);
    return buf;
}

/* Write @p text to @p path atomically (temp + rename). */
static void write_atomic(const char *path, const char *text)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    fputs(text ? text : "", f);
    if (fclose(f) == 0) rename(tmp, path);
    else unlink(tmp);
}

/* Run the compiler holding a job slot. 0 / -errno; *ok, *log set. */
static int run_cc(const builder *b, const char *cwd, char **argv, int *ok, char **log)
{
    proc_spec s = {.argv = argv, .cwd = cwd, .timeout = BUILD_TIMEOUT, .output_cap = LOG_CAP, .echo_fd = -1};
    proc_result r;
    if (b->sem && cio_sem_acquire(b->sem) != 0) return -ECANCELED;
    int rc = proc_run(&s, &r);
    if (b->sem) cio_sem_release(b->sem);
    if (rc != 0) {
        proc_result_free(&r);
        return rc;
    }
    *ok = !r.timed_out && r.status == 0;
    *log = r.output ? r.output : strdup("");
    r.output = NULL;
    if (r.timed_out) {
        char *more = NULL;
        if (asprintf(&more, "%sthe compiler did not finish within %.0f s\n", *log, BUILD_TIMEOUT) >= 0) {
            free(*log);
            *log = more;
        }
    }
    proc_result_free(&r);
    return 0;
}

/* Look up a cached result named @p base; 1 if found (out filled). */
static int cached(const char *base, const char *suffix, built *out)
{
    char path[4200], logp[4200];
    snprintf(path, sizeof path, "%s%s", base, suffix);
    snprintf(logp, sizeof logp, "%s.log", base);
    if (access(path, F_OK) == 0) {
        out->ok = 1;
        out->path = strdup(path);
        out->log = read_all(logp);
        if (!out->log) out->log = strdup("");
        return 1;
    }
    snprintf(path, sizeof path, "%s.fail", base);
    char *log = read_all(path);
    if (log) {
        out->ok = 0;
        out->log = log;
        return 1;
    }
    return 0;
}

static int finish(const char *base, const char *suffix, const char *tmp_out, int ok, char *log, built *out)
{
    char path[4200], logp[4200];
    snprintf(path, sizeof path, "%s%s", base, suffix);
    snprintf(logp, sizeof logp, "%s.log", base);
    out->ok = ok;
    out->log = log;
    if (ok) {
        write_atomic(logp, log);
        if (rename(tmp_out, path) != 0) {
            int e = -errno;
            unlink(tmp_out);
            return e;
        }
        out->path = strdup(path);
    } else {
        unlink(tmp_out);
        snprintf(path, sizeof path, "%s.fail", base);
        write_atomic(path, log);
    }
    return 0;
}

static void common_flags(const builder *b, char **argv, int *n, char *incs[3])
{
    if (asprintf(&incs[0], "-I%s/runtime/include", b->kit) < 0) incs[0] = NULL;
    if (asprintf(&incs[1], "-I%s/grader/harness", b->kit) < 0) incs[1] = NULL;
    argv[(*n)++] = (char *)b->cc;
    argv[(*n)++] = "-std=gnu11";
    argv[(*n)++] = "-Wall";
    argv[(*n)++] = "-Wextra";
    argv[(*n)++] = "-O1";
    /* A large local array then probes every page it skips: an overflowing coroutine
     * stack hits its guard page and is reported by name, never silently. */
    argv[(*n)++] = "-fstack-clash-protection";
    argv[(*n)++] = "-g";
    argv[(*n)++] = "-fdiagnostics-color=never";
    argv[(*n)++] = incs[0];
    argv[(*n)++] = incs[1];
}

int build_object(const builder *b, const char *cwd, const char *src, const char *const *flags,
                 const char *const *deps, built *out)
{
    memset(out, 0, sizeof out[0]);
    char full[4200];
    snprintf(full, sizeof full, "%s/%s", cwd, src);
    uint64_t h = hash_str(0, b->cc);
    h = hash_str(h, src);
    h = hash_file(h, full);
    for (const char *const *f = flags; f && *f; f++) h = hash_str(h, *f);
    for (const char *const *d = deps; d && *d; d++) h = hash_file(h, *d);
    char base[4200];
    snprintf(base, sizeof base, "%s/%016llx", b->cache, (unsigned long long)h);
    if (cached(base, ".o", out)) return 0;

    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.o.tmp.%d.%p", base, (int)getpid(), (void *)out);
    char *argv[96], *incs[3] = {0};
    int n = 0;
    common_flags(b, argv, &n, incs);
    for (const char *const *f = flags; f && *f && n < 88; f++) argv[n++] = (char *)*f;
    argv[n++] = "-c";
    argv[n++] = (char *)src;
    argv[n++] = "-o";
    argv[n++] = tmp;
    argv[n] = NULL;
    int ok = 0;
    char *log = NULL;
    int rc = run_cc(b, cwd, argv, &ok, &log);
    free(incs[0]);
    free(incs[1]);
    if (rc != 0) { unlink(tmp); return rc; }
    return finish(base, ".o", tmp, ok, log, out);
}

int build_link(const builder *b, const char *const *objs, const char *const *flags, built *out)
{
    memset(out, 0, sizeof out[0]);
    char libcio[4200];
    snprintf(libcio, sizeof libcio, "%s/build/libcio.a", b->kit);
    if (access(libcio, R_OK) != 0) {
        out->log = NULL;
        if (asprintf(&out->log, "%s is missing: build the runtime first (make)\n", libcio) < 0) out->log = NULL;
        return -ENOENT;
    }
    uint64_t h = hash_str(0, "link");
    h = hash_str(h, b->cc);
    h = hash_stat(h, libcio);
    for (const char *const *o = objs; *o; o++) h = hash_str(h, *o); /* objects are content-named */
    for (const char *const *f = flags; f && *f; f++) h = hash_str(h, *f);
    char base[4200];
    snprintf(base, sizeof base, "%s/%016llx", b->cache, (unsigned long long)h);
    if (cached(base, ".bin", out)) return 0;

    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.bin.tmp.%d.%p", base, (int)getpid(), (void *)out);
    char *argv[128];
    int n = 0;
    argv[n++] = (char *)b->cc;
    argv[n++] = "-o";
    argv[n++] = tmp;
    for (const char *const *o = objs; *o && n < 100; o++) argv[n++] = (char *)*o;
    for (const char *const *f = flags; f && *f && n < 110; f++) argv[n++] = (char *)*f;
    argv[n++] = libcio;
    argv[n++] = "-lcmocka";
    argv[n++] = "-ljansson";
    argv[n++] = "-lev";
    argv[n++] = "-lpthread";
    argv[n++] = "-lm";
    /* the harness replaces cmocka's two print functions (see harness.c) */
    argv[n++] = "-Wl,--export-dynamic-symbol=vprint_error,--export-dynamic-symbol=vprint_message";
    argv[n] = NULL;
    int ok = 0;
    char *log = NULL;
    int rc = run_cc(b, b->kit, argv, &ok, &log);
    if (rc != 0) { unlink(tmp); return rc; }
    /* Executable by the test's uid, readable by nobody else: it holds hidden tests. */
    if (ok) chmod(tmp, 0711);
    return finish(base, ".bin", tmp, ok, log, out);
}

void built_free(built *out)
{
    free(out->path);
    free(out->log);
    memset(out, 0, sizeof out[0]);
}

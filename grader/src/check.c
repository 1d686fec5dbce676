/*
 * check.c — the static checks of check.h, done with binutils: `nm -P` lists what the
 * object defines and calls, `objdump -h` its sections, `objdump -d` its instructions.
 * The symbols a learner must not define are read from the libraries themselves (libc,
 * libm, cmocka, libev, jansson, libcio.a), once per grader process.
 */
#define _GNU_SOURCE
#include "check.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

#define TOOL_TIMEOUT 30.0               /* seconds for nm/objdump on one object */
#define TOOL_OUTPUT  (32 * 1024 * 1024) /* a disassembly can be long */

/* ---------------------------------------------------------------------------------- */
/* What a learner may call without asking                                             */
/* ---------------------------------------------------------------------------------- */

/*
 * The base allow-list: the runtime (cio_*), memory and strings, formatted output and
 * string parsing, the heap, math, and what the compiler itself emits (stack protector,
 * fortified variants). Not here: anything that ends the process (exit, _exit), makes
 * processes (fork, exec*, system, popen), signals, files, sockets, raw syscalls or
 * memory protection — lessons that need one list it in the manifest's "allow".
 */
static const char *const base_allowed[] = {
    /* memory and strings */
    "memcpy", "memmove", "memset", "memcmp", "memchr", "memrchr", "memmem", "strlen", "strnlen", "strcmp",
    "strncmp", "strcasecmp", "strncasecmp", "strcpy", "strncpy", "stpcpy", "stpncpy", "strcat", "strncat",
    "strchr", "strrchr", "strchrnul", "strstr", "strcasestr", "strspn", "strcspn", "strpbrk", "strtok",
    "strtok_r", "strdup", "strndup", "strerror", "strerror_r", "strsignal", "strcoll", "bzero",
    "explicit_bzero",
    /* stdio: formatting, the standard streams, string parsing */
    "printf", "fprintf", "vprintf", "vfprintf", "sprintf", "snprintf", "vsprintf", "vsnprintf", "asprintf",
    "vasprintf", "dprintf", "puts", "fputs", "putchar", "fputc", "putc", "fwrite", "fflush", "perror",
    "sscanf", "vsscanf", "__isoc99_sscanf", "__isoc99_vsscanf", "__isoc23_sscanf", "stdout", "stderr",
    "open_memstream", "fmemopen", "fclose", "fread", "fgets", "getc", "fgetc", "ferror", "feof", "clearerr",
    /* the heap */
    "malloc", "calloc", "realloc", "reallocarray", "free", "aligned_alloc", "posix_memalign",
    /* stdlib */
    "abs", "labs", "llabs", "div", "ldiv", "qsort", "bsearch", "atoi", "atol", "atoll", "atof", "strtol",
    "strtoul", "strtoll", "strtoull", "strtod", "strtof", "strtold", "rand", "srand", "rand_r", "abort",
    "__isoc23_strtol", "__isoc23_strtoul", "__isoc23_strtoll", "__isoc23_strtoull",
    /* ctype, errno, assert */
    "__ctype_b_loc", "__ctype_tolower_loc", "__ctype_toupper_loc", "tolower", "toupper", "isalpha", "isdigit",
    "isalnum", "isspace", "isupper", "islower", "isprint", "ispunct", "isxdigit", "__errno_location",
    "__assert_fail",
    /* math */
    "sqrt", "sqrtf", "pow", "powf", "exp", "exp2", "log", "log2", "log10", "floor", "ceil", "round",
    "lround", "llround", "trunc", "fabs", "fabsf", "fmod", "fmin", "fmax", "sin", "cos", "tan", "atan",
    "atan2", "hypot", "nearbyint", "rint", "lrint", "cbrt", "expm1", "log1p", "modf", "frexp", "ldexp",
    /* emitted by the compiler */
    "__stack_chk_fail", "__stack_chk_guard", "_GLOBAL_OFFSET_TABLE_", "__printf_chk", "__fprintf_chk",
    "__sprintf_chk", "__snprintf_chk", "__vprintf_chk", "__vfprintf_chk", "__vsprintf_chk",
    "__vsnprintf_chk", "__dprintf_chk", "__asprintf_chk", "__vasprintf_chk", "__memcpy_chk",
    "__memmove_chk", "__memset_chk", "__strcpy_chk", "__strncpy_chk", "__strcat_chk", "__strncat_chk",
    "__stpcpy_chk", "__fread_chk", "__fgets_chk", "__explicit_bzero_chk", "__fdelt_chk",
    NULL,
};

int check_base_allowed(const char *name)
{
    if (strncmp(name, "cio_", 4) == 0) return 1; /* the runtime, public calls and their macros */
    for (const char *const *p = base_allowed; *p; p++)
        if (strcmp(*p, name) == 0) return 1;
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Running the tools                                                                  */
/* ---------------------------------------------------------------------------------- */

/* Run a binutils command; its stdout in *out (malloc'd). 0, or -errno / -EIO with *why. */
static int tool(char *const argv[], char **out, char **why)
{
    proc_spec s = {.argv = argv, .timeout = TOOL_TIMEOUT, .output_cap = TOOL_OUTPUT, .echo_fd = -1};
    proc_result r;
    int rc = proc_run(&s, &r);
    if (rc != 0) {
        if (asprintf(why, "cannot run %s: %s (is binutils installed?)", argv[0], strerror(-rc)) < 0) *why = NULL;
        proc_result_free(&r);
        return rc;
    }
    if (r.timed_out || r.status != 0) {
        if (asprintf(why, "%s failed on the object: %s", argv[0], r.output ? r.output : "") < 0) *why = NULL;
        proc_result_free(&r);
        return -EIO;
    }
    *out = r.output;
    r.output = NULL;
    proc_result_free(&r);
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Names that belong to someone else: read from the libraries once                    */
/* ---------------------------------------------------------------------------------- */

typedef struct nameset {
    char  **v;   /* sorted, owned */
    size_t  n;   /* how many */
    size_t  cap; /* allocated */
} nameset;

static nameset reserved;    /* every symbol the libraries a test links with define */
static int     reserved_ok; /* 1 once loaded */

static void nameset_add(nameset *s, const char *name, size_t len)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        char **nv = realloc(s->v, cap * sizeof *nv);
        if (!nv) return;
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = strndup(name, len);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int nameset_has(const nameset *s, const char *name)
{
    return s->n && bsearch(&name, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

/* Add the defined symbols nm printed ("ADDR T name@@VERSION" or POSIX "name T ..."). */
static void add_defined(nameset *s, const char *nm_out, int posix)
{
    for (const char *line = nm_out; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[512];
        if (len < sizeof buf) {
            memcpy(buf, line, len);
            buf[len] = 0;
            char name[400], type[8];
            int ok = posix ? sscanf(buf, "%399s %7s", name, type) == 2
                           : (sscanf(buf, "%*s %7s %399s", type, name) == 2);
            if (ok && type[0] != 'U' && type[0] != 'w' && type[0] != 'v' && isupper((unsigned char)type[0])) {
                char *at = strchr(name, '@');
                nameset_add(s, name, at ? (size_t)(at - name) : strlen(name));
            }
        }
        line = end ? end + 1 : NULL;
    }
}

static void reserved_load(const char *course_root)
{
    if (reserved_ok) return;
    static const char *const libs[] = {"libc.so.6", "libm.so.6", "libcmocka.so", "libev.so", "libjansson.so",
                                       "libpthread.so.0", NULL};
    for (const char *const *lib = libs; *lib; lib++) {
        char arg[64], *path = NULL, *why = NULL, *out = NULL;
        snprintf(arg, sizeof arg, "-print-file-name=%s", *lib);
        const char *cc = getenv("CC") ? getenv("CC") : "cc";
        char *argv1[] = {(char *)cc, arg, NULL};
        if (tool(argv1, &path, &why) == 0 && path) {
            path[strcspn(path, "\n")] = 0;
            char *argv2[] = {"nm", "-D", "--defined-only", path, NULL};
            if (path[0] == '/' && tool(argv2, &out, &why) == 0) add_defined(&reserved, out, 0);
        }
        free(path);
        free(out);
        free(why);
    }
    char libcio[4096], *out = NULL, *why = NULL;
    snprintf(libcio, sizeof libcio, "%s/build/libcio.a", course_root);
    char *argv3[] = {"nm", "-P", "-g", "--defined-only", libcio, NULL};
    if (tool(argv3, &out, &why) == 0) add_defined(&reserved, out, 1);
    free(out);
    free(why);
    static const char *const harness[] = {"main", "vprint_error", "vprint_message", "print_error",
                                          "print_message", "_start", "_init", "_fini", NULL};
    for (const char *const *h = harness; *h; h++) nameset_add(&reserved, *h, strlen(*h));
    qsort(reserved.v, reserved.n, sizeof *reserved.v, cmp_str);
    reserved_ok = 1;
}

/* Whose is @p name, if not the learner's? NULL: the learner may define it. */
static const char *owner_of(const char *name)
{
    if (strncmp(name, "cio_", 4) == 0) return "the cio runtime";
    if (strcmp(name, "main") == 0) return "the test harness (it has main())";
    if (strncmp(name, "__", 2) == 0 || (name[0] == '_' && isupper((unsigned char)name[1])))
        return "the C implementation (names starting with __ or _X are reserved)";
    if (nameset_has(&reserved, name)) return "a library the tests link with (libc, libm, cmocka, libev, jansson)";
    return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* Finding the learner's line                                                         */
/* ---------------------------------------------------------------------------------- */

/* The first line of @p src where @p word appears as a whole word, or 0. */
static int line_of(const char *src, const char *word)
{
    FILE *f = fopen(src, "r");
    if (!f) return 0;
    char buf[4096];
    int line = 0, found = 0;
    size_t wl = strlen(word);
    while (!found && fgets(buf, sizeof buf, f)) {
        line++;
        for (char *p = strstr(buf, word); p; p = strstr(p + 1, word)) {
            int left = p == buf || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
            int right = !(isalnum((unsigned char)p[wl]) || p[wl] == '_');
            if (left && right) { found = 1; break; }
        }
    }
    fclose(f);
    return found ? line : 0;
}

static char *located(const char *src, const char *shown, const char *word, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static char *located(const char *src, const char *shown, const char *word, const char *fmt, ...)
{
    char *msg = NULL, *out = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
    va_end(ap);
    int line = word ? line_of(src, word) : 0;
    if (line) { if (asprintf(&out, "%s:%d: %s", shown, line, msg ? msg : "") < 0) out = NULL; }
    else if (asprintf(&out, "%s: %s", shown, msg ? msg : "") < 0) out = NULL;
    free(msg);
    return out;
}

/* ---------------------------------------------------------------------------------- */
/* The checks                                                                         */
/* ---------------------------------------------------------------------------------- */

static int allowed_call(const exercise *ex, const nameset *extra, const char *name)
{
    if (check_base_allowed(name)) return 1;
    for (size_t i = 0; i < ex->nallow; i++)
        if (strcmp(ex->allow[i], name) == 0) return 1;
    return nameset_has(extra, name);
}

static const char *const ctor_sections[] = {".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors",
                                            NULL};

int check_object(const char *kit_root, const exercise *ex, const char *obj, const char *src,
                 const char *shown, const char *const *also_defined, char **why)
{
    *why = NULL;
    reserved_load(kit_root);
    char *syms = NULL, *heads = NULL, *dis = NULL;
    nameset extra = {0};
    int rc;

    /* 1. What it defines and what it calls. */
    char *a1[] = {"nm", "-P", (char *)obj, NULL};
    if ((rc = tool(a1, &syms, why)) != 0) goto out;
    for (const char *const *o = also_defined; o && *o; o++) {
        char *more = NULL, *w2 = NULL;
        char *a[] = {"nm", "-P", "-g", "--defined-only", (char *)*o, NULL};
        if (tool(a, &more, &w2) == 0) add_defined(&extra, more, 1);
        free(more);
        free(w2);
    }
    if (extra.n) qsort(extra.v, extra.n, sizeof *extra.v, cmp_str);
    for (char *line = strtok(syms, "\n"); line; line = strtok(NULL, "\n")) {
        char name[400], type[8];
        if (sscanf(line, "%399s %7s", name, type) != 2) continue;
        int undefined = type[0] == 'U' || type[0] == 'w' || type[0] == 'v';
        if (!undefined && isupper((unsigned char)type[0])) {
            const char *owner = owner_of(name);
            if (owner) {
                *why = located(src, shown, name,
                               "defines '%s', which belongs to %s — a submission may define only its own "
                               "functions: rename it, or make it static",
                               name, owner);
                rc = 1;
                goto out;
            }
        } else if (undefined && !allowed_call(ex, &extra, name)) {
            *why = located(src, shown, name,
                           "calls '%s', which exercise %s does not allow — solve it with the runtime's calls "
                           "(cio_*) and the C library's memory, string, stdio and math functions",
                           name, ex->id);
            rc = 1;
            goto out;
        }
    }

    /* 2. No code that runs before main() or after it. */
    char *a2[] = {"objdump", "-h", "-w", (char *)obj, NULL};
    if ((rc = tool(a2, &heads, why)) != 0) goto out;
    for (char *line = strtok(heads, "\n"); line; line = strtok(NULL, "\n")) {
        char idx[16], sec[256];
        if (sscanf(line, "%15s %255s", idx, sec) != 2 || !isdigit((unsigned char)idx[0])) continue;
        for (const char *const *c = ctor_sections; *c; c++)
            if (strncmp(sec, *c, strlen(*c)) == 0) {
                *why = located(src, shown, "constructor", "has a constructor or destructor (section %s): code that "
                               "runs outside the test is not allowed", sec);
                rc = 1;
                goto out;
            }
        if (strcmp(sec, ".init") == 0 || strcmp(sec, ".fini") == 0) {
            *why = located(src, shown, NULL, "puts code in section %s, which runs outside the test", sec);
            rc = 1;
            goto out;
        }
    }

    /* 3. No system call made behind the runtime's and the C library's back. */
    char *a3[] = {"objdump", "-d", "-w", "--no-show-raw-insn", (char *)obj, NULL};
    if ((rc = tool(a3, &dis, why)) != 0) goto out;
    for (char *line = strtok(dis, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        if (!tab || !strchr(line, ':')) continue;
        char mnem[32] = "", arg[64] = "";
        sscanf(tab + 1, "%31s %63s", mnem, arg);
        int raw = strcmp(mnem, "syscall") == 0 || strcmp(mnem, "sysenter") == 0 || strcmp(mnem, "svc") == 0 ||
                  (strcmp(mnem, "int") == 0 && strstr(arg, "0x80"));
        if (raw) {
            *why = located(src, shown, "asm", "contains a raw system-call instruction (%s%s%s): only the runtime and "
                           "the C library may talk to the kernel", mnem, *arg ? " " : "", arg);
            rc = 1;
            goto out;
        }
    }
    rc = 0;

out:
    for (size_t i = 0; i < extra.n; i++) free(extra.v[i]);
    free(extra.v);
    free(syms);
    free(heads);
    free(dis);
    return rc;
}

/*
 * Unified logging (os_log). The shim calls _os_log_impl exactly as Apple's os_log macros do,
 * with the argument buffer clang builds for __builtin_os_log_format; this decodes that buffer
 * and appends the rendered message to <root>/log/unified.log, one line per message:
 * "<unix ms>\t<pid>\t<Level>\t<subsystem>\t<category>\t<message>" (tab, newline and backslash in
 * the message escaped as \t, \n, \\).
 *
 * As in unified logging's default configuration: dynamic strings are "<private>" unless the
 * format says %{public}s; Debug is off; Info is on but not persisted, so only Default, Error and
 * Fault reach the file. <root>/log/config/<subsystem> may hold a mode as given to
 * `log config --subsystem S --mode`, e.g. "level:debug,persist:debug".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

typedef uint8_t os_log_type_t;
#define TYPE_DEFAULT 0x00
#define TYPE_INFO 0x01
#define TYPE_DEBUG 0x02
#define TYPE_ERROR 0x10
#define TYPE_FAULT 0x11

struct os_log_s { struct os_log_s *next; char *subsystem; char *category; };
typedef struct os_log_s *os_log_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct os_log_s *logs;

/* Like Apple's, a log object is created once per subsystem and category and lives forever. */
os_log_t os_log_create(const char *subsystem, const char *category) {
    pthread_mutex_lock(&lock);
    struct os_log_s *l = logs;
    while (l != NULL && !(strcmp(l->subsystem, subsystem) == 0 && strcmp(l->category, category) == 0)) l = l->next;
    if (l == NULL) {
        l = calloc(1, sizeof *l);
        if (l == NULL || (l->subsystem = strdup(subsystem)) == NULL || (l->category = strdup(category)) == NULL) {
            xpcsim_fatal("os_log simulator: out of memory");
        }
        l->next = logs;
        logs = l;
    }
    pthread_mutex_unlock(&lock);
    return l;
}

/* 0 off, 1 default, 2 info, 3 debug */
static int rank_of(const char *word, size_t n) {
    if (n == 3 && strncmp(word, "off", 3) == 0) return 0;
    if (n == 7 && strncmp(word, "default", 7) == 0) return 1;
    if (n == 4 && strncmp(word, "info", 4) == 0) return 2;
    if (n == 5 && strncmp(word, "debug", 5) == 0) return 3;
    return -1;
}

static void mode_of(const char *subsystem, int *level, int *persist) {
    *level = 2;
    *persist = 1;
    char rel[512], path[1024], mode[256];
    if (strchr(subsystem, '/') != NULL) return;
    snprintf(rel, sizeof rel, "log/config/%s", subsystem);
    if (xpcsim_path(path, sizeof path, rel) != 0) return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, mode, sizeof mode - 1);
    close(fd);
    if (n <= 0) return;
    mode[n] = '\0';
    for (char *item = strtok(mode, ", \n"); item != NULL; item = strtok(NULL, ", \n")) {
        char *colon = strchr(item, ':');
        if (colon == NULL) continue;
        int r = rank_of(colon + 1, strlen(colon + 1));
        if (r < 0) continue;
        if (strncmp(item, "level:", 6) == 0) *level = r;
        if (strncmp(item, "persist:", 8) == 0) *persist = r;
    }
}

static int rank_of_type(os_log_type_t type) { return type == TYPE_DEBUG ? 3 : type == TYPE_INFO ? 2 : 1; }

bool os_log_type_enabled(os_log_t log, os_log_type_t type) {
    int level, persist;
    mode_of(log->subsystem, &level, &persist);
    return rank_of_type(type) <= level;
}

static const char *level_name(os_log_type_t type) {
    switch (type) {
    case TYPE_INFO: return "Info";
    case TYPE_DEBUG: return "Debug";
    case TYPE_ERROR: return "Error";
    case TYPE_FAULT: return "Fault";
    default: return "Default";
    }
}

struct out { char *p; size_t len, cap; };

static void emit(struct out *o, const char *s, size_t n) {
    for (size_t i = 0; i < n && o->len + 3 < o->cap; i++) {
        char ch = s[i];
        if (ch == '\t' || ch == '\n' || ch == '\\') {
            o->p[o->len++] = '\\';
            ch = ch == '\t' ? 't' : ch == '\n' ? 'n' : '\\';
        }
        o->p[o->len++] = ch;
    }
    o->p[o->len] = '\0';
}

/* The argument buffer: summary byte, count, then per argument a descriptor byte (kind in the
 * high nibble: 0 scalar, 2 string; flags in the low: 1 private, 2 public), a size and the data. */
static void render(const char *format, const uint8_t *buf, uint32_t size, struct out *o) {
    uint32_t off = 2;
    for (const char *f = format; *f != '\0'; f++) {
        if (*f != '%') {
            emit(o, f, 1);
            continue;
        }
        f++;
        if (*f == '%') {
            emit(o, "%", 1);
            continue;
        }
        if (*f == '{') {
            const char *end = strchr(f, '}');
            if (end == NULL) return;
            f = end + 1;
        }
        while (*f != '\0' && strchr("-+ #0123456789.lhzjt", *f) != NULL) f++;
        if (*f == '\0' || off + 2 > size) return;
        uint8_t desc = buf[off], len = buf[off + 1];
        const uint8_t *data = buf + off + 2;
        off += 2u + len;
        if (off > size) return;
        int kind = desc >> 4, is_private = desc & 1, is_public = desc & 2;
        char text[64];
        if (kind == 2) {
            /* Strings are private unless marked public. */
            if (is_private || !is_public) {
                emit(o, "<private>", 9);
            } else {
                const char *s;
                memcpy(&s, data, sizeof s);
                emit(o, s != NULL ? s : "(null)", s != NULL ? strlen(s) : 6);
            }
        } else if (kind == 0) {
            int64_t v = 0;
            if (len == 4) { int32_t v32; memcpy(&v32, data, 4); v = v32; }
            else if (len == 8) memcpy(&v, data, 8);
            if (is_private) {
                emit(o, "<private>", 9);
            } else {
                int n = (*f == 'u') ? snprintf(text, sizeof text, "%llu", (unsigned long long)(len == 4 ? (uint32_t)v : (uint64_t)v))
                        : (*f == 'x') ? snprintf(text, sizeof text, "%llx", (unsigned long long)(len == 4 ? (uint32_t)v : (uint64_t)v))
                                      : snprintf(text, sizeof text, "%lld", (long long)v);
                emit(o, text, (size_t)n);
            }
        } else {
            emit(o, "<unsupported>", 13);
        }
    }
}

void _os_log_impl(void *dso, os_log_t log, os_log_type_t type, const char *format, uint8_t *buf, uint32_t size) {
    (void)dso;
    int level, persist;
    mode_of(log->subsystem, &level, &persist);
    if (rank_of_type(type) > level || rank_of_type(type) > persist) return;
    char path[1024];
    if (xpcsim_mkdirs("log") != 0 || xpcsim_path(path, sizeof path, "log/unified.log") != 0) return;
    char line[8192];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int n = snprintf(line, sizeof line, "%lld\t%d\t%s\t%s\t%s\t", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
                     (int)getpid(), level_name(type), log->subsystem, log->category);
    if (n < 0 || (size_t)n >= sizeof line) return;
    struct out o = {line, (size_t)n, sizeof line - 1};
    render(format, buf, size, &o);
    line[o.len++] = '\n';
    /* O_APPEND and one write per line: lines from several processes never interleave. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    ssize_t w = write(fd, line, o.len);
    (void)w;
    close(fd);
}

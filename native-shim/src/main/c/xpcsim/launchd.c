/*
 * xpcsim-launchd ROOT: launchd's part for Mach service names, for one simulated system.
 *
 * A name exists only while a loaded job declares it in MachServices. `bootstrap` takes the job's
 * property list (the plist `tunnel-helper plist` writes: Label, Program or BundleProgram,
 * ProgramArguments, MachServices, StandardOutPath, StandardErrorPath) and creates a listening
 * socket per name, as launchd creates the Mach receive rights: clients can connect at once,
 * and their connections wait in the backlog. When one is waiting and the job is not running,
 * launchd starts the job (on demand); the job's process "checks in" for a name and receives
 * the socket, and only that process (the pid launchd started; an exec keeps it) may.
 *
 * Control socket ROOT/launchd.sock, one request line per connection:
 *   bootstrap PLIST   (root*)      -> "ok LABEL" | "error TEXT"
 *   bootout LABEL     (root*)      -> "ok" | "error TEXT"
 *   print LABEL                    -> "ok state=running|waiting pid=N runs=N" | "error TEXT"
 *   enable LABEL      (root*)      -> "ok"   (launchctl enable system/LABEL)
 *   disable LABEL     (root*)      -> "ok"   (launchctl disable system/LABEL)
 *   kickstart [-k ]LABEL (root*)   -> "ok pid=N" | "error TEXT" (launchctl kickstart [-k] system/LABEL)
 *   checkin NAME                   -> "ok" with the listening socket attached | "error TEXT"
 * (*) root, or the user running this launchd: the simulated system is theirs.
 * As launchd's override database (/var/db/com.apple.xpc.launchd/disabled.plist), the labels
 * disabled are kept in ROOT/disabled, one a line, and outlive this launchd; bootstrapping a
 * disabled label fails the way launchctl reports it ("Bootstrap failed: 5: Input/output error").
 * When its stdin is a pipe, it also exits when the pipe's other end is closed.
 * It prints "ready" on stdout once it accepts requests and exits on SIGTERM, stopping its jobs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

extern char **environ;

#define MAX_SERVICES 8
#define MAX_ARGS 32
#define MAX_JOBS 32
/* launchd's ThrottleInterval is 10 s; the simulator waits 1 s before restarting a job that ran
 * shorter than that, to keep tests quick while still never spinning. */
#define THROTTLE_MS 1000

struct service { char *name; int fd; char path[108]; };
struct job {
    char *label, *program, *out_path, *err_path;
    char *argv[MAX_ARGS + 1];
    struct service services[MAX_SERVICES];
    int nservices;
    pid_t pid;
    int runs;
    long last_start_ms;
};

static struct job *jobs[MAX_JOBS];

/* Whether LABEL is a line of ROOT/disabled. */
static int is_disabled(const char *label) {
    char path[1024], line[512];
    if (xpcsim_path(path, sizeof path, "disabled") != 0) return 0;
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        found = strcmp(line, label) == 0;
    }
    fclose(f);
    return found;
}

/* Rewrites ROOT/disabled with LABEL added (disabled) or removed; 0, or an errno. */
static int set_disabled(const char *label, int disabled) {
    char path[1024], tmp[1100], line[512];
    if (xpcsim_path(path, sizeof path, "disabled") != 0) return ENAMETOOLONG;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (out == NULL) return errno;
    FILE *in = fopen(path, "r");
    while (in != NULL && fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0' && strcmp(line, label) != 0) fprintf(out, "%s\n", line);
    }
    if (in != NULL) fclose(in);
    if (disabled) fprintf(out, "%s\n", label);
    int rc = fclose(out) == 0 && rename(tmp, path) == 0 ? 0 : errno;
    if (rc != 0) unlink(tmp);
    return rc;
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- the property list subset ---- */
struct xml { const char *p; char err[256]; };

static void skip_space(struct xml *x) { while (*x->p == ' ' || *x->p == '\n' || *x->p == '\t' || *x->p == '\r') x->p++; }

/* Skips <?xml ...?>, <!DOCTYPE ...> and comments before the next element. */
static void skip_prolog(struct xml *x) {
    for (;;) {
        skip_space(x);
        if (strncmp(x->p, "<?", 2) == 0 || strncmp(x->p, "<!", 2) == 0) {
            const char *end = strncmp(x->p, "<!--", 4) == 0 ? strstr(x->p, "-->") : strchr(x->p, '>');
            if (end == NULL) return;
            x->p = end + (strncmp(x->p, "<!--", 4) == 0 ? 3 : 1);
        } else {
            return;
        }
    }
}

static int expect_tag(struct xml *x, const char *tag) {
    skip_prolog(x);
    size_t n = strlen(tag);
    if (strncmp(x->p, tag, n) != 0) {
        snprintf(x->err, sizeof x->err, "expected %s", tag);
        return -1;
    }
    x->p += n;
    return 0;
}

/* Text up to '<', entities decoded. */
static char *text_until_tag(struct xml *x) {
    const char *end = strchr(x->p, '<');
    if (end == NULL) return NULL;
    char *out = malloc((size_t)(end - x->p) + 1);
    if (out == NULL) return NULL;
    size_t n = 0;
    for (const char *s = x->p; s < end;) {
        static const struct { const char *ent; char ch; } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        int matched = 0;
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
            size_t l = strlen(ents[i].ent);
            if (strncmp(s, ents[i].ent, l) == 0) {
                out[n++] = ents[i].ch;
                s += l;
                matched = 1;
                break;
            }
        }
        if (!matched) out[n++] = *s++;
    }
    out[n] = '\0';
    x->p = end;
    return out;
}

static char *element_text(struct xml *x, const char *open, const char *close) {
    if (expect_tag(x, open) != 0) return NULL;
    char *t = text_until_tag(x);
    if (t == NULL || expect_tag(x, close) != 0) {
        free(t);
        snprintf(x->err, sizeof x->err, "unterminated %s", open);
        return NULL;
    }
    return t;
}

/* Skips one value of any type (for keys the simulator does not use). */
static int skip_value(struct xml *x) {
    skip_prolog(x);
    if (x->p[0] != '<') return -1;
    const char *gt = strchr(x->p, '>');
    if (gt == NULL) return -1;
    if (gt[-1] == '/') {
        x->p = gt + 1;
        return 0;
    }
    char name[32];
    size_t n = 0;
    for (const char *s = x->p + 1; *s != '>' && *s != ' ' && n + 1 < sizeof name; s++) name[n++] = *s;
    name[n] = '\0';
    x->p = gt + 1;
    if (strcmp(name, "dict") == 0 || strcmp(name, "array") == 0) {
        for (;;) {
            skip_prolog(x);
            if (strncmp(x->p, "</", 2) == 0) {
                x->p = strchr(x->p, '>') + 1;
                return 0;
            }
            if (skip_value(x) != 0) return -1;
        }
    }
    const char *end = strchr(x->p, '<');
    if (end == NULL) return -1;
    x->p = end;
    gt = strchr(x->p, '>');
    if (gt == NULL) return -1;
    x->p = gt + 1;
    return 0;
}

static void job_free(struct job *j) {
    if (j == NULL) return;
    free(j->label);
    free(j->program);
    free(j->out_path);
    free(j->err_path);
    for (int i = 0; j->argv[i] != NULL; i++) free(j->argv[i]);
    for (int i = 0; i < j->nservices; i++) {
        if (j->services[i].fd >= 0) close(j->services[i].fd);
        free(j->services[i].name);
    }
    free(j);
}

static struct job *parse_plist(const char *file, char *err, size_t errlen) {
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size > (1 << 20)) {
        snprintf(err, errlen, "cannot read %s: %s", file, strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    char *buf = calloc(1, (size_t)st.st_size + 1);
    ssize_t n = buf != NULL ? read(fd, buf, (size_t)st.st_size) : -1;
    close(fd);
    if (n != st.st_size) {
        free(buf);
        snprintf(err, errlen, "cannot read %s", file);
        return NULL;
    }
    struct job *j = calloc(1, sizeof *j);
    struct xml x = {buf, ""};
    char *bundle_program = NULL;
    int nargs = 0;
    if (j == NULL || expect_tag(&x, "<plist") != 0 || (x.p = strchr(x.p, '>')) == NULL) goto bad;
    x.p++;
    if (expect_tag(&x, "<dict>") != 0) goto bad;
    for (;;) {
        skip_prolog(&x);
        if (strncmp(x.p, "</dict>", 7) == 0) break;
        char *key = element_text(&x, "<key>", "</key>");
        if (key == NULL) goto bad;
        if (strcmp(key, "Label") == 0) j->label = element_text(&x, "<string>", "</string>");
        else if (strcmp(key, "Program") == 0) j->program = element_text(&x, "<string>", "</string>");
        else if (strcmp(key, "BundleProgram") == 0) bundle_program = element_text(&x, "<string>", "</string>");
        else if (strcmp(key, "StandardOutPath") == 0) j->out_path = element_text(&x, "<string>", "</string>");
        else if (strcmp(key, "StandardErrorPath") == 0) j->err_path = element_text(&x, "<string>", "</string>");
        else if (strcmp(key, "ProgramArguments") == 0) {
            if (expect_tag(&x, "<array>") != 0) { free(key); goto bad; }
            for (;;) {
                skip_prolog(&x);
                if (strncmp(x.p, "</array>", 8) == 0) { x.p += 8; break; }
                char *arg = element_text(&x, "<string>", "</string>");
                if (arg == NULL || nargs == MAX_ARGS) { free(arg); free(key); goto bad; }
                j->argv[nargs++] = arg;
            }
        } else if (strcmp(key, "MachServices") == 0) {
            if (expect_tag(&x, "<dict>") != 0) { free(key); goto bad; }
            for (;;) {
                skip_prolog(&x);
                if (strncmp(x.p, "</dict>", 7) == 0) { x.p += 7; break; }
                char *name = element_text(&x, "<key>", "</key>");
                if (name == NULL || j->nservices == MAX_SERVICES) { free(name); free(key); goto bad; }
                skip_prolog(&x);
                int enabled = strncmp(x.p, "<true/>", 7) == 0;
                if (skip_value(&x) != 0) { free(name); free(key); goto bad; }
                if (!enabled) { free(name); continue; }
                j->services[j->nservices].name = name;
                j->services[j->nservices].fd = -1;
                j->nservices++;
            }
        } else if (skip_value(&x) != 0) {
            free(key);
            goto bad;
        }
        free(key);
    }
    if (bundle_program != NULL) {
        /* SMAppService: BundleProgram is relative to the app bundle that ships the plist in
         * Contents/Library/LaunchDaemons/. */
        const char *marker = strstr(file, "/Contents/Library/LaunchDaemons/");
        if (marker == NULL) {
            snprintf(err, errlen, "%s: BundleProgram needs the plist inside an app bundle's Contents/Library/LaunchDaemons", file);
            free(bundle_program);
            free(buf);
            job_free(j);
            return NULL;
        }
        if (asprintf(&j->program, "%.*s/%s", (int)(marker - file), file, bundle_program) < 0) j->program = NULL;
        free(bundle_program);
    }
    free(buf);
    if (j->label == NULL || j->program == NULL || j->nservices == 0) {
        snprintf(err, errlen, "%s: Label, Program (or BundleProgram) and MachServices are required", file);
        job_free(j);
        return NULL;
    }
    if (nargs == 0 && (j->argv[0] = strdup(j->program)) == NULL) xpcsim_fatal("launchd: out of memory");
    return j;
bad:
    snprintf(err, errlen, "%s: not a launchd property list (%s)", file, x.err[0] ? x.err : "syntax");
    free(bundle_program);
    free(buf);
    job_free(j);
    return NULL;
}

/* ---- jobs ---- */

static struct job *find_label(const char *label) {
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] != NULL && strcmp(jobs[i]->label, label) == 0) return jobs[i];
    return NULL;
}

static struct job *find_service(const char *name, int *index) {
    for (int i = 0; i < MAX_JOBS; i++) {
        if (jobs[i] == NULL) continue;
        for (int k = 0; k < jobs[i]->nservices; k++) {
            if (strcmp(jobs[i]->services[k].name, name) == 0) {
                *index = k;
                return jobs[i];
            }
        }
    }
    return NULL;
}

static void start_job(struct job *j) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, j->out_path ? j->out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, j->err_path ? j->err_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addchdir_np(&fa, "/");
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    /* launchd's environment for a daemon, plus the simulation's own variables passed through so
     * the job finds this simulated system (and, for Java, the simulator-backed shim). */
    char *envp[64];
    int n = 0;
    envp[n++] = "PATH=/usr/bin:/bin:/usr/sbin:/sbin";
    for (char **e = environ; *e != NULL && n < 62; e++) {
        if (strncmp(*e, "XPCSIM_", 7) == 0 || strncmp(*e, "TUNNELHELPER_", 13) == 0) envp[n++] = *e;
    }
    envp[n] = NULL;
    pid_t pid;
    int rc = posix_spawn(&pid, j->program, &fa, &attr, j->argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    j->last_start_ms = now_ms();
    j->runs++;
    if (rc != 0) {
        fprintf(stderr, "launchd: %s: cannot start %s: %s\n", j->label, j->program, strerror(rc));
        return;
    }
    j->pid = pid;
    fprintf(stderr, "launchd: %s: started pid %d (run %d)\n", j->label, (int)pid, j->runs);
}

static void stop_job(struct job *j) {
    if (j->pid <= 0) return;
    kill(j->pid, SIGTERM);
    for (int i = 0; i < 500; i++) {
        if (waitpid(j->pid, NULL, WNOHANG) == j->pid) {
            j->pid = 0;
            return;
        }
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    kill(j->pid, SIGKILL);
    waitpid(j->pid, NULL, 0);
    j->pid = 0;
}

static void unload(struct job *j) {
    stop_job(j);
    for (int k = 0; k < j->nservices; k++) unlink(j->services[k].path);
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] == j) jobs[i] = NULL;
    job_free(j);
}

static void reply(int sock, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(int sock, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    strcat(line, "\n");
    xpcsim_send_fd_line(sock, line, -1);
}

static void bootstrap(int sock, const char *plist) {
    char err[512];
    struct job *j = parse_plist(plist, err, sizeof err);
    if (j == NULL) {
        reply(sock, "error %s", err);
        return;
    }
    if (find_label(j->label) != NULL) {
        reply(sock, "error %s: service already loaded", j->label);
        job_free(j);
        return;
    }
    if (is_disabled(j->label)) {
        /* What launchctl prints for a disabled service: the cause is only in `launchctl print-disabled`. */
        reply(sock, "error Bootstrap failed: 5: Input/output error");
        job_free(j);
        return;
    }
    int slot = -1, idx;
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] == NULL) { slot = i; break; }
    for (int k = 0; k < j->nservices; k++) {
        struct job *other = find_service(j->services[k].name, &idx);
        if (other != NULL) {
            reply(sock, "error %s: Mach service %s is already declared by %s", j->label, j->services[k].name, other->label);
            job_free(j);
            return;
        }
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (slot < 0 || fd < 0 || xpcsim_service_path(j->services[k].path, sizeof j->services[k].path, j->services[k].name) != 0) {
            reply(sock, "error %s: cannot create Mach service %s: %s", j->label, j->services[k].name, slot < 0 ? "too many jobs" : strerror(errno));
            if (fd >= 0) close(fd);
            for (int m = 0; m < k; m++) unlink(j->services[m].path);
            job_free(j);
            return;
        }
        strcpy(sa.sun_path, j->services[k].path);
        unlink(sa.sun_path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, SOMAXCONN) != 0) {
            reply(sock, "error %s: cannot create Mach service %s: %s", j->label, j->services[k].name, strerror(errno));
            close(fd);
            for (int m = 0; m < k; m++) unlink(j->services[m].path);
            job_free(j);
            return;
        }
        chmod(sa.sun_path, 0666); /* every process may look a system service up */
        j->services[k].fd = fd;
    }
    jobs[slot] = j;
    reply(sock, "ok %s", j->label);
}

static void handle_request(int sock) {
    char line[2048];
    int fd;
    struct pollfd pfd = {sock, POLLIN, 0};
    if (poll(&pfd, 1, 5000) != 1 || xpcsim_recv_fd_line(sock, line, sizeof line, &fd) != 0) return;
    if (fd >= 0) close(fd);
    struct ucred peer;
    socklen_t len = sizeof peer;
    if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) return;
    int idx;
    if (strncmp(line, "checkin ", 8) == 0) {
        struct job *j = find_service(line + 8, &idx);
        if (j == NULL) reply(sock, "error %s: no loaded job declares this Mach service", line + 8);
        else if (j->pid != peer.pid) reply(sock, "error %s: only the process launchd started for %s may check in", line + 8, j->label);
        else xpcsim_send_fd_line(sock, "ok\n", j->services[idx].fd);
    } else if (strncmp(line, "print ", 6) == 0) {
        struct job *j = find_label(line + 6);
        if (j == NULL) reply(sock, "error %s: not loaded", line + 6);
        else reply(sock, "ok state=%s pid=%d runs=%d", j->pid > 0 ? "running" : "waiting", (int)j->pid, j->runs);
    } else if (peer.uid != 0 && peer.uid != getuid()) {
        /* launchctl bootstrap/bootout system/... need root. The simulated system's root is also
         * whoever runs its launchd (the system is theirs), so tests need not run as root. */
        reply(sock, "error Operation not permitted: the system domain needs root");
    } else if (strncmp(line, "bootstrap ", 10) == 0) {
        bootstrap(sock, line + 10);
    } else if (strncmp(line, "enable ", 7) == 0 || strncmp(line, "disable ", 8) == 0) {
        int disable = line[0] == 'd';
        int rc = set_disabled(line + (disable ? 8 : 7), disable);
        if (rc != 0) reply(sock, "error cannot record the override: %s", strerror(rc));
        else reply(sock, "ok");
    } else if (strncmp(line, "kickstart ", 10) == 0) {
        /* -k kills a running instance first; without it a running job is left as it is. */
        int kill_first = strncmp(line + 10, "-k ", 3) == 0;
        struct job *j = find_label(line + 10 + (kill_first ? 3 : 0));
        if (j == NULL) {
            reply(sock, "error Could not find service \"%s\" in domain for system", line + 10 + (kill_first ? 3 : 0));
            return;
        }
        if (kill_first) stop_job(j);
        if (j->pid <= 0) start_job(j);
        if (j->pid <= 0) reply(sock, "error %s: cannot start %s", j->label, j->program);
        else reply(sock, "ok pid=%d", (int)j->pid);
    } else if (strncmp(line, "bootout ", 8) == 0) {
        struct job *j = find_label(line + 8);
        if (j == NULL) {
            reply(sock, "error %s: not loaded", line + 8);
        } else {
            unload(j);
            reply(sock, "ok");
        }
    } else {
        reply(sock, "error unknown request");
    }
}

static void clean_stale(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) return;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

int main(int argc, char **argv) {
    if (argc != 2 || argv[1][0] != '/') {
        fprintf(stderr, "usage: xpcsim-launchd /absolute/simulator/root\n");
        return 2;
    }
    setenv("XPCSIM_ROOT", argv[1], 1);
    char path[1024];
    mkdir(argv[1], 0755);
    const char *dirs[] = {"mach", "log", "log/config", "iokit", "iokit/power"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        xpcsim_path(path, sizeof path, dirs[i]);
        mkdir(path, 0755);
        chmod(path, (strcmp(dirs[i], "mach") == 0 || strcmp(dirs[i], "log") == 0) ? 0755 : 01777);
    }
    xpcsim_path(path, sizeof path, "launchd.lock");
    int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "xpcsim-launchd: another launchd already runs for %s\n", argv[1]);
        return 1;
    }
    xpcsim_path(path, sizeof path, "mach");
    clean_stale(path); /* names of a previous run are gone, as after a reboot */
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (xpcsim_path(sa.sun_path, sizeof sa.sun_path, "launchd.sock") != 0) {
        fprintf(stderr, "xpcsim-launchd: root path too long for a Unix socket: %s\n", argv[1]);
        return 1;
    }
    unlink(sa.sun_path);
    int ctl = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ctl < 0 || bind(ctl, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ctl, 64) != 0) {
        fprintf(stderr, "xpcsim-launchd: cannot listen on %s: %s\n", sa.sun_path, strerror(errno));
        return 1;
    }
    chmod(sa.sun_path, 0666);
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGCHLD);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    /* Started with a pipe on stdin (by SimulatedLaunchd, by the semantics test): its end means
     * the starter died without stopping us, and a simulated system must not outlive its test. */
    struct stat in;
    int parent_pipe = fstat(0, &in) == 0 && S_ISFIFO(in.st_mode);
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        struct pollfd pfds[3 + MAX_JOBS * MAX_SERVICES];
        struct job *owner[3 + MAX_JOBS * MAX_SERVICES];
        int n = 0, timeout = -1;
        pfds[n++] = (struct pollfd){ctl, POLLIN, 0};
        pfds[n++] = (struct pollfd){sfd, POLLIN, 0};
        pfds[n++] = (struct pollfd){parent_pipe ? 0 : -1, POLLIN, 0};
        long now = now_ms();
        for (int i = 0; i < MAX_JOBS; i++) {
            struct job *j = jobs[i];
            if (j == NULL || j->pid > 0) continue;
            long wait = j->last_start_ms + THROTTLE_MS - now;
            if (j->runs > 0 && wait > 0) {
                if (timeout < 0 || wait < timeout) timeout = (int)wait;
                continue;
            }
            for (int k = 0; k < j->nservices; k++) {
                owner[n] = j;
                pfds[n++] = (struct pollfd){j->services[k].fd, POLLIN, 0};
            }
        }
        if (poll(pfds, (nfds_t)n, timeout) < 0) continue;
        if (pfds[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == sizeof si && (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)) break;
            pid_t pid;
            int status;
            while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                for (int i = 0; i < MAX_JOBS; i++) {
                    if (jobs[i] != NULL && jobs[i]->pid == pid) {
                        jobs[i]->pid = 0;
                        fprintf(stderr, "launchd: %s: pid %d exited (status 0x%x)\n", jobs[i]->label, (int)pid, status);
                    }
                }
            }
        }
        if (pfds[2].revents & (POLLIN | POLLHUP)) {
            char c;
            if (read(0, &c, 1) <= 0) break; /* whoever started us is gone: so are we, and our jobs */
        }
        if (pfds[0].revents & POLLIN) {
            int c = accept4(ctl, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                handle_request(c);
                close(c);
            }
        }
        for (int i = 3; i < n; i++) {
            /* A client waits on a name of a job that is not running: launch on demand. */
            if ((pfds[i].revents & POLLIN) && owner[i]->pid == 0 && !(owner[i]->runs > 0 && now_ms() - owner[i]->last_start_ms < THROTTLE_MS)) {
                start_job(owner[i]);
            }
        }
    }
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] != NULL) unload(jobs[i]);
    unlink(sa.sun_path);
    return 0;
}

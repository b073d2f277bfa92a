/* posix_spawn with an exact fd map, a fresh session, default signal state and a given working directory. */
#ifdef __linux__
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np, _addchdir_np, POSIX_SPAWN_SETSID */
#endif
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define TH_HAVE_CLOSEFROM_NP 1
#endif

#if !defined(__APPLE__) && !defined(POSIX_SPAWN_SETSID)
#error "POSIX_SPAWN_SETSID is required (glibc >= 2.26): a setsid() in a fork child is what posix_spawn exists to avoid"
#endif

/* The child must never start in whatever directory the helper happens to run in: that could
 * be one a user can write, and relative paths in the child would resolve there. */
#if defined(__GLIBC__) && (__GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 29))
#error "posix_spawn_file_actions_addchdir_np is required (glibc >= 2.29)"
#endif

struct spawn_state {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int actions_ready;
    int attr_ready;
};

static void spawn_state_destroy(struct spawn_state *s) {
    if (s->actions_ready) posix_spawn_file_actions_destroy(&s->actions);
    if (s->attr_ready) posix_spawnattr_destroy(&s->attr);
}

static int validate_map(const int *child_fds, const int *parent_fds, int nmap, char *err, size_t errlen) {
    for (int i = 0; i < nmap; i++) {
        if (child_fds[i] < 3) {
            return th_fail(err, errlen, EINVAL, "child fd %d in the fd map: 0-2 are set by stdin/stdout/stderr", child_fds[i]);
        }
        if (parent_fds[i] < 0) {
            return th_fail(err, errlen, EBADF, "parent fd %d mapped to child fd %d", parent_fds[i], child_fds[i]);
        }
        if (fcntl(parent_fds[i], F_GETFD) < 0) {
            return th_fail(err, errlen, errno, "parent fd %d mapped to child fd %d is not open", parent_fds[i], child_fds[i]);
        }
        for (int j = 0; j < i; j++) {
            if (child_fds[j] == child_fds[i]) {
                return th_fail(err, errlen, EINVAL, "child fd %d appears twice in the fd map", child_fds[i]);
            }
        }
    }
    return 0;
}

/*
 * Every source is first duplicated to a scratch number above all sources and all targets,
 * so no later dup2 onto a target can clobber a source that is still needed (this is what
 * makes swaps such as 3<->4 and collisions with 0-2 safe). Only then are the targets filled.
 */
static int add_fd_actions(struct spawn_state *s, const int *child_fds, const int *parent_fds, int nmap,
                          int stdout_fd, int stderr_fd, char *err, size_t errlen) {
    int n = nmap + 2;
    int *src = calloc((size_t)n, sizeof(int));
    int *dst = calloc((size_t)n, sizeof(int));
    if (src == NULL || dst == NULL) {
        free(src);
        free(dst);
        return th_fail(err, errlen, ENOMEM, "spawn fd map");
    }
    int count = 0;
    if (stdout_fd >= 0) { src[count] = stdout_fd; dst[count] = 1; count++; }
    if (stderr_fd >= 0) { src[count] = stderr_fd; dst[count] = 2; count++; }
    for (int i = 0; i < nmap; i++) { src[count] = parent_fds[i]; dst[count] = child_fds[i]; count++; }

    int highest = 2;
    for (int i = 0; i < count; i++) {
        if (src[i] > highest) highest = src[i];
        if (dst[i] > highest) highest = dst[i];
    }
    int max_target = 2;
    for (int i = 0; i < count; i++) if (dst[i] > max_target) max_target = dst[i];

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (rlim_t)(highest + 1 + count) >= rl.rlim_cur) {
        free(src);
        free(dst);
        return th_fail(err, errlen, EMFILE, "fd map needs scratch fds up to %d but RLIMIT_NOFILE is %llu",
                       highest + count, (unsigned long long)rl.rlim_cur);
    }

    int rc = 0;
    posix_spawn_file_actions_t *a = &s->actions;
    for (int i = 0; i < count && rc == 0; i++) rc = posix_spawn_file_actions_adddup2(a, src[i], highest + 1 + i);
    if (rc == 0) rc = posix_spawn_file_actions_addopen(a, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0 && stdout_fd < 0) rc = posix_spawn_file_actions_addopen(a, 1, "/dev/null", O_WRONLY, 0);
    if (rc == 0 && stderr_fd < 0) rc = posix_spawn_file_actions_addopen(a, 2, "/dev/null", O_WRONLY, 0);
    for (int i = 0; i < count && rc == 0; i++) rc = posix_spawn_file_actions_adddup2(a, highest + 1 + i, dst[i]);
    /* Scratch fds are themselves dup2 targets, which POSIX_SPAWN_CLOEXEC_DEFAULT would keep. */
    for (int i = 0; i < count && rc == 0; i++) rc = posix_spawn_file_actions_addclose(a, highest + 1 + i);
#ifndef __APPLE__
    /* Holes below the highest target: glibc ignores EBADF for a close action on an fd that
     * is not open, so closing unconditionally is safe. */
    for (int fd = 3; fd < max_target && rc == 0; fd++) {
        int is_target = 0;
        for (int i = 0; i < count; i++) if (dst[i] == fd) is_target = 1;
        if (!is_target) rc = posix_spawn_file_actions_addclose(a, fd);
    }
#ifdef TH_HAVE_CLOSEFROM_NP
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(a, max_target + 1);
#else
    /* Without closefrom_np the only race-free way is a close action for every possible fd
     * (setting FD_CLOEXEC in the parent races with other threads opening fds). Slow when
     * RLIMIT_NOFILE is huge, but correct. */
    if (rc == 0) {
        rlim_t limit = (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) ? rl.rlim_cur : 65536;
        for (rlim_t fd = (rlim_t)max_target + 1; fd < limit && rc == 0; fd++) {
            int skip = 0;
            for (int i = 0; i < count; i++) if ((rlim_t)(highest + 1 + i) == fd) skip = 1;
            if (!skip) rc = posix_spawn_file_actions_addclose(a, (int)fd);
        }
    }
#endif
#endif
    free(src);
    free(dst);
    if (rc != 0) return th_fail(err, errlen, rc, "building spawn file actions");
    return 0;
}

static int set_attributes(struct spawn_state *s, char *err, size_t errlen) {
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    /* The JVM blocks and handles signals; the child must start with a clean slate or it
     * could, for example, ignore SIGTERM forever. */
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID;
#ifdef __APPLE__
    flags |= POSIX_SPAWN_CLOEXEC_DEFAULT;
#endif
    int rc = posix_spawnattr_setflags(&s->attr, flags);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&s->attr, &none);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&s->attr, &all);
    if (rc != 0) return th_fail(err, errlen, rc, "setting spawn attributes");
    return 0;
}

int th_spawn(const char *path, const char *const argv[], const char *const envp[], const char *cwd,
             const int *child_fds, const int *parent_fds, int nmap,
             int stdout_fd, int stderr_fd, char *err, size_t errlen) {
    if (path == NULL || path[0] != '/') {
        return th_fail(err, errlen, EINVAL, "executable path must be absolute: %s", path == NULL ? "(null)" : path);
    }
    if (cwd == NULL || cwd[0] != '/') {
        return th_fail(err, errlen, EINVAL, "working directory must be absolute: %s", cwd == NULL ? "(null)" : cwd);
    }
    if (argv == NULL || argv[0] == NULL) return th_fail(err, errlen, EINVAL, "argv must hold at least argv[0]");
    if (envp == NULL) return th_fail(err, errlen, EINVAL, "envp must not be NULL");
    if (nmap < 0 || (nmap > 0 && (child_fds == NULL || parent_fds == NULL))) {
        return th_fail(err, errlen, EINVAL, "invalid fd map");
    }
    int rc = validate_map(child_fds, parent_fds, nmap, err, errlen);
    if (rc < 0) return rc;
    if (access(path, X_OK) != 0) return th_fail(err, errlen, errno, "cannot execute %s", path);

    struct spawn_state s = {0};
    rc = posix_spawn_file_actions_init(&s.actions);
    if (rc != 0) return th_fail(err, errlen, rc, "posix_spawn_file_actions_init");
    s.actions_ready = 1;
    rc = posix_spawnattr_init(&s.attr);
    if (rc != 0) {
        spawn_state_destroy(&s);
        return th_fail(err, errlen, rc, "posix_spawnattr_init");
    }
    s.attr_ready = 1;
    /* First action: a directory that cannot be entered fails the spawn (posix_spawn reports it). */
    rc = posix_spawn_file_actions_addchdir_np(&s.actions, cwd);
    if (rc != 0) {
        spawn_state_destroy(&s);
        return th_fail(err, errlen, rc, "posix_spawn_file_actions_addchdir_np %s", cwd);
    }
    rc = add_fd_actions(&s, child_fds, parent_fds, nmap, stdout_fd, stderr_fd, err, errlen);
    if (rc == 0) rc = set_attributes(&s, err, errlen);
    if (rc < 0) {
        spawn_state_destroy(&s);
        return rc;
    }
    pid_t pid;
    rc = posix_spawn(&pid, path, &s.actions, &s.attr, (char *const *)argv, (char *const *)envp);
    spawn_state_destroy(&s);
    if (rc != 0) return th_fail(err, errlen, rc, "posix_spawn %s", path);
    return (int)pid;
}

static void decode(int status, int *kind, int *value) {
    if (WIFSIGNALED(status)) {
        *kind = TH_SIGNALED;
        *value = WTERMSIG(status);
    } else {
        *kind = TH_EXITED;
        *value = WEXITSTATUS(status);
    }
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Polling keeps this portable and free of a SIGCHLD handler, which would fight the JVM's. */
int th_wait(int pid, long timeout_ms, int *kind, int *value, char *err, size_t errlen) {
    if (pid <= 0) return th_fail(err, errlen, EINVAL, "waitpid on pid %d", pid);
    long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    long nap = 1;
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, timeout_ms < 0 ? 0 : WNOHANG);
        if (r == pid) {
            decode(status, kind, value);
            return 1;
        }
        if (r < 0 && errno != EINTR) return th_fail(err, errlen, errno, "waitpid %d", pid);
        if (r == 0) {
            long left = deadline - now_ms();
            if (left <= 0) return 0;
            sleep_ms(nap < left ? nap : left);
            if (nap < 20) nap *= 2;
        }
    }
}

int th_terminate(int pid, long grace_ms, int *kind, int *value, char *err, size_t errlen) {
    if (pid <= 0) return th_fail(err, errlen, EINVAL, "terminate pid %d", pid);
    /* The child leads its own process group (setsid), so the group signal also reaches
     * anything it started. ESRCH only means the group is already gone. */
    if (kill(-pid, SIGTERM) != 0 && errno != ESRCH && kill(pid, SIGTERM) != 0 && errno != ESRCH) {
        return th_fail(err, errlen, errno, "SIGTERM to %d", pid);
    }
    int rc = th_wait(pid, grace_ms < 0 ? 0 : grace_ms, kind, value, err, errlen);
    if (rc != 0) return rc;
    if (kill(-pid, SIGKILL) != 0 && errno != ESRCH && kill(pid, SIGKILL) != 0 && errno != ESRCH) {
        return th_fail(err, errlen, errno, "SIGKILL to %d", pid);
    }
    return th_wait(pid, -1, kind, value, err, errlen);
}

/*
 * Spawn with an exact fd map, a fresh session, default signal state and a given working directory.
 * macOS: posix_spawn. Linux: clone(CLONE_VM | CLONE_VFORK) + exec (what glibc's posix_spawn does),
 * because the child must set PR_SET_PDEATHSIG before it execs (so it dies with the helper, even
 * when the helper is SIGKILLed), and posix_spawn runs no code of ours in the child.
 */
#ifdef __linux__
#define _GNU_SOURCE /* pipe2, syscall numbers */
#endif
#include "shim.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#ifdef __APPLE__
#include <spawn.h>
#include <sys/event.h>
#endif
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

/* Entries in one fd map; the tunnel needs three. */
#define TH_SPAWN_MAX_FDS 64

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
 * The fd map as (source, target) pairs, stdout/stderr first. Every source is first duplicated to
 * a scratch number above all sources and all targets, so no later dup2 onto a target can clobber
 * a source that is still needed (this is what makes swaps such as 3<->4 and collisions with 0-2
 * safe). Only then are the targets filled.
 */
struct fd_plan {
    int count;
    int src[TH_SPAWN_MAX_FDS + 2];
    int dst[TH_SPAWN_MAX_FDS + 2];
    int highest;    /* the highest source or target: scratch numbers start above it */
    int max_target; /* the highest target: everything above is closed in the child */
};

static int plan_fds(struct fd_plan *p, const int *child_fds, const int *parent_fds, int nmap, int stdout_fd,
                    int stderr_fd, char *err, size_t errlen) {
    if (nmap > TH_SPAWN_MAX_FDS) return th_fail(err, errlen, EINVAL, "fd map of %d entries (at most %d)", nmap, TH_SPAWN_MAX_FDS);
    p->count = 0;
    if (stdout_fd >= 0) { p->src[p->count] = stdout_fd; p->dst[p->count] = 1; p->count++; }
    if (stderr_fd >= 0) { p->src[p->count] = stderr_fd; p->dst[p->count] = 2; p->count++; }
    for (int i = 0; i < nmap; i++) { p->src[p->count] = parent_fds[i]; p->dst[p->count] = child_fds[i]; p->count++; }
    p->highest = 2;
    p->max_target = 2;
    for (int i = 0; i < p->count; i++) {
        if (p->src[i] > p->highest) p->highest = p->src[i];
        if (p->dst[i] > p->highest) p->highest = p->dst[i];
        if (p->dst[i] > p->max_target) p->max_target = p->dst[i];
    }
    struct rlimit rl;
    /* one more scratch number than pairs: the Linux path's error pipe lives there */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (rlim_t)(p->highest + 2 + p->count) >= rl.rlim_cur) {
        return th_fail(err, errlen, EMFILE, "fd map needs scratch fds up to %d but RLIMIT_NOFILE is %llu",
                       p->highest + 1 + p->count, (unsigned long long)rl.rlim_cur);
    }
    return 0;
}

#ifdef __APPLE__
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

/* POSIX_SPAWN_CLOEXEC_DEFAULT closes everything that is not a dup2 target. */
static int add_fd_actions(struct spawn_state *s, const struct fd_plan *p, int stdout_fd, int stderr_fd, char *err,
                          size_t errlen) {
    int rc = 0;
    posix_spawn_file_actions_t *a = &s->actions;
    for (int i = 0; i < p->count && rc == 0; i++) rc = posix_spawn_file_actions_adddup2(a, p->src[i], p->highest + 1 + i);
    if (rc == 0) rc = posix_spawn_file_actions_addopen(a, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0 && stdout_fd < 0) rc = posix_spawn_file_actions_addopen(a, 1, "/dev/null", O_WRONLY, 0);
    if (rc == 0 && stderr_fd < 0) rc = posix_spawn_file_actions_addopen(a, 2, "/dev/null", O_WRONLY, 0);
    for (int i = 0; i < p->count && rc == 0; i++) rc = posix_spawn_file_actions_adddup2(a, p->highest + 1 + i, p->dst[i]);
    /* Scratch fds are themselves dup2 targets, which POSIX_SPAWN_CLOEXEC_DEFAULT would keep. */
    for (int i = 0; i < p->count && rc == 0; i++) rc = posix_spawn_file_actions_addclose(a, p->highest + 1 + i);
    if (rc != 0) return th_fail(err, errlen, rc, "building spawn file actions");
    return 0;
}

static int set_attributes(struct spawn_state *s, char *err, size_t errlen) {
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    /* The JVM blocks and handles signals; the child must start with a clean slate or it
     * could, for example, ignore SIGTERM forever. */
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID | POSIX_SPAWN_CLOEXEC_DEFAULT;
    int rc = posix_spawnattr_setflags(&s->attr, flags);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&s->attr, &none);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&s->attr, &all);
    if (rc != 0) return th_fail(err, errlen, rc, "setting spawn attributes");
    return 0;
}

/*
 * macOS has no PR_SET_PDEATHSIG, and nothing here replaces it yet: a child can outlive a helper
 * killed with SIGKILL (docs/security.md, "The tunnel child", known limit).
 */
static int spawn_child(const char *path, const char *const argv[], const char *const envp[], const char *cwd,
                       const struct fd_plan *p, int stdout_fd, int stderr_fd, char *err, size_t errlen) {
    struct spawn_state s = {0};
    int rc = posix_spawn_file_actions_init(&s.actions);
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
    rc = add_fd_actions(&s, p, stdout_fd, stderr_fd, err, errlen);
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
#else
/* What the child reports over the error pipe when a step before exec fails. */
struct child_failure {
    int step;
    int error;
};

enum { STEP_PARENT_GONE, STEP_SESSION, STEP_SIGNALS, STEP_CHDIR, STEP_FDS, STEP_EXEC };

static const char *const STEP_NAMES[] = {
    "the helper ended before the child was set up", "setsid", "resetting signals", "chdir", "setting up the fd map", "execve",
};

static int open_null_at(int target, int flags) {
    int fd = open("/dev/null", flags);
    if (fd < 0) return -1;
    if (fd == target) return 0;
    int rc = dup2(fd, target);
    close(fd);
    return rc < 0 ? -1 : 0;
}

static void close_range_from(unsigned int first, unsigned int last) {
    if (first > last) return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, first, last, 0) == 0) return;
#endif
    /* Kernels before 5.9: one close per possible number up to the limit. */
    struct rlimit rl;
    unsigned int limit = (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) ? (unsigned int)rl.rlim_cur : 65536u;
    for (unsigned int fd = first; fd <= last && fd < limit; fd++) close((int)fd);
}

/*
 * The child between clone and exec: async-signal-safe calls only (it shares the JVM's memory and
 * runs on a stack of its own; it must write nothing but that stack). Never returns.
 */
static void child_after_clone(const char *path, const char *const argv[], const char *const envp[], const char *cwd,
                             const struct fd_plan *p, int stdout_fd, int stderr_fd, pid_t parent, int report) {
    struct child_failure failure = {0, 0};
    /* Dies with the THREAD that forked it (that is what the kernel calls the parent): the shim's
     * callers spawn the tunnel from a thread that lives as long as the helper. SIGKILL because
     * a tunnel that ignores SIGTERM must not outlive a helper that was SIGKILLed. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) {
        failure.step = STEP_PARENT_GONE;
        failure.error = ESRCH;
        goto fail;
    }
    if (setsid() < 0) {
        failure.step = STEP_SESSION;
        goto fail_errno;
    }
    /* The JVM blocks and handles signals; the child must start with a clean slate or it could,
     * for example, ignore SIGTERM forever. Dispositions first, then the (fully blocked) mask. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL); /* EINVAL for glibc's reserved ones */
    }
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) {
        failure.step = STEP_SIGNALS;
        goto fail_errno;
    }
    if (chdir(cwd) != 0) {
        failure.step = STEP_CHDIR;
        goto fail_errno;
    }
    /* The error pipe moves above every scratch number first, so no dup2 below clobbers it. */
    int moved = fcntl(report, F_DUPFD_CLOEXEC, p->highest + 1 + p->count);
    if (moved < 0) {
        failure.step = STEP_FDS;
        goto fail_errno;
    }
    report = moved;
    failure.step = STEP_FDS;
    for (int i = 0; i < p->count; i++) {
        if (dup2(p->src[i], p->highest + 1 + i) < 0) goto fail_errno;
    }
    if (open_null_at(0, O_RDONLY) < 0) goto fail_errno;
    if (stdout_fd < 0 && open_null_at(1, O_WRONLY) < 0) goto fail_errno;
    if (stderr_fd < 0 && open_null_at(2, O_WRONLY) < 0) goto fail_errno;
    for (int i = 0; i < p->count; i++) {
        /* dup2 onto another number clears FD_CLOEXEC: the child keeps exactly these. */
        if (dup2(p->highest + 1 + i, p->dst[i]) < 0) goto fail_errno;
    }
    for (int i = 0; i < p->count; i++) close(p->highest + 1 + i);
    for (int fd = 3; fd < p->max_target; fd++) {
        int is_target = 0;
        for (int i = 0; i < p->count; i++) if (p->dst[i] == fd) is_target = 1;
        if (!is_target) close(fd);
    }
    /* Everything above the highest target, except the error pipe (close-on-exec itself). */
    close_range_from((unsigned int)p->max_target + 1, (unsigned int)report - 1);
    close_range_from((unsigned int)report + 1, ~0u);
    execve(path, (char *const *)argv, (char *const *)envp);
    failure.step = STEP_EXEC;
fail_errno:
    failure.error = errno;
fail:
    while (write(report, &failure, sizeof failure) < 0 && errno == EINTR) {
    }
    _exit(127);
}

struct child_start {
    const char *path;
    const char *const *argv;
    const char *const *envp;
    const char *cwd;
    const struct fd_plan *plan;
    int stdout_fd;
    int stderr_fd;
    pid_t parent;
    int report_read;
    int report_write;
};

static int child_entry(void *arg) {
    const struct child_start *s = arg;
    close(s->report_read);
    child_after_clone(s->path, s->argv, s->envp, s->cwd, s->plan, s->stdout_fd, s->stderr_fd, s->parent,
                     s->report_write);
    return 127; /* not reached: child_after_clone execs or _exits */
}

/* The child's own stack while it shares the parent's memory (it must not run on the parent's). */
#define CHILD_STACK_BYTES (256 * 1024)

static int spawn_child(const char *path, const char *const argv[], const char *const envp[], const char *cwd,
                       const struct fd_plan *p, int stdout_fd, int stderr_fd, char *err, size_t errlen) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return th_fail(err, errlen, errno, "pipe2 for the spawn's error report");
    /* No JVM signal handler may run in the child before it has reset them: block everything
     * across the fork (the child inherits this thread's mask, the parent restores its own). */
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    /* Like glibc's posix_spawn: clone(CLONE_VM | CLONE_VFORK) on a stack of its own, not fork().
     * A fork copies the JVM's page tables and makes every page the JVM then writes a copy-on-write
     * fault (40-50 ms per spawn measured in the warm-start benchmark); sharing the memory costs
     * nothing, and this thread waits until the child has exec'd or failed. The child touches only
     * its own stack and the kernel's per-process state (fds, signal dispositions: no CLONE_FILES,
     * no CLONE_SIGHAND), and every signal is blocked, so no JVM handler runs on shared memory. */
    void *stack = mmap(NULL, CHILD_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        int map_errno = errno;
        pthread_sigmask(SIG_SETMASK, &saved, NULL);
        close(report[0]);
        close(report[1]);
        return th_fail(err, errlen, map_errno, "a stack for spawning %s", path);
    }
    struct child_start start = {path, argv, envp, cwd, p, stdout_fd, stderr_fd, getpid(), report[0], report[1]};
    pid_t pid = clone(child_entry, (char *)stack + CHILD_STACK_BYTES, CLONE_VM | CLONE_VFORK | SIGCHLD, &start);
    int clone_errno = errno;
    munmap(stack, CHILD_STACK_BYTES);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        return th_fail(err, errlen, clone_errno, "clone for %s", path);
    }
    struct child_failure failure;
    ssize_t n;
    do {
        n = read(report[0], &failure, sizeof failure);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == 0) return (int)pid; /* the pipe closed on exec: the child runs path */
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (n != (ssize_t)sizeof failure || failure.step < 0 || failure.step > STEP_EXEC) {
        return th_fail(err, errlen, EIO, "spawn %s: the child failed before exec without saying why", path);
    }
    if (failure.step == STEP_CHDIR) return th_fail(err, errlen, failure.error, "spawn %s: chdir %s", path, cwd);
    return th_fail(err, errlen, failure.error, "spawn %s: %s", path, STEP_NAMES[failure.step]);
}
#endif

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
    struct fd_plan plan = {0};
    rc = plan_fds(&plan, child_fds, parent_fds, nmap, stdout_fd, stderr_fd, err, errlen);
    if (rc < 0) return rc;
    return spawn_child(path, argv, envp, cwd, &plan, stdout_fd, stderr_fd, err, errlen);
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

/* Whether pid has exited, without reaping it: 1 exited (or already reaped: ECHILD), 0 running, -1 error. */
static int exited_unreaped(int pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        if (errno == EINTR) return 0;
        return errno == ECHILD ? 1 : -1;
    }
    return info.si_pid == pid ? 1 : 0;
}

/* The fallback where the kernel offers no exit notification: check every few milliseconds. */
static int await_exit_polling(int pid, long timeout_ms, char *err, size_t errlen) {
    long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    long nap = 1;
    for (;;) {
        int r = exited_unreaped(pid);
        if (r < 0) return th_fail(err, errlen, errno, "waitid %d", pid);
        if (r == 1) return 1;
        long left = deadline < 0 ? 20 : deadline - now_ms();
        if (left <= 0) return 0;
        sleep_ms(nap < left ? nap : left);
        if (nap < 20) nap *= 2;
    }
}

/* __APPLE__ first: the XPC simulator compiles this file with it defined, on Linux. */
#if defined(__APPLE__)
/* NOTE_EXIT on a kqueue fires when the process exits; kevent costs no wakeup until then. */
static int await_exit_notified(int pid, long timeout_ms, char *err, size_t errlen) {
    int kq = kqueue();
    if (kq < 0) return await_exit_polling(pid, timeout_ms, err, errlen);
    struct kevent change;
    EV_SET(&change, (uintptr_t)pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, NULL);
    if (kevent(kq, &change, 1, NULL, 0, NULL) != 0) {
        int refused = errno;
        close(kq);
        /* ESRCH: it has already exited, and a zombie cannot be watched. */
        return await_exit_polling(pid, refused == ESRCH ? 0 : timeout_ms, err, errlen);
    }
    /* It may have exited before the registration: then no event would ever come. */
    int now = exited_unreaped(pid);
    if (now != 0) {
        close(kq);
        return now < 0 ? th_fail(err, errlen, errno, "waitid %d", pid) : 1;
    }
    long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    int r;
    for (;;) {
        long left = deadline < 0 ? -1 : deadline - now_ms();
        if (deadline >= 0 && left < 0) left = 0;
        struct timespec ts = {left / 1000, (left % 1000) * 1000000L};
        struct kevent fired;
        r = kevent(kq, NULL, 0, &fired, 1, deadline < 0 ? NULL : &ts);
        if (r >= 0 || errno != EINTR) break;
    }
    int saved = errno;
    close(kq);
    if (r < 0) return th_fail(err, errlen, saved, "kevent for %d", pid);
    return r > 0 ? 1 : 0;
}
#elif defined(__linux__)
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* the same number on every architecture (Linux 5.3) */
#endif

/* A pidfd becomes readable when the process exits; poll on it costs no wakeup until then. */
static int await_exit_notified(int pid, long timeout_ms, char *err, size_t errlen) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        if (errno == ESRCH) return 1; /* reaped meanwhile (th_terminate on another thread) */
        return await_exit_polling(pid, timeout_ms, err, errlen); /* ENOSYS, or refused by a sandbox */
    }
    long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    int r;
    for (;;) {
        long left = deadline < 0 ? -1 : deadline - now_ms();
        if (deadline >= 0 && left < 0) left = 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (r >= 0 || errno != EINTR) break;
    }
    int saved = errno;
    close(fd);
    if (r < 0) return th_fail(err, errlen, saved, "poll on the pidfd of %d", pid);
    return r > 0 ? 1 : 0;
}
#else
static int await_exit_notified(int pid, long timeout_ms, char *err, size_t errlen) {
    return await_exit_polling(pid, timeout_ms, err, errlen);
}
#endif

/*
 * No SIGCHLD handler, which would fight the JVM's: the wait is on the kernel's exit notification
 * for this one pid (a pidfd on Linux, a kqueue on macOS), so a long wait costs no wakeups.
 */
int th_await_exit(int pid, long timeout_ms, char *err, size_t errlen) {
    if (pid <= 0) return th_fail(err, errlen, EINVAL, "waiting for pid %d", pid);
    return await_exit_notified(pid, timeout_ms, err, errlen);
}

int th_wait(int pid, long timeout_ms, int *kind, int *value, char *err, size_t errlen) {
    if (pid <= 0) return th_fail(err, errlen, EINVAL, "waitpid on pid %d", pid);
    if (timeout_ms >= 0) {
        int r = await_exit_notified(pid, timeout_ms, err, errlen);
        if (r <= 0) return r;
    }
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, timeout_ms < 0 ? 0 : WNOHANG);
        if (r == pid) {
            decode(status, kind, value);
            return 1;
        }
        if (r < 0 && errno != EINTR) return th_fail(err, errlen, errno, "waitpid %d", pid);
        if (r == 0) return 0; /* not yet reapable, though it was reported exited: ask again */
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

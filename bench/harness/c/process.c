/*
 * Whole-process measurements:
 *
 * launch   starts the helper (any command line), polls its app socket every millisecond, and at
 *          the first accepted connection reads the helper's CPU time from /proc/PID/stat
 *          (utime+stime, plus cutime+cstime of the launcher's waited-for children: the launcher
 *          scripts exec into java, so the pid is the JVM's); then checks it is the helper (hello
 *          + Ping) and prints "listening WALL_NS CPU_MS PID". It keeps the helper until its own
 *          stdin closes, then sends SIGTERM, waits (SIGKILL after 30 s) and prints "exited STATUS".
 * timecmd  wall time of whole runs of a command (stdout discarded), each must exit 0.
 * hog      one CPU-bound spinning process: the load of the "under load" rows.
 */
#include "cli.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Splits "OPTIONS -- CMD..." into the options and the command. */
static char **split_command(const args_t *a, args_t *options) {
    for (int i = 0; i < a->argc; i++) {
        if (strcmp(a->argv[i], "--") == 0) {
            if (i + 1 >= a->argc) {
                break;
            }
            *options = (args_t){i, a->argv};
            return a->argv + i + 1;
        }
    }
    die("missing \"-- COMMAND...\"");
}

static pid_t spawn(char **cmd, int out_fd, int err_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, cmd[0], &actions, NULL, cmd, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        errno = rc;
        die_errno("spawn %s", cmd[0]);
    }
    return pid;
}

static long long cpu_ms(pid_t pid) {
    char path[64], stat[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die_errno("open %s", path);
    }
    size_t n = read_all(fd, stat, sizeof stat - 1);
    close(fd);
    stat[n] = '\0';
    char *p = strrchr(stat, ')'); /* the command name may contain spaces */
    unsigned long long utime, stime;
    long long cutime, cstime;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &utime, &stime, &cutime,
                     &cstime) != 4) {
        die("cannot parse %s", path);
    }
    return (long long)(utime + stime + (unsigned long long)cutime + (unsigned long long)cstime) * 1000 / sysconf(_SC_CLK_TCK);
}

static int try_connect(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        die_errno("socket");
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
        return fd;
    }
    close(fd);
    return -1;
}

static int wait_exit(pid_t pid, unsigned timeout_ms) {
    for (unsigned waited = 0;; waited += 10) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            return status;
        }
        if (r < 0 && errno != EINTR) {
            die_errno("waitpid");
        }
        if (waited >= timeout_ms) {
            return -1;
        }
        sleep_ns(10000000);
    }
}

int cmd_launch(const args_t *a) {
    args_t o;
    char **cmd = split_command(a, &o);
    static const char *const known[] = {"--app-socket", "--log", NULL};
    opts_check(&o, known);
    const char *socket_path = opt(&o, "--app-socket", NULL);
    int log = open(opt(&o, "--log", NULL), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log < 0) {
        die_errno("open the log");
    }
    uint64_t t0 = now_ns();
    pid_t pid = spawn(cmd, log, log);
    int fd;
    for (;;) {
        if ((fd = try_connect(socket_path)) >= 0) {
            break;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            die("the helper exited (status 0x%x) before it listened; see its log", status);
        }
        if (now_ns() - t0 > 120000000000ull) {
            kill(pid, SIGKILL);
            die("the helper did not listen on %s within 120 s", socket_path);
        }
        sleep_ns(1000000);
    }
    uint64_t wall = now_ns() - t0;
    long long cpu = cpu_ms(pid);
    hello(fd, "tunnelhelper app 1.0\n", "tunnelhelper helper ");
    uint8_t ping[] = {0x0a, 0x02, 0x08, 0x01, 0x12, 0x00}; /* rpc{msg_id: 1}, ping{} */
    buf_t m = {ping, sizeof ping, sizeof ping, 1}, reply = {0};
    write_frame(fd, &m);
    if (!read_frame(fd, &reply) || envelope_parse(reply.data, reply.len).kind != 2) {
        die("what listens on %s did not answer a Ping with a Pong", socket_path);
    }
    close(fd);
    printf("listening %llu %lld %d\n", (unsigned long long)wall, cpu, (int)pid);

    char drain[256];
    while (read(0, drain, sizeof drain) > 0) {
    }
    kill(pid, SIGTERM);
    int status = wait_exit(pid, 30000);
    if (status == -1) {
        kill(pid, SIGKILL);
        status = wait_exit(pid, 30000);
    }
    printf("exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}

int cmd_timecmd(const args_t *a) {
    args_t o;
    char **cmd = split_command(a, &o);
    static const char *const known[] = {"--runs", NULL};
    opts_check(&o, known);
    unsigned long runs = opt_num(&o, "--runs", "5", 1, 100000);
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    for (unsigned long i = 0; i < runs; i++) {
        uint64_t t0 = now_ns();
        pid_t pid = spawn(cmd, devnull, 2);
        int status;
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) {
                die_errno("waitpid");
            }
        }
        uint64_t t1 = now_ns();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            die("%s ended with status 0x%x", cmd[0], status);
        }
        printf("run %lu %llu\n", i, (unsigned long long)(t1 - t0));
    }
    return 0;
}

int cmd_hog(const args_t *a) {
    (void)a;
    volatile unsigned long spin = 0;
    for (;;) {
        spin++;
    }
}

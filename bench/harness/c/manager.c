#include "manager.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHILD_READ_FD = 3, CHILD_WRITE_FD = 4, CHILD_TUN_FD = 5 };

static int high_dup(int fd) {
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (copy < 0) {
        die_errno("dup");
    }
    return copy;
}

void tunnel_spawn(tunnel_t *t, const char *binary, int tun_fd, const char *control) {
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0) {
        die_errno("pipe");
    }
    /* Above every target number, so no dup2 below clobbers a source. */
    int child_read = high_dup(to[0]), child_write = high_dup(from[1]), child_tun = high_dup(tun_fd);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_adddup2(&actions, child_read, CHILD_READ_FD);
    posix_spawn_file_actions_adddup2(&actions, child_write, CHILD_WRITE_FD);
    posix_spawn_file_actions_adddup2(&actions, child_tun, CHILD_TUN_FD);
    char *argv[] = {(char *)binary, "vpn-daemon", "run", "--rpc-read-fd", "3", "--rpc-write-fd", "4",
                    control ? "--control" : NULL, (char *)control, NULL};
    char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "HOME=/var/empty", NULL};
    int rc = posix_spawn(&t->pid, binary, &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        errno = rc;
        die_errno("spawn %s", binary);
    }
    close(child_read);
    close(child_write);
    close(child_tun);
    close(to[0]);
    close(from[1]);
    t->to_tunnel = to[1];
    t->from_tunnel = from[0];
    t->next_id = 0;
}

void tunnel_handshake(tunnel_t *t) {
    write_all(t->to_tunnel, "codervpn manager 1.3\n", 21);
    char line[256];
    read_line(t->from_tunnel, line, sizeof line);
    if (strncmp(line, "codervpn tunnel ", 16) != 0) {
        die("bad handshake from the tunnel: \"%s\"", line);
    }
}

static void send_manager_message(tunnel_t *t, uint64_t msg_id, uint64_t response_to, unsigned field, const buf_t *body) {
    uint8_t bytes[1024];
    buf_t out = BUF_ON(bytes);
    pb_rpc(&out, msg_id, response_to);
    pb_bytes(&out, field, body ? body->data : NULL, body ? body->len : 0);
    write_frame(t->to_tunnel, &out);
}

static envelope_t await_reply(tunnel_t *t, uint64_t id) {
    for (;;) {
        if (!read_frame(t->from_tunnel, &t->in)) {
            die("the tunnel closed its pipe while request %llu was outstanding", (unsigned long long)id);
        }
        envelope_t e = envelope_parse(t->in.data, t->in.len);
        if (e.response_to == id) {
            return e;
        }
        if (e.kind == 4 && e.msg_id) { /* network_settings request: "applied" */
            uint8_t ok_bytes[16];
            buf_t ok = BUF_ON(ok_bytes);
            pb_uint(&ok, 1, 1);
            send_manager_message(t, 0, e.msg_id, 3, &ok);
        }
    }
}

envelope_t tunnel_call(tunnel_t *t, unsigned field) {
    uint64_t id = ++t->next_id;
    send_manager_message(t, id, 0, field, NULL);
    return await_reply(t, id);
}

void tunnel_start(tunnel_t *t, const char *url, const char *token) {
    uint8_t bytes[512];
    buf_t start = BUF_ON(bytes);
    pb_uint(&start, 1, CHILD_TUN_FD);
    pb_str(&start, 2, url);
    pb_str(&start, 3, token);
    pb_str(&start, 5, "thbench");
    pb_str(&start, 6, "linux");
    pb_str(&start, 7, "thbench");
    uint64_t id = ++t->next_id;
    send_manager_message(t, id, 0, 4, &start);
    envelope_t e = await_reply(t, id);
    pb_reader r = pb_read(e.body, e.body_len);
    pb_field f;
    int success = 0;
    while (pb_next(&r, &f)) {
        if (f.field == 1 && f.wire == 0) {
            success = f.value != 0;
        }
    }
    if (e.kind != 5 || !success) {
        die("the tunnel did not start (reply case %u)", e.kind);
    }
}

void tunnel_stop(tunnel_t *t) {
    envelope_t e = tunnel_call(t, 5);
    if (e.kind != 6) {
        die("the tunnel answered stop with case %u", e.kind);
    }
    close(t->to_tunnel);
    close(t->from_tunnel);
    int status;
    if (waitpid(t->pid, &status, 0) < 0) {
        die_errno("waitpid");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        die("the tunnel ended with status 0x%x after stop", status);
    }
}

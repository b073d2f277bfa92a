/*
 * ext: the network extension's side of a start (docs/protocol.md §2.3, §2.4), as small as it
 * can be: opens a TUN device (configuring nothing), sends StartDaemon with its fd, answers
 * ApplyNetworkSettings with success without applying anything, and times StartDaemon until
 * start_daemon_result. With --runs N it starts and stops N times on one connection, printing
 * "start I NS" and "stop I NS"; with --hold yes it starts once, prints "running NS" and keeps the
 * session (it owns it) until its stdin closes, then stops it.
 */
#include "cli.h"
#include "wire.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

enum { EXT_START_DAEMON = 2, EXT_STOP_DAEMON = 3, EXT_APPLY_RESULT = 4, EXT_CANCEL_RESULT = 5 };
enum { HX_START_RESULT = 2, HX_STOP_RESULT = 3, HX_APPLY = 4, HX_CANCEL = 5, HX_ERROR = 6 };

static uint64_t next_id;
static buf_t in;

static void send_success(int fd, uint64_t response_to, unsigned field) {
    uint8_t body_bytes[16], bytes[48];
    buf_t body = BUF_ON(body_bytes), m = BUF_ON(bytes);
    pb_uint(&body, 1, 1);
    pb_rpc(&m, 0, response_to);
    pb_msg(&m, field, &body);
    write_frame(fd, &m);
}

/* The whole frame in one sendmsg, with the TUN fd on it (§2.3). */
static void send_with_fd(int fd, const buf_t *payload, int tun) {
    uint8_t prefix[4] = {(uint8_t)(payload->len >> 24), (uint8_t)(payload->len >> 16), (uint8_t)(payload->len >> 8),
                         (uint8_t)payload->len};
    struct iovec iov[2] = {{prefix, 4}, {payload->data, payload->len}};
    union {
        struct cmsghdr h;
        char space[CMSG_SPACE(sizeof(int))];
    } control = {0};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = control.space, .msg_controllen = sizeof control.space};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &tun, sizeof tun);
    ssize_t w = sendmsg(fd, &msg, 0);
    if (w < 0) {
        die_errno("sendmsg StartDaemon");
    }
    if ((size_t)w < 4 + payload->len) {
        write_all(fd, (uint8_t *)payload->data + (w > 4 ? (size_t)w - 4 : 0), 4 + payload->len - (size_t)w);
    }
}

/* Reads one helper message, answering it if it is a request (ApplyNetworkSettings: success;
 * CancelProvider: acknowledged, and *cancelled set). */
static envelope_t next_message(int fd, uint64_t waiting_for, int *cancelled) {
    if (!read_frame(fd, &in)) {
        die("the helper closed the connection%s", waiting_for ? " while a request was outstanding" : "");
    }
    envelope_t e = envelope_parse(in.data, in.len);
    if (e.kind == HX_APPLY && e.msg_id) {
        send_success(fd, e.msg_id, EXT_APPLY_RESULT);
    } else if (e.kind == HX_CANCEL && e.msg_id) {
        send_success(fd, e.msg_id, EXT_CANCEL_RESULT);
        *cancelled = 1;
    } else if (e.kind == HX_ERROR) {
        die("the helper sent an error: %.*s", (int)(e.body_len > 200 ? 200 : e.body_len), e.body);
    }
    return e;
}

/* Reads helper messages until the reply to `id`. */
static envelope_t await(int fd, uint64_t id) {
    for (;;) {
        int cancelled = 0;
        envelope_t e = next_message(fd, id, &cancelled);
        if (cancelled) {
            die("the helper cancelled the session while request %llu was outstanding", (unsigned long long)id);
        }
        if (e.response_to == id) {
            return e;
        }
    }
}

static void result_or_die(const envelope_t *e, const char *what) {
    int success = 0;
    char error[512] = "";
    pb_reader r = pb_read(e->body, e->body_len);
    pb_field f;
    while (pb_next(&r, &f)) {
        if (f.field == 1 && f.wire == 0) {
            success = f.value != 0;
        } else if (f.field == 2 && f.wire == 2) {
            snprintf(error, sizeof error, "%.*s", (int)f.len, f.data);
        }
    }
    if (!success) {
        die("%s failed: %s", what, error);
    }
}

static uint64_t start_daemon(int fd, const char *url) {
    int tun = open_tun(); /* before the clock starts: the extension has its device already */
    uint8_t body_bytes[1024], bytes[1100];
    buf_t body = BUF_ON(body_bytes), m = BUF_ON(bytes);
    pb_str(&body, 1, url);
    pb_str(&body, 2, "bench-token");
    pb_str(&body, 5, "thbench");
    uint64_t id = ++next_id;
    pb_rpc(&m, id, 0);
    pb_msg(&m, EXT_START_DAEMON, &body);
    uint64_t t0 = now_ns();
    send_with_fd(fd, &m, tun);
    envelope_t e = await(fd, id);
    uint64_t t1 = now_ns();
    close(tun);
    if (e.kind != HX_START_RESULT) {
        die("StartDaemon answered with case %u", e.kind);
    }
    result_or_die(&e, "StartDaemon");
    return t1 - t0;
}

static uint64_t stop_daemon(int fd) {
    uint8_t bytes[32];
    buf_t m = BUF_ON(bytes);
    uint64_t id = ++next_id;
    pb_rpc(&m, id, 0);
    pb_empty(&m, EXT_STOP_DAEMON);
    uint64_t t0 = now_ns();
    write_frame(fd, &m);
    envelope_t e = await(fd, id);
    uint64_t t1 = now_ns();
    if (e.kind != HX_STOP_RESULT) {
        die("StopDaemon answered with case %u", e.kind);
    }
    result_or_die(&e, "StopDaemon");
    return t1 - t0;
}

int cmd_ext(const args_t *a) {
    static const char *const known[] = {"--socket", "--url", "--runs", "--hold", NULL};
    opts_check(a, known);
    const char *url = opt(a, "--url", NULL);
    int hold = strcmp(opt(a, "--hold", "no"), "yes") == 0;
    unsigned long runs = opt_num(a, "--runs", "1", 1, 100000);
    int fd = unix_connect(opt(a, "--socket", NULL));
    hello(fd, "tunnelhelper extension 1.0\n", "tunnelhelper helper ");
    if (!hold) {
        for (unsigned long i = 0; i < runs; i++) {
            printf("start %lu %llu\n", i, (unsigned long long)start_daemon(fd, url));
            printf("stop %lu %llu\n", i, (unsigned long long)stop_daemon(fd));
        }
        return 0;
    }
    printf("running %llu\n", (unsigned long long)start_daemon(fd, url));
    for (;;) {
        struct pollfd fds[2] = {{0, POLLIN, 0}, {fd, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die_errno("poll");
        }
        if (fds[1].revents) {
            int cancelled = 0;
            next_message(fd, 0, &cancelled);
            if (cancelled) {
                die("the helper cancelled the session");
            }
        }
        if (fds[0].revents) {
            char drain[256];
            if (read(0, drain, sizeof drain) <= 0) {
                printf("stopped %llu\n", (unsigned long long)stop_daemon(fd));
                return 0;
            }
        }
    }
}

/*
 * The baselines built from the manager role (manager.c):
 *
 * relay: the two-hop floor for GetPeerState. A C client talks to it exactly as to the
 *   helper's app endpoint (hello line, frames); for each get_peer_state it sends get_peer_update
 *   to its own thb-tunnel over two pipes and answers with the frame the helper would send,
 *   HelperAppMessage{rpc, peer_state{status, peers}}, splicing the tunnel's peer_update bytes in
 *   unchanged (protobuf fields concatenate at the byte level). Store-and-forward, no decoding
 *   of the peers: the least a relay can do.
 *
 * direct-start: spawn the tunnel + handshake + start, timed from just before the spawn to the
 *   StartResponse, then stopped; the floor under StartDaemon -> RUNNING.
 */
#include "cli.h"
#include "manager.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* What the helper puts in peer_state.status while a session runs (sizes matter, not values). */
static void running_status(buf_t *out) {
    pb_uint(out, 1, 8); /* SESSION_STATE_RUNNING */
    pb_str(out, 4, "0.1.0-SNAPSHOT");
    pb_str(out, 5, "1.3");
    pb_str(out, 6, "http://127.0.0.1:40000");
    pb_str(out, 7, "v2.24.3+thbench");
}

/* A frame the tunnel sent on its own (a delta after "agents N"): read and dropped, as the
 * helper would relay it to subscribers (the floor has none). */
static void drop_unsolicited(tunnel_t *t) {
    if (!read_frame(t->from_tunnel, &t->in)) {
        die("the tunnel closed its pipe");
    }
}

/* Waits until `fd` is readable, dropping whatever the tunnel sends meanwhile. */
static void await_readable(int fd, tunnel_t *t) {
    for (;;) {
        struct pollfd fds[2] = {{fd, POLLIN, 0}, {t->from_tunnel, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die_errno("poll");
        }
        if (fds[1].revents) {
            drop_unsolicited(t);
        }
        if (fds[0].revents) {
            return;
        }
    }
}

static void serve(int client, tunnel_t *t, const buf_t *status) {
    hello(client, "tunnelhelper helper 1.0\n", "tunnelhelper app ");
    buf_t request = {0};
    uint8_t head_bytes[256];
    for (;;) {
        await_readable(client, t);
        if (!read_frame(client, &request)) {
            break;
        }
        envelope_t req = envelope_parse(request.data, request.len);
        buf_t head = BUF_ON(head_bytes);
        if (req.kind == 4) { /* get_peer_state */
            envelope_t reply = tunnel_call(t, 2);
            if (reply.kind != 3) {
                die("the tunnel answered get_peer_update with case %u", reply.kind);
            }
            size_t peers_field = 1 + pb_varint_size(reply.body_len) + reply.body_len;
            size_t state_len = 1 + pb_varint_size(status->len) + status->len + peers_field;
            pb_rpc(&head, 0, req.msg_id);
            pb_key(&head, 4, 2);
            pb_varint(&head, state_len);
            pb_msg(&head, 1, status);
            pb_key(&head, 2, 2);
            pb_varint(&head, reply.body_len);
            write_frame2(client, head.data, head.len, reply.body, reply.body_len);
        } else if (req.kind == 2) { /* ping */
            uint8_t pong_bytes[32];
            buf_t pong = BUF_ON(pong_bytes);
            pb_str(&pong, 1, "0.1.0-SNAPSHOT");
            pb_rpc(&head, 0, req.msg_id);
            pb_msg(&head, 2, &pong);
            write_frame(client, &head);
        } else {
            die("the relay serves get_peer_state and ping only (got case %u)", req.kind);
        }
    }
    buf_free(&request);
}

int cmd_relay(const args_t *a) {
    static const char *const known[] = {"--socket", "--binary", "--control", NULL};
    opts_check(a, known);
    const char *path = opt(a, "--socket", NULL);
    const char *control = opt(a, "--control", "");
    tunnel_t t = {0};
    int tun = open_tun();
    tunnel_spawn(&t, opt(a, "--binary", NULL), tun, *control ? control : NULL);
    close(tun);
    tunnel_handshake(&t);
    tunnel_start(&t, "http://127.0.0.1:40000", "bench-token");

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        die("socket path too long: %s", path);
    }
    strcpy(addr.sun_path, path);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(path);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 16) != 0) {
        die_errno("listen on %s", path);
    }
    buf_t status = {0};
    running_status(&status);
    printf("ready pid %d\n", (int)getpid());
    for (;;) {
        await_readable(listener, &t);
        int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            die_errno("accept");
        }
        serve(client, &t, &status);
        close(client);
    }
}

int cmd_direct_start(const args_t *a) {
    static const char *const known[] = {"--binary", "--runs", "--control", NULL};
    opts_check(a, known);
    const char *binary = opt(a, "--binary", NULL);
    const char *control = opt(a, "--control", "");
    unsigned long runs = opt_num(a, "--runs", "10", 1, 100000);
    for (unsigned long i = 0; i < runs; i++) {
        tunnel_t t = {0};
        int tun = open_tun(); /* opened before the clock starts, as the extension does */
        uint64_t t0 = now_ns();
        tunnel_spawn(&t, binary, tun, *control ? control : NULL);
        tunnel_handshake(&t);
        tunnel_start(&t, "http://127.0.0.1:40000", "bench-token");
        uint64_t t1 = now_ns();
        close(tun);
        tunnel_stop(&t);
        buf_free(&t.in);
        printf("start %lu %llu\n", i, (unsigned long long)(t1 - t0));
    }
    return 0;
}

/*
 * thb-tunnel: a CoderVPN tunnel for benchmarks (docs/protocol.md §1, PROTOCOL-FACTS §1-§2),
 * written in C so the tunnel's own start-up costs nothing measurable and every figure is the
 * manager's (the helper's) cost.
 *
 *   thb-tunnel version --output=json
 *   thb-tunnel vpn-daemon run --rpc-read-fd N --rpc-write-fd M [--control PATH]
 *
 * It speaks the tunnel role: handshake offering 1.3; start (checks coder_url, api_token and
 * that the TUN fd is open, sends one NetworkSettingsRequest, waits for the answer, replies,
 * then pushes its full peer state); get_peer_update -> the full state; wake; stop -> the final
 * StopResponse, then exits. End of stream on its read pipe ends it too.
 *
 * The benchmark steers it through a control socket (the helper fixes the tunnel's argv and
 * scrubs its environment, so the default path is compiled in: -DTHB_CONTROL=...). One command
 * per line, one answer line each:
 *   agents N   -> sends the delta to N agents (upserts or deletions); "ok agents N full_bytes B"
 *   update N   -> sends a delta refreshing agents [0, N); "sent T_NS FRAME_BYTES", T_NS being
 *                 CLOCK_MONOTONIC just before the frame's first byte was written
 *   state      -> "agents N full_bytes B"
 */
#include "peers.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef THB_VERSION
#define THB_VERSION "v2.24.3+thbench"
#endif
#ifndef THB_CONTROL
#define THB_CONTROL ""
#endif
#define INITIAL_AGENTS 100u
#define MAX_CONTROL 8

static int rpc_in = -1, rpc_out = -1;
static uint64_t next_id;
static int started;
static unsigned agents = INITIAL_AGENTS;
static buf_t full;     /* the encoded full state, re-encoded when the agent count changes */
static buf_t scratch;  /* outgoing messages */
static buf_t in;       /* incoming frame */
static const char *control_path;

static void usage(void) {
    fprintf(stderr, "usage: thb-tunnel version --output=json\n"
                    "       thb-tunnel vpn-daemon run --rpc-read-fd N --rpc-write-fd M [--control PATH]\n");
    exit(2);
}

/* TunnelMessage{rpc, <field> {body}} as one frame; body may be large (written from its buffer). */
static void send_tunnel_message(uint64_t msg_id, uint64_t response_to, unsigned field, const uint8_t *body, size_t len) {
    uint8_t head_bytes[64];
    buf_t head = BUF_ON(head_bytes);
    if (msg_id || response_to) {
        pb_rpc(&head, msg_id, response_to);
    }
    pb_key(&head, field, 2);
    pb_varint(&head, len);
    write_frame2(rpc_out, head.data, head.len, body, len);
}

static void send_result(uint64_t response_to, unsigned field, int success, const char *error) {
    uint8_t body_bytes[512];
    buf_t body = BUF_ON(body_bytes);
    if (success) {
        pb_uint(&body, 1, 1);
    }
    if (error && *error) {
        pb_bytes(&body, 2, error, strnlen(error, 400));
    }
    send_tunnel_message(0, response_to, field, body.data, body.len);
}

static void network_settings(buf_t *out, const char *remote) {
    buf_t dns = {0}, v4 = {0}, route = {0};
    pb_str(&dns, 1, "100.64.0.1");
    pb_str(&dns, 4, "coder");
    pb_uint(&dns, 5, 1);
    pb_str(&route, 1, "100.64.0.0");
    pb_str(&route, 2, "255.192.0.0");
    pb_str(&route, 3, "100.64.0.1");
    pb_str(&v4, 1, "100.64.0.1");
    pb_str(&v4, 2, "255.255.255.255");
    pb_str(&v4, 3, "100.64.0.1");
    pb_msg(&v4, 4, &route);
    out->len = 0;
    pb_uint(out, 1, 80);
    pb_uint(out, 2, 1280);
    pb_msg(out, 3, &dns);
    pb_str(out, 4, remote);
    pb_msg(out, 5, &v4);
    buf_free(&dns);
    buf_free(&v4);
    buf_free(&route);
}

static void handle_get_peer_update(uint64_t id) {
    send_tunnel_message(0, id, 3, full.data, full.len);
}

/* start: validate, one NetworkSettingsRequest and its answer, then StartResponse. */
static void handle_start(uint64_t id, const uint8_t *body, size_t len) {
    uint64_t tun_fd = 0;
    int have_url = 0, have_token = 0;
    pb_reader r = pb_read(body, len);
    pb_field f;
    while (pb_next(&r, &f)) {
        if (f.field == 1 && f.wire == 0) {
            tun_fd = f.value;
        } else if (f.field == 2 && f.wire == 2) {
            have_url = f.len > 0;
        } else if (f.field == 3 && f.wire == 2) {
            have_token = f.len > 0;
        }
    }
    char error[128] = "";
    if (!have_url) {
        snprintf(error, sizeof error, "missing coder_url");
    } else if (!have_token) {
        snprintf(error, sizeof error, "missing api_token");
    } else if (tun_fd > 1024 || fcntl((int)tun_fd, F_GETFD) < 0) {
        snprintf(error, sizeof error, "tunnel_file_descriptor %llu is not open", (unsigned long long)tun_fd);
    }
    if (*error) {
        send_result(id, 5, 0, error);
        return;
    }
    network_settings(&scratch, "127.0.0.1");
    uint64_t settings_id = ++next_id;
    send_tunnel_message(settings_id, 0, 4, scratch.data, scratch.len);
    for (;;) {
        if (!read_frame(rpc_in, &in)) {
            exit(0);
        }
        envelope_t e = envelope_parse(in.data, in.len);
        if (e.kind == 3 && e.response_to == settings_id) {
            int success = 0;
            pb_reader rr = pb_read(e.body, e.body_len);
            while (pb_next(&rr, &f)) {
                if (f.field == 1 && f.wire == 0) {
                    success = f.value != 0;
                } else if (f.field == 2 && f.wire == 2) {
                    snprintf(error, sizeof error, "network settings failed: %.*s", (int)(f.len > 80 ? 80 : f.len), f.data);
                }
            }
            if (!success && !*error) {
                snprintf(error, sizeof error, "network settings failed");
            }
            break;
        }
        if (e.kind == 2 && e.msg_id) {
            handle_get_peer_update(e.msg_id);
        }
    }
    send_result(id, 5, *error == '\0', error);
    if (!*error) {
        started = 1;
        send_tunnel_message(0, 0, 3, full.data, full.len); /* the first peer state, as tunnels do */
    }
}

static void cleanup(void) {
    if (control_path && *control_path) {
        unlink(control_path);
    }
}

static void handle_manager_message(void) {
    envelope_t e = envelope_parse(in.data, in.len);
    switch (e.kind) {
    case 2: /* get_peer_update */
        if (e.msg_id) {
            handle_get_peer_update(e.msg_id);
        }
        break;
    case 4: /* start */
        if (e.msg_id) {
            handle_start(e.msg_id, e.body, e.body_len);
        }
        break;
    case 5: /* stop: the final message, then the write side closes */
        if (e.msg_id) {
            send_result(e.msg_id, 6, 1, NULL);
        }
        close(rpc_out);
        cleanup();
        exit(0);
    case 6: /* wake */
        if (e.msg_id) {
            send_tunnel_message(0, e.msg_id, 7, NULL, 0);
        }
        break;
    default:
        break; /* replies without a request and one-way messages: nothing to do */
    }
}

static int control_listen(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        die("control socket path too long: %s", path);
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        die_errno("socket");
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, MAX_CONTROL) != 0) {
        die_errno("control socket %s", path);
    }
    return fd;
}

static void reply(int fd, const char *fmt, unsigned long long a, unsigned long long b) {
    char line[128];
    int n = snprintf(line, sizeof line, fmt, a, b);
    if (write(fd, line, (size_t)n) != n) {
        /* the controller went away; its connection is closed on the next read */
    }
}

static void control_command(int fd, char *line) {
    char verb[16];
    unsigned long n = 0;
    int fields = sscanf(line, "%15s %lu", verb, &n);
    if (fields == 1 && strcmp(verb, "state") == 0) {
        reply(fd, "agents %llu full_bytes %llu\n", agents, full.len);
    } else if (fields == 2 && strcmp(verb, "agents") == 0 && n <= MAX_AGENTS) {
        if (started) {
            peers_resize(&scratch, agents, (unsigned)n);
            send_tunnel_message(0, 0, 3, scratch.data, scratch.len);
        }
        agents = (unsigned)n;
        peers_full_state(&full, agents);
        reply(fd, "ok agents %llu full_bytes %llu\n", agents, full.len);
    } else if (fields == 2 && strcmp(verb, "update") == 0 && n <= agents && started) {
        peers_refresh(&scratch, (unsigned)n);
        size_t frame = 4 + 1 + pb_varint_size(scratch.len) + scratch.len;
        uint64_t t0 = now_ns();
        send_tunnel_message(0, 0, 3, scratch.data, scratch.len);
        reply(fd, "sent %llu %llu\n", t0, frame);
    } else {
        dprintf(fd, "error %s: expected 'agents N' (N <= %u), 'update N' (N <= %u, once started) or 'state'\n",
                line, MAX_AGENTS, agents);
    }
}

int main(int argc, char **argv) {
    thb_program = "thb-tunnel";
    signal(SIGPIPE, SIG_IGN);
    if (argc == 3 && strcmp(argv[1], "version") == 0 && strcmp(argv[2], "--output=json") == 0) {
        printf("{\"version\":\"%s\"}\n", THB_VERSION);
        return 0;
    }
    if (argc < 3 || strcmp(argv[1], "vpn-daemon") != 0 || strcmp(argv[2], "run") != 0) {
        usage();
    }
    control_path = THB_CONTROL;
    const char *env_in = getenv("CODER_VPN_DAEMON_RPC_READ_FD"), *env_out = getenv("CODER_VPN_DAEMON_RPC_WRITE_FD");
    if (env_in) {
        rpc_in = (int)parse_ulong(env_in, "CODER_VPN_DAEMON_RPC_READ_FD", 0, 65535);
    }
    if (env_out) {
        rpc_out = (int)parse_ulong(env_out, "CODER_VPN_DAEMON_RPC_WRITE_FD", 0, 65535);
    }
    for (int i = 3; i < argc; i++) {
        if (i + 1 >= argc) {
            usage();
        }
        if (strcmp(argv[i], "--rpc-read-fd") == 0) {
            rpc_in = (int)parse_ulong(argv[++i], "--rpc-read-fd", 0, 65535);
        } else if (strcmp(argv[i], "--rpc-write-fd") == 0) {
            rpc_out = (int)parse_ulong(argv[++i], "--rpc-write-fd", 0, 65535);
        } else if (strcmp(argv[i], "--control") == 0) {
            control_path = argv[++i];
        } else {
            usage();
        }
    }
    if (rpc_in < 0 || rpc_out < 0) {
        usage();
    }
    int listener = *control_path ? control_listen(control_path) : -1;
    atexit(cleanup);
    peers_full_state(&full, agents);

    /* Handshake: write without waiting, then read the manager's line byte by byte. */
    write_all(rpc_out, "codervpn tunnel 1.3\n", 20);
    char line[256];
    read_line(rpc_in, line, sizeof line);
    if (strncmp(line, "codervpn manager ", 17) != 0) {
        die("bad handshake from the manager: \"%s\"", line);
    }

    struct pollfd fds[2 + MAX_CONTROL];
    char pending[MAX_CONTROL][256];
    size_t pending_len[MAX_CONTROL] = {0};
    int nconn = 0;
    for (;;) {
        fds[0] = (struct pollfd){rpc_in, POLLIN, 0};
        fds[1] = (struct pollfd){listener, POLLIN, 0};
        int nfds = 2 + nconn;
        if (poll(fds, (nfds_t)nfds, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die_errno("poll");
        }
        if (fds[0].revents) {
            if (!read_frame(rpc_in, &in)) {
                return 0; /* the manager closed its pipe */
            }
            handle_manager_message();
        }
        if (listener >= 0 && (fds[1].revents & POLLIN) && nconn < MAX_CONTROL) {
            int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                pending_len[nconn] = 0;
                fds[2 + nconn++] = (struct pollfd){c, POLLIN, 0};
            }
        }
        for (int k = 0; k < nconn; k++) {
            if (!fds[2 + k].revents) {
                continue;
            }
            int c = fds[2 + k].fd;
            ssize_t r = read(c, pending[k] + pending_len[k], sizeof pending[k] - 1 - pending_len[k]);
            if (r <= 0) {
                close(c);
                fds[2 + k] = fds[2 + nconn - 1];
                memcpy(pending[k], pending[nconn - 1], pending_len[nconn - 1]);
                pending_len[k] = pending_len[nconn - 1];
                nconn--;
                k--;
                continue;
            }
            pending_len[k] += (size_t)r;
            char *nl;
            while ((nl = memchr(pending[k], '\n', pending_len[k])) != NULL) {
                *nl = '\0';
                control_command(c, pending[k]);
                size_t used = (size_t)(nl - pending[k]) + 1;
                memmove(pending[k], pending[k] + used, pending_len[k] - used);
                pending_len[k] -= used;
            }
            if (pending_len[k] == sizeof pending[k] - 1) {
                dprintf(c, "error line too long\n");
                pending_len[k] = 0;
            }
        }
    }
}

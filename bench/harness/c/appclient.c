/*
 * Clients of the helper's app endpoint (docs/protocol.md §2.1, §2.5), written from the
 * protocol document alone so they measure whatever helper answers on the socket:
 *
 * getpeer      GetPeerState round trips, one connection, one request at a time.
 * ping         one Ping (the "native client" reference for `app-client ping`).
 * subscribers  K subscribed connections; asks the tunnel (control socket) for one update, or
 *              U updates every I ms, and times each until every subscriber has read it whole.
 * fanout-raw   the baseline of `subscribers`: the same push frame written by a plain process
 *              to K connected Unix sockets, read by the same reader loop.
 * stalled      one subscriber that stops reading while another keeps reading; measures the
 *              helper's live heap as updates queue up and whether it drops the stalled one.
 */
#include "cli.h"
#include "peers.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { KIND_PONG = 2, KIND_PEER_STATE = 4, KIND_SUBSCRIBED = 5, KIND_PEER_UPDATE = 7, KIND_ERROR = 9 };
#define HEAD_CAP 256

static int app_connect(const char *path) {
    int fd = unix_connect(path);
    hello(fd, "tunnelhelper app 1.0\n", "tunnelhelper helper ");
    return fd;
}

static void send_request(int fd, uint64_t id, unsigned kind) {
    uint8_t bytes[32];
    buf_t m = BUF_ON(bytes);
    pb_rpc(&m, id, 0);
    pb_empty(&m, kind);
    write_frame(fd, &m);
}

/* The error{code, message} of a HelperAppMessage, as "CODE: message". */
static void error_text(const envelope_t *e, char *out, size_t cap) {
    pb_reader r = pb_read(e->body, e->body_len);
    pb_field f;
    const char *code = "", *msg = "";
    int code_len = 0, msg_len = 0;
    while (pb_next(&r, &f)) {
        if (f.field == 1 && f.wire == 2) {
            code = (const char *)f.data;
            code_len = (int)f.len;
        } else if (f.field == 2 && f.wire == 2) {
            msg = (const char *)f.data;
            msg_len = (int)f.len;
        }
    }
    snprintf(out, cap, "%.*s: %.*s", code_len, code, msg_len, msg);
}

static envelope_t expect_reply(const buf_t *frame, uint64_t id, unsigned kind) {
    envelope_t e = envelope_parse(frame->data, frame->len);
    if (e.kind == KIND_ERROR) {
        char text[512];
        error_text(&e, text, sizeof text);
        die("the helper answered request %llu with error %s", (unsigned long long)id, text);
    }
    if (e.response_to != id || e.kind != kind) {
        die("expected the reply to request %llu (case %u), got case %u replying to %llu", (unsigned long long)id, kind,
            e.kind, (unsigned long long)e.response_to);
    }
    return e;
}

int cmd_getpeer(const args_t *a) {
    static const char *const known[] = {"--socket", "--warmup", "--samples", NULL};
    opts_check(a, known);
    unsigned long warmup = opt_num(a, "--warmup", "100", 0, 10000000);
    unsigned long samples = opt_num(a, "--samples", "1000", 1, 10000000);
    int fd = app_connect(opt(a, "--socket", NULL));
    uint64_t *ns = calloc(samples, sizeof *ns);
    buf_t reply = {0};
    for (unsigned long i = 0; i < warmup + samples; i++) {
        uint64_t t0 = now_ns();
        send_request(fd, i + 1, KIND_PEER_STATE);
        if (!read_frame(fd, &reply)) {
            die("the connection closed before the reply to request %lu", i + 1);
        }
        uint64_t t1 = now_ns();
        envelope_t e = expect_reply(&reply, i + 1, KIND_PEER_STATE);
        if (i == 0) {
            pb_reader r = pb_read(e.body, e.body_len);
            pb_field f;
            unsigned agents = 0;
            while (pb_next(&r, &f)) {
                if (f.field == 2 && f.wire == 2) {
                    agents = peers_count_agents(f.data, f.len);
                }
            }
            printf("reply_bytes %zu\nagents %u\n", reply.len + 4, agents);
        }
        if (i >= warmup) {
            ns[i - warmup] = t1 - t0;
        }
    }
    for (unsigned long i = 0; i < samples; i++) {
        printf("sample %llu\n", (unsigned long long)ns[i]);
    }
    return 0;
}

int cmd_ping(const args_t *a) {
    static const char *const known[] = {"--socket", NULL};
    opts_check(a, known);
    int fd = app_connect(opt(a, "--socket", NULL));
    send_request(fd, 1, 2);
    buf_t reply = {0};
    if (!read_frame(fd, &reply)) {
        die("the connection closed before the pong");
    }
    envelope_t e = expect_reply(&reply, 1, KIND_PONG);
    pb_reader r = pb_read(e.body, e.body_len);
    pb_field f;
    while (pb_next(&r, &f)) {
        if (f.field == 1 && f.wire == 2) {
            printf("pong %.*s\n", (int)f.len, f.data);
        }
    }
    return 0;
}

/* ---- streaming reader: frames are tracked without copying their (large) payloads ---- */

typedef struct {
    int fd;
    uint8_t prefix[4];
    unsigned prefix_got;
    uint32_t len, got;
    uint8_t head[HEAD_CAP];
    unsigned kind;       /* of the last complete frame */
    char error[128];     /* of the last error frame */
    unsigned subscribed; /* subscribed replies seen */
    unsigned updates;    /* peer_update pushes seen since `counting` was set */
    int counting, eof;
    uint32_t update_bytes;  /* frame size of the last peer_update push */
    uint64_t last_update_at;
} conn_t;

/* The oneof case of a payload from its first bytes (rpc, if present, is skipped). */
static unsigned head_kind(const uint8_t *h, size_t n) {
    size_t i = 0;
    for (int field_index = 0; field_index < 2 && i < n; field_index++) {
        unsigned key = h[i++];
        if (key & 0x80) {
            return 0; /* no field of ours has a two-byte key */
        }
        if ((key & 7) != 2) {
            return 0;
        }
        if ((key >> 3) != 1) {
            return key >> 3;
        }
        uint64_t len = 0;
        for (unsigned shift = 0; i < n; shift += 7) {
            uint8_t b = h[i++];
            len |= (uint64_t)(b & 0x7f) << shift;
            if (!(b & 0x80)) {
                break;
            }
        }
        i += len;
    }
    return 0;
}

static void frame_complete(conn_t *c, uint64_t now) {
    size_t head_len = c->len < HEAD_CAP ? c->len : HEAD_CAP;
    c->kind = head_kind(c->head, head_len);
    if (c->kind == KIND_SUBSCRIBED) {
        c->subscribed++;
    } else if (c->kind == KIND_PEER_UPDATE && c->counting) {
        c->updates++;
        c->update_bytes = c->len + 4;
        c->last_update_at = now;
    } else if (c->kind == KIND_ERROR && c->len <= HEAD_CAP) {
        envelope_t e = envelope_parse(c->head, c->len);
        error_text(&e, c->error, sizeof c->error);
    }
}

static void conn_feed(conn_t *c, const uint8_t *p, size_t n, uint64_t now) {
    while (n > 0) {
        if (c->prefix_got < 4) {
            c->prefix[c->prefix_got++] = *p++;
            n--;
            if (c->prefix_got == 4) {
                c->len = (uint32_t)c->prefix[0] << 24 | (uint32_t)c->prefix[1] << 16 | (uint32_t)c->prefix[2] << 8 | c->prefix[3];
                c->got = 0;
                if (c->len > THB_MAX_FRAME) {
                    die("frame of %u bytes announced on fd %d", c->len, c->fd);
                }
                if (c->len == 0) {
                    frame_complete(c, now);
                    c->prefix_got = 0;
                }
            }
            continue;
        }
        size_t take = c->len - c->got < n ? c->len - c->got : n;
        if (c->got < HEAD_CAP) {
            size_t h = HEAD_CAP - c->got < take ? HEAD_CAP - c->got : take;
            memcpy(c->head + c->got, p, h);
        }
        c->got += (uint32_t)take;
        p += take;
        n -= take;
        if (c->got == c->len) {
            frame_complete(c, now);
            c->prefix_got = 0;
        }
    }
}

/* Reads whatever is available on c; returns 0 at end of stream. */
static int conn_read(conn_t *c) {
    static uint8_t chunk[1 << 18];
    for (;;) {
        ssize_t r = read(c->fd, chunk, sizeof chunk);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == ECONNRESET) {
                c->eof = 1;
                return 0;
            }
            die_errno("read");
        }
        if (r == 0) {
            c->eof = 1;
            return 0;
        }
        conn_feed(c, chunk, (size_t)r, now_ns());
        return 1;
    }
}

typedef int (*done_fn)(conn_t *conns, unsigned n, void *ctx);

/* Reads every connection (and optionally the control fd through on_control) until done()
 * holds or the deadline passes; a connection that ends or is sent an error fails the run. */
static void read_until(conn_t *conns, unsigned n, int epfd, done_fn done, void *ctx, uint64_t deadline,
                       int control, void (*on_control)(void *ctx), uint64_t (*next_due)(void *ctx),
                       void (*on_due)(void *ctx)) {
    struct epoll_event events[64];
    while (!done(conns, n, ctx)) {
        uint64_t now = now_ns();
        if (now > deadline) {
            die("timed out waiting for the subscribers (is the helper delivering?)");
        }
        uint64_t wake = deadline;
        if (next_due) {
            uint64_t due = next_due(ctx);
            if (due <= now) {
                on_due(ctx);
                continue;
            }
            if (due < wake) {
                wake = due;
            }
        }
        int timeout_ms = (int)((wake - now) / 1000000u) + 1;
        int k = epoll_wait(epfd, events, 64, timeout_ms);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            die_errno("epoll_wait");
        }
        for (int j = 0; j < k; j++) {
            if (events[j].data.u32 == UINT32_MAX) {
                on_control(ctx);
                continue;
            }
            conn_t *c = &conns[events[j].data.u32];
            if (!conn_read(c) || c->kind == KIND_ERROR) {
                die("subscriber %u was disconnected%s%s", events[j].data.u32, *c->error ? " with " : "", c->error);
            }
        }
    }
}

static int all_subscribed(conn_t *conns, unsigned n, void *ctx) {
    (void)ctx;
    for (unsigned i = 0; i < n; i++) {
        if (!conns[i].subscribed) {
            return 0;
        }
    }
    return 1;
}

static int epoll_with(conn_t *conns, unsigned n) {
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        die_errno("epoll_create1");
    }
    for (unsigned i = 0; i < n; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, conns[i].fd, &ev) != 0) {
            die_errno("epoll_ctl");
        }
    }
    return epfd;
}

static conn_t *subscribe_all(const char *socket, unsigned n, int *epfd) {
    conn_t *conns = calloc(n, sizeof *conns);
    for (unsigned i = 0; i < n; i++) {
        conns[i].fd = app_connect(socket);
        send_request(conns[i].fd, 1, 5);
    }
    *epfd = epoll_with(conns, n);
    read_until(conns, n, *epfd, all_subscribed, NULL, now_ns() + 300000000000ull, -1, NULL, NULL, NULL);
    for (unsigned i = 0; i < n; i++) {
        conns[i].counting = 1;
    }
    return conns;
}

/* ---- one update, or a sustained series, through the helper ---- */

typedef struct {
    int control;
    unsigned agents, updates, sent, replies;
    uint64_t interval, start;
    uint64_t *due, *t0, *first, *last;
    unsigned *delivered;
    char line[256];
    size_t line_len;
    conn_t *conns;
    unsigned n;
} series_t;

static void series_on_control(void *ctx) {
    series_t *s = ctx;
    ssize_t r = read(s->control, s->line + s->line_len, sizeof s->line - 1 - s->line_len);
    if (r <= 0) {
        die("the tunnel's control socket closed");
    }
    s->line_len += (size_t)r;
    char *nl;
    while ((nl = memchr(s->line, '\n', s->line_len)) != NULL) {
        *nl = '\0';
        unsigned long long t0, bytes;
        if (sscanf(s->line, "sent %llu %llu", &t0, &bytes) != 2) {
            die("the tunnel refused the update: %s", s->line);
        }
        s->t0[s->replies++] = t0;
        size_t used = (size_t)(nl - s->line) + 1;
        memmove(s->line, s->line + used, s->line_len - used);
        s->line_len -= used;
    }
}

static uint64_t series_next_due(void *ctx) {
    series_t *s = ctx;
    return s->sent < s->updates ? s->start + s->sent * s->interval : UINT64_MAX;
}

static void series_on_due(void *ctx) {
    series_t *s = ctx;
    char cmd[64];
    int len = snprintf(cmd, sizeof cmd, "update %u\n", s->agents);
    s->due[s->sent] = now_ns();
    write_all(s->control, cmd, (size_t)len);
    s->sent++;
}

/* Records, per update, when the first and the last subscriber finished reading it. */
static int series_done(conn_t *conns, unsigned n, void *ctx) {
    series_t *s = ctx;
    for (unsigned i = 0; i < n; i++) {
        while (conns[i].updates > s->delivered[i]) {
            unsigned k = s->delivered[i]++;
            if (k >= s->updates) {
                die("subscriber %u received more updates than were sent", i);
            }
            if (!s->first[k] || conns[i].last_update_at < s->first[k]) {
                s->first[k] = conns[i].last_update_at;
            }
            if (conns[i].last_update_at > s->last[k]) {
                s->last[k] = conns[i].last_update_at;
            }
        }
    }
    if (s->replies < s->updates) {
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        if (s->delivered[i] < s->updates) {
            return 0;
        }
    }
    return 1;
}

int cmd_subscribers(const args_t *a) {
    static const char *const known[] = {"--socket", "--control", "--count", "--agents", "--updates", "--interval-ms", NULL};
    opts_check(a, known);
    unsigned n = (unsigned)opt_num(a, "--count", "100", 1, 250);
    series_t s = {0};
    s.agents = (unsigned)opt_num(a, "--agents", "10000", 1, MAX_AGENTS);
    s.updates = (unsigned)opt_num(a, "--updates", "1", 1, 10000);
    s.interval = opt_num(a, "--interval-ms", "0", 0, 600000) * 1000000ull;
    int epfd;
    s.conns = subscribe_all(opt(a, "--socket", NULL), n, &epfd);
    s.n = n;
    s.control = unix_connect(opt(a, "--control", NULL));
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, s.control, &ev) != 0) {
        die_errno("epoll_ctl");
    }
    s.due = calloc(s.updates, sizeof *s.due);
    s.t0 = calloc(s.updates, sizeof *s.t0);
    s.first = calloc(s.updates, sizeof *s.first);
    s.last = calloc(s.updates, sizeof *s.last);
    s.delivered = calloc(n, sizeof *s.delivered);
    s.start = now_ns();
    uint64_t deadline = s.start + s.updates * s.interval + 300000000000ull;
    read_until(s.conns, n, epfd, series_done, &s, deadline, s.control, series_on_control, series_next_due, series_on_due);
    printf("subscribers %u\nframe_bytes %u\n", n, s.conns[0].update_bytes);
    for (unsigned k = 0; k < s.updates; k++) {
        /* from the tunnel's write (t0) and from the moment the update was asked for (due) */
        printf("update %u first_ns %llu last_ns %llu last_from_due_ns %llu\n", k,
               (unsigned long long)(s.first[k] - s.t0[k]), (unsigned long long)(s.last[k] - s.t0[k]),
               (unsigned long long)(s.last[k] - s.due[k]));
    }
    return 0;
}

/* ---- the raw baseline ---- */

static int one_update_each(conn_t *conns, unsigned n, void *ctx) {
    (void)ctx;
    for (unsigned i = 0; i < n; i++) {
        if (conns[i].updates < 1) {
            return 0;
        }
    }
    return 1;
}

int cmd_fanout_raw(const args_t *a) {
    static const char *const known[] = {"--count", "--agents", NULL};
    opts_check(a, known);
    unsigned n = (unsigned)opt_num(a, "--count", "100", 1, 250);
    unsigned agents = (unsigned)opt_num(a, "--agents", "10000", 1, MAX_AGENTS);
    /* The helper's push: HelperAppMessage{peer_update (7): the tunnel's PeerUpdate}. */
    buf_t peers = {0}, frame = {0};
    peers_refresh(&peers, agents);
    pb_msg(&frame, 7, &peers);
    conn_t *conns = calloc(n, sizeof *conns);
    int *writers = calloc(n, sizeof *writers);
    for (unsigned i = 0; i < n; i++) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
            die_errno("socketpair");
        }
        conns[i].fd = pair[0];
        conns[i].counting = 1;
        writers[i] = pair[1];
    }
    /* t0 comes back on one pipe; the writer then keeps its sockets open (as the helper keeps
     * its subscribers) until the other pipe closes, so no reader sees an early end of stream. */
    int t0_pipe[2], release[2];
    if (pipe2(t0_pipe, O_CLOEXEC) != 0 || pipe2(release, O_CLOEXEC) != 0) {
        die_errno("pipe");
    }
    int epfd = epoll_with(conns, n);
    pid_t writer = fork();
    if (writer < 0) {
        die_errno("fork");
    }
    if (writer == 0) {
        for (unsigned i = 0; i < n; i++) {
            close(conns[i].fd);
        }
        uint64_t t0 = now_ns();
        for (unsigned i = 0; i < n; i++) {
            write_frame(writers[i], &frame);
        }
        write_all(t0_pipe[1], &t0, sizeof t0);
        close(release[1]);
        char end;
        read_all(release[0], &end, 1);
        _exit(0);
    }
    for (unsigned i = 0; i < n; i++) {
        close(writers[i]);
    }
    close(t0_pipe[1]);
    close(release[0]);
    read_until(conns, n, epfd, one_update_each, NULL, now_ns() + 300000000000ull, -1, NULL, NULL, NULL);
    uint64_t t0;
    if (read_all(t0_pipe[0], &t0, sizeof t0) != sizeof t0) {
        die("the writer process failed");
    }
    close(release[1]);
    int status;
    waitpid(writer, &status, 0);
    uint64_t first = UINT64_MAX, last = 0;
    for (unsigned i = 0; i < n; i++) {
        first = conns[i].last_update_at < first ? conns[i].last_update_at : first;
        last = conns[i].last_update_at > last ? conns[i].last_update_at : last;
    }
    printf("subscribers %u\nframe_bytes %u\n", n, conns[0].update_bytes);
    printf("update 0 first_ns %llu last_ns %llu last_from_due_ns %llu\n", (unsigned long long)(first - t0),
           (unsigned long long)(last - t0), (unsigned long long)(last - t0));
    return 0;
}

/* ---- one stalled subscriber ---- */

/* Live heap after a full GC, from the JDK's own jcmd (KiB), or 0 if it could not be read. */
static unsigned long long live_heap_kib(const char *jcmd, const char *pid) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' %s GC.run >/dev/null 2>&1 && '%s' %s GC.heap_info 2>/dev/null", jcmd, pid, jcmd, pid);
    FILE *p = popen(cmd, "r");
    if (!p) {
        return 0;
    }
    /* G1 prints one "garbage-first heap ... used N" line; the serial and parallel collectors one
       line per generation ("def new generation", "tenured generation", "PSYoungGen", "ParOldGen"),
       which add up to the heap. The metaspace lines are not heap. */
    char line[512];
    unsigned long long heap = 0, generations = 0;
    while (fgets(line, sizeof line, p)) {
        char *u = strstr(line, " used ");
        if (!u) {
            continue;
        }
        if (!heap && strstr(line, "heap")) {
            heap = strtoull(u + 6, NULL, 10);
        } else if (strstr(line, "generation") || strstr(line, "Gen ")) {
            generations += strtoull(u + 6, NULL, 10);
        }
    }
    pclose(p);
    return heap ? heap : generations;
}

/* The helper's resident set (KiB), from /proc. */
static unsigned long long rss_kib(const char *pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *f = fopen(path, "r");
    unsigned long long rss = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            rss = strtoull(line + 6, NULL, 10);
        }
    }
    if (f) {
        fclose(f);
    }
    return rss;
}

static void memory_sample(unsigned k, const char *jcmd, const char *pid) {
    unsigned long long heap = live_heap_kib(jcmd, pid);
    printf("memory %u heap_kib %llu rss_kib %llu\n", k, heap, rss_kib(pid));
}

static int healthy_has(conn_t *conns, unsigned n, void *ctx) {
    (void)n;
    return conns[0].updates >= *(unsigned *)ctx;
}

int cmd_stalled(const args_t *a) {
    static const char *const known[] = {"--socket", "--control", "--agents", "--updates", "--helper-pid", "--jcmd", "--heap-every", NULL};
    opts_check(a, known);
    const char *socket_path = opt(a, "--socket", NULL);
    unsigned agents = (unsigned)opt_num(a, "--agents", "10000", 1, MAX_AGENTS);
    unsigned updates = (unsigned)opt_num(a, "--updates", "80", 1, 10000);
    unsigned every = (unsigned)opt_num(a, "--heap-every", "8", 1, 10000);
    const char *pid = opt(a, "--helper-pid", NULL);
    const char *jcmd = opt(a, "--jcmd", NULL);
    parse_ulong(pid, "--helper-pid", 1, 4194304);

    /* conns[0] keeps reading; stalled reads its subscribed reply, then nothing. */
    int epfd;
    conn_t *conns = subscribe_all(socket_path, 1, &epfd);
    conn_t stalled = {.fd = app_connect(socket_path)};
    send_request(stalled.fd, 1, 5);
    while (!stalled.subscribed) {
        if (!conn_read(&stalled)) {
            die("the stalled subscriber was closed before its subscription");
        }
    }
    int control = unix_connect(opt(a, "--control", NULL));
    memory_sample(0, jcmd, pid);
    for (unsigned k = 1; k <= updates; k++) {
        dprintf(control, "update %u\n", agents);
        struct pollfd pfd = {control, POLLIN, 0};
        if (poll(&pfd, 1, 60000) != 1) {
            die("the tunnel could not write update %u within 60 s: the helper stopped reading its pipe", k);
        }
        char line[128];
        ssize_t r = read(control, line, sizeof line - 1);
        unsigned long long t0 = 0, bytes = 0;
        if (r <= 0 || (line[r] = '\0', sscanf(line, "sent %llu %llu", &t0, &bytes) != 2)) {
            die("the tunnel refused update %u", k);
        }
        read_until(conns, 1, epfd, healthy_has, &k, now_ns() + 120000000000ull, -1, NULL, NULL, NULL);
        printf("update %u bytes %llu healthy_ns %llu\n", k, bytes, (unsigned long long)(conns[0].last_update_at - t0));
        if (k % every == 0 || k == updates) {
            memory_sample(k, jcmd, pid);
        }
    }
    /* What the stalled subscriber finds when it reads again. A subscriber that fell behind is
     * sent error SLOW_CONSUMER after what was already written to it, the push being written
     * included (docs/protocol.md §2.5): a frame is never cut, so a subscriber that does not
     * read at all cannot see the helper hang up before it reads. Expected: a prefix of the
     * pushes, then the error, then the end of the stream; a subscriber still connected goes on
     * receiving pushes and has nothing to end with (10 s without a byte: "none"). */
    struct timeval tv = {.tv_sec = 10};
    setsockopt(stalled.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    stalled.counting = 1;
    int ended = 0;
    for (;;) {
        uint8_t chunk[1 << 16];
        ssize_t r = read(stalled.fd, chunk, sizeof chunk);
        if (r <= 0) {
            ended = r == 0 || errno == ECONNRESET;
            break;
        }
        conn_feed(&stalled, chunk, (size_t)r, now_ns());
    }
    printf("stalled_ended %s\n", ended ? "yes" : "no");
    printf("stalled_read_updates %u\n", stalled.updates);
    printf("stalled_last_error %s\n", *stalled.error && stalled.kind == KIND_ERROR ? stalled.error : "none");
    return 0;
}

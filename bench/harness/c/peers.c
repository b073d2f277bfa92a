#include "peers.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void uuid(uint8_t out[16], uint8_t kind, unsigned index) {
    /* Deterministic, distinct, version-4 shaped; the helper treats ids as opaque bytes. */
    static const uint8_t prefix[8] = {0x7b, 0x1c, 0x5e, 0x00, 0x9a, 0x3d, 0x40, 0x00};
    memcpy(out, prefix, 8);
    out[3] = kind;
    out[8] = 0x80;
    out[9] = 0x00;
    out[10] = 0;
    out[11] = 0;
    out[12] = (uint8_t)(index >> 24);
    out[13] = (uint8_t)(index >> 16);
    out[14] = (uint8_t)(index >> 8);
    out[15] = (uint8_t)index;
}

static void workspace(buf_t *out, unsigned field, unsigned w, int with_status) {
    uint8_t scratch[64];
    buf_t ws = BUF_ON(scratch);
    uint8_t id[16];
    char name[16];
    uuid(id, 0x57, w);
    snprintf(name, sizeof name, "ws-%04u", w);
    pb_bytes(&ws, 1, id, sizeof id);
    pb_str(&ws, 2, name);
    if (with_status) {
        pb_uint(&ws, 3, 3); /* RUNNING */
    }
    pb_bytes(out, field, ws.data, ws.len);
}

/* The current time, its nanoseconds kept at 5 varint bytes (>= 2^28) so every encoding of an
 * agent has the same size, whenever it is taken. */
static struct timespec timestamp(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_nsec < (1L << 28)) {
        now.tv_nsec += 1L << 28;
    }
    return now;
}

static void agent(buf_t *out, unsigned field, unsigned i, const struct timespec *now, int full) {
    uint8_t scratch[256];
    buf_t a = BUF_ON(scratch);
    uint8_t id[16], ws_id[16];
    char name[16], fqdn[48], ip[24];
    unsigned w = i / AGENTS_PER_WORKSPACE;
    uuid(id, 0x41, i);
    uuid(ws_id, 0x57, w);
    snprintf(name, sizeof name, "agent-%05u", i);
    pb_bytes(&a, 1, id, sizeof id);
    pb_str(&a, 2, name);
    pb_bytes(&a, 3, ws_id, sizeof ws_id);
    if (full) {
        snprintf(fqdn, sizeof fqdn, "agent-%05u.ws-%04u.coder", i, w);
        snprintf(ip, sizeof ip, "100.%u.%u.%u", 64 + (i >> 16), (i >> 8) & 0xff, i & 0xff);
        pb_str(&a, 4, fqdn);
        pb_str(&a, 5, ip);
        uint8_t ts_scratch[24];
        buf_t ts = BUF_ON(ts_scratch);
        pb_uint(&ts, 1, (uint64_t)now->tv_sec);
        pb_uint(&ts, 2, (uint64_t)now->tv_nsec);
        pb_bytes(&a, 6, ts.data, ts.len);
        uint8_t ping_scratch[48];
        buf_t ping = BUF_ON(ping_scratch);
        uint8_t latency[16];
        buf_t lat = BUF_ON(latency);
        pb_uint(&lat, 2, 8000000u + (i % 32u) * 1000000u); /* Duration{nanos: 8-39 ms} */
        pb_bytes(&ping, 1, lat.data, lat.len);
        pb_uint(&ping, 2, 1); /* did_p2p */
        pb_str(&ping, 3, "ams");
        pb_bytes(&a, 7, ping.data, ping.len);
    }
    pb_bytes(out, field, a.data, a.len);
}

void peers_full_state(buf_t *out, unsigned n) {
    struct timespec now = timestamp();
    out->len = 0;
    for (unsigned w = 0; w * AGENTS_PER_WORKSPACE < n; w++) {
        workspace(out, 1, w, 1);
    }
    for (unsigned i = 0; i < n; i++) {
        agent(out, 2, i, &now, 1);
    }
}

void peers_refresh(buf_t *out, unsigned n) {
    struct timespec now = timestamp();
    out->len = 0;
    for (unsigned i = 0; i < n; i++) {
        agent(out, 2, i, &now, 1);
    }
}

void peers_resize(buf_t *out, unsigned from, unsigned to) {
    struct timespec now = timestamp();
    out->len = 0;
    if (to > from) {
        for (unsigned w = from / AGENTS_PER_WORKSPACE; w * AGENTS_PER_WORKSPACE < to; w++) {
            workspace(out, 1, w, 1);
        }
        for (unsigned i = from; i < to; i++) {
            agent(out, 2, i, &now, 1);
        }
    } else {
        /* Workspaces that keep no agent: from the first one wholly above `to`. */
        for (unsigned w = (to + AGENTS_PER_WORKSPACE - 1) / AGENTS_PER_WORKSPACE; w * AGENTS_PER_WORKSPACE < from; w++) {
            workspace(out, 3, w, 0);
        }
        for (unsigned i = to; i < from; i++) {
            agent(out, 4, i, &now, 0);
        }
    }
}

unsigned peers_count_agents(const uint8_t *peer_update, size_t len) {
    unsigned n = 0;
    pb_reader r = pb_read(peer_update, len);
    pb_field f;
    while (pb_next(&r, &f)) {
        if (f.field == 2) {
            n++;
        }
    }
    return n;
}

#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

const char *thb_program = "thb";

static _Noreturn void vdie(int err, const char *fmt, va_list ap) {
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (err) {
        fprintf(stderr, "%s: %s: %s\n", thb_program, msg, strerror(err));
    } else {
        fprintf(stderr, "%s: %s\n", thb_program, msg);
    }
    exit(1);
}

void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vdie(0, fmt, ap);
}

void die_errno(const char *fmt, ...) {
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vdie(err, fmt, ap);
}

uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sleep_ns(uint64_t ns) {
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra <= b->cap) {
        return;
    }
    if (b->fixed) {
        die("internal error: a fixed buffer of %zu bytes is too small", b->cap);
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) {
        cap *= 2;
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
        die("out of memory (%zu bytes)", cap);
    }
    b->data = p;
    b->cap = cap;
}

void buf_append(buf_t *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
}

void buf_free(buf_t *b) {
    free(b->data);
    *b = (buf_t){0};
}

size_t pb_varint_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

void pb_varint(buf_t *b, uint64_t v) {
    buf_reserve(b, pb_varint_size(v));
    while (v >= 0x80) {
        b->data[b->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b->data[b->len++] = (uint8_t)v;
}

void pb_key(buf_t *b, unsigned field, unsigned wire) {
    pb_varint(b, ((uint64_t)field << 3) | wire);
}

void pb_uint(buf_t *b, unsigned field, uint64_t v) {
    pb_key(b, field, 0);
    pb_varint(b, v);
}

void pb_bytes(buf_t *b, unsigned field, const void *p, size_t n) {
    pb_key(b, field, 2);
    pb_varint(b, n);
    buf_append(b, p, n);
}

void pb_str(buf_t *b, unsigned field, const char *s) {
    pb_bytes(b, field, s, strlen(s));
}

void pb_msg(buf_t *b, unsigned field, const buf_t *inner) {
    pb_bytes(b, field, inner->data, inner->len);
}

void pb_empty(buf_t *b, unsigned field) {
    pb_bytes(b, field, "", 0);
}

void pb_rpc(buf_t *b, uint64_t msg_id, uint64_t response_to) {
    uint8_t tmp[32];
    buf_t rpc = BUF_ON(tmp);
    if (msg_id) {
        pb_uint(&rpc, 1, msg_id);
    }
    if (response_to) {
        pb_uint(&rpc, 2, response_to);
    }
    pb_bytes(b, 1, tmp, rpc.len);
}

pb_reader pb_read(const uint8_t *p, size_t len) {
    return (pb_reader){p, p + len};
}

static uint64_t read_varint(pb_reader *r) {
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) {
            die("malformed protobuf: truncated varint");
        }
        uint8_t byte = *r->p++;
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            return v;
        }
    }
    die("malformed protobuf: varint longer than 10 bytes");
}

int pb_next(pb_reader *r, pb_field *f) {
    if (r->p >= r->end) {
        return 0;
    }
    uint64_t key = read_varint(r);
    f->field = (unsigned)(key >> 3);
    f->wire = (unsigned)(key & 7);
    if (f->wire == 0) {
        f->value = read_varint(r);
    } else if (f->wire == 2) {
        uint64_t len = read_varint(r);
        if (len > (uint64_t)(r->end - r->p)) {
            die("malformed protobuf: field %u announces %llu bytes, %zu left", f->field,
                (unsigned long long)len, (size_t)(r->end - r->p));
        }
        f->data = r->p;
        f->len = (size_t)len;
        r->p += len;
    } else {
        die("unexpected protobuf wire type %u (field %u)", f->wire, f->field);
    }
    return 1;
}

envelope_t envelope_parse(const uint8_t *p, size_t len) {
    envelope_t e = {0};
    pb_reader r = pb_read(p, len);
    pb_field f;
    while (pb_next(&r, &f)) {
        if (f.field == 1 && f.wire == 2) {
            pb_reader rr = pb_read(f.data, f.len);
            pb_field g;
            while (pb_next(&rr, &g)) {
                if (g.field == 1 && g.wire == 0) {
                    e.msg_id = g.value;
                } else if (g.field == 2 && g.wire == 0) {
                    e.response_to = g.value;
                }
            }
        } else if (f.wire == 2) {
            e.kind = f.field;
            e.body = f.data;
            e.body_len = f.len;
        }
    }
    return e;
}

void write_all(int fd, const void *p, size_t n) {
    const uint8_t *q = p;
    while (n > 0) {
        ssize_t w = write(fd, q, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            die_errno("write to fd %d", fd);
        }
        q += w;
        n -= (size_t)w;
    }
}

size_t read_all(int fd, void *p, size_t n) {
    uint8_t *q = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, q + got, n - got);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            die_errno("read from fd %d", fd);
        }
        if (r == 0) {
            break;
        }
        got += (size_t)r;
    }
    return got;
}

void write_frame2(int fd, const void *a, size_t an, const void *b, size_t bn) {
    size_t total = an + bn;
    if (total > THB_MAX_FRAME) {
        die("refusing to send a frame of %zu bytes (maximum %u)", total, THB_MAX_FRAME);
    }
    uint8_t prefix[4] = {(uint8_t)(total >> 24), (uint8_t)(total >> 16), (uint8_t)(total >> 8), (uint8_t)total};
    struct iovec iov[3] = {{prefix, 4}, {(void *)a, an}, {(void *)b, bn}};
    struct iovec *v = iov;
    int count = 3;
    for (;;) {
        while (count > 0 && v->iov_len == 0) {
            v++;
            count--;
        }
        if (count == 0) {
            return;
        }
        ssize_t w = writev(fd, v, count);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            die_errno("write to fd %d", fd);
        }
        size_t done = (size_t)w;
        while (done > 0) {
            size_t step = done < v->iov_len ? done : v->iov_len;
            v->iov_base = (uint8_t *)v->iov_base + step;
            v->iov_len -= step;
            done -= step;
            if (v->iov_len == 0) {
                v++;
                count--;
            }
        }
    }
}

void write_frame(int fd, const buf_t *payload) {
    write_frame2(fd, payload->data, payload->len, NULL, 0);
}

int read_frame(int fd, buf_t *payload) {
    uint8_t prefix[4];
    size_t got = read_all(fd, prefix, 4);
    if (got == 0) {
        return 0;
    }
    if (got < 4) {
        die("stream ended after %zu of 4 length bytes", got);
    }
    uint32_t len = (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 | (uint32_t)prefix[2] << 8 | prefix[3];
    if (len > THB_MAX_FRAME) {
        die("frame of %u bytes announced, above the maximum %u", len, THB_MAX_FRAME);
    }
    payload->len = 0;
    buf_reserve(payload, len);
    got = read_all(fd, payload->data, len);
    if (got < len) {
        die("stream ended after %zu of %u payload bytes", got, len);
    }
    payload->len = len;
    return 1;
}

void read_line(int fd, char *out, size_t cap) {
    size_t n = 0;
    for (;;) {
        char c;
        if (read_all(fd, &c, 1) != 1) {
            die("stream ended after %zu header bytes, before the newline", n);
        }
        if (c == '\n') {
            break;
        }
        if (n + 1 >= cap || n >= 255) {
            die("header is 256 bytes or more without a newline");
        }
        out[n++] = c;
    }
    out[n] = '\0';
}

void hello(int fd, const char *line, const char *expect_prefix) {
    write_all(fd, line, strlen(line));
    char peer[256];
    read_line(fd, peer, sizeof peer);
    if (strncmp(peer, expect_prefix, strlen(expect_prefix)) != 0) {
        die("unexpected hello line \"%s\" (expected \"%s...\")", peer, expect_prefix);
    }
}

int unix_connect(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        die("socket path too long: %s", path);
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        die_errno("socket");
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        die_errno("connect to %s", path);
    }
    return fd;
}

int open_tun(void) {
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        die_errno("open /dev/net/tun (needs root)");
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        die_errno("TUNSETIFF");
    }
    return fd;
}

unsigned long parse_ulong(const char *s, const char *what, unsigned long min, unsigned long max) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
        die("%s must be a number from %lu to %lu, got \"%s\"", what, min, max, s);
    }
    return v;
}

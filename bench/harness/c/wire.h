/*
 * Wire helpers shared by the benchmark programs: errors, a monotonic clock, a growable buffer,
 * hand-written protobuf encoding/decoding (only varints and length-delimited fields: every
 * message the harness touches uses nothing else), frames (4-byte big-endian length + payload,
 * docs/protocol.md §1.3) and hello/handshake lines (§1.2, §2.1).
 */
#ifndef THB_WIRE_H
#define THB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define THB_MAX_FRAME 0x1000000u /* 16 MiB, inclusive (docs/protocol.md §1.3) */

/* The program name used in error messages; set by main. */
extern const char *thb_program;

_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like die, with ": strerror(errno)" appended. */
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* CLOCK_MONOTONIC in nanoseconds: the same clock in every process on the machine. */
uint64_t now_ns(void);
void sleep_ns(uint64_t ns);

typedef struct {
    uint8_t *data;
    size_t len, cap;
    int fixed; /* wraps caller storage: never reallocated; overflowing it is a bug (dies) */
} buf_t;

/* A buffer over a local array, for small messages encoded on the stack. */
#define BUF_ON(array) ((buf_t){(array), 0, sizeof(array), 1})

void buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *p, size_t n);
void buf_free(buf_t *b);

/* Protobuf encoding. Wire types: 0 varint, 2 length-delimited. */
size_t pb_varint_size(uint64_t v);
void pb_varint(buf_t *b, uint64_t v);
void pb_key(buf_t *b, unsigned field, unsigned wire);
void pb_uint(buf_t *b, unsigned field, uint64_t v);            /* varint field, even when 0 */
void pb_bytes(buf_t *b, unsigned field, const void *p, size_t n); /* always written */
void pb_str(buf_t *b, unsigned field, const char *s);           /* always written */
/* Field `field` holding the message already encoded in `inner`. */
void pb_msg(buf_t *b, unsigned field, const buf_t *inner);
/* An empty message field (e.g. the oneof case `get_peer_state {}`). */
void pb_empty(buf_t *b, unsigned field);
/* RPC{msg_id} or RPC{response_to} as field 1 of the enclosing message (0 is omitted). */
void pb_rpc(buf_t *b, uint64_t msg_id, uint64_t response_to);

typedef struct {
    const uint8_t *p, *end;
} pb_reader;

typedef struct {
    unsigned field, wire;
    uint64_t value;      /* wire 0 */
    const uint8_t *data; /* wire 2 */
    size_t len;          /* wire 2 */
} pb_field;

pb_reader pb_read(const uint8_t *p, size_t len);
/* 1: a field was read; 0: end of the message. Dies on malformed input or other wire types. */
int pb_next(pb_reader *r, pb_field *f);

/* The envelope every message of both protocols shares: rpc (field 1) and the oneof case. */
typedef struct {
    uint64_t msg_id, response_to;
    unsigned kind;       /* field number of the oneof case, 0 if none */
    const uint8_t *body; /* that field's bytes */
    size_t body_len;
} envelope_t;

envelope_t envelope_parse(const uint8_t *p, size_t len);

/* I/O. write_all and read_all retry on EINTR and short transfers; write_all dies on errors. */
void write_all(int fd, const void *p, size_t n);
/* Returns n, or fewer bytes only at end of stream; dies on errors. */
size_t read_all(int fd, void *p, size_t n);
/* One frame: the prefix and payload a||b in one writev loop. */
void write_frame2(int fd, const void *a, size_t an, const void *b, size_t bn);
void write_frame(int fd, const buf_t *payload);
/* 1: a frame is in `payload` (replacing its content); 0: clean end of stream between frames.
 * Dies on a truncated frame or one above the maximum. */
int read_frame(int fd, buf_t *payload);

/* Hello / handshake lines: written whole, read one byte at a time up to '\n' (never past it).
 * Returns the line without '\n'; dies on end of stream or 256 bytes without a newline. */
void read_line(int fd, char *out, size_t cap);
/* Writes `line` and reads the peer's, which must start with `expect_prefix`. */
void hello(int fd, const char *line, const char *expect_prefix);

/* Connects a SOCK_STREAM Unix socket; dies with the path on failure. */
int unix_connect(const char *path);
/* A TUN device fd (IFF_TUN | IFF_NO_PI, name chosen by the kernel); nothing is configured on it. */
int open_tun(void);

/* Parses a decimal unsigned number in [min, max] or dies naming `what`. */
unsigned long parse_ulong(const char *s, const char *what, unsigned long min, unsigned long max);

#endif

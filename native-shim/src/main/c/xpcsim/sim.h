/* xpcsim internals shared by the simulator's files. */
#ifndef XPCSIM_SIM_H
#define XPCSIM_SIM_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define XPCSIM_EXPORT __attribute__((visibility("default")))

/* A misuse that Apple's runtime answers with a crash: message to stderr, then abort(). */
void xpcsim_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* The simulated system's root directory ($XPCSIM_ROOT), or NULL when none is configured. */
const char *xpcsim_root(void);
/* Writes "<root>/<relative>" into out; -1 (errno ENAMETOOLONG/ENOENT) when it does not fit or no root. */
int xpcsim_path(char *out, size_t outlen, const char *relative);
/* Creates <root>/<relative> and its parents; 0 or -1. */
int xpcsim_mkdirs(const char *relative);
/* The Unix socket path of a Mach service name: names may be longer than sun_path allows, so the
 * file is named by a hash of the name. */
int xpcsim_service_path(char *out, size_t outlen, const char *name);

/* Socket helpers (wire.c). */
int xpcsim_send_fd_line(int sock, const char *line, int fd);
/* Reads one '\n'-terminated line (without it) and, if one came with it, a descriptor. */
int xpcsim_recv_fd_line(int sock, char *line, size_t cap, int *fd_out);

/* The process-wide I/O thread (io.c): calls fn(ctx, events) on it whenever fd is ready. */
typedef void (*xpcsim_io_fn)(void *ctx, uint32_t events);
int xpcsim_io_add(int fd, uint32_t events, xpcsim_io_fn fn, void *ctx);
int xpcsim_io_modify(int fd, uint32_t events, xpcsim_io_fn fn, void *ctx);
void xpcsim_io_remove(int fd);
/* accept4 (close-on-exec, non-blocking) on a listening socket. Out of descriptors (EMFILE or
 * ENFILE), the waiting connection is closed instead of left to wake the loop forever: -1 with
 * errno ECONNABORTED. */
int xpcsim_io_accept(int listen_fd);
/* Runs fn(ctx) on the I/O thread soon (used to start connects and flush sends). */
void xpcsim_io_call(void (*fn)(void *), void *ctx);

/* Code signing (codesign.c): the simulated signature of a file. */
enum xpcsim_anchor { XPCSIM_ANCHOR_NONE = 0, XPCSIM_ANCHOR_APPLE_GENERIC = 1, XPCSIM_ANCHOR_APPLE = 2 };
struct xpcsim_signature {
    int signed_;   /* a signature is present */
    int intact;    /* the content still matches the signature's hash */
    char identifier[256];
    char team[64];
    enum xpcsim_anchor anchor;
};
/* 0 and *sig filled, or -errno when the file cannot be read. */
int xpcsim_read_signature(int fd, struct xpcsim_signature *sig);
struct xpcsim_requirement;
/* NULL with a reason in why when the text does not compile. */
struct xpcsim_requirement *xpcsim_requirement_compile(const char *text, char *why, size_t whylen);
void xpcsim_requirement_free(struct xpcsim_requirement *req);
/* 1 when a valid (signed, intact) signature satisfies the requirement. */
int xpcsim_requirement_check(const struct xpcsim_requirement *req, const struct xpcsim_signature *sig);
/* Checks the executable of a running process (/proc/<pid>/exe): 1 satisfied, 0 not. */
int xpcsim_check_process(pid_t pid, const struct xpcsim_requirement *req);

/* Signs path in place (see codesign.c); anchor is apple, apple-generic or adhoc. */
int xpcsim_codesign_sign(const char *path, const char *identifier, const char *team, const char *anchor,
                         char *err, size_t errlen);
/* Changes a signed file's content and keeps its signature, which then fails validation. */
int xpcsim_codesign_tamper(const char *path, char *err, size_t errlen);

/* Queue ownership (dispatch.c): 1 when running fn on this thread would need a serial queue in
 * q's target chain that this thread is already draining, i.e. waiting for q would deadlock. */
struct dispatch_queue_s;
int xpcsim_dispatch_would_deadlock(struct dispatch_queue_s *q);
#endif

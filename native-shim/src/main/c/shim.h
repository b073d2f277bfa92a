/*
 * tunnelshim: the few OS operations Java cannot do by itself.
 *
 * Error convention for every function returning int: a negative value is -errno and, when
 * err/errlen are given, err holds a NUL-terminated human-readable message that already
 * contains the strerror text. Non-negative values are results.
 */
#ifndef TUNNELSHIM_H
#define TUNNELSHIM_H

#include <stddef.h>
#include <stdint.h>

#define TH_EXPORT __attribute__((visibility("default")))

/* Exit status kinds reported by th_wait / th_terminate. */
#define TH_EXITED 0
#define TH_SIGNALED 1

TH_EXPORT int th_spawn(const char *path, const char *const argv[], const char *const envp[], const char *cwd,
                       const int *child_fds, const int *parent_fds, int nmap,
                       int stdout_fd, int stderr_fd, char *err, size_t errlen);
TH_EXPORT int th_wait(int pid, long timeout_ms, int *kind, int *value, char *err, size_t errlen);
/* 1 once pid has exited (not reaped: th_wait does that), 0 after timeout_ms (< 0: no limit). */
TH_EXPORT int th_await_exit(int pid, long timeout_ms, char *err, size_t errlen);
TH_EXPORT int th_terminate(int pid, long grace_ms, int *kind, int *value, char *err, size_t errlen);

TH_EXPORT int th_tun_open(const char *name, char *name_out, size_t name_out_len, char *err, size_t errlen);
TH_EXPORT int th_tun_name_of(int fd, char *name_out, size_t name_out_len, char *err, size_t errlen);

TH_EXPORT int th_set_cloexec(int fd, int on, char *err, size_t errlen);
TH_EXPORT int th_get_cloexec(int fd, char *err, size_t errlen);
TH_EXPORT int th_dup(int fd, char *err, size_t errlen);
TH_EXPORT int th_close(int fd, char *err, size_t errlen);
TH_EXPORT int th_pipe(int fds[2], char *err, size_t errlen);
TH_EXPORT long th_read(int fd, void *buf, size_t len, char *err, size_t errlen);
TH_EXPORT long th_write(int fd, const void *buf, size_t len, char *err, size_t errlen);
/* 1 when fd is readable (or at EOF/error), 0 on timeout; timeout_ms < 0 waits forever. */
TH_EXPORT int th_wait_readable(int fd, long timeout_ms, char *err, size_t errlen);
TH_EXPORT long th_send_nowait(int sock, const void *buf, size_t len, char *err, size_t errlen);
TH_EXPORT int th_wait_ready_or_woken(int fd, int events, int wake_fd, long timeout_ms, char *err, size_t errlen);
TH_EXPORT int th_poll(const int *fds, const int *events, int *revents, int n, long timeout_ms, char *err,
                      size_t errlen);
/* One recvmsg of up to len bytes from a socket, with the descriptors (SCM_RIGHTS) that travel
 * with those bytes: at most max_fds of them land in fds[] (count in *nfds), close-on-exec.
 * More than max_fds, or control data the kernel had to truncate, is -EPROTO with every
 * received descriptor already closed. Returns the byte count (0 = end of stream). */
TH_EXPORT long th_recv_fds(int sock, void *buf, size_t len, int *fds, int max_fds, int *nfds,
                           char *err, size_t errlen);

/* ICMP echo (shim_icmp.c). Socket kinds for th_icmp_open's mode and *kind_out. */
#define TH_ICMP_AUTO 0
#define TH_ICMP_DGRAM 1
#define TH_ICMP_RAW 2
TH_EXPORT int th_icmp_open(int ipv6, int mode, int *kind_out, char *err, size_t errlen);
TH_EXPORT int th_icmp_send(int fd, int ipv6, const uint8_t *addr, int id, int seq, const uint8_t *payload, size_t len,
                           char *err, size_t errlen);
/* 1 with the reply's sequence, TTL (-1 if unknown) and payload; 0 when timeout_ms passed first. */
TH_EXPORT int th_icmp_receive(int fd, int ipv6, int kind, const uint8_t *addr, int id, long timeout_ms, int *seq_out,
                              int *ttl_out, uint8_t *payload, size_t cap, size_t *payload_len, char *err, size_t errlen);

#ifdef __linux__
/* Interface configuration over rtnetlink (shim_net.c). Addresses are 4 (IPv4) or 16 (IPv6) bytes. */
TH_EXPORT int th_net_address(int add, const char *ifname, int ipv6, const uint8_t *addr, int prefix, char *err, size_t errlen);
TH_EXPORT int th_net_route(int add, const char *ifname, int ipv6, const uint8_t *dst, int prefix, char *err, size_t errlen);
/* mtu 0 leaves the MTU alone; up 1/0 sets the link up/down, -1 leaves it. */
TH_EXPORT int th_net_link(const char *ifname, int mtu, int up, char *err, size_t errlen);
/* One line per address, or per main-table route, of ifname (NULL or "": every interface):
 * "<ifname> <4|6> <address>/<prefix>\n". Returns the bytes written; -ENOSPC when out is too small. */
TH_EXPORT long th_net_list(int routes, const char *ifname, char *out, size_t outlen, char *err, size_t errlen);
#endif

/* What this build of the library can do (TH_CAP_* bits): the darwin build and the Linux build
 * against the XPC simulator have the macOS features, the plain Linux build has none. */
#define TH_CAP_XPC 1
#define TH_CAP_CODE_SIGNATURE 2
#define TH_CAP_POWER_EVENTS 4
#define TH_CAP_UNIFIED_LOGGING 8
TH_EXPORT int th_capabilities(void);

/* Internal: formats "<what>: <strerror(errnum)>" into err and returns -errnum. */
int th_fail(char *err, size_t errlen, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#ifdef __APPLE__
/* ---- XPC bridge (shim_xpc.c) ---- */
typedef struct th_xpc_conn th_xpc_conn;
typedef struct th_xpc_reply th_xpc_reply;

/* A new peer arrived on a listener; return nonzero to accept it. */
typedef int (*th_xpc_peer_cb)(void *ctx, th_xpc_conn *peer);
/* A message arrived; fd is -1 when none was attached (otherwise the receiver owns it);
 * reply is NULL when the sender does not wait for a reply, else must be passed to
 * th_xpc_reply_send or th_xpc_reply_discard exactly once. */
typedef void (*th_xpc_message_cb)(void *ctx, th_xpc_conn *conn, const uint8_t *payload,
                                  size_t len, int fd, th_xpc_reply *reply);
/* Which XPC error object an event was (th_xpc_error_cb's kind). */
#define TH_XPC_ERROR_OTHER 0
#define TH_XPC_ERROR_CONNECTION_INVALID 1
#define TH_XPC_ERROR_CONNECTION_INTERRUPTED 2
#define TH_XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT 3
/* The connection failed, was cancelled, or a peer failed its code-signing requirement; text is
 * the XPC error description. conn is NULL for an error of a listener itself (e.g. a name this
 * process may not serve: no peer will ever arrive). */
typedef void (*th_xpc_error_cb)(void *ctx, th_xpc_conn *conn, int kind, const char *text);
/* Result of an asynchronous send-with-reply; payload NULL and error text set on failure. */
typedef void (*th_xpc_reply_cb)(void *ctx, const uint8_t *payload, size_t len, int fd, const char *error);

TH_EXPORT th_xpc_conn *th_xpc_listen(const char *service_name, th_xpc_peer_cb on_peer,
                                     th_xpc_message_cb on_message, th_xpc_error_cb on_error,
                                     void *ctx, char *err, size_t errlen);
TH_EXPORT th_xpc_conn *th_xpc_listen_anonymous(th_xpc_peer_cb on_peer, th_xpc_message_cb on_message,
                                               th_xpc_error_cb on_error, void *ctx,
                                               char *err, size_t errlen);
/* requirement (or NULL): the code-signing requirement the service must satisfy, set before the
 * connection is activated; a reply from a service that fails it is PEER_CODE_SIGNING_REQUIREMENT.
 * Both connect calls return the connection not yet activated: nothing is sent or delivered until
 * th_xpc_activate, so the caller can file its handler under the handle first (a service may send
 * before it is asked). A connection released without activation is cancelled. */
TH_EXPORT th_xpc_conn *th_xpc_connect(const char *service_name, int privileged, const char *requirement,
                                      th_xpc_message_cb on_message, th_xpc_error_cb on_error,
                                      void *ctx, char *err, size_t errlen);
TH_EXPORT th_xpc_conn *th_xpc_connect_endpoint(th_xpc_conn *anonymous_listener, const char *requirement,
                                               th_xpc_message_cb on_message, th_xpc_error_cb on_error,
                                               void *ctx, char *err, size_t errlen);
/* Once, for a client connection: else EBUSY. (A listener's peer is activated by the shim as its
 * peer callback returns.) */
TH_EXPORT int th_xpc_activate(th_xpc_conn *conn, char *err, size_t errlen);
/* Only before activation (a peer in the listener's peer callback) and once: else EBUSY. */
TH_EXPORT int th_xpc_set_peer_requirement(th_xpc_conn *conn, const char *requirement, char *err, size_t errlen);
TH_EXPORT int th_xpc_peer_euid(th_xpc_conn *conn);
TH_EXPORT int th_xpc_peer_pid(th_xpc_conn *conn);
TH_EXPORT int th_xpc_send(th_xpc_conn *conn, const uint8_t *payload, size_t len, int fd, char *err, size_t errlen);
TH_EXPORT int th_xpc_send_sync(th_xpc_conn *conn, const uint8_t *payload, size_t len, int fd,
                               uint8_t **reply_payload, size_t *reply_len, int *reply_fd,
                               char *err, size_t errlen);
TH_EXPORT int th_xpc_send_async(th_xpc_conn *conn, const uint8_t *payload, size_t len, int fd,
                                th_xpc_reply_cb on_reply, void *ctx, char *err, size_t errlen);
TH_EXPORT int th_xpc_reply_send(th_xpc_reply *reply, const uint8_t *payload, size_t len, int fd,
                                char *err, size_t errlen);
TH_EXPORT void th_xpc_reply_discard(th_xpc_reply *reply);
TH_EXPORT void th_xpc_cancel(th_xpc_conn *conn);
TH_EXPORT void th_xpc_release(th_xpc_conn *conn);
TH_EXPORT void th_free(void *p);

/* ---- Static code signature (shim_codesign.c) ---- */
/* Returns 1 valid, 0 invalid (err holds why), negative on a setup failure. Identifier and
 * team id are filled whenever the signing information could be read. */
TH_EXPORT int th_codesign_check(const char *path, const char *requirement,
                                char *ident_out, size_t ident_len, char *team_out, size_t team_len,
                                char *err, size_t errlen);

/* ---- System sleep/wake (shim_power.c) ---- */
#define TH_POWER_WILL_SLEEP 1
#define TH_POWER_DID_WAKE 2
typedef struct th_power th_power;
typedef void (*th_power_cb)(void *ctx, int event);
/* Delivers TH_POWER_* events, in order, on a private queue; sleep is acknowledged at once (and
 * never vetoed), without waiting for the callback. */
TH_EXPORT th_power *th_power_watch(th_power_cb callback, void *ctx, char *err, size_t errlen);
/* Stops the IOKit registration at once; no callback starts afterwards. Never waits for a running
 * callback, so it may be called from one. */
TH_EXPORT void th_power_unwatch(th_power *watch);

/* ---- Unified logging (shim_log.c) ---- */
#define TH_LOG_DEBUG 0
#define TH_LOG_INFO 1
#define TH_LOG_DEFAULT 2
#define TH_LOG_ERROR 3
#define TH_LOG_FAULT 4
typedef struct th_log th_log;
/* os_log_create(subsystem, category); the handle lives as long as the process. */
TH_EXPORT th_log *th_log_open(const char *subsystem, const char *category);
/* One message at a TH_LOG_* level, logged as %{public}s: callers log nothing secret. */
TH_EXPORT void th_log_write(th_log *log, int level, const char *message);
#endif

#endif

/*
 * XPC bridge. Blocks never leave this file: Java sees plain C callbacks and opaque handles.
 * Wire format: one dictionary per message, "payload" (data) plus an optional "fd" (fd object).
 */
#ifdef __APPLE__
#include "shim.h"

#include <dispatch/dispatch.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xpc/xpc.h>

#define KEY_PAYLOAD "payload"
#define KEY_FD "fd"

struct th_xpc_conn {
    xpc_connection_t conn;
    dispatch_queue_t queue;
    th_xpc_peer_cb on_peer;
    th_xpc_message_cb on_message;
    th_xpc_error_cb on_error;
    void *ctx;
    _Atomic int activated;       /* resumed: too late for a peer requirement */
    _Atomic int has_requirement; /* libxpc allows one per connection */
    int client;                  /* from th_xpc_connect*: its caller activates it (th_xpc_activate) */
};

struct th_xpc_reply {
    xpc_object_t reply;
    xpc_connection_t remote;
};

static int fail_msg(char *err, size_t errlen, int errnum, const char *msg) {
    if (err != NULL && errlen > 0) snprintf(err, errlen, "%s", msg);
    return -errnum;
}

/* Runs once XPC has dropped its last reference to the connection, i.e. after cancel and
 * after the final event was delivered, so the handle can never be used after it is freed. */
static void conn_finalizer(void *context) {
    struct th_xpc_conn *c = context;
    if (c->queue != NULL) dispatch_release(c->queue);
    free(c);
}

static struct th_xpc_conn *wrap(xpc_connection_t conn, dispatch_queue_t queue, th_xpc_peer_cb on_peer,
                                th_xpc_message_cb on_message, th_xpc_error_cb on_error, void *ctx) {
    struct th_xpc_conn *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    c->conn = conn;
    c->queue = queue;
    c->on_peer = on_peer;
    c->on_message = on_message;
    c->on_error = on_error;
    c->ctx = ctx;
    xpc_connection_set_context(conn, c);
    xpc_connection_set_finalizer_f(conn, conn_finalizer);
    return c;
}

/* Apple: releasing an inactive connection is a programming error. One that will not be used is
 * cancelled and activated first, with a handler that ignores its final event. */
static void dispose_inactive(xpc_connection_t conn) {
    xpc_connection_set_event_handler(conn, ^(xpc_object_t event) {
      (void)event;
    });
    xpc_connection_cancel(conn);
    xpc_connection_resume(conn);
    xpc_release(conn);
}

/* Once: a second resume of an XPC connection is a crash ("over-resume"). */
static int activate(struct th_xpc_conn *c) {
    if (atomic_exchange(&c->activated, 1)) return 0;
    xpc_connection_resume(c->conn);
    return 1;
}

static int set_requirement(struct th_xpc_conn *c, const char *requirement, char *err, size_t errlen) {
    if (atomic_load(&c->activated)) {
        return fail_msg(err, errlen, EBUSY, "a peer code-signing requirement must be set before the connection is "
                        "activated (in the listener's peer callback, or when connecting)");
    }
    if (atomic_exchange(&c->has_requirement, 1)) {
        return fail_msg(err, errlen, EBUSY, "this connection already has a peer code-signing requirement");
    }
    if (__builtin_available(macOS 12.0, *)) {
        int rc = xpc_connection_set_peer_code_signing_requirement(c->conn, requirement);
        if (rc != 0) {
            atomic_store(&c->has_requirement, 0);
            return th_fail(err, errlen, rc, "xpc_connection_set_peer_code_signing_requirement(\"%s\")", requirement);
        }
        return 0;
    }
    atomic_store(&c->has_requirement, 0);
    return fail_msg(err, errlen, ENOTSUP, "peer code-signing requirements need macOS 12 or later");
}

static dispatch_queue_t new_queue(void) {
    return dispatch_queue_create("dev.tunnelhelper.shim.xpc", DISPATCH_QUEUE_SERIAL);
}

static int error_kind(xpc_object_t error) {
    if (error == XPC_ERROR_CONNECTION_INVALID) return TH_XPC_ERROR_CONNECTION_INVALID;
    if (error == XPC_ERROR_CONNECTION_INTERRUPTED) return TH_XPC_ERROR_CONNECTION_INTERRUPTED;
    if (error == XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT) return TH_XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT;
    return TH_XPC_ERROR_OTHER;
}

static const char *error_text(xpc_object_t error) {
    const char *text = xpc_dictionary_get_string(error, XPC_ERROR_KEY_DESCRIPTION);
    return text != NULL ? text : "unknown XPC error";
}

static xpc_object_t build_message(const uint8_t *payload, size_t len, int fd) {
    xpc_object_t msg = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_data(msg, KEY_PAYLOAD, payload != NULL ? payload : (const uint8_t *)"", len);
    /* xpc_dictionary_set_fd duplicates the fd, so the caller keeps ownership of its own. */
    if (fd >= 0) xpc_dictionary_set_fd(msg, KEY_FD, fd);
    return msg;
}

static void deliver_message(struct th_xpc_conn *c, xpc_object_t event) {
    size_t len = 0;
    const void *data = xpc_dictionary_get_data(event, KEY_PAYLOAD, &len);
    int fd = xpc_dictionary_dup_fd(event, KEY_FD);
    struct th_xpc_reply *reply = NULL;
    xpc_object_t r = xpc_dictionary_create_reply(event);
    if (r != NULL) {
        reply = calloc(1, sizeof *reply);
        if (reply == NULL) {
            xpc_release(r);
        } else {
            reply->reply = r;
            reply->remote = xpc_dictionary_get_remote_connection(event);
            xpc_retain(reply->remote);
        }
    }
    c->on_message(c->ctx, c, data != NULL ? data : (const uint8_t *)"", data != NULL ? len : 0, fd, reply);
}

static void install_message_handler(struct th_xpc_conn *c) {
    xpc_connection_set_event_handler(c->conn, ^(xpc_object_t event) {
      xpc_type_t type = xpc_get_type(event);
      if (type == XPC_TYPE_DICTIONARY) {
          deliver_message(c, event);
      } else if (type == XPC_TYPE_ERROR) {
          if (c->on_error != NULL) c->on_error(c->ctx, c, error_kind(event), error_text(event));
      }
    });
}

static void install_listener_handler(struct th_xpc_conn *listener) {
    xpc_connection_set_event_handler(listener->conn, ^(xpc_object_t event) {
      xpc_type_t type = xpc_get_type(event);
      if (type == XPC_TYPE_CONNECTION) {
          xpc_connection_t peer = (xpc_connection_t)event;
          xpc_retain(peer);
          struct th_xpc_conn *p = wrap(peer, new_queue(), NULL, listener->on_message, listener->on_error, listener->ctx);
          if (p == NULL) {
              xpc_connection_cancel(peer);
              xpc_release(peer);
              return;
          }
          xpc_connection_set_target_queue(peer, p->queue);
          install_message_handler(p);
          /* The callback sees the peer before it is resumed, so it can set a code-signing
           * requirement before any message is processed. */
          if (listener->on_peer(listener->ctx, p)) {
              activate(p);
          } else {
              xpc_connection_cancel(peer);
              activate(p);
              xpc_release(peer);
          }
      } else if (type == XPC_TYPE_ERROR) {
          /* The listener itself: no connection to name (e.g. this process may not serve the name). */
          if (listener->on_error != NULL) listener->on_error(listener->ctx, NULL, error_kind(event), error_text(event));
      }
    });
}

static th_xpc_conn *start_listener(xpc_connection_t conn, dispatch_queue_t queue, th_xpc_peer_cb on_peer,
                                   th_xpc_message_cb on_message, th_xpc_error_cb on_error, void *ctx,
                                   char *err, size_t errlen) {
    struct th_xpc_conn *c = wrap(conn, queue, on_peer, on_message, on_error, ctx);
    if (c == NULL) {
        dispose_inactive(conn);
        dispatch_release(queue);
        fail_msg(err, errlen, ENOMEM, "out of memory");
        return NULL;
    }
    install_listener_handler(c);
    activate(c);
    return c;
}

th_xpc_conn *th_xpc_listen(const char *service_name, th_xpc_peer_cb on_peer, th_xpc_message_cb on_message,
                           th_xpc_error_cb on_error, void *ctx, char *err, size_t errlen) {
    if (service_name == NULL || on_peer == NULL || on_message == NULL) {
        fail_msg(err, errlen, EINVAL, "service name, peer callback and message callback are required");
        return NULL;
    }
    dispatch_queue_t queue = new_queue();
    xpc_connection_t conn = xpc_connection_create_mach_service(service_name, queue, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    if (conn == NULL) {
        dispatch_release(queue);
        fail_msg(err, errlen, EINVAL, "xpc_connection_create_mach_service refused the listener");
        return NULL;
    }
    return start_listener(conn, queue, on_peer, on_message, on_error, ctx, err, errlen);
}

th_xpc_conn *th_xpc_listen_anonymous(th_xpc_peer_cb on_peer, th_xpc_message_cb on_message, th_xpc_error_cb on_error,
                                     void *ctx, char *err, size_t errlen) {
    if (on_peer == NULL || on_message == NULL) {
        fail_msg(err, errlen, EINVAL, "peer callback and message callback are required");
        return NULL;
    }
    dispatch_queue_t queue = new_queue();
    xpc_connection_t conn = xpc_connection_create(NULL, queue);
    if (conn == NULL) {
        dispatch_release(queue);
        fail_msg(err, errlen, EINVAL, "xpc_connection_create(NULL) failed");
        return NULL;
    }
    return start_listener(conn, queue, on_peer, on_message, on_error, ctx, err, errlen);
}

static th_xpc_conn *start_client(xpc_connection_t conn, dispatch_queue_t queue, const char *requirement,
                                 th_xpc_message_cb on_message, th_xpc_error_cb on_error, void *ctx,
                                 char *err, size_t errlen) {
    struct th_xpc_conn *c = wrap(conn, queue, NULL, on_message, on_error, ctx);
    if (c == NULL) {
        dispose_inactive(conn);
        dispatch_release(queue);
        fail_msg(err, errlen, ENOMEM, "out of memory");
        return NULL;
    }
    /* Before activation, so that not even the first reply is taken from the wrong service. */
    if (requirement != NULL && set_requirement(c, requirement, err, errlen) != 0) {
        dispose_inactive(conn); /* its finalizer frees c and the queue */
        return NULL;
    }
    install_message_handler(c);
    c->client = 1;
    /* Not activated: a service may speak first (the helper tells a refused peer why at once), and
     * what arrives before the caller has filed its handler for this handle would be dropped.
     * The caller activates the connection with th_xpc_activate once it is ready. */
    return c;
}

th_xpc_conn *th_xpc_connect(const char *service_name, int privileged, const char *requirement,
                            th_xpc_message_cb on_message, th_xpc_error_cb on_error, void *ctx, char *err, size_t errlen) {
    if (service_name == NULL || on_message == NULL) {
        fail_msg(err, errlen, EINVAL, "service name and message callback are required");
        return NULL;
    }
    dispatch_queue_t queue = new_queue();
    xpc_connection_t conn = xpc_connection_create_mach_service(
        service_name, queue, privileged ? XPC_CONNECTION_MACH_SERVICE_PRIVILEGED : 0);
    if (conn == NULL) {
        dispatch_release(queue);
        fail_msg(err, errlen, EINVAL, "xpc_connection_create_mach_service failed");
        return NULL;
    }
    return start_client(conn, queue, requirement, on_message, on_error, ctx, err, errlen);
}

th_xpc_conn *th_xpc_connect_endpoint(th_xpc_conn *anonymous_listener, const char *requirement,
                                     th_xpc_message_cb on_message, th_xpc_error_cb on_error, void *ctx,
                                     char *err, size_t errlen) {
    if (anonymous_listener == NULL || on_message == NULL) {
        fail_msg(err, errlen, EINVAL, "listener and message callback are required");
        return NULL;
    }
    xpc_endpoint_t endpoint = xpc_endpoint_create(anonymous_listener->conn);
    xpc_connection_t conn = xpc_connection_create_from_endpoint(endpoint);
    xpc_release(endpoint);
    if (conn == NULL) {
        fail_msg(err, errlen, EINVAL, "xpc_connection_create_from_endpoint failed");
        return NULL;
    }
    dispatch_queue_t queue = new_queue();
    xpc_connection_set_target_queue(conn, queue);
    return start_client(conn, queue, requirement, on_message, on_error, ctx, err, errlen);
}

int th_xpc_activate(th_xpc_conn *c, char *err, size_t errlen) {
    if (c == NULL) return fail_msg(err, errlen, EINVAL, "connection is required");
    if (!c->client) return fail_msg(err, errlen, EINVAL, "only a client connection is activated by its caller");
    if (!activate(c)) return fail_msg(err, errlen, EBUSY, "this connection is already activated");
    return 0;
}

int th_xpc_set_peer_requirement(th_xpc_conn *c, const char *requirement, char *err, size_t errlen) {
    if (c == NULL || requirement == NULL) return fail_msg(err, errlen, EINVAL, "connection and requirement are required");
    return set_requirement(c, requirement, err, errlen);
}

int th_xpc_peer_euid(th_xpc_conn *c) { return (int)xpc_connection_get_euid(c->conn); }

int th_xpc_peer_pid(th_xpc_conn *c) { return (int)xpc_connection_get_pid(c->conn); }

int th_xpc_send(th_xpc_conn *c, const uint8_t *payload, size_t len, int fd, char *err, size_t errlen) {
    if (c == NULL) return fail_msg(err, errlen, EINVAL, "connection is required");
    xpc_object_t msg = build_message(payload, len, fd);
    xpc_connection_send_message(c->conn, msg);
    xpc_release(msg);
    return 0;
}

static int copy_reply(xpc_object_t reply, uint8_t **out, size_t *out_len, int *out_fd, char *err, size_t errlen) {
    if (xpc_get_type(reply) == XPC_TYPE_ERROR) return fail_msg(err, errlen, EPIPE, error_text(reply));
    if (xpc_get_type(reply) != XPC_TYPE_DICTIONARY) return fail_msg(err, errlen, EPROTO, "reply is not a dictionary");
    size_t len = 0;
    const void *data = xpc_dictionary_get_data(reply, KEY_PAYLOAD, &len);
    if (data == NULL) len = 0;
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL) return fail_msg(err, errlen, ENOMEM, "out of memory");
    if (len > 0) memcpy(copy, data, len);
    *out = copy;
    *out_len = len;
    *out_fd = xpc_dictionary_dup_fd(reply, KEY_FD);
    return 0;
}

int th_xpc_send_sync(th_xpc_conn *c, const uint8_t *payload, size_t len, int fd, uint8_t **reply_payload,
                     size_t *reply_len, int *reply_fd, char *err, size_t errlen) {
    if (c == NULL) return fail_msg(err, errlen, EINVAL, "connection is required");
    xpc_object_t msg = build_message(payload, len, fd);
    xpc_object_t reply = xpc_connection_send_message_with_reply_sync(c->conn, msg);
    xpc_release(msg);
    int rc = copy_reply(reply, reply_payload, reply_len, reply_fd, err, errlen);
    xpc_release(reply);
    return rc;
}

int th_xpc_send_async(th_xpc_conn *c, const uint8_t *payload, size_t len, int fd, th_xpc_reply_cb on_reply,
                      void *ctx, char *err, size_t errlen) {
    if (c == NULL || on_reply == NULL) return fail_msg(err, errlen, EINVAL, "connection and reply callback are required");
    xpc_object_t msg = build_message(payload, len, fd);
    xpc_connection_send_message_with_reply(c->conn, msg, c->queue, ^(xpc_object_t reply) {
      if (xpc_get_type(reply) == XPC_TYPE_DICTIONARY) {
          size_t n = 0;
          const void *data = xpc_dictionary_get_data(reply, KEY_PAYLOAD, &n);
          on_reply(ctx, data != NULL ? data : (const uint8_t *)"", data != NULL ? n : 0,
                   xpc_dictionary_dup_fd(reply, KEY_FD), NULL);
      } else {
          on_reply(ctx, NULL, 0, -1, xpc_get_type(reply) == XPC_TYPE_ERROR ? error_text(reply) : "reply is not a dictionary");
      }
    });
    xpc_release(msg);
    return 0;
}

int th_xpc_reply_send(th_xpc_reply *reply, const uint8_t *payload, size_t len, int fd, char *err, size_t errlen) {
    if (reply == NULL) return fail_msg(err, errlen, EINVAL, "reply handle is required");
    xpc_dictionary_set_data(reply->reply, KEY_PAYLOAD, payload != NULL ? payload : (const uint8_t *)"", len);
    if (fd >= 0) xpc_dictionary_set_fd(reply->reply, KEY_FD, fd);
    xpc_connection_send_message(reply->remote, reply->reply);
    th_xpc_reply_discard(reply);
    return 0;
}

void th_xpc_reply_discard(th_xpc_reply *reply) {
    if (reply == NULL) return;
    xpc_release(reply->reply);
    xpc_release(reply->remote);
    free(reply);
}

void th_xpc_cancel(th_xpc_conn *c) {
    if (c != NULL) xpc_connection_cancel(c->conn);
}

void th_xpc_release(th_xpc_conn *c) {
    if (c == NULL) return;
    xpc_connection_t conn = c->conn;
    if (c->on_peer != NULL) { /* a listener sends nothing */
        xpc_connection_cancel(conn);
        xpc_release(conn);
        return;
    }
    if (c->client && !atomic_load(&c->activated)) {
        /* A client never activated has sent nothing, and a barrier would wait for a resume that
         * never comes. Apple: cancel, then resume, before the last release. (A peer released
         * inside the peer callback is resumed by the shim as the callback returns: its barrier
         * runs then, after what was sent to it.) */
        xpc_connection_cancel(conn);
        activate(c);
        xpc_release(conn);
        return;
    }
    /* A cancel discards every message not yet sent, and a send is asynchronous: the error a peer
     * is told just before it is dropped would be lost. A send barrier runs once everything sent
     * before it has been handed off, and Apple documents cancelling from one as safe. */
    xpc_connection_send_barrier(conn, ^{
      xpc_connection_cancel(conn);
      xpc_release(conn);
    });
}

void th_free(void *p) { free(p); }
#endif

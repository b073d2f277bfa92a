/*
 * XPC connections across real processes: Unix stream sockets carry framed, serialized
 * dictionaries; descriptors travel as SCM_RIGHTS, the sender's pid and euid as kernel-checked
 * SCM_CREDENTIALS on every frame (so credentials are "as of the last message"). Mach service
 * names are launchd's (launchd.c): a client connects to the socket launchd holds for the name,
 * and only the job's own process gets that socket by checking in.
 *
 * Each connection has a private serial queue, created suspended, that targets the connection's
 * target queue: events are delivered one at a time and in order even on a concurrent target
 * queue, and nothing is delivered before xpc_connection_resume.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xpc_internal.h"

enum ckind { K_LISTENER, K_ANON_LISTENER, K_CLIENT_NAMED, K_CLIENT_ENDPOINT, K_PEER, K_CLIENT_XPC_SERVICE };
enum cstate { S_IDLE, S_CONNECTED, S_DEAD };

/* Flow control. Mach queues are bounded, so a sender's messages wait on its side while the
 * receiver's handler is busy. Here a connection stops reading its socket (and a listener stops
 * accepting) while this much it received still waits for its handlers, and the kernel's socket
 * buffers push back on the sender: a peer cannot make us hold more than this. */
#define MAX_PENDING_EVENTS 64
#define MAX_PENDING_BYTES ((size_t)16 << 20)

/* A message to write, or (buf NULL) a barrier from xpc_connection_send_barrier. */
struct out_frame {
    struct out_frame *next;
    dispatch_block_t barrier;
    uint8_t *buf;
    size_t len, off;
    int fds[XPCSIM_MAX_FRAME_FDS];
    int nfds;
};

struct pending_reply {
    struct pending_reply *next;
    uint64_t id;
    xpc_handler_t handler;
    dispatch_queue_t queue;
};

struct _xpc_connection_s {
    struct xobj h;
    enum ckind kind;
    char *name;
    pthread_mutex_t lock;
    dispatch_queue_t q; /* private serial event queue */
    xpc_handler_t handler;
    void *context;
    xpc_finalizer_t finalizer;
    int resumed;
    int cancel_requested; /* xpc_connection_cancel: from now on only the final event runs */
    int invalidated;      /* ended by the runtime: what was received still runs, then the final event */
    int final_queued;
    int final_delivered;
    enum cstate state;
    int sock;           /* connected socket, or the listening socket of a named listener */
    struct out_frame *out_head, *out_tail;
    struct pending_reply *replies;
    uint64_t next_id;
    struct xpcsim_requirement *requirement; /* set on this connection: a refusal is an error event */
    char *requirement_text;                 /* a listener's, given to each of its peers */
    struct xpcsim_requirement *inherited;   /* a peer's listener's: refused requests are dropped */
    uid_t euid;
    pid_t pid;
    int pending_events;   /* received, not yet handled (flow control) */
    size_t pending_bytes;
    int throttled;        /* not reading (accepting) until the handlers catch up */
    int barrier_running;  /* a send barrier runs: nothing is sent until it returns */
    /* I/O thread only */
    int io_registered;
    uint32_t interest;
    int write_closed;     /* the peer stopped reading for good; what we would send is dropped */
    uint8_t *in;
    size_t in_len, in_cap;
    int in_fds[4 * XPCSIM_MAX_FRAME_FDS];
    int in_nfds;
    pid_t in_pid;
    uid_t in_uid;
};

static struct _xpc_connection_s *conn_new(enum ckind kind, const char *name, dispatch_queue_t targetq) {
    struct _xpc_connection_s *c = xobj_alloc(&_xpc_type_connection, sizeof *c);
    c->kind = kind;
    c->name = name != NULL ? strdup(name) : NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->q = dispatch_queue_create("com.apple.xpc.connection", DISPATCH_QUEUE_SERIAL);
    dispatch_suspend(c->q);
    if (targetq != NULL) dispatch_set_target_queue(c->q, targetq);
    c->sock = -1;
    c->next_id = 1;
    c->euid = (uid_t)-1;
    c->pid = 0;
    return c;
}

static int is_listener(const struct _xpc_connection_s *c) { return c->kind == K_LISTENER || c->kind == K_ANON_LISTENER; }

static void free_frame(struct out_frame *f) {
    for (int i = 0; i < f->nfds; i++) close(f->fds[i]);
    free(f->buf);
    free(f);
}

static void kick(struct _xpc_connection_s *c);

struct barrier_run {
    struct _xpc_connection_s *c; /* NULL once the connection unwinds: nothing waits for the barrier */
    dispatch_block_t block;
};

static void run_barrier(void *ctx) {
    struct barrier_run *b = ctx;
    b->block();
    Block_release(b->block);
    if (b->c != NULL) {
        pthread_mutex_lock(&b->c->lock);
        b->c->barrier_running = 0;
        pthread_mutex_unlock(&b->c->lock);
        kick(b->c); /* sends issued while it ran go out now */
        xpc_release(b->c);
    }
    free(b);
}

/* Apple names no queue for the barrier block: a global one, so it never waits for (nor holds up)
 * the connection's event handler. With c, sending stops until it returns. */
static void start_barrier(struct _xpc_connection_s *c, dispatch_block_t block) {
    struct barrier_run *b = calloc(1, sizeof *b);
    if (b == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    b->c = c != NULL ? xpc_retain(c) : NULL;
    b->block = block;
    dispatch_async_f(dispatch_get_global_queue(0, 0), b, run_barrier);
}

/* A frame that will never be sent: a message is discarded, a barrier still runs ("barriers will be
 * invoked as part of the connection's unwinding process"). */
static void discard_frame(struct out_frame *f) {
    if (f->barrier != NULL) start_barrier(NULL, f->barrier);
    free_frame(f);
}

void xpcsim_connection_destroy(struct _xpc_connection_s *c) {
    if (!c->resumed && c->kind != K_PEER) {
        /* Apple: "It is a programming error to release an inactive or suspended connection."
         * (A peer handed to a listener that neither activates nor cancels it is the runtime's.) */
        xpcsim_fatal("BUG IN CLIENT OF LIBXPC: Release of the last reference on an inactive connection");
    }
    if (!c->resumed) dispatch_resume(c->q); /* libdispatch refuses to free a suspended queue */
    dispatch_release(c->q);
    if (c->handler != NULL) Block_release(c->handler);
    while (c->out_head != NULL) {
        struct out_frame *f = c->out_head;
        c->out_head = f->next;
        discard_frame(f);
    }
    for (int i = 0; i < c->in_nfds; i++) close(c->in_fds[i]);
    if (c->sock >= 0) close(c->sock);
    xpcsim_requirement_free(c->requirement);
    xpcsim_requirement_free(c->inherited);
    free(c->requirement_text);
    free(c->in);
    free(c->name);
    pthread_mutex_destroy(&c->lock);
    /* Last, so that whoever waits for the finalizer finds the connection's resources released. */
    xpc_finalizer_t finalizer = c->finalizer;
    void *context = c->context;
    free(c);
    if (finalizer != NULL) finalizer(context);
}

/* ---- event delivery ---- */

static void resume_receiving_on_io(void *ctx);

/* A message, reply or peer is queued for a handler: 1 when the connection must stop receiving. */
static int receiving(struct _xpc_connection_s *c, size_t bytes) {
    pthread_mutex_lock(&c->lock);
    c->pending_events++;
    c->pending_bytes += bytes;
    int stop = c->pending_events >= MAX_PENDING_EVENTS || c->pending_bytes >= MAX_PENDING_BYTES;
    if (stop) c->throttled = 1;
    pthread_mutex_unlock(&c->lock);
    return stop;
}

/* Its handler is done with it: a throttled connection receives again once half the room is free. */
static void received(struct _xpc_connection_s *c, size_t bytes) {
    pthread_mutex_lock(&c->lock);
    c->pending_events--;
    c->pending_bytes -= bytes;
    int wake = c->throttled && c->pending_events <= MAX_PENDING_EVENTS / 2 && c->pending_bytes <= MAX_PENDING_BYTES / 2;
    if (wake) c->throttled = 0;
    pthread_mutex_unlock(&c->lock);
    if (wake) xpcsim_io_call(resume_receiving_on_io, xpc_retain(c));
}

static int is_throttled(struct _xpc_connection_s *c) {
    pthread_mutex_lock(&c->lock);
    int t = c->throttled;
    pthread_mutex_unlock(&c->lock);
    return t;
}

struct delivery {
    struct _xpc_connection_s *c;
    xpc_object_t event;
    int final;
    int counted; /* a received message or peer, counted by receiving() */
    size_t bytes;
};

static void deliver_on_queue(void *ctx) {
    struct delivery *d = ctx;
    struct _xpc_connection_s *c = d->c;
    pthread_mutex_lock(&c->lock);
    /* After xpc_connection_cancel only the final event runs, and after the final event nothing.
     * When the runtime ends a connection, what was received before still runs first. */
    int run = !c->final_delivered && (d->final || !c->cancel_requested);
    if (d->final) c->final_delivered = 1;
    /* Our own reference: xpc_connection_set_event_handler may replace (and release) it meanwhile. */
    xpc_handler_t handler = run && c->handler != NULL ? Block_copy(c->handler) : NULL;
    pthread_mutex_unlock(&c->lock);
    if (handler != NULL) {
        handler(d->event);
        Block_release(handler);
    }
    xpc_release(d->event);
    if (d->counted) received(c, d->bytes);
    if (d->final) xpc_release(c); /* the reference that kept the resumed connection alive */
    xpc_release(c);
    free(d);
}

/* Takes over the caller's reference to event. */
static void deliver_event(struct _xpc_connection_s *c, xpc_object_t event, int final, int counted, size_t bytes) {
    struct delivery *d = calloc(1, sizeof *d);
    if (d == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    d->c = xpc_retain(c);
    d->event = event;
    d->final = final;
    d->counted = counted;
    d->bytes = bytes;
    dispatch_async_f(c->q, d, deliver_on_queue);
}

static void deliver(struct _xpc_connection_s *c, xpc_object_t event, int final) { deliver_event(c, event, final, 0, 0); }

struct reply_delivery {
    xpc_handler_t handler;
    xpc_object_t reply;
    struct _xpc_connection_s *from; /* a received reply, counted by receiving(); NULL for an error */
    size_t bytes;
};

static void deliver_reply_on_queue(void *ctx) {
    struct reply_delivery *r = ctx;
    r->handler(r->reply);
    xpc_release(r->reply);
    Block_release(r->handler);
    if (r->from != NULL) {
        received(r->from, r->bytes);
        xpc_release(r->from);
    }
    free(r);
}

static void deliver_reply(struct pending_reply *p, xpc_object_t reply, struct _xpc_connection_s *from, size_t bytes) {
    struct reply_delivery *r = calloc(1, sizeof *r);
    if (r == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    r->handler = p->handler;
    r->reply = reply;
    r->from = from != NULL ? xpc_retain(from) : NULL;
    r->bytes = bytes;
    dispatch_async_f(p->queue, r, deliver_reply_on_queue);
    dispatch_release(p->queue);
    free(p);
}

/* With c->lock held: drop what was waiting to be sent; every reply handler gets error. */
static struct pending_reply *unwind_locked(struct _xpc_connection_s *c) {
    while (c->out_head != NULL) {
        struct out_frame *f = c->out_head;
        c->out_head = f->next;
        discard_frame(f);
    }
    c->out_tail = NULL;
    struct pending_reply *r = c->replies;
    c->replies = NULL;
    return r;
}

static void fail_replies(struct pending_reply *r, xpc_object_t error) {
    while (r != NULL) {
        struct pending_reply *next = r->next;
        deliver_reply(r, error, NULL, 0);
        r = next;
    }
}

static void close_socket(struct _xpc_connection_s *c) {
    if (c->sock < 0) return;
    if (c->io_registered) {
        xpcsim_io_remove(c->sock);
        c->io_registered = 0;
        close(c->sock);
        c->sock = -1;
        xpc_release(c); /* the I/O loop's reference */
    } else {
        close(c->sock);
        c->sock = -1;
    }
    c->interest = 0;
    c->write_closed = 0;
    c->in_len = 0;
    for (int i = 0; i < c->in_nfds; i++) close(c->in_fds[i]);
    c->in_nfds = 0;
    pthread_mutex_lock(&c->lock);
    c->throttled = 0; /* what is still queued is counted down as it is handled */
    pthread_mutex_unlock(&c->lock);
}

/* I/O thread: the connection is over for good (cancelled, service missing, peer gone, refused). */
static void invalidate(struct _xpc_connection_s *c) {
    pthread_mutex_lock(&c->lock);
    c->invalidated = 1;
    c->state = S_DEAD;
    struct pending_reply *r = unwind_locked(c);
    int queue_final = c->resumed && !c->final_queued;
    if (queue_final) c->final_queued = 1;
    pthread_mutex_unlock(&c->lock);
    close_socket(c);
    fail_replies(r, XPC_ERROR_CONNECTION_INVALID);
    if (queue_final) deliver(c, XPC_ERROR_CONNECTION_INVALID, 1);
}

/* I/O thread: the remote end went away. */
static void remote_gone(struct _xpc_connection_s *c) {
    if (c->kind != K_CLIENT_NAMED) {
        invalidate(c);
        return;
    }
    /* A named service's client stays usable: the next send relaunches the service on demand. */
    pthread_mutex_lock(&c->lock);
    c->state = S_IDLE;
    struct pending_reply *r = unwind_locked(c);
    int ended = c->cancel_requested || c->invalidated;
    pthread_mutex_unlock(&c->lock);
    close_socket(c);
    fail_replies(r, XPC_ERROR_CONNECTION_INTERRUPTED);
    if (!ended) deliver(c, XPC_ERROR_CONNECTION_INTERRUPTED, 0);
}

/* ---- sending (frames are written by the I/O thread only) ---- */

static void io_event(void *ctx, uint32_t events);

/* Level-triggered while receiving. While throttled, edge-triggered and without EPOLLIN: a hangup
 * is then reported once instead of on every loop while its data waits unread. */
static void update_interest(struct _xpc_connection_s *c) {
    if (!c->io_registered) return;
    pthread_mutex_lock(&c->lock);
    int throttled = c->throttled;
    int out = c->out_head != NULL && !c->write_closed && !c->barrier_running;
    pthread_mutex_unlock(&c->lock);
    uint32_t ev;
    if (c->kind == K_LISTENER) {
        ev = throttled ? 0 : EPOLLIN;
    } else {
        ev = (throttled ? EPOLLET : EPOLLIN) | (out ? EPOLLOUT : 0);
    }
    if (ev == c->interest) return;
    c->interest = ev;
    xpcsim_io_modify(c->sock, ev, io_event, c);
}

/* I/O thread: a barrier at the head of the send queue starts once everything before it was written
 * to the kernel (sent), and nothing is sent until it returns. 1 when sending must wait. */
static int barrier_ahead(struct _xpc_connection_s *c) {
    pthread_mutex_lock(&c->lock);
    struct out_frame *f = c->out_head;
    int waiting = c->barrier_running;
    if (!waiting && f != NULL && f->barrier != NULL) {
        c->out_head = f->next;
        if (c->out_head == NULL) c->out_tail = NULL;
        c->barrier_running = waiting = 1;
    } else {
        f = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    if (f != NULL) {
        start_barrier(c, f->barrier);
        f->barrier = NULL;
        free_frame(f);
    }
    return waiting;
}

static void flush(struct _xpc_connection_s *c) {
    for (;;) {
        if (barrier_ahead(c)) break;
        pthread_mutex_lock(&c->lock);
        struct out_frame *f = c->out_head;
        pthread_mutex_unlock(&c->lock);
        if (f == NULL || c->sock < 0 || c->write_closed) break;
        struct iovec iov = {f->buf + f->off, f->len - f->off};
        union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * XPCSIM_MAX_FRAME_FDS)]; } control;
        memset(&control, 0, sizeof control);
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf};
        /* The kernel checks these: pid must be ours, uid one of ours, so the receiver can rely on them. */
        struct ucred cred = {getpid(), geteuid(), getegid()};
        struct cmsghdr *cm = (struct cmsghdr *)control.buf;
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_CREDENTIALS;
        cm->cmsg_len = CMSG_LEN(sizeof cred);
        memcpy(CMSG_DATA(cm), &cred, sizeof cred);
        size_t controllen = CMSG_SPACE(sizeof cred);
        if (f->off == 0 && f->nfds > 0) {
            cm = (struct cmsghdr *)(control.buf + controllen);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)f->nfds);
            memcpy(CMSG_DATA(cm), f->fds, sizeof(int) * (size_t)f->nfds);
            controllen += CMSG_SPACE(sizeof(int) * (size_t)f->nfds);
        }
        msg.msg_controllen = controllen;
        ssize_t n = sendmsg(c->sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EPIPE || errno == ECONNRESET) {
                /* The peer closed its end. Its last messages may still wait unread here (this
                 * connection may be throttled), so the connection ends when reading reaches EOF. */
                pthread_mutex_lock(&c->lock);
                while (c->out_head != NULL) {
                    struct out_frame *g = c->out_head;
                    c->out_head = g->next;
                    discard_frame(g);
                }
                c->out_tail = NULL;
                pthread_mutex_unlock(&c->lock);
                c->write_closed = 1;
                break;
            }
            remote_gone(c);
            return;
        }
        f->off += (size_t)n;
        if (f->off == f->len) {
            pthread_mutex_lock(&c->lock);
            c->out_head = f->next;
            if (c->out_head == NULL) c->out_tail = NULL;
            pthread_mutex_unlock(&c->lock);
            free_frame(f);
        }
    }
    update_interest(c);
}

static int register_socket(struct _xpc_connection_s *c) {
    xpc_retain(c);
    if (xpcsim_io_add(c->sock, EPOLLIN, io_event, c) != 0) {
        xpc_release(c);
        return -1;
    }
    c->io_registered = 1;
    c->interest = EPOLLIN;
    return 0;
}

/* I/O thread: a named service's client connects to the socket launchd holds for the name. */
static void connect_named(struct _xpc_connection_s *c) {
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int fd = -1;
    if (c->kind == K_CLIENT_NAMED && xpcsim_service_path(path, sizeof path, c->name) == 0) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        strcpy(sa.sun_path, path);
        int one = 1;
        if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) != 0 ||
                        connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        /* "The named service could not be found": the connection is useless. */
        invalidate(c);
        return;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    /* No credentials yet: SO_PEERCRED would name launchd, which created the listening socket.
     * The service's pid and euid arrive with its first message. */
    pthread_mutex_lock(&c->lock);
    c->sock = fd;
    c->state = S_CONNECTED;
    pthread_mutex_unlock(&c->lock);
    if (register_socket(c) != 0) invalidate(c);
}

static void kick_on_io(void *ctx) {
    struct _xpc_connection_s *c = ctx;
    pthread_mutex_lock(&c->lock);
    int ended = c->cancel_requested || c->invalidated, final_queued = c->final_queued;
    enum cstate state = c->state;
    pthread_mutex_unlock(&c->lock);
    /* Not connected, a leading barrier has nothing before it to wait for. */
    int waiting = !ended && state == S_IDLE && barrier_ahead(c);
    pthread_mutex_lock(&c->lock);
    int pending = c->out_head != NULL && !waiting;
    pthread_mutex_unlock(&c->lock);
    if (ended) {
        if (!final_queued || c->sock >= 0) invalidate(c);
    } else if (state == S_IDLE && pending) {
        if (c->kind == K_CLIENT_NAMED || c->kind == K_CLIENT_XPC_SERVICE) connect_named(c);
        if (c->state == S_CONNECTED) flush(c);
    } else if (state == S_CONNECTED) {
        if (!c->io_registered && register_socket(c) != 0) {
            invalidate(c);
        } else {
            flush(c);
        }
    }
    xpc_release(c);
}

static void kick(struct _xpc_connection_s *c) {
    xpc_retain(c);
    xpcsim_io_call(kick_on_io, c);
}

/* ---- serialization ---- */

struct buf { uint8_t *p; size_t len, cap; };

static void put(struct buf *b, const void *data, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n) cap *= 2;
        b->p = realloc(b->p, cap);
        if (b->p == NULL) xpcsim_fatal("libxpc simulator: out of memory");
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_u32(struct buf *b, uint32_t v) { put(b, &v, sizeof v); }

enum { T_DATA = 1, T_STRING = 2, T_INT64 = 3, T_FD = 4 };

static struct out_frame *serialize(struct _xpc_dictionary_s *d, enum xpcsim_frame_kind kind, uint64_t id, uint64_t reply_to) {
    struct out_frame *f = calloc(1, sizeof *f);
    if (f == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    struct buf b = {0};
    struct xpcsim_frame_header h = {XPCSIM_FRAME_MAGIC, 0, kind, 0, id, reply_to};
    put(&b, &h, sizeof h);
    uint32_t count = 0;
    for (struct xentry *e = d->entries; e != NULL; e = e->next) count++;
    put_u32(&b, count);
    for (struct xentry *e = d->entries; e != NULL; e = e->next) {
        uint32_t klen = (uint32_t)strlen(e->key);
        put_u32(&b, klen);
        put(&b, e->key, klen);
        const struct _xpc_type_s *t = e->value->type;
        if (t == &_xpc_type_data) {
            struct xdata *v = (struct xdata *)e->value;
            put_u32(&b, T_DATA);
            put_u32(&b, (uint32_t)v->len);
            put(&b, v->bytes, v->len);
        } else if (t == &_xpc_type_string) {
            struct xstring *v = (struct xstring *)e->value;
            put_u32(&b, T_STRING);
            put_u32(&b, (uint32_t)strlen(v->s));
            put(&b, v->s, strlen(v->s));
        } else if (t == &_xpc_type_int64) {
            put_u32(&b, T_INT64);
            put(&b, &((struct xint64 *)e->value)->v, sizeof(int64_t));
        } else if (t == &_xpc_type_fd) {
            if (f->nfds == XPCSIM_MAX_FRAME_FDS) {
                xpcsim_fatal("libxpc simulator: more than %d descriptors in one message", XPCSIM_MAX_FRAME_FDS);
            }
            int copy = fcntl(((struct xfd *)e->value)->fd, F_DUPFD_CLOEXEC, 0);
            if (copy < 0) xpcsim_fatal("libxpc simulator: cannot duplicate a descriptor (errno %d)", errno);
            put_u32(&b, T_FD);
            put_u32(&b, (uint32_t)f->nfds);
            f->fds[f->nfds++] = copy;
        } else {
            xpcsim_fatal("libxpc simulator: cannot send an object of type %s", t->name);
        }
    }
    if (b.len - sizeof h > XPCSIM_MAX_FRAME_BODY) {
        xpcsim_fatal("libxpc simulator: a message of %zu bytes is larger than the simulator's %u", b.len - sizeof h,
                     XPCSIM_MAX_FRAME_BODY);
    }
    struct xpcsim_frame_header *hp = (struct xpcsim_frame_header *)b.p;
    hp->body_len = (uint32_t)(b.len - sizeof h);
    hp->nfds = (uint32_t)f->nfds;
    f->buf = b.p;
    f->len = b.len;
    return f;
}

/* Parses one frame body into a dictionary; NULL when it is malformed. Takes the fds it names. */
static struct _xpc_dictionary_s *deserialize(const uint8_t *p, size_t len, int *fds, int nfds) {
    struct _xpc_dictionary_s *d = xobj_alloc(&_xpc_type_dictionary, sizeof *d);
    size_t off = 0;
#define NEED(n) do { if (len - off < (size_t)(n)) goto bad; } while (0)
    uint32_t count, klen, type, n;
    NEED(4); memcpy(&count, p + off, 4); off += 4;
    for (uint32_t i = 0; i < count; i++) {
        NEED(4); memcpy(&klen, p + off, 4); off += 4;
        NEED(klen); char *key = strndup((const char *)p + off, klen); off += klen;
        if (key == NULL) xpcsim_fatal("libxpc simulator: out of memory");
        if (len - off < 4) { free(key); goto bad; }
        memcpy(&type, p + off, 4); off += 4;
        struct xobj *v = NULL;
        if (type == T_DATA || type == T_STRING) {
            if (len - off < 4) { free(key); goto bad; }
            memcpy(&n, p + off, 4); off += 4;
            if (len - off < n) { free(key); goto bad; }
            if (type == T_DATA) {
                struct xdata *x = xobj_alloc(&_xpc_type_data, sizeof *x + n);
                x->len = n;
                memcpy(x->bytes, p + off, n);
                v = &x->h;
            } else {
                struct xstring *x = xobj_alloc(&_xpc_type_string, sizeof *x + n + 1);
                memcpy(x->s, p + off, n);
                x->s[n] = '\0';
                v = &x->h;
            }
            off += n;
        } else if (type == T_INT64) {
            if (len - off < 8) { free(key); goto bad; }
            struct xint64 *x = xobj_alloc(&_xpc_type_int64, sizeof *x);
            memcpy(&x->v, p + off, 8);
            off += 8;
            v = &x->h;
        } else if (type == T_FD) {
            if (len - off < 4) { free(key); goto bad; }
            memcpy(&n, p + off, 4); off += 4;
            if (n >= (uint32_t)nfds || fds[n] < 0) { free(key); goto bad; }
            v = xpcsim_fd_object(fds[n]);
            fds[n] = -1;
        } else {
            free(key);
            goto bad;
        }
        xpcsim_dict_put(d, key, v);
        free(key);
    }
    if (off != len) goto bad;
    return d;
bad:
    xpc_release(d);
    return NULL;
#undef NEED
}

/* ---- receiving ---- */

static struct pending_reply *take_reply(struct _xpc_connection_s *c, uint64_t id) {
    pthread_mutex_lock(&c->lock);
    struct pending_reply **pp = &c->replies;
    while (*pp != NULL && (*pp)->id != id) pp = &(*pp)->next;
    struct pending_reply *r = *pp;
    if (r != NULL) *pp = r->next;
    pthread_mutex_unlock(&c->lock);
    return r;
}

/* One complete frame: 0 to go on, -1 when the connection is no longer usable. */
static int handle_frame(struct _xpc_connection_s *c, const struct xpcsim_frame_header *h, const uint8_t *body) {
    int fds[XPCSIM_MAX_FRAME_FDS];
    for (uint32_t i = 0; i < h->nfds; i++) fds[i] = c->in_fds[i];
    memmove(c->in_fds, c->in_fds + h->nfds, sizeof(int) * (size_t)(c->in_nfds - (int)h->nfds));
    c->in_nfds -= (int)h->nfds;
    struct _xpc_dictionary_s *d = deserialize(body, h->body_len, fds, (int)h->nfds);
    for (uint32_t i = 0; i < h->nfds; i++) if (fds[i] >= 0) close(fds[i]);
    if (d == NULL) {
        invalidate(c); /* a malformed frame is a broken peer */
        return -1;
    }
    pthread_mutex_lock(&c->lock);
    c->pid = c->in_pid;
    c->euid = c->in_uid;
    struct xpcsim_requirement *own = c->requirement, *inherited = c->inherited;
    pthread_mutex_unlock(&c->lock);
    /* The sender of this very message is checked (its pid as the kernel gave it), every time. */
    int refused_own = own != NULL && !xpcsim_check_process(c->in_pid, own);
    int refused_inherited = !refused_own && inherited != NULL && !xpcsim_check_process(c->in_pid, inherited);
    if (refused_own || refused_inherited) {
        /* Not delivered. A reply's handler gets the error instead of the reply. A requirement set
         * on this connection also tells its event handler (Apple's header: the error "will be
         * delivered to a peer connection's event handler"); one inherited from a listener just
         * drops the request. The peer's code cannot change while it runs, so the connection is
         * then invalidated, as NSXPCConnection documents ("the connection becomes invalidated"). */
        xpc_release(d);
        struct pending_reply *r = h->kind == XPCSIM_F_REPLY ? take_reply(c, h->reply_to) : NULL;
        if (r != NULL) deliver_reply(r, XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT, NULL, 0);
        if (refused_own) deliver(c, XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT, 0);
        invalidate(c);
        return -1;
    }
    d->remote = xpc_retain(c);
    d->msg_id = h->id;
    if (h->kind == XPCSIM_F_REPLY) {
        struct pending_reply *r = take_reply(c, h->reply_to);
        if (r != NULL) {
            receiving(c, h->body_len);
            deliver_reply(r, d, c, h->body_len);
        } else {
            xpc_release(d);
        }
        return 0;
    }
    d->expects_reply = h->kind == XPCSIM_F_MESSAGE_WANTS_REPLY;
    receiving(c, h->body_len);
    deliver_event(c, d, 0, 1, h->body_len);
    return 0;
}

/* The complete frames in the buffer, until the connection is throttled: 0, 1 throttled, -1 ended. */
static int parse_frames(struct _xpc_connection_s *c) {
    size_t off = 0;
    int rc = 0;
    while (c->in_len - off >= sizeof(struct xpcsim_frame_header)) {
        if (is_throttled(c)) {
            rc = 1;
            break;
        }
        struct xpcsim_frame_header h;
        memcpy(&h, c->in + off, sizeof h);
        if (h.magic != XPCSIM_FRAME_MAGIC || h.body_len > XPCSIM_MAX_FRAME_BODY || h.nfds > XPCSIM_MAX_FRAME_FDS ||
            h.kind > XPCSIM_F_REPLY) {
            invalidate(c);
            return -1;
        }
        if (c->in_len - off - sizeof h < h.body_len) break;
        /* A frame's descriptors come with its first byte: missing ones at its end are a lie. */
        if ((int)h.nfds > c->in_nfds) {
            invalidate(c);
            return -1;
        }
        if (handle_frame(c, &h, c->in + off + sizeof h) != 0) return -1;
        off += sizeof h + h.body_len;
    }
    if (off > 0) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
    if (c->in_len == 0 && c->in_nfds > 0) {
        /* Descriptors that no frame claims. */
        invalidate(c);
        return -1;
    }
    return rc;
}

static void read_socket(struct _xpc_connection_s *c) {
    for (;;) {
        int parsed = parse_frames(c);
        if (parsed < 0) return;
        if (parsed > 0) {
            update_interest(c);
            return;
        }
        if (c->in_cap - c->in_len < 65536) {
            c->in_cap = c->in_cap ? c->in_cap * 2 : 131072;
            c->in = realloc(c->in, c->in_cap);
            if (c->in == NULL) xpcsim_fatal("libxpc simulator: out of memory");
        }
        union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * XPCSIM_MAX_FRAME_FDS)]; } control;
        struct iovec iov = {c->in + c->in_len, c->in_cap - c->in_len};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
        ssize_t n = recvmsg(c->sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            update_interest(c);
            return;
        }
        if (n <= 0) {
            remote_gone(c);
            return;
        }
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level != SOL_SOCKET) continue;
            if (cm->cmsg_type == SCM_CREDENTIALS) {
                struct ucred cred;
                memcpy(&cred, CMSG_DATA(cm), sizeof cred);
                c->in_pid = cred.pid;
                c->in_uid = cred.uid;
            } else if (cm->cmsg_type == SCM_RIGHTS) {
                int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                for (int i = 0; i < k; i++) {
                    int fd;
                    memcpy(&fd, CMSG_DATA(cm) + sizeof(int) * (size_t)i, sizeof fd);
                    if (c->in_nfds < (int)(sizeof c->in_fds / sizeof c->in_fds[0])) c->in_fds[c->in_nfds++] = fd;
                    else close(fd);
                }
            }
        }
        if (msg.msg_flags & MSG_CTRUNC) {
            invalidate(c);
            return;
        }
        c->in_len += (size_t)n;
    }
}

static void accept_peer(struct _xpc_connection_s *listener, int fd);

static void accept_peers(struct _xpc_connection_s *listener) {
    while (!is_throttled(listener)) {
        int fd = xpcsim_io_accept(listener->sock);
        if (fd < 0) {
            if (errno == ECONNABORTED) continue; /* shed for want of descriptors, or gone already */
            break;
        }
        accept_peer(listener, fd);
    }
    update_interest(listener);
}

static void io_event(void *ctx, uint32_t events) {
    struct _xpc_connection_s *c = ctx;
    xpc_retain(c);
    if (c->kind == K_LISTENER) {
        accept_peers(c);
    } else {
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_socket(c);
        if (c->sock >= 0 && (events & EPOLLOUT)) flush(c);
    }
    xpc_release(c);
}

/* I/O thread: the handlers caught up with a throttled connection. */
static void resume_receiving_on_io(void *ctx) {
    struct _xpc_connection_s *c = ctx;
    if (c->sock >= 0 && c->io_registered) {
        if (c->kind == K_LISTENER) accept_peers(c); else read_socket(c);
    }
    xpc_release(c);
}

/* ---- peers ---- */

static void accept_peer(struct _xpc_connection_s *listener, int fd) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    struct ucred cred = {0, (uid_t)-1, (gid_t)-1};
    socklen_t len = sizeof cred;
    int have_cred = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0;
    struct xpcsim_requirement *inherited = NULL;
    if (listener->requirement != NULL) {
        /* A listener's requirement: a peer that does not satisfy it never reaches the listener's
         * handler (its client sees the connection end). Its later messages are checked too. */
        char why[256];
        if (!have_cred || !xpcsim_check_process(cred.pid, listener->requirement) ||
            (inherited = xpcsim_requirement_compile(listener->requirement_text, why, sizeof why)) == NULL) {
            close(fd);
            return;
        }
    }
    struct _xpc_connection_s *peer = conn_new(K_PEER, listener->name, NULL);
    peer->sock = fd;
    peer->state = S_CONNECTED;
    peer->inherited = inherited;
    if (have_cred) {
        peer->euid = cred.uid;
        peer->pid = cred.pid;
    }
    /* The peer is suspended: the listener's handler must set its handler and resume it. */
    receiving(listener, 0);
    deliver_event(listener, peer, 0, 1, 0);
}

/* ---- public API ---- */

xpc_connection_t xpc_connection_create(const char *name, dispatch_queue_t targetq) {
    /* A name here is an XPC service bundled with an app; the simulator has none, so such a
     * connection behaves as a service that cannot be found. */
    return conn_new(name == NULL ? K_ANON_LISTENER : K_CLIENT_XPC_SERVICE, name, targetq);
}

xpc_connection_t xpc_connection_create_mach_service(const char *name, dispatch_queue_t targetq, uint64_t flags) {
    /* Only the system domain exists in the simulator, so _PRIVILEGED changes nothing. */
    return conn_new((flags & XPC_CONNECTION_MACH_SERVICE_LISTENER) ? K_LISTENER : K_CLIENT_NAMED, name, targetq);
}

xpc_endpoint_t xpc_endpoint_create(xpc_connection_t connection) {
    if (connection->kind != K_ANON_LISTENER) {
        xpcsim_fatal("BUG IN CLIENT OF LIBXPC: xpc_endpoint_create needs an anonymous listener connection");
    }
    struct _xpc_endpoint_s *e = xobj_alloc(&_xpc_type_endpoint, sizeof *e);
    e->listener = xpc_retain(connection);
    return e;
}

xpc_connection_t xpc_connection_create_from_endpoint(xpc_endpoint_t endpoint) {
    struct _xpc_connection_s *listener = endpoint->listener;
    struct _xpc_connection_s *client = conn_new(K_CLIENT_ENDPOINT, NULL, NULL);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0) {
        client->state = S_DEAD;
        client->invalidated = 1;
        return client;
    }
    int one = 1;
    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    client->sock = sv[0];
    client->state = S_CONNECTED;
    client->euid = geteuid();
    client->pid = getpid();
    pthread_mutex_lock(&listener->lock);
    int listening = !listener->cancel_requested && !listener->invalidated;
    pthread_mutex_unlock(&listener->lock);
    if (listening) {
        accept_peer(listener, sv[1]);
    } else {
        close(sv[1]); /* the client sees its connection end on first use */
    }
    return client;
}

void xpc_connection_set_target_queue(xpc_connection_t c, dispatch_queue_t targetq) {
    dispatch_set_target_queue(c->q, targetq);
}

void xpc_connection_set_event_handler(xpc_connection_t c, xpc_handler_t handler) {
    xpc_handler_t copy = Block_copy(handler);
    pthread_mutex_lock(&c->lock);
    xpc_handler_t old = c->handler;
    c->handler = copy;
    pthread_mutex_unlock(&c->lock);
    if (old != NULL) Block_release(old);
}

static void listen_on_io(void *ctx) {
    struct _xpc_connection_s *c = ctx;
    /* Check in with launchd: only the process launchd started for the job that declares the
     * name gets the name's socket. Anything else leaves the listener useless. */
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int fd = -1;
    char line[512];
    int ctl = -1;
    if (xpcsim_path(path, sizeof path, "launchd.sock") == 0 && strlen(c->name) < 400) {
        ctl = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        strcpy(sa.sun_path, path);
        snprintf(line, sizeof line, "checkin %s\n", c->name);
        if (ctl >= 0 && connect(ctl, (struct sockaddr *)&sa, sizeof sa) == 0 && xpcsim_send_fd_line(ctl, line, -1) == 0 &&
            xpcsim_recv_fd_line(ctl, line, sizeof line, &fd) == 0 && strncmp(line, "ok", 2) != 0 && fd >= 0) {
            close(fd);
            fd = -1;
        }
    }
    if (ctl >= 0) close(ctl);
    pthread_mutex_lock(&c->lock);
    int canceled = c->cancel_requested;
    pthread_mutex_unlock(&c->lock);
    if (fd < 0 || canceled) {
        if (fd >= 0) close(fd);
        invalidate(c);
    } else {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        c->sock = fd;
        c->state = S_CONNECTED;
        if (register_socket(c) != 0) invalidate(c);
    }
    xpc_release(c);
}

void xpc_connection_resume(xpc_connection_t c) {
    pthread_mutex_lock(&c->lock);
    if (c->resumed) {
        pthread_mutex_unlock(&c->lock);
        xpcsim_fatal("BUG IN CLIENT OF LIBXPC: Over-resume of a connection");
    }
    c->resumed = 1;
    xpc_retain(c); /* a resumed connection lives until its final event */
    int ended = c->cancel_requested || c->invalidated;
    pthread_mutex_unlock(&c->lock);
    dispatch_resume(c->q);
    if (ended) {
        kick(c);
    } else if (c->kind == K_LISTENER) {
        xpc_retain(c);
        xpcsim_io_call(listen_on_io, c);
    } else if (c->kind != K_ANON_LISTENER) {
        kick(c);
    }
}

void xpc_connection_cancel(xpc_connection_t c) {
    pthread_mutex_lock(&c->lock);
    int already = c->cancel_requested;
    c->cancel_requested = 1;
    int resumed = c->resumed;
    pthread_mutex_unlock(&c->lock);
    /* Not yet resumed: the final event waits for resume, as the queue is suspended. */
    if (!already && resumed) kick(c);
}

static void enqueue_frame(struct _xpc_connection_s *c, struct out_frame *f, struct pending_reply *reply) {
    pthread_mutex_lock(&c->lock);
    if (c->cancel_requested || c->invalidated || c->state == S_DEAD) {
        pthread_mutex_unlock(&c->lock);
        free_frame(f);
        if (reply != NULL) deliver_reply(reply, XPC_ERROR_CONNECTION_INVALID, NULL, 0);
        return;
    }
    if (c->out_tail != NULL) c->out_tail->next = f; else c->out_head = f;
    c->out_tail = f;
    if (reply != NULL) {
        reply->next = c->replies;
        c->replies = reply;
    }
    int resumed = c->resumed;
    pthread_mutex_unlock(&c->lock);
    /* Sends before resume wait in the queue. */
    if (resumed) kick(c);
}

void xpc_connection_send_barrier(xpc_connection_t c, dispatch_block_t barrier) {
    if (is_listener(c)) xpcsim_fatal("BUG IN CLIENT OF LIBXPC: cannot send a barrier on a listener connection");
    struct out_frame *f = calloc(1, sizeof *f);
    if (f == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    f->barrier = Block_copy(barrier);
    pthread_mutex_lock(&c->lock);
    int ended = c->cancel_requested || c->invalidated || c->state == S_DEAD;
    if (!ended) {
        if (c->out_tail != NULL) c->out_tail->next = f; else c->out_head = f;
        c->out_tail = f;
    }
    int resumed = c->resumed;
    pthread_mutex_unlock(&c->lock);
    /* "If a barrier is issued on a canceled connection, it will be invoked immediately." */
    if (ended) {
        discard_frame(f);
    } else if (resumed) {
        kick(c);
    }
}

void xpc_connection_send_message(xpc_connection_t c, xpc_object_t message) {
    struct _xpc_dictionary_s *d = message;
    if (d->h.type != &_xpc_type_dictionary) xpcsim_fatal("BUG IN CLIENT OF LIBXPC: messages must be dictionaries");
    if (is_listener(c)) xpcsim_fatal("BUG IN CLIENT OF LIBXPC: cannot send a message on a listener connection");
    pthread_mutex_lock(&c->lock);
    uint64_t id = c->next_id++;
    pthread_mutex_unlock(&c->lock);
    enqueue_frame(c, serialize(d, d->is_reply ? XPCSIM_F_REPLY : XPCSIM_F_MESSAGE, id, d->reply_to), NULL);
}

void xpc_connection_send_message_with_reply(xpc_connection_t c, xpc_object_t message, dispatch_queue_t replyq,
                                            xpc_handler_t handler) {
    struct _xpc_dictionary_s *d = message;
    if (d->h.type != &_xpc_type_dictionary) xpcsim_fatal("BUG IN CLIENT OF LIBXPC: messages must be dictionaries");
    if (is_listener(c)) xpcsim_fatal("BUG IN CLIENT OF LIBXPC: cannot send a message on a listener connection");
    struct pending_reply *r = calloc(1, sizeof *r);
    if (r == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    r->handler = Block_copy(handler);
    /* No reply queue: the connection's own queue (its target). */
    r->queue = replyq != NULL ? replyq : c->q;
    dispatch_retain(r->queue);
    pthread_mutex_lock(&c->lock);
    r->id = c->next_id++;
    pthread_mutex_unlock(&c->lock);
    enqueue_frame(c, serialize(d, XPCSIM_F_MESSAGE_WANTS_REPLY, r->id, 0), r);
}

struct sync_reply { pthread_mutex_t lock; pthread_cond_t cond; xpc_object_t reply; };

xpc_object_t xpc_connection_send_message_with_reply_sync(xpc_connection_t c, xpc_object_t message) {
    /* Apple: conceptually send_message_with_reply on the connection's target queue plus a
     * semaphore wait, so calling it from that queue deadlocks. The simulator stops there. */
    if (xpcsim_dispatch_would_deadlock(c->q)) {
        xpcsim_fatal("BUG IN CLIENT OF LIBXPC: xpc_connection_send_message_with_reply_sync called on the "
                     "connection's target queue: this deadlocks");
    }
    struct sync_reply *s = calloc(1, sizeof *s);
    if (s == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    xpc_connection_send_message_with_reply(c, message, c->q, ^(xpc_object_t reply) {
      pthread_mutex_lock(&s->lock);
      s->reply = xpc_retain(reply);
      pthread_cond_broadcast(&s->cond);
      pthread_mutex_unlock(&s->lock);
    });
    pthread_mutex_lock(&s->lock);
    while (s->reply == NULL) pthread_cond_wait(&s->cond, &s->lock);
    pthread_mutex_unlock(&s->lock);
    xpc_object_t reply = s->reply;
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(s);
    return reply;
}

void xpc_connection_set_context(xpc_connection_t c, void *context) { c->context = context; }

void *xpc_connection_get_context(xpc_connection_t c) { return c->context; }

void xpc_connection_set_finalizer_f(xpc_connection_t c, xpc_finalizer_t finalizer) { c->finalizer = finalizer; }

uid_t xpc_connection_get_euid(xpc_connection_t c) {
    pthread_mutex_lock(&c->lock);
    uid_t v = c->euid;
    pthread_mutex_unlock(&c->lock);
    return v;
}

pid_t xpc_connection_get_pid(xpc_connection_t c) {
    pthread_mutex_lock(&c->lock);
    pid_t v = c->pid;
    pthread_mutex_unlock(&c->lock);
    return v;
}

int xpc_connection_set_peer_code_signing_requirement(xpc_connection_t c, const char *requirement) {
    char why[256];
    struct xpcsim_requirement *req = xpcsim_requirement_compile(requirement, why, sizeof why);
    if (req == NULL) return EINVAL;
    char *text = is_listener(c) ? strdup(requirement) : NULL;
    if (is_listener(c) && text == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    pthread_mutex_lock(&c->lock);
    if (c->requirement != NULL) {
        pthread_mutex_unlock(&c->lock);
        xpcsim_fatal("BUG IN CLIENT OF LIBXPC: xpc_connection_set_peer_code_signing_requirement called twice on one connection");
    }
    if (c->resumed) {
        /* A choice (Apple's header is silent): set it before activation, as every example does,
         * so that no message is ever processed unchecked. */
        pthread_mutex_unlock(&c->lock);
        xpcsim_fatal("BUG IN CLIENT OF LIBXPC: xpc_connection_set_peer_code_signing_requirement called on an "
                     "activated connection; set it before xpc_connection_resume");
    }
    c->requirement = req;
    c->requirement_text = text;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

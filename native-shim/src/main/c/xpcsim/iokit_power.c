/*
 * IOKit system power notifications. A registration (IORegisterForSystemPower) is a Unix socket
 * under <root>/iokit/power/, so whoever plays the system (a test, through xpcsim_power_post)
 * can send kIOMessage* notifications to every registered process and see when each one is
 * acknowledged with IOAllowPowerChange or refused with IOCancelPowerChange. The callback runs
 * on the dispatch queue given to IONotificationPortSetDispatchQueue, never on the I/O thread.
 */
#define _GNU_SOURCE
#include <dispatch/dispatch.h>
#include <mach/mach.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

typedef mach_port_t io_object_t;
typedef io_object_t io_connect_t;
typedef io_object_t io_service_t;
typedef kern_return_t IOReturn;
typedef void (*IOServiceInterestCallback)(void *refcon, io_service_t service, uint32_t type, void *argument);

#define MSG_CAN_SYSTEM_SLEEP 0xE0000270u
#define MSG_SYSTEM_WILL_SLEEP 0xE0000280u
#define kIOReturnSuccess 0
#define kIOReturnBadArgument ((IOReturn)0xe00002c2)

struct pending { struct pending *next; intptr_t id; int fd; };

struct IONotificationPort {
    struct IONotificationPort *next;
    io_connect_t root_port;
    io_object_t notifier;
    int listen_fd;
    char path[108];
    IOServiceInterestCallback callback;
    void *refcon;
    dispatch_queue_t queue;
    struct pending *pending;
    intptr_t next_id;
    int destroyed; /* IONotificationPortDestroy: no callback starts any more */
};
typedef struct IONotificationPort *IONotificationPortRef;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct IONotificationPort *registrations;
static unsigned next_port = 0x1000;

struct callback_call { IONotificationPortRef port; uint32_t type; intptr_t id; };

static void run_callback(void *ctx) {
    struct callback_call *call = ctx;
    pthread_mutex_lock(&lock);
    int destroyed = call->port->destroyed;
    pthread_mutex_unlock(&lock);
    /* As a cancelled dispatch source: once the port is destroyed, no handler starts. The port
     * itself is freed on this queue after every call queued before. */
    if (!destroyed) call->port->callback(call->port->refcon, call->port->root_port, call->type, (void *)call->id);
    free(call);
}

/* I/O thread: the system sends one notification per connection: type and nothing else. */
static void on_accept(void *ctx, uint32_t events) {
    (void)events;
    IONotificationPortRef port = ctx;
    for (;;) {
        int fd = accept4(port->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) return;
        uint32_t type;
        ssize_t n;
        do n = recv(fd, &type, sizeof type, MSG_WAITALL); while (n < 0 && errno == EINTR);
        if (n != sizeof type) {
            close(fd);
            continue;
        }
        struct callback_call *call = calloc(1, sizeof *call);
        if (call == NULL) xpcsim_fatal("IOKit simulator: out of memory");
        pthread_mutex_lock(&lock);
        if (port->destroyed) {
            pthread_mutex_unlock(&lock);
            free(call);
            close(fd);
            continue;
        }
        call->port = port;
        call->type = type;
        call->id = ++port->next_id;
        if (type == MSG_CAN_SYSTEM_SLEEP || type == MSG_SYSTEM_WILL_SLEEP) {
            /* The system waits for an answer to these two; the connection is the answer's way back. */
            struct pending *p = calloc(1, sizeof *p);
            if (p == NULL) xpcsim_fatal("IOKit simulator: out of memory");
            p->id = call->id;
            p->fd = fd;
            p->next = port->pending;
            port->pending = p;
        } else {
            close(fd);
        }
        dispatch_queue_t q = port->queue;
        pthread_mutex_unlock(&lock);
        dispatch_async_f(q, call, run_callback);
    }
}

io_connect_t IORegisterForSystemPower(void *refcon, IONotificationPortRef *port_out, IOServiceInterestCallback callback,
                                      io_object_t *notifier) {
    char dir[108];
    if (xpcsim_mkdirs("iokit/power") != 0 || xpcsim_path(dir, sizeof dir, "iokit/power") != 0) return MACH_PORT_NULL;
    struct IONotificationPort *p = calloc(1, sizeof *p);
    if (p == NULL) return MACH_PORT_NULL;
    pthread_mutex_lock(&lock);
    p->root_port = next_port++;
    p->notifier = next_port++;
    pthread_mutex_unlock(&lock);
    int n = snprintf(p->path, sizeof p->path, "%s/%d-%u.sock", dir, (int)getpid(), p->root_port);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    p->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (n <= 0 || (size_t)n >= sizeof sa.sun_path || p->listen_fd < 0) goto fail;
    strcpy(sa.sun_path, p->path);
    if (bind(p->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(p->listen_fd, 16) != 0) goto fail;
    p->callback = callback;
    p->refcon = refcon;
    pthread_mutex_lock(&lock);
    p->next = registrations;
    registrations = p;
    pthread_mutex_unlock(&lock);
    *port_out = p;
    *notifier = p->notifier;
    return p->root_port;
fail:
    if (p->listen_fd >= 0) close(p->listen_fd);
    free(p);
    return MACH_PORT_NULL;
}

void IONotificationPortSetDispatchQueue(IONotificationPortRef port, dispatch_queue_t queue) {
    dispatch_retain(queue);
    pthread_mutex_lock(&lock);
    dispatch_queue_t old = port->queue;
    port->queue = queue;
    pthread_mutex_unlock(&lock);
    if (old != NULL) dispatch_release(old);
    else xpcsim_io_add(port->listen_fd, EPOLLIN, on_accept, port);
}

static IOReturn answer(io_connect_t root_port, intptr_t id, const char *verdict) {
    int fd = -1;
    pthread_mutex_lock(&lock);
    for (struct IONotificationPort *p = registrations; p != NULL; p = p->next) {
        if (p->root_port != root_port) continue;
        for (struct pending **pp = &p->pending; *pp != NULL; pp = &(*pp)->next) {
            if ((*pp)->id == id) {
                struct pending *found = *pp;
                *pp = found->next;
                fd = found->fd;
                free(found);
                break;
            }
        }
    }
    pthread_mutex_unlock(&lock);
    if (fd < 0) return kIOReturnBadArgument;
    send(fd, verdict, strlen(verdict), MSG_NOSIGNAL);
    close(fd);
    return kIOReturnSuccess;
}

IOReturn IOAllowPowerChange(io_connect_t root_port, intptr_t id) { return answer(root_port, id, "allow\n"); }

IOReturn IOCancelPowerChange(io_connect_t root_port, intptr_t id) { return answer(root_port, id, "cancel\n"); }

static IONotificationPortRef find_by(io_object_t notifier, io_connect_t root_port) {
    for (struct IONotificationPort *p = registrations; p != NULL; p = p->next) {
        if ((notifier != 0 && p->notifier == notifier) || (root_port != 0 && p->root_port == root_port)) return p;
    }
    return NULL;
}

/* Notifications still unanswered when the port goes: the system sees them closed unanswered. */
static void port_free(void *ctx) {
    IONotificationPortRef p = ctx;
    while (p->pending != NULL) {
        struct pending *next = p->pending->next;
        close(p->pending->fd);
        free(p->pending);
        p->pending = next;
    }
    free(p);
}

static void stop_listening_on_io(void *ctx) {
    IONotificationPortRef p = ctx;
    xpcsim_io_remove(p->listen_fd);
    close(p->listen_fd);
    pthread_mutex_lock(&lock);
    dispatch_queue_t q = p->queue;
    pthread_mutex_unlock(&lock);
    /* Callbacks already queued still refer to p: free it after them. */
    if (q != NULL) {
        dispatch_async_f(q, p, port_free);
        dispatch_release(q);
    } else {
        port_free(p);
    }
}

IOReturn IODeregisterForSystemPower(io_object_t *notifier) {
    pthread_mutex_lock(&lock);
    IONotificationPortRef p = find_by(*notifier, 0);
    if (p != NULL) unlink(p->path); /* the system no longer finds this registration */
    pthread_mutex_unlock(&lock);
    return p != NULL ? kIOReturnSuccess : kIOReturnBadArgument;
}

kern_return_t IOServiceClose(io_connect_t root_port) {
    pthread_mutex_lock(&lock);
    IONotificationPortRef p = find_by(0, root_port);
    struct pending *pending = p != NULL ? p->pending : NULL;
    if (p != NULL) p->pending = NULL;
    pthread_mutex_unlock(&lock);
    /* Unanswered notifications: the system sees the connection close without an answer. */
    while (pending != NULL) {
        struct pending *next = pending->next;
        close(pending->fd);
        free(pending);
        pending = next;
    }
    return p != NULL ? KERN_SUCCESS : (kern_return_t)kIOReturnBadArgument;
}

void IONotificationPortDestroy(IONotificationPortRef port) {
    pthread_mutex_lock(&lock);
    for (struct IONotificationPort **pp = &registrations; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == port) {
            *pp = port->next;
            break;
        }
    }
    unlink(port->path);
    port->destroyed = 1;
    pthread_mutex_unlock(&lock);
    xpcsim_io_call(stop_listening_on_io, port);
}

/* ---- the system's side ---- */

static long now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000L + ts.tv_nsec / 1000L;
}

/*
 * Sends one power notification to every registration under the root and, for the two that
 * need an answer, waits up to timeout_ms for each. Writes one line per registration into out:
 * "<pid> <allow|cancel|none|noanswer> <microseconds until the answer>". Returns the number of
 * registrations, or -errno.
 */
XPCSIM_EXPORT int xpcsim_power_post(uint32_t type, long timeout_ms, char *out, size_t outlen) {
    char dir[108];
    if (outlen > 0) out[0] = '\0';
    if (xpcsim_path(dir, sizeof dir, "iokit/power") != 0) return -errno;
    DIR *d = opendir(dir);
    if (d == NULL) return errno == ENOENT ? 0 : -errno;
    int count = 0;
    size_t used = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t nlen = strlen(e->d_name);
        if (nlen < 6 || strcmp(e->d_name + nlen - 5, ".sock") != 0) continue;
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if ((size_t)snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir, e->d_name) >= sizeof sa.sun_path) continue;
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) continue;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            close(fd); /* a registration whose process is gone */
            continue;
        }
        long start = now_us();
        const char *outcome = "none";
        long elapsed = 0;
        if (send(fd, &type, sizeof type, MSG_NOSIGNAL) == sizeof type &&
            (type == MSG_CAN_SYSTEM_SLEEP || type == MSG_SYSTEM_WILL_SLEEP)) {
            outcome = "noanswer";
            struct pollfd pfd = {fd, POLLIN, 0};
            char verdict[16] = "";
            if (poll(&pfd, 1, (int)timeout_ms) == 1) {
                ssize_t n = recv(fd, verdict, sizeof verdict - 1, 0);
                if (n > 0) verdict[n] = '\0';
            }
            elapsed = now_us() - start;
            if (strcmp(verdict, "allow\n") == 0) outcome = "allow";
            else if (strcmp(verdict, "cancel\n") == 0) outcome = "cancel";
        }
        close(fd);
        int pid = atoi(e->d_name);
        int n = snprintf(out + used, outlen > used ? outlen - used : 0, "%d %s %ld\n", pid, outcome, elapsed);
        if (n > 0) used += (size_t)n;
        count++;
    }
    closedir(d);
    return count;
}

/*
 * System sleep/wake notifications (IOKit). The few IOKit prototypes are declared here
 * because the cross-compiling SDK (zig) ships no IOKit headers; the types are plain ints
 * and opaque pointers.
 */
#ifdef __APPLE__
#include "shim.h"

#include <dispatch/dispatch.h>
#include <errno.h>
#include <mach/mach.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef mach_port_t io_object_t;
typedef io_object_t io_connect_t;
typedef io_object_t io_service_t;
typedef kern_return_t IOReturn;
typedef struct IONotificationPort *IONotificationPortRef;
typedef void (*IOServiceInterestCallback)(void *refcon, io_service_t service, uint32_t messageType, void *messageArgument);

extern io_connect_t IORegisterForSystemPower(void *refcon, IONotificationPortRef *thePortRef,
                                             IOServiceInterestCallback callback, io_object_t *notifier);
extern IOReturn IODeregisterForSystemPower(io_object_t *notifier);
extern IOReturn IOAllowPowerChange(io_connect_t kernelPort, intptr_t notificationID);
extern void IONotificationPortSetDispatchQueue(IONotificationPortRef notify, dispatch_queue_t queue);
extern void IONotificationPortDestroy(IONotificationPortRef notify);
extern kern_return_t IOServiceClose(io_connect_t connect);

/* From IOKit/IOMessage.h: iokit_common_msg(x) = 0xE0000000 | x. */
#define TH_MSG_CAN_SYSTEM_SLEEP 0xE0000270u
#define TH_MSG_SYSTEM_WILL_SLEEP 0xE0000280u
#define TH_MSG_SYSTEM_HAS_POWERED_ON 0xE0000300u

struct th_power {
    io_connect_t root_port;
    IONotificationPortRef port;
    io_object_t notifier;
    dispatch_queue_t queue;    /* IOKit's notifications: acknowledged here, never waiting for the caller */
    dispatch_queue_t delivery; /* the caller's callbacks, one at a time, in order */
    th_power_cb callback;
    void *ctx;
    _Atomic int closed;
};

/* Hands the event to the caller's queue: whatever the callback does (a Java listener, an RPC to
 * the tunnel) happens there, never on IOKit's queue, so acknowledgements are never delayed. */
static void deliver(struct th_power *p, int event) {
    dispatch_async(p->delivery, ^{
      if (!atomic_load(&p->closed)) p->callback(p->ctx, event);
    });
}

static void on_power(void *refcon, io_service_t service, uint32_t type, void *arg) {
    (void)service;
    struct th_power *p = refcon;
    switch (type) {
    case TH_MSG_CAN_SYSTEM_SLEEP:
        /* Never veto idle sleep: the helper has nothing that must keep the machine awake. */
        IOAllowPowerChange(p->root_port, (intptr_t)arg);
        break;
    case TH_MSG_SYSTEM_WILL_SLEEP:
        deliver(p, TH_POWER_WILL_SLEEP);
        /* At once: the system waits for this (up to 30 s), and nothing here must slow sleep down. */
        IOAllowPowerChange(p->root_port, (intptr_t)arg);
        break;
    case TH_MSG_SYSTEM_HAS_POWERED_ON:
        deliver(p, TH_POWER_DID_WAKE);
        break;
    default:
        break;
    }
}

th_power *th_power_watch(th_power_cb callback, void *ctx, char *err, size_t errlen) {
    if (callback == NULL) {
        th_fail(err, errlen, EINVAL, "power callback is required");
        return NULL;
    }
    struct th_power *p = calloc(1, sizeof *p);
    if (p == NULL) {
        th_fail(err, errlen, ENOMEM, "power watch");
        return NULL;
    }
    p->callback = callback;
    p->ctx = ctx;
    p->root_port = IORegisterForSystemPower(p, &p->port, on_power, &p->notifier);
    if (p->root_port == MACH_PORT_NULL) {
        free(p);
        th_fail(err, errlen, EIO, "IORegisterForSystemPower");
        return NULL;
    }
    p->queue = dispatch_queue_create("dev.tunnelhelper.shim.power", DISPATCH_QUEUE_SERIAL);
    p->delivery = dispatch_queue_create("dev.tunnelhelper.shim.power.delivery", DISPATCH_QUEUE_SERIAL);
    IONotificationPortSetDispatchQueue(p->port, p->queue);
    return p;
}

void th_power_unwatch(th_power *p) {
    if (p == NULL) return;
    IODeregisterForSystemPower(&p->notifier);
    IOServiceClose(p->root_port);
    IONotificationPortDestroy(p->port);
    /* IOKit's queue only acknowledges and hands off, so waiting for it never waits for a
     * callback (and this is never called on it). */
    dispatch_sync(p->queue, ^{
    });
    dispatch_release(p->queue);
    /* Callbacks queued but not started are skipped. One that is running (perhaps the caller
     * itself, or a listener that is stuck) is not waited for: p is freed after it, on its queue. */
    atomic_store(&p->closed, 1);
    dispatch_async(p->delivery, ^{
      dispatch_release(p->delivery);
      free(p);
    });
}
#endif

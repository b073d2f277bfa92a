/*
 * xpcsim: the subset of libdispatch (<dispatch/dispatch.h>) the shim and the simulator use, with
 * Apple's signatures and C (non-Objective-C) object model. Implemented by dispatch.c.
 */
#ifndef XPCSIM_DISPATCH_H
#define XPCSIM_DISPATCH_H
#include <Block.h>
#include <stdint.h>

#ifndef __BLOCKS__
#error "libdispatch needs Blocks support (-fblocks)"
#endif

typedef struct dispatch_queue_s *dispatch_queue_t;
typedef struct dispatch_queue_attr_s *dispatch_queue_attr_t;
/* In C, Apple's dispatch_object_t is a transparent union of every dispatch type; a void pointer
 * accepts the same arguments. */
typedef void *dispatch_object_t;
typedef void (^dispatch_block_t)(void);
typedef void (*dispatch_function_t)(void *);

extern struct dispatch_queue_attr_s _dispatch_queue_attr_concurrent;
#define DISPATCH_QUEUE_SERIAL ((dispatch_queue_attr_t)0)
#define DISPATCH_QUEUE_CONCURRENT (&_dispatch_queue_attr_concurrent)
#define DISPATCH_QUEUE_PRIORITY_HIGH 2
#define DISPATCH_QUEUE_PRIORITY_DEFAULT 0
#define DISPATCH_QUEUE_PRIORITY_LOW (-2)
#define DISPATCH_QUEUE_PRIORITY_BACKGROUND INT16_MIN

dispatch_queue_t dispatch_queue_create(const char *label, dispatch_queue_attr_t attr);
dispatch_queue_t dispatch_get_global_queue(long identifier, unsigned long flags);
void dispatch_async(dispatch_queue_t queue, dispatch_block_t block);
void dispatch_async_f(dispatch_queue_t queue, void *context, dispatch_function_t work);
void dispatch_sync(dispatch_queue_t queue, dispatch_block_t block);
void dispatch_sync_f(dispatch_queue_t queue, void *context, dispatch_function_t work);
void dispatch_set_target_queue(dispatch_object_t object, dispatch_queue_t queue);
void dispatch_suspend(dispatch_object_t object);
void dispatch_resume(dispatch_object_t object);
void dispatch_retain(dispatch_object_t object);
void dispatch_release(dispatch_object_t object);
void dispatch_queue_set_specific(dispatch_queue_t queue, const void *key, void *context, dispatch_function_t destructor);
void *dispatch_get_specific(const void *key);
#endif

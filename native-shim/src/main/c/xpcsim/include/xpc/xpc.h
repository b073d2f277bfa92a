/*
 * xpcsim: the subset of libxpc (<xpc/xpc.h>, <xpc/connection.h>, <xpc/endpoint.h>) the shim uses,
 * with Apple's C signatures. Implemented by xpc_object.c and xpc_connection.c; the semantics are
 * those of Apple's header documentation (see docs/native-shim.md, "The libxpc simulator").
 */
#ifndef XPCSIM_XPC_H
#define XPCSIM_XPC_H
#include <dispatch/dispatch.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef __BLOCKS__
#error "XPC connections require Blocks support."
#endif

typedef void *xpc_object_t;
typedef struct _xpc_connection_s *xpc_connection_t;
typedef struct _xpc_endpoint_s *xpc_endpoint_t;
typedef const struct _xpc_type_s *xpc_type_t;
typedef void (^xpc_handler_t)(xpc_object_t object);
typedef void (*xpc_finalizer_t)(void *value);

extern const struct _xpc_type_s _xpc_type_connection, _xpc_type_endpoint, _xpc_type_dictionary, _xpc_type_error,
    _xpc_type_data, _xpc_type_string, _xpc_type_int64, _xpc_type_fd;
#define XPC_TYPE_CONNECTION (&_xpc_type_connection)
#define XPC_TYPE_ENDPOINT (&_xpc_type_endpoint)
#define XPC_TYPE_DICTIONARY (&_xpc_type_dictionary)
#define XPC_TYPE_ERROR (&_xpc_type_error)
#define XPC_TYPE_DATA (&_xpc_type_data)
#define XPC_TYPE_STRING (&_xpc_type_string)
#define XPC_TYPE_INT64 (&_xpc_type_int64)
#define XPC_TYPE_FD (&_xpc_type_fd)

/* The error objects are global singletons: handlers compare them by identity. */
struct _xpc_dictionary_s;
extern const struct _xpc_dictionary_s _xpc_error_connection_interrupted, _xpc_error_connection_invalid,
    _xpc_error_peer_code_signing_requirement;
#define XPC_ERROR_CONNECTION_INTERRUPTED ((xpc_object_t)&_xpc_error_connection_interrupted)
#define XPC_ERROR_CONNECTION_INVALID ((xpc_object_t)&_xpc_error_connection_invalid)
#define XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT ((xpc_object_t)&_xpc_error_peer_code_signing_requirement)
extern const char *const _xpc_error_key_description;
#define XPC_ERROR_KEY_DESCRIPTION _xpc_error_key_description

#define XPC_CONNECTION_MACH_SERVICE_LISTENER (1 << 0)
#define XPC_CONNECTION_MACH_SERVICE_PRIVILEGED (1 << 1)

xpc_object_t xpc_retain(xpc_object_t object);
void xpc_release(xpc_object_t object);
xpc_type_t xpc_get_type(xpc_object_t object);

xpc_object_t xpc_dictionary_create(const char *const *keys, const xpc_object_t *values, size_t count);
xpc_object_t xpc_dictionary_create_reply(xpc_object_t original);
xpc_connection_t xpc_dictionary_get_remote_connection(xpc_object_t xdict);
void xpc_dictionary_set_data(xpc_object_t xdict, const char *key, const void *bytes, size_t length);
const void *xpc_dictionary_get_data(xpc_object_t xdict, const char *key, size_t *length);
void xpc_dictionary_set_string(xpc_object_t xdict, const char *key, const char *string);
const char *xpc_dictionary_get_string(xpc_object_t xdict, const char *key);
void xpc_dictionary_set_int64(xpc_object_t xdict, const char *key, int64_t value);
int64_t xpc_dictionary_get_int64(xpc_object_t xdict, const char *key);
void xpc_dictionary_set_fd(xpc_object_t xdict, const char *key, int fd);
int xpc_dictionary_dup_fd(xpc_object_t xdict, const char *key);

xpc_connection_t xpc_connection_create(const char *name, dispatch_queue_t targetq);
xpc_connection_t xpc_connection_create_mach_service(const char *name, dispatch_queue_t targetq, uint64_t flags);
xpc_connection_t xpc_connection_create_from_endpoint(xpc_endpoint_t endpoint);
xpc_endpoint_t xpc_endpoint_create(xpc_connection_t connection);
void xpc_connection_set_target_queue(xpc_connection_t connection, dispatch_queue_t targetq);
void xpc_connection_set_event_handler(xpc_connection_t connection, xpc_handler_t handler);
void xpc_connection_resume(xpc_connection_t connection);
void xpc_connection_cancel(xpc_connection_t connection);
void xpc_connection_send_message(xpc_connection_t connection, xpc_object_t message);
void xpc_connection_send_barrier(xpc_connection_t connection, dispatch_block_t barrier);
void xpc_connection_send_message_with_reply(xpc_connection_t connection, xpc_object_t message,
                                            dispatch_queue_t replyq, xpc_handler_t handler);
xpc_object_t xpc_connection_send_message_with_reply_sync(xpc_connection_t connection, xpc_object_t message);
void xpc_connection_set_context(xpc_connection_t connection, void *context);
void *xpc_connection_get_context(xpc_connection_t connection);
void xpc_connection_set_finalizer_f(xpc_connection_t connection, xpc_finalizer_t finalizer);
uid_t xpc_connection_get_euid(xpc_connection_t connection);
pid_t xpc_connection_get_pid(xpc_connection_t connection);
int xpc_connection_set_peer_code_signing_requirement(xpc_connection_t connection, const char *requirement);
#endif

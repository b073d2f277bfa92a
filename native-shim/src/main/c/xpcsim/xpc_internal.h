/* libxpc simulator internals shared by xpc_object.c and xpc_connection.c. */
#ifndef XPCSIM_XPC_INTERNAL_H
#define XPCSIM_XPC_INTERNAL_H
#include <xpc/xpc.h>

#include <pthread.h>
#include <stdatomic.h>

#include "sim.h"

struct _xpc_type_s { const char *name; };

struct xobj {
    const struct _xpc_type_s *type;
    _Atomic int refcnt;
    int immortal;
};

struct xentry { struct xentry *next; char *key; struct xobj *value; };

struct _xpc_dictionary_s {
    struct xobj h;
    struct xentry *entries;
    /* Received messages: where they came from, and their reply context. */
    struct _xpc_connection_s *remote;
    uint64_t msg_id;
    int expects_reply;
    /* Replies created by xpc_dictionary_create_reply. */
    int is_reply;
    uint64_t reply_to;
    /* Error singletons only. */
    const char *error_text;
};

struct xdata { struct xobj h; size_t len; uint8_t bytes[]; };
struct xstring { struct xobj h; char s[]; };
struct xint64 { struct xobj h; int64_t v; };
struct xfd { struct xobj h; int fd; };
struct _xpc_endpoint_s { struct xobj h; struct _xpc_connection_s *listener; };

/* The wire format between processes (xpc_connection.c): one frame per message, a header then the
 * serialized dictionary; the frame's descriptors travel as SCM_RIGHTS with its first byte. */
#define XPCSIM_FRAME_MAGIC 0x4d495358u /* "XSIM" */
#define XPCSIM_MAX_FRAME_BODY (64u << 20)
#define XPCSIM_MAX_FRAME_FDS 32
enum xpcsim_frame_kind { XPCSIM_F_MESSAGE = 0, XPCSIM_F_MESSAGE_WANTS_REPLY = 1, XPCSIM_F_REPLY = 2 };
struct xpcsim_frame_header {
    uint32_t magic;
    uint32_t body_len;
    uint32_t kind;
    uint32_t nfds;
    uint64_t id;
    uint64_t reply_to;
};

void *xobj_alloc(const struct _xpc_type_s *type, size_t size);
/* XPC objects alive in this process (leak checks in the simulator's own tests). */
long xpcsim_live_objects(void);
void xpcsim_dict_put(struct _xpc_dictionary_s *d, const char *key, struct xobj *value);
struct xobj *xpcsim_dict_get(const struct _xpc_dictionary_s *d, const char *key, const struct _xpc_type_s *type);
struct xobj *xpcsim_fd_object(int owned_fd);
void xpcsim_connection_destroy(struct _xpc_connection_s *c);
#endif

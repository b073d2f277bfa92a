/* XPC objects: reference-counted dictionaries, data, strings, int64, fds and the global errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xpc_internal.h"

const struct _xpc_type_s _xpc_type_connection = {"connection"}, _xpc_type_endpoint = {"endpoint"},
                         _xpc_type_dictionary = {"dictionary"}, _xpc_type_error = {"error"},
                         _xpc_type_data = {"data"}, _xpc_type_string = {"string"}, _xpc_type_int64 = {"int64"},
                         _xpc_type_fd = {"fd"};

const char *const _xpc_error_key_description = "XPCErrorDescription";

#define ERROR_OBJECT(text) {.h = {.type = &_xpc_type_error, .refcnt = 1, .immortal = 1}, .error_text = text}
const struct _xpc_dictionary_s _xpc_error_connection_interrupted = ERROR_OBJECT("Connection interrupted");
const struct _xpc_dictionary_s _xpc_error_connection_invalid = ERROR_OBJECT("Connection invalid");
const struct _xpc_dictionary_s _xpc_error_peer_code_signing_requirement =
    ERROR_OBJECT("Peer forbidden: it does not satisfy the code signing requirement");

static _Atomic long live_objects;

long xpcsim_live_objects(void) { return atomic_load(&live_objects); }

void *xobj_alloc(const struct _xpc_type_s *type, size_t size) {
    struct xobj *o = calloc(1, size);
    if (o == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    atomic_fetch_add(&live_objects, 1);
    o->type = type;
    atomic_init(&o->refcnt, 1);
    return o;
}

xpc_object_t xpc_retain(xpc_object_t object) {
    struct xobj *o = object;
    if (!o->immortal) atomic_fetch_add(&o->refcnt, 1);
    return object;
}

static void destroy(struct xobj *o) {
    atomic_fetch_sub(&live_objects, 1);
    if (o->type == &_xpc_type_dictionary) {
        struct _xpc_dictionary_s *d = (struct _xpc_dictionary_s *)o;
        for (struct xentry *e = d->entries; e != NULL;) {
            struct xentry *next = e->next;
            xpc_release(e->value);
            free(e->key);
            free(e);
            e = next;
        }
        if (d->remote != NULL) xpc_release(d->remote);
    } else if (o->type == &_xpc_type_fd) {
        close(((struct xfd *)o)->fd);
    } else if (o->type == &_xpc_type_connection) {
        xpcsim_connection_destroy((struct _xpc_connection_s *)o);
        return;
    } else if (o->type == &_xpc_type_endpoint) {
        xpc_release(((struct _xpc_endpoint_s *)o)->listener);
    }
    free(o);
}

void xpc_release(xpc_object_t object) {
    struct xobj *o = object;
    if (o->immortal) return;
    int left = atomic_fetch_sub(&o->refcnt, 1) - 1;
    if (left < 0) xpcsim_fatal("BUG IN CLIENT OF LIBXPC: Over-release of an object");
    if (left == 0) destroy(o);
}

xpc_type_t xpc_get_type(xpc_object_t object) { return ((struct xobj *)object)->type; }

xpc_object_t xpc_dictionary_create(const char *const *keys, const xpc_object_t *values, size_t count) {
    struct _xpc_dictionary_s *d = xobj_alloc(&_xpc_type_dictionary, sizeof *d);
    for (size_t i = 0; i < count; i++) xpcsim_dict_put(d, keys[i], xpc_retain(values[i]));
    return d;
}

static struct _xpc_dictionary_s *as_dict(xpc_object_t o, const char *fn) {
    struct xobj *x = o;
    if (x->type != &_xpc_type_dictionary) {
        xpcsim_fatal("BUG IN CLIENT OF LIBXPC: %s given an object of type %s, not a dictionary", fn, x->type->name);
    }
    return o;
}

void xpcsim_dict_put(struct _xpc_dictionary_s *d, const char *key, struct xobj *value) {
    for (struct xentry *e = d->entries; e != NULL; e = e->next) {
        if (strcmp(e->key, key) == 0) {
            xpc_release(e->value);
            e->value = value;
            return;
        }
    }
    struct xentry *e = calloc(1, sizeof *e);
    if (e == NULL || (e->key = strdup(key)) == NULL) xpcsim_fatal("libxpc simulator: out of memory");
    e->value = value;
    /* Appended, so serialization keeps insertion order. */
    struct xentry **tail = &d->entries;
    while (*tail != NULL) tail = &(*tail)->next;
    *tail = e;
}

struct xobj *xpcsim_dict_get(const struct _xpc_dictionary_s *d, const char *key, const struct _xpc_type_s *type) {
    for (struct xentry *e = d->entries; e != NULL; e = e->next) {
        if (strcmp(e->key, key) == 0) return e->value->type == type ? e->value : NULL;
    }
    return NULL;
}

xpc_object_t xpc_dictionary_create_reply(xpc_object_t original) {
    struct _xpc_dictionary_s *o = as_dict(original, "xpc_dictionary_create_reply");
    /* Only a received message whose sender waits for a reply has a reply context. */
    if (!o->expects_reply || o->remote == NULL) return NULL;
    struct _xpc_dictionary_s *r = xobj_alloc(&_xpc_type_dictionary, sizeof *r);
    r->is_reply = 1;
    r->reply_to = o->msg_id;
    r->remote = xpc_retain(o->remote);
    return r;
}

xpc_connection_t xpc_dictionary_get_remote_connection(xpc_object_t xdict) {
    return as_dict(xdict, "xpc_dictionary_get_remote_connection")->remote;
}

void xpc_dictionary_set_data(xpc_object_t xdict, const char *key, const void *bytes, size_t length) {
    struct xdata *v = xobj_alloc(&_xpc_type_data, sizeof *v + length);
    v->len = length;
    if (length > 0) memcpy(v->bytes, bytes, length);
    xpcsim_dict_put(as_dict(xdict, "xpc_dictionary_set_data"), key, &v->h);
}

const void *xpc_dictionary_get_data(xpc_object_t xdict, const char *key, size_t *length) {
    struct xdata *v = (struct xdata *)xpcsim_dict_get(as_dict(xdict, "xpc_dictionary_get_data"), key, &_xpc_type_data);
    if (v == NULL) return NULL;
    if (length != NULL) *length = v->len;
    return v->bytes;
}

void xpc_dictionary_set_string(xpc_object_t xdict, const char *key, const char *string) {
    size_t n = strlen(string);
    struct xstring *v = xobj_alloc(&_xpc_type_string, sizeof *v + n + 1);
    memcpy(v->s, string, n + 1);
    xpcsim_dict_put(as_dict(xdict, "xpc_dictionary_set_string"), key, &v->h);
}

const char *xpc_dictionary_get_string(xpc_object_t xdict, const char *key) {
    struct xobj *x = xdict;
    if (x->type == &_xpc_type_error) {
        const struct _xpc_dictionary_s *e = xdict;
        return strcmp(key, XPC_ERROR_KEY_DESCRIPTION) == 0 ? e->error_text : NULL;
    }
    struct xstring *v = (struct xstring *)xpcsim_dict_get(as_dict(xdict, "xpc_dictionary_get_string"), key, &_xpc_type_string);
    return v != NULL ? v->s : NULL;
}

void xpc_dictionary_set_int64(xpc_object_t xdict, const char *key, int64_t value) {
    struct xint64 *v = xobj_alloc(&_xpc_type_int64, sizeof *v);
    v->v = value;
    xpcsim_dict_put(as_dict(xdict, "xpc_dictionary_set_int64"), key, &v->h);
}

int64_t xpc_dictionary_get_int64(xpc_object_t xdict, const char *key) {
    struct xint64 *v = (struct xint64 *)xpcsim_dict_get(as_dict(xdict, "xpc_dictionary_get_int64"), key, &_xpc_type_int64);
    return v != NULL ? v->v : 0;
}

struct xobj *xpcsim_fd_object(int owned_fd) {
    struct xfd *v = xobj_alloc(&_xpc_type_fd, sizeof *v);
    v->fd = owned_fd;
    return &v->h;
}

void xpc_dictionary_set_fd(xpc_object_t xdict, const char *key, int fd) {
    struct _xpc_dictionary_s *d = as_dict(xdict, "xpc_dictionary_set_fd");
    /* The dictionary holds its own duplicate: the caller keeps (and must close) fd. */
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return;
    xpcsim_dict_put(d, key, xpcsim_fd_object(copy));
}

int xpc_dictionary_dup_fd(xpc_object_t xdict, const char *key) {
    struct xfd *v = (struct xfd *)xpcsim_dict_get(as_dict(xdict, "xpc_dictionary_dup_fd"), key, &_xpc_type_fd);
    if (v == NULL) return -1;
    return fcntl(v->fd, F_DUPFD_CLOEXEC, 0);
}

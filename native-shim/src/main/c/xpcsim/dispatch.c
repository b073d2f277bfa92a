/*
 * libdispatch subset: serial and concurrent queues, target queues, async/sync, suspend/resume,
 * queue-specific data, over a pool of worker threads that grows whenever every worker is busy
 * (as the kernel's workqueue adds threads when workers block), so a blocked handler never
 * starves other queues.
 *
 * Faithful points: a serial queue runs one item at a time in FIFO order, on whatever worker;
 * a serial queue's drain is itself an item of its target queue, so queues targeting one serial
 * queue are serialized with each other; dispatch_sync on a queue the calling thread is already
 * draining is a deadlock, which libdispatch turns into a crash, and so does this; over-resume
 * and releasing a suspended queue crash as in libdispatch.
 */
#define _GNU_SOURCE
#include <dispatch/dispatch.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

enum kind { KIND_SERIAL, KIND_CONCURRENT, KIND_ROOT };

struct item {
    struct item *next;
    dispatch_function_t fn;
    void *ctx;
    struct dispatch_queue_s *queue; /* the queue the item was submitted to, for queue ownership */
    struct sync_wait *sync;         /* non-NULL for dispatch_sync on a serial queue */
};

struct specific {
    struct specific *next;
    const void *key;
    void *ctx;
    dispatch_function_t destructor;
};

struct dispatch_queue_s {
    _Atomic int refcnt;
    enum kind kind;
    int immortal;
    char label[64];
    struct dispatch_queue_s *target;
    pthread_mutex_t lock;
    struct item *head, *tail;
    int suspended;
    int scheduled; /* serial: a drain is queued on the target or running */
    struct specific *specifics;
};

struct dispatch_queue_attr_s { int concurrent; };
struct dispatch_queue_attr_s _dispatch_queue_attr_concurrent = {1};

struct sync_wait {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int reached;
    int done;
};

static struct dispatch_queue_s root_queue = {
    .refcnt = 1, .kind = KIND_ROOT, .immortal = 1, .label = "com.apple.root.default-qos",
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

/* ---- worker pool (the root queue) ---- */
#define MAX_WORKERS 512
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static struct item *pool_head, *pool_tail;
static int pool_workers, pool_idle, pool_len; /* threads; threads waiting for work; items waiting */

/* The queues this thread is running items of, innermost last. */
#define MAX_DEPTH 32
static __thread struct dispatch_queue_s *owned[MAX_DEPTH];
static __thread int owned_depth;

static void push_owned(struct dispatch_queue_s *q) {
    if (owned_depth == MAX_DEPTH) xpcsim_fatal("libdispatch simulator: queue nesting deeper than %d", MAX_DEPTH);
    owned[owned_depth++] = q;
}

static void pop_owned(void) { owned_depth--; }

static void run_item(struct item *it);

static void *worker_main(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "xpcsim-worker");
    pthread_mutex_lock(&pool_lock);
    for (;;) {
        while (pool_head == NULL) {
            pool_idle++;
            pthread_cond_wait(&pool_cond, &pool_lock);
            pool_idle--;
        }
        struct item *it = pool_head;
        pool_head = it->next;
        if (pool_head == NULL) pool_tail = NULL;
        pool_len--;
        pthread_mutex_unlock(&pool_lock);
        run_item(it);
        pthread_mutex_lock(&pool_lock);
    }
    return NULL;
}

static void pool_push(struct item *it) {
    it->next = NULL;
    pthread_mutex_lock(&pool_lock);
    if (pool_tail != NULL) pool_tail->next = it; else pool_head = it;
    pool_tail = it;
    pool_len++;
    /* More items waiting than idle workers to take them: another worker, or an item could wait
     * behind one that blocks. (A signalled worker stays counted as idle until it wakes, so
     * comparing with the queue length, not with zero, is what keeps two quick pushes from
     * sharing one worker.) */
    if (pool_len > pool_idle && pool_workers < MAX_WORKERS) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker_main, NULL) == 0) pool_workers++;
        pthread_attr_destroy(&attr);
        if (pool_workers == 0) xpcsim_fatal("libdispatch simulator: cannot start a worker thread");
    }
    if (pool_idle > 0) pthread_cond_signal(&pool_cond);
    pthread_mutex_unlock(&pool_lock);
}

/* ---- queues ---- */
static struct dispatch_queue_s *as_queue(dispatch_object_t o) { return (struct dispatch_queue_s *)o; }

dispatch_queue_t dispatch_get_global_queue(long identifier, unsigned long flags) {
    (void)identifier;
    (void)flags;
    return &root_queue;
}

dispatch_queue_t dispatch_queue_create(const char *label, dispatch_queue_attr_t attr) {
    struct dispatch_queue_s *q = calloc(1, sizeof *q);
    if (q == NULL) xpcsim_fatal("libdispatch simulator: out of memory");
    atomic_init(&q->refcnt, 1);
    q->kind = (attr != NULL && attr->concurrent) ? KIND_CONCURRENT : KIND_SERIAL;
    snprintf(q->label, sizeof q->label, "%s", label != NULL ? label : "");
    q->target = &root_queue;
    pthread_mutex_init(&q->lock, NULL);
    return q;
}

void dispatch_retain(dispatch_object_t o) {
    struct dispatch_queue_s *q = as_queue(o);
    if (!q->immortal) atomic_fetch_add(&q->refcnt, 1);
}

void dispatch_release(dispatch_object_t o) {
    struct dispatch_queue_s *q = as_queue(o);
    if (q->immortal) return;
    int left = atomic_fetch_sub(&q->refcnt, 1) - 1;
    if (left < 0) xpcsim_fatal("BUG IN CLIENT OF LIBDISPATCH: Over-release of an object");
    if (left > 0) return;
    if (q->suspended > 0) xpcsim_fatal("BUG IN CLIENT OF LIBDISPATCH: Release of a suspended object");
    for (struct specific *s = q->specifics; s != NULL;) {
        struct specific *next = s->next;
        if (s->destructor != NULL) s->destructor(s->ctx);
        free(s);
        s = next;
    }
    dispatch_release(q->target);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

static void enqueue(struct dispatch_queue_s *q, struct item *it);

/* With q locked: make sure pending items will run. */
static void schedule_locked(struct dispatch_queue_s *q);

static void drain_serial(void *ctx) {
    struct dispatch_queue_s *q = ctx;
    push_owned(q);
    for (;;) {
        pthread_mutex_lock(&q->lock);
        struct item *it = q->suspended > 0 ? NULL : q->head;
        if (it == NULL) {
            q->scheduled = 0;
            pthread_mutex_unlock(&q->lock);
            break;
        }
        q->head = it->next;
        if (q->head == NULL) q->tail = NULL;
        pthread_mutex_unlock(&q->lock);
        run_item(it);
    }
    pop_owned();
    dispatch_release(q);
}

static void forward_concurrent(struct dispatch_queue_s *q, struct item *it) {
    /* The item keeps naming q as its queue, so ownership and specifics see q while it runs. */
    struct dispatch_queue_s *target = q->target;
    dispatch_retain(target);
    if (target->kind == KIND_ROOT) {
        pool_push(it);
    } else {
        enqueue(target, it);
    }
    dispatch_release(target);
}

static void schedule_locked(struct dispatch_queue_s *q) {
    if (q->suspended > 0 || q->head == NULL) return;
    if (q->kind == KIND_SERIAL) {
        if (q->scheduled) return;
        q->scheduled = 1;
        dispatch_retain(q);
        struct item *drain = calloc(1, sizeof *drain);
        if (drain == NULL) xpcsim_fatal("libdispatch simulator: out of memory");
        drain->fn = drain_serial;
        drain->ctx = q;
        drain->queue = NULL;
        struct dispatch_queue_s *target = q->target;
        if (target->kind == KIND_ROOT) pool_push(drain); else enqueue(target, drain);
    } else {
        while (q->head != NULL) {
            struct item *it = q->head;
            q->head = it->next;
            if (q->head == NULL) q->tail = NULL;
            forward_concurrent(q, it);
        }
    }
}

static void enqueue(struct dispatch_queue_s *q, struct item *it) {
    it->next = NULL;
    if (q->kind == KIND_ROOT) {
        pool_push(it);
        return;
    }
    pthread_mutex_lock(&q->lock);
    if (q->tail != NULL) q->tail->next = it; else q->head = it;
    q->tail = it;
    schedule_locked(q);
    pthread_mutex_unlock(&q->lock);
}

static void run_item(struct item *it) {
    if (it->sync != NULL) {
        /* dispatch_sync's turn: hand the queue to the waiting caller, which runs the work on its
         * own thread, and hold this worker (and so the queue) until it is done. */
        struct sync_wait *w = it->sync;
        pthread_mutex_lock(&w->lock);
        w->reached = 1;
        pthread_cond_broadcast(&w->cond);
        while (!w->done) pthread_cond_wait(&w->cond, &w->lock);
        pthread_mutex_unlock(&w->lock);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        free(w);
    } else {
        if (it->queue != NULL && it->queue->kind != KIND_SERIAL) push_owned(it->queue);
        it->fn(it->ctx);
        if (it->queue != NULL && it->queue->kind != KIND_SERIAL) pop_owned();
    }
    if (it->queue != NULL) dispatch_release(it->queue);
    free(it);
}

void dispatch_async_f(dispatch_queue_t q, void *ctx, dispatch_function_t fn) {
    struct item *it = calloc(1, sizeof *it);
    if (it == NULL) xpcsim_fatal("libdispatch simulator: out of memory");
    it->fn = fn;
    it->ctx = ctx;
    it->queue = q;
    dispatch_retain(q);
    enqueue(q, it);
}

static void invoke_block(void *ctx) {
    dispatch_block_t b = ctx;
    b();
    Block_release(b);
}

void dispatch_async(dispatch_queue_t q, dispatch_block_t block) {
    dispatch_async_f(q, Block_copy(block), invoke_block);
}

int xpcsim_dispatch_would_deadlock(struct dispatch_queue_s *q) {
    for (struct dispatch_queue_s *x = q; x != NULL; x = x->target) {
        if (x->kind != KIND_SERIAL) continue;
        for (int i = 0; i < owned_depth; i++) {
            if (owned[i] == x) return 1;
        }
    }
    return 0;
}

void dispatch_sync_f(dispatch_queue_t q, void *ctx, dispatch_function_t fn) {
    if (xpcsim_dispatch_would_deadlock(q)) {
        xpcsim_fatal("BUG IN CLIENT OF LIBDISPATCH: dispatch_sync called on queue already owned by current thread"
                     " (queue \"%s\")", q->label);
    }
    if (q->kind != KIND_SERIAL) {
        push_owned(q);
        fn(ctx);
        pop_owned();
        return;
    }
    struct sync_wait *w = calloc(1, sizeof *w);
    struct item *it = calloc(1, sizeof *it);
    if (w == NULL || it == NULL) xpcsim_fatal("libdispatch simulator: out of memory");
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    it->sync = w;
    it->queue = q;
    dispatch_retain(q);
    enqueue(q, it);
    pthread_mutex_lock(&w->lock);
    while (!w->reached) pthread_cond_wait(&w->cond, &w->lock);
    pthread_mutex_unlock(&w->lock);
    /* This thread now owns q and every serial queue above it (their drains wait for it). */
    int pushed = 0;
    for (struct dispatch_queue_s *x = q; x != NULL; x = x->target) {
        if (x->kind == KIND_SERIAL) {
            push_owned(x);
            pushed++;
        }
    }
    fn(ctx);
    owned_depth -= pushed;
    pthread_mutex_lock(&w->lock);
    w->done = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static void invoke_block_borrowed(void *ctx) {
    dispatch_block_t b = ctx;
    b();
}

void dispatch_sync(dispatch_queue_t q, dispatch_block_t block) {
    dispatch_sync_f(q, (void *)block, invoke_block_borrowed);
}

void dispatch_set_target_queue(dispatch_object_t o, dispatch_queue_t tq) {
    struct dispatch_queue_s *q = as_queue(o);
    if (q->immortal) return;
    if (tq == NULL) tq = &root_queue;
    for (struct dispatch_queue_s *x = tq; x != NULL; x = x->target) {
        if (x == q) xpcsim_fatal("BUG IN CLIENT OF LIBDISPATCH: Cycle in target queue hierarchy");
    }
    dispatch_retain(tq);
    pthread_mutex_lock(&q->lock);
    struct dispatch_queue_s *old = q->target;
    q->target = tq;
    pthread_mutex_unlock(&q->lock);
    dispatch_release(old);
}

void dispatch_suspend(dispatch_object_t o) {
    struct dispatch_queue_s *q = as_queue(o);
    if (q->immortal) return;
    pthread_mutex_lock(&q->lock);
    q->suspended++;
    pthread_mutex_unlock(&q->lock);
}

void dispatch_resume(dispatch_object_t o) {
    struct dispatch_queue_s *q = as_queue(o);
    if (q->immortal) return;
    pthread_mutex_lock(&q->lock);
    if (q->suspended == 0) {
        pthread_mutex_unlock(&q->lock);
        xpcsim_fatal("BUG IN CLIENT OF LIBDISPATCH: Over-resume of an object (queue \"%s\")", q->label);
    }
    q->suspended--;
    schedule_locked(q);
    pthread_mutex_unlock(&q->lock);
}

void dispatch_queue_set_specific(dispatch_queue_t q, const void *key, void *ctx, dispatch_function_t destructor) {
    if (q->immortal) return;
    struct specific *s = calloc(1, sizeof *s);
    if (s == NULL) xpcsim_fatal("libdispatch simulator: out of memory");
    s->key = key;
    s->ctx = ctx;
    s->destructor = destructor;
    pthread_mutex_lock(&q->lock);
    s->next = q->specifics;
    q->specifics = s;
    pthread_mutex_unlock(&q->lock);
}

void *dispatch_get_specific(const void *key) {
    if (owned_depth == 0) return NULL;
    for (struct dispatch_queue_s *x = owned[owned_depth - 1]; x != NULL; x = x->target) {
        pthread_mutex_lock(&x->lock);
        for (struct specific *s = x->specifics; s != NULL; s = s->next) {
            if (s->key == key) {
                void *ctx = s->ctx;
                pthread_mutex_unlock(&x->lock);
                return ctx;
            }
        }
        pthread_mutex_unlock(&x->lock);
    }
    return NULL;
}

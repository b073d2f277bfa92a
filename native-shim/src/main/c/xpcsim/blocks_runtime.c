/*
 * A Blocks runtime for C (no Objective-C, no GC), after clang's Block-ABI-Apple: what a compiler
 * run with -fblocks emits calls to. gcc has no blocks and zig ships no runtime, so the simulator
 * brings its own. Reference counts live in the flags word in steps of 2, as in the ABI.
 */
#include <Block.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    BLOCK_DEALLOCATING = 0x0001,
    BLOCK_REFCOUNT_MASK = 0xfffe,
    BLOCK_NEEDS_FREE = 1 << 24,
    BLOCK_HAS_COPY_DISPOSE = 1 << 25,
    BLOCK_IS_GLOBAL = 1 << 28,
};
enum { BLOCK_BYREF_LAYOUT_EXTENDED = 1 << 28, BLOCK_BYREF_HAS_COPY_DISPOSE = 1 << 25, BLOCK_BYREF_NEEDS_FREE = 1 << 24 };
enum {
    BLOCK_FIELD_IS_OBJECT = 3,
    BLOCK_FIELD_IS_BLOCK = 7,
    BLOCK_FIELD_IS_BYREF = 8,
    BLOCK_FIELD_IS_WEAK = 16,
    BLOCK_BYREF_CALLER = 128,
    BLOCK_ALL_COPY_DISPOSE_FLAGS = BLOCK_FIELD_IS_OBJECT | BLOCK_FIELD_IS_BLOCK | BLOCK_FIELD_IS_BYREF |
                                   BLOCK_FIELD_IS_WEAK | BLOCK_BYREF_CALLER,
};

struct block_descriptor_1 { unsigned long reserved; unsigned long size; };
struct block_descriptor_2 { void (*copy)(void *dst, const void *src); void (*dispose)(const void *); };
struct block_layout {
    void *isa;
    _Atomic int32_t flags;
    int32_t reserved;
    void (*invoke)(void *, ...);
    struct block_descriptor_1 *descriptor;
};
struct block_byref {
    void *isa;
    struct block_byref *forwarding;
    _Atomic int32_t flags;
    uint32_t size;
};
struct block_byref_2 { void (*keep)(struct block_byref *dst, struct block_byref *src); void (*destroy)(struct block_byref *); };
struct block_byref_3 { const char *layout; };

/* The isa values the compiler emits; only their addresses matter. */
void *_NSConcreteStackBlock[32];
void *_NSConcreteGlobalBlock[32];
void *_NSConcreteMallocBlock[32];

static void latching_incr(_Atomic int32_t *flags) {
    int32_t old = atomic_load(flags);
    while ((old & BLOCK_REFCOUNT_MASK) != BLOCK_REFCOUNT_MASK &&
           !atomic_compare_exchange_weak(flags, &old, old + 2)) {
    }
}

/* True when the last reference went away. A saturated count never drops (the ABI's rule). */
static int latching_decr_should_free(_Atomic int32_t *flags) {
    int32_t old = atomic_load(flags);
    for (;;) {
        if ((old & BLOCK_REFCOUNT_MASK) == BLOCK_REFCOUNT_MASK || (old & BLOCK_REFCOUNT_MASK) == 0) return 0;
        int last = (old & BLOCK_REFCOUNT_MASK) == 2;
        int32_t next = last ? ((old & ~BLOCK_REFCOUNT_MASK) | BLOCK_DEALLOCATING) : old - 2;
        if (atomic_compare_exchange_weak(flags, &old, next)) return last;
    }
}

static struct block_descriptor_2 *descriptor_2(struct block_layout *b) {
    return (struct block_descriptor_2 *)((char *)b->descriptor + sizeof(struct block_descriptor_1));
}

void *_Block_copy(const void *arg) {
    struct block_layout *a = (struct block_layout *)arg;
    if (a == NULL) return NULL;
    int32_t flags = atomic_load(&a->flags);
    if (flags & BLOCK_NEEDS_FREE) {
        latching_incr(&a->flags);
        return a;
    }
    if (flags & BLOCK_IS_GLOBAL) return a;
    struct block_layout *copy = malloc(a->descriptor->size);
    if (copy == NULL) abort();
    memcpy(copy, a, a->descriptor->size);
    atomic_store(&copy->flags, (flags & ~(BLOCK_REFCOUNT_MASK | BLOCK_DEALLOCATING)) | BLOCK_NEEDS_FREE | 2);
    copy->isa = _NSConcreteMallocBlock;
    if (flags & BLOCK_HAS_COPY_DISPOSE) descriptor_2(a)->copy(copy, a);
    return copy;
}

void _Block_release(const void *arg) {
    struct block_layout *a = (struct block_layout *)arg;
    if (a == NULL) return;
    int32_t flags = atomic_load(&a->flags);
    if ((flags & BLOCK_IS_GLOBAL) || !(flags & BLOCK_NEEDS_FREE)) return;
    if (latching_decr_should_free(&a->flags)) {
        if (flags & BLOCK_HAS_COPY_DISPOSE) descriptor_2(a)->dispose(a);
        free(a);
    }
}

/* Moves a __block variable to the heap the first time a block that uses it is copied. */
static struct block_byref *byref_copy(const void *arg) {
    struct block_byref *src = (struct block_byref *)arg;
    if ((atomic_load(&src->forwarding->flags) & BLOCK_REFCOUNT_MASK) == 0) {
        struct block_byref *copy = malloc(src->size);
        if (copy == NULL) abort();
        int32_t flags = atomic_load(&src->flags);
        copy->isa = NULL;
        /* Two references: the heap copy's user and the stack original that now forwards to it. */
        atomic_store(&copy->flags, flags | BLOCK_BYREF_NEEDS_FREE | 4);
        copy->forwarding = copy;
        src->forwarding = copy;
        copy->size = src->size;
        if (flags & BLOCK_BYREF_HAS_COPY_DISPOSE) {
            struct block_byref_2 *src2 = (struct block_byref_2 *)(src + 1);
            struct block_byref_2 *copy2 = (struct block_byref_2 *)(copy + 1);
            *copy2 = *src2;
            if (flags & BLOCK_BYREF_LAYOUT_EXTENDED) {
                *(struct block_byref_3 *)(copy2 + 1) = *(struct block_byref_3 *)(src2 + 1);
            }
            src2->keep(copy, src);
        } else {
            memmove(copy + 1, src + 1, src->size - sizeof *src);
        }
    } else if (atomic_load(&src->forwarding->flags) & BLOCK_BYREF_NEEDS_FREE) {
        latching_incr(&src->forwarding->flags);
    }
    return src->forwarding;
}

static void byref_release(const void *arg) {
    struct block_byref *byref = ((struct block_byref *)arg)->forwarding;
    int32_t flags = atomic_load(&byref->flags);
    if (!(flags & BLOCK_BYREF_NEEDS_FREE)) return;
    if (latching_decr_should_free(&byref->flags)) {
        if (flags & BLOCK_BYREF_HAS_COPY_DISPOSE) ((struct block_byref_2 *)(byref + 1))->destroy(byref);
        free(byref);
    }
}

/* Called by the compiler's copy helpers for each captured block, __block variable or object. In
 * C an "object" is a plain pointer (dispatch and XPC types are not Objective-C objects here), so
 * it is copied without a retain, exactly as Apple's C compilation mode does. */
void _Block_object_assign(void *dest, const void *object, const int flags) {
    switch (flags & BLOCK_ALL_COPY_DISPOSE_FLAGS) {
    case BLOCK_FIELD_IS_BLOCK:
        *(void **)dest = _Block_copy(object);
        break;
    case BLOCK_FIELD_IS_BYREF | BLOCK_FIELD_IS_WEAK:
    case BLOCK_FIELD_IS_BYREF:
        *(void **)dest = byref_copy(object);
        break;
    default:
        *(const void **)dest = object;
        break;
    }
}

void _Block_object_dispose(const void *object, const int flags) {
    switch (flags & BLOCK_ALL_COPY_DISPOSE_FLAGS) {
    case BLOCK_FIELD_IS_BYREF | BLOCK_FIELD_IS_WEAK:
    case BLOCK_FIELD_IS_BYREF:
        byref_release(object);
        break;
    case BLOCK_FIELD_IS_BLOCK:
        _Block_release(object);
        break;
    default:
        break;
    }
}

/*
 * Simulated code signatures, the requirement language subset, and the Security/CoreFoundation
 * calls the shim makes (SecStaticCode*, SecRequirement*, SecCodeCopySigningInformation).
 *
 * A signature is embedded at the end of the file, as a Mach-O's is: the signed content, then
 * the signature text (identifier, team, anchor, SHA-256 of the content), its length and a
 * magic. ELF programs and scripts that exec run unchanged with bytes appended. A file without
 * the trailer is unsigned; a file whose content no longer matches the hash has an invalid
 * signature. It is not cryptographic: whoever can write the file can "sign" it, so it models
 * what the checks see, not who may sign.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

/* ---- SHA-256 (FIPS 180-4) ---- */
struct sha256 { uint32_t h[8]; uint8_t block[64]; size_t used; uint64_t total; };

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(struct sha256 *s, const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_init(struct sha256 *s) {
    static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, init, sizeof init);
    s->used = 0;
    s->total = 0;
}

static void sha256_update(struct sha256 *s, const uint8_t *p, size_t n) {
    s->total += n;
    while (n > 0) {
        size_t take = 64 - s->used < n ? 64 - s->used : n;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
        if (s->used == 64) {
            sha256_block(s, s->block);
            s->used = 0;
        }
    }
}

static void sha256_hex(struct sha256 *s, char out[65]) {
    uint64_t bits = s->total * 8;
    uint8_t pad = 0x80, zero = 0, len[8];
    sha256_update(s, &pad, 1);
    while (s->used != 56) sha256_update(s, &zero, 1);
    for (int i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(s, len, 8);
    for (int i = 0; i < 8; i++) snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

/* ---- the embedded signature ---- */
#define MAGIC "XPCSIM-SIGN1"
#define TAIL_LEN (4 + 12)
#define MAX_SIG 2048

/* Hashes the first len bytes of fd. */
static int hash_prefix(int fd, off_t len, char hex[65]) {
    struct sha256 s;
    sha256_init(&s);
    uint8_t buf[65536];
    off_t off = 0;
    while (off < len) {
        size_t want = (size_t)(len - off) < sizeof buf ? (size_t)(len - off) : sizeof buf;
        ssize_t n = pread(fd, buf, want, off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        sha256_update(&s, buf, (size_t)n);
        off += n;
    }
    sha256_hex(&s, hex);
    return 0;
}

/* The signature trailer's extent: returns the content length, or -1 when there is none. */
static off_t find_trailer(int fd, off_t size, char *sig, size_t cap) {
    uint8_t tail[TAIL_LEN];
    if (size < TAIL_LEN || pread(fd, tail, TAIL_LEN, size - TAIL_LEN) != TAIL_LEN) return -1;
    if (memcmp(tail + 4, MAGIC, 12) != 0) return -1;
    uint32_t siglen;
    memcpy(&siglen, tail, 4);
    if (siglen == 0 || siglen >= cap || (off_t)siglen > size - TAIL_LEN) return -1;
    off_t content = size - TAIL_LEN - siglen;
    if (pread(fd, sig, siglen, content) != (ssize_t)siglen) return -1;
    sig[siglen] = '\0';
    return content;
}

static void field(const char *sig, const char *key, char *out, size_t cap) {
    out[0] = '\0';
    size_t klen = strlen(key);
    for (const char *line = sig; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        if (len > klen && strncmp(line, key, klen) == 0 && line[klen] == '=') {
            size_t n = len - klen - 1 < cap - 1 ? len - klen - 1 : cap - 1;
            memcpy(out, line + klen + 1, n);
            out[n] = '\0';
            return;
        }
        line = end != NULL ? end + 1 : NULL;
    }
}

int xpcsim_read_signature(int fd, struct xpcsim_signature *sig) {
    memset(sig, 0, sizeof *sig);
    struct stat st;
    if (fstat(fd, &st) != 0) return -errno;
    char text[MAX_SIG];
    off_t content = find_trailer(fd, st.st_size, text, sizeof text);
    if (content < 0) return 0;
    sig->signed_ = 1;
    field(text, "identifier", sig->identifier, sizeof sig->identifier);
    field(text, "team", sig->team, sizeof sig->team);
    char anchor[32], cdhash[80], actual[65];
    field(text, "anchor", anchor, sizeof anchor);
    field(text, "cdhash", cdhash, sizeof cdhash);
    sig->anchor = strcmp(anchor, "apple") == 0 ? XPCSIM_ANCHOR_APPLE
                  : strcmp(anchor, "apple-generic") == 0 ? XPCSIM_ANCHOR_APPLE_GENERIC : XPCSIM_ANCHOR_NONE;
    sig->intact = hash_prefix(fd, content, actual) == 0 && strcmp(actual, cdhash) == 0;
    return 0;
}

/* The file, open for rewriting its signature: an fd, or -errno with "<what> <path>: why" in err. */
static int open_for_signing(const char *path, const char *what, char *err, size_t errlen) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s %s: %s (errno %d)", what, path, strerror(e), e);
        return -e;
    }
    return fd;
}

XPCSIM_EXPORT int xpcsim_codesign_sign(const char *path, const char *identifier, const char *team, const char *anchor,
                                       char *err, size_t errlen) {
    if (path == NULL || identifier == NULL || identifier[0] == '\0' || strchr(identifier, '\n') != NULL ||
        (team != NULL && strchr(team, '\n') != NULL) || anchor == NULL ||
        (strcmp(anchor, "apple") != 0 && strcmp(anchor, "apple-generic") != 0 && strcmp(anchor, "adhoc") != 0)) {
        snprintf(err, errlen, "sign %s: an identifier and an anchor (apple, apple-generic or adhoc) are required",
                 path != NULL ? path : "(null)");
        return -EINVAL;
    }
    int fd = open_for_signing(path, "sign", err, errlen);
    if (fd < 0) return fd;
    struct stat st;
    char text[MAX_SIG], hex[65];
    int rc = fstat(fd, &st) == 0 ? 0 : -errno;
    off_t content = rc == 0 ? find_trailer(fd, st.st_size, text, sizeof text) : 0;
    if (content < 0) content = st.st_size; /* not signed yet; re-signing replaces the signature */
    if (rc == 0 && (hash_prefix(fd, content, hex) != 0 || ftruncate(fd, content) != 0)) rc = -EIO;
    if (rc == 0) {
        int n = snprintf(text, sizeof text, "identifier=%s\nteam=%s\nanchor=%s\ncdhash=%s\n", identifier,
                         team != NULL ? team : "", anchor, hex);
        uint32_t siglen = (uint32_t)n;
        uint8_t tail[TAIL_LEN];
        memcpy(tail, &siglen, 4);
        memcpy(tail + 4, MAGIC, 12);
        if (n <= 0 || n >= (int)sizeof text || pwrite(fd, text, siglen, content) != (ssize_t)siglen ||
            pwrite(fd, tail, TAIL_LEN, content + siglen) != TAIL_LEN) {
            rc = -EIO;
        }
    }
    close(fd);
    if (rc != 0) snprintf(err, errlen, "sign %s: %s (errno %d)", path, strerror(-rc), -rc);
    return rc;
}

/* Changes the signed content of a signed file and keeps its signature, as a patch applied after
 * signing would: one byte is added at the end of the content, where an ELF program or a script
 * that ends in exec does not notice it. The signature then no longer validates. */
XPCSIM_EXPORT int xpcsim_codesign_tamper(const char *path, char *err, size_t errlen) {
    int fd = open_for_signing(path, "tamper with", err, errlen);
    if (fd < 0) return fd;
    struct stat st;
    char text[MAX_SIG];
    off_t content = fstat(fd, &st) == 0 ? find_trailer(fd, st.st_size, text, sizeof text) : -1;
    int rc = 0;
    if (content < 0) {
        snprintf(err, errlen, "tamper with %s: the file is not signed (errno %d)", path, EINVAL);
        rc = -EINVAL;
    } else {
        size_t trailer = (size_t)(st.st_size - content);
        char *saved = malloc(trailer);
        if (saved == NULL || pread(fd, saved, trailer, content) != (ssize_t)trailer ||
            pwrite(fd, "\n", 1, content) != 1 || pwrite(fd, saved, trailer, content + 1) != (ssize_t)trailer) {
            rc = -EIO;
            snprintf(err, errlen, "tamper with %s: %s (errno %d)", path, strerror(EIO), EIO);
        }
        free(saved);
    }
    close(fd);
    return rc;
}

/* ---- the requirement language subset ---- */
enum node_kind { N_AND, N_OR, N_ANCHOR_APPLE, N_ANCHOR_APPLE_GENERIC, N_IDENTIFIER, N_TEAM };
struct xpcsim_requirement {
    enum node_kind kind;
    struct xpcsim_requirement *left, *right;
    char *value;
};

struct parser { const char *p; char tok[512]; int tok_kind; char *why; size_t whylen; int failed; };
enum { TK_END, TK_WORD, TK_STRING, TK_PUNCT };

static void next(struct parser *ps) {
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
    size_t n = 0;
    if (*ps->p == '\0') {
        ps->tok_kind = TK_END;
        ps->tok[0] = '\0';
    } else if (strchr("()[]=", *ps->p) != NULL) {
        ps->tok_kind = TK_PUNCT;
        ps->tok[0] = *ps->p++;
        ps->tok[1] = '\0';
    } else if (*ps->p == '"') {
        ps->p++;
        while (*ps->p != '\0' && *ps->p != '"' && n + 1 < sizeof ps->tok) {
            if (*ps->p == '\\' && ps->p[1] != '\0') ps->p++;
            ps->tok[n++] = *ps->p++;
        }
        ps->tok[n] = '\0';
        if (*ps->p != '"') {
            ps->failed = 1;
            snprintf(ps->why, ps->whylen, "unterminated string");
        } else {
            ps->p++;
        }
        ps->tok_kind = TK_STRING;
    } else {
        while (*ps->p != '\0' && strchr(" \t\r\n()[]=\"", *ps->p) == NULL && n + 1 < sizeof ps->tok) ps->tok[n++] = *ps->p++;
        ps->tok[n] = '\0';
        ps->tok_kind = TK_WORD;
    }
}

static int accept_tok(struct parser *ps, const char *text) {
    if (ps->tok_kind != TK_END && strcmp(ps->tok, text) == 0) {
        next(ps);
        return 1;
    }
    return 0;
}

static struct xpcsim_requirement *node(enum node_kind kind, struct xpcsim_requirement *l, struct xpcsim_requirement *r,
                                       const char *value) {
    struct xpcsim_requirement *n = calloc(1, sizeof *n);
    if (n == NULL) xpcsim_fatal("Security simulator: out of memory");
    n->kind = kind;
    n->left = l;
    n->right = r;
    if (value != NULL && (n->value = strdup(value)) == NULL) xpcsim_fatal("Security simulator: out of memory");
    return n;
}

static struct xpcsim_requirement *fail(struct parser *ps, const char *what) {
    if (!ps->failed) {
        ps->failed = 1;
        snprintf(ps->why, ps->whylen, "%s at \"%s\"", what, ps->tok_kind == TK_END ? "end of text" : ps->tok);
    }
    return NULL;
}

static struct xpcsim_requirement *value_node(struct parser *ps, enum node_kind kind) {
    if (ps->tok_kind != TK_STRING && ps->tok_kind != TK_WORD) return fail(ps, "expected a value");
    struct xpcsim_requirement *n = node(kind, NULL, NULL, ps->tok);
    next(ps);
    return n;
}

static struct xpcsim_requirement *expr(struct parser *ps);

static struct xpcsim_requirement *factor(struct parser *ps) {
    if (accept_tok(ps, "(")) {
        struct xpcsim_requirement *e = expr(ps);
        if (e == NULL) return NULL;
        if (!accept_tok(ps, ")")) {
            xpcsim_requirement_free(e);
            return fail(ps, "expected )");
        }
        return e;
    }
    if (accept_tok(ps, "anchor")) {
        if (!accept_tok(ps, "apple")) return fail(ps, "only \"anchor apple\" and \"anchor apple generic\" are simulated");
        return node(accept_tok(ps, "generic") ? N_ANCHOR_APPLE_GENERIC : N_ANCHOR_APPLE, NULL, NULL, NULL);
    }
    if (accept_tok(ps, "identifier")) {
        accept_tok(ps, "=");
        return value_node(ps, N_IDENTIFIER);
    }
    if (accept_tok(ps, "certificate") || accept_tok(ps, "cert")) {
        if (!accept_tok(ps, "leaf") || !accept_tok(ps, "[") || !accept_tok(ps, "subject.OU") || !accept_tok(ps, "]") ||
            !accept_tok(ps, "=")) {
            return fail(ps, "only \"certificate leaf[subject.OU] = TEAM\" is simulated");
        }
        return value_node(ps, N_TEAM);
    }
    return fail(ps, "expected a requirement");
}

/* Operands joined by word, left to right: "and" binds tighter than "or" because terms are its operands. */
static struct xpcsim_requirement *joined(struct parser *ps, const char *word, enum node_kind kind,
                                         struct xpcsim_requirement *(*operand)(struct parser *)) {
    struct xpcsim_requirement *l = operand(ps);
    while (l != NULL && accept_tok(ps, word)) {
        struct xpcsim_requirement *r = operand(ps);
        if (r == NULL) {
            xpcsim_requirement_free(l);
            return NULL;
        }
        l = node(kind, l, r, NULL);
    }
    return l;
}

static struct xpcsim_requirement *term(struct parser *ps) { return joined(ps, "and", N_AND, factor); }

static struct xpcsim_requirement *expr(struct parser *ps) { return joined(ps, "or", N_OR, term); }

struct xpcsim_requirement *xpcsim_requirement_compile(const char *text, char *why, size_t whylen) {
    struct parser ps = {.p = text != NULL ? text : "", .why = why, .whylen = whylen};
    next(&ps);
    struct xpcsim_requirement *r = ps.failed ? NULL : expr(&ps);
    if (r != NULL && (ps.failed || ps.tok_kind != TK_END)) {
        xpcsim_requirement_free(r);
        r = fail(&ps, "unexpected text");
    }
    return r;
}

void xpcsim_requirement_free(struct xpcsim_requirement *r) {
    if (r == NULL) return;
    xpcsim_requirement_free(r->left);
    xpcsim_requirement_free(r->right);
    free(r->value);
    free(r);
}

static int eval(const struct xpcsim_requirement *r, const struct xpcsim_signature *s) {
    switch (r->kind) {
    case N_AND: return eval(r->left, s) && eval(r->right, s);
    case N_OR: return eval(r->left, s) || eval(r->right, s);
    case N_ANCHOR_APPLE: return s->anchor == XPCSIM_ANCHOR_APPLE;
    case N_ANCHOR_APPLE_GENERIC: return s->anchor != XPCSIM_ANCHOR_NONE;
    case N_IDENTIFIER: return strcmp(s->identifier, r->value) == 0;
    /* An ad-hoc signature has no certificates, so no leaf to compare. */
    case N_TEAM: return s->anchor != XPCSIM_ANCHOR_NONE && s->team[0] != '\0' && strcmp(s->team, r->value) == 0;
    }
    return 0;
}

int xpcsim_requirement_check(const struct xpcsim_requirement *req, const struct xpcsim_signature *sig) {
    /* Unsigned or modified code satisfies nothing. */
    return sig->signed_ && sig->intact && eval(req, sig);
}

int xpcsim_check_process(pid_t pid, const struct xpcsim_requirement *req) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0; /* gone, or not ours to see: its code cannot be validated */
    struct xpcsim_signature sig;
    int ok = xpcsim_read_signature(fd, &sig) == 0 && xpcsim_requirement_check(req, &sig);
    close(fd);
    return ok;
}

/* ---- CoreFoundation and Security, as far as the shim calls them ---- */
typedef int32_t OSStatus;
typedef uint32_t SecCSFlags;
typedef unsigned char Boolean;
typedef long CFIndex;
typedef unsigned long CFTypeID;
typedef uint32_t CFStringEncoding;

enum { TID_STRING = 7, TID_DICTIONARY = 18, TID_URL = 29, TID_ERROR = 30, TID_STATIC_CODE = 100, TID_REQUIREMENT = 101 };

struct cfobj { CFTypeID type; _Atomic int refcnt; int immortal; };
struct __CFString { struct cfobj h; char *s; };
struct __CFURL { struct cfobj h; char *path; };
struct cfpair { const void *key; const void *value; };
struct __CFDictionary { struct cfobj h; int n; struct cfpair pairs[4]; };
struct __CFError { struct cfobj h; OSStatus code; struct __CFString *description; };
struct __SecCode { struct cfobj h; char *path; };
struct __SecRequirement { struct cfobj h; struct xpcsim_requirement *req; };

typedef const struct __CFString *CFStringRef;
typedef const struct __CFDictionary *CFDictionaryRef;
typedef struct __CFError *CFErrorRef;
typedef const struct __CFURL *CFURLRef;
typedef const struct __SecCode *SecStaticCodeRef;
typedef struct __SecRequirement *SecRequirementRef;

enum {
    errSecCSUnimplemented = -67072, errSecCSStaticCodeNotFound = -67068, errSecCSUnsigned = -67062,
    errSecCSSignatureFailed = -67061, errSecCSReqInvalid = -67052, errSecCSReqFailed = -67050,
};

static const char *status_text(OSStatus st) {
    switch (st) {
    case 0: return "No error.";
    case errSecCSStaticCodeNotFound: return "the code object could not be found";
    case errSecCSUnsigned: return "code object is not signed at all";
    case errSecCSSignatureFailed: return "invalid signature (code or signature have been modified)";
    case errSecCSReqInvalid: return "invalid or corrupted code requirement(s)";
    case errSecCSReqFailed: return "code failed to satisfy specified code requirement(s)";
    default: return "unknown code signing error";
    }
}

static void *cf_alloc(CFTypeID type, size_t size) {
    struct cfobj *o = calloc(1, size);
    if (o == NULL) xpcsim_fatal("CoreFoundation simulator: out of memory");
    o->type = type;
    atomic_init(&o->refcnt, 1);
    return o;
}

static struct __CFString *cfstring(const char *s) {
    struct __CFString *str = cf_alloc(TID_STRING, sizeof *str);
    if ((str->s = strdup(s)) == NULL) xpcsim_fatal("CoreFoundation simulator: out of memory");
    return str;
}

static struct __CFString info_identifier = {{TID_STRING, 1, 1}, "identifier"};
static struct __CFString info_team = {{TID_STRING, 1, 1}, "teamid"};
const CFStringRef kSecCodeInfoIdentifier = &info_identifier;
const CFStringRef kSecCodeInfoTeamIdentifier = &info_team;

CFTypeID CFGetTypeID(const void *cf) { return ((const struct cfobj *)cf)->type; }
CFTypeID CFStringGetTypeID(void) { return TID_STRING; }

void CFRelease(const void *cf) {
    struct cfobj *o = (struct cfobj *)cf;
    if (o == NULL) xpcsim_fatal("CFRelease called with NULL");
    if (o->immortal || atomic_fetch_sub(&o->refcnt, 1) != 1) return;
    switch (o->type) {
    case TID_STRING: free(((struct __CFString *)o)->s); break;
    case TID_URL: free(((struct __CFURL *)o)->path); break;
    case TID_DICTIONARY: {
        struct __CFDictionary *d = (struct __CFDictionary *)o;
        for (int i = 0; i < d->n; i++) CFRelease(d->pairs[i].value);
        break;
    }
    case TID_ERROR: CFRelease(((struct __CFError *)o)->description); break;
    case TID_STATIC_CODE: free(((struct __SecCode *)o)->path); break;
    case TID_REQUIREMENT: xpcsim_requirement_free(((struct __SecRequirement *)o)->req); break;
    default: break;
    }
    free(o);
}

CFStringRef CFStringCreateWithCString(const void *alloc, const char *s, CFStringEncoding enc) {
    (void)alloc;
    (void)enc;
    return s != NULL ? cfstring(s) : NULL;
}

Boolean CFStringGetCString(CFStringRef s, char *buf, CFIndex size, CFStringEncoding enc) {
    (void)enc;
    if (size <= 0 || strlen(s->s) >= (size_t)size) return 0;
    strcpy(buf, s->s);
    return 1;
}

CFURLRef CFURLCreateFromFileSystemRepresentation(const void *alloc, const uint8_t *buf, CFIndex len,
                                                               Boolean is_dir) {
    (void)alloc;
    (void)is_dir;
    struct __CFURL *u = cf_alloc(TID_URL, sizeof *u);
    if ((u->path = strndup((const char *)buf, (size_t)len)) == NULL) xpcsim_fatal("CoreFoundation simulator: out of memory");
    return u;
}

const void *CFDictionaryGetValue(CFDictionaryRef d, const void *key) {
    for (int i = 0; i < d->n; i++) {
        const struct __CFString *k = d->pairs[i].key;
        if (k == key || strcmp(k->s, ((const struct __CFString *)key)->s) == 0) return d->pairs[i].value;
    }
    return NULL;
}

CFStringRef CFErrorCopyDescription(CFErrorRef e) {
    return cfstring(e->description->s);
}

CFStringRef SecCopyErrorMessageString(OSStatus status, void *reserved) {
    (void)reserved;
    return cfstring(status_text(status));
}

static OSStatus error_out(OSStatus st, CFErrorRef *error, const char *detail) {
    if (error != NULL) {
        struct __CFError *e = cf_alloc(TID_ERROR, sizeof *e);
        char text[512];
        snprintf(text, sizeof text, "%s%s%s", status_text(st), detail != NULL ? ": " : "", detail != NULL ? detail : "");
        e->code = st;
        e->description = cfstring(text);
        *error = e;
    }
    return st;
}

OSStatus SecRequirementCreateWithStringAndErrors(CFStringRef text, SecCSFlags flags, CFErrorRef *error,
                                                               SecRequirementRef *requirement) {
    (void)flags;
    char why[256] = "";
    struct xpcsim_requirement *r = xpcsim_requirement_compile(text->s, why, sizeof why);
    if (r == NULL) return error_out(errSecCSReqInvalid, error, why);
    struct __SecRequirement *req = cf_alloc(TID_REQUIREMENT, sizeof *req);
    req->req = r;
    *requirement = req;
    return 0;
}

OSStatus SecRequirementCreateWithString(CFStringRef text, SecCSFlags flags, SecRequirementRef *requirement) {
    return SecRequirementCreateWithStringAndErrors(text, flags, NULL, requirement);
}

OSStatus SecStaticCodeCreateWithPath(CFURLRef path, SecCSFlags flags, SecStaticCodeRef *code) {
    (void)flags;
    if (access(path->path, F_OK) != 0) return errSecCSStaticCodeNotFound;
    struct __SecCode *c = cf_alloc(TID_STATIC_CODE, sizeof *c);
    if ((c->path = strdup(path->path)) == NULL) xpcsim_fatal("Security simulator: out of memory");
    *code = c;
    return 0;
}

static OSStatus read_code(SecStaticCodeRef code, struct xpcsim_signature *sig) {
    int fd = open(code->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errSecCSStaticCodeNotFound;
    int rc = xpcsim_read_signature(fd, sig);
    close(fd);
    return rc == 0 ? 0 : errSecCSStaticCodeNotFound;
}

OSStatus SecCodeCopySigningInformation(SecStaticCodeRef code, SecCSFlags flags, CFDictionaryRef *info) {
    (void)flags;
    struct xpcsim_signature sig;
    OSStatus st = read_code(code, &sig);
    if (st != 0) return st;
    struct __CFDictionary *d = cf_alloc(TID_DICTIONARY, sizeof *d);
    /* Whatever the signature says, even when it no longer matches the content. */
    if (sig.signed_) d->pairs[d->n++] = (struct cfpair){kSecCodeInfoIdentifier, cfstring(sig.identifier)};
    if (sig.signed_ && sig.team[0] != '\0') d->pairs[d->n++] = (struct cfpair){kSecCodeInfoTeamIdentifier, cfstring(sig.team)};
    *info = d;
    return 0;
}

OSStatus SecStaticCodeCheckValidityWithErrors(SecStaticCodeRef code, SecCSFlags flags,
                                                            SecRequirementRef requirement, CFErrorRef *error) {
    (void)flags;
    struct xpcsim_signature sig;
    OSStatus st = read_code(code, &sig);
    if (st != 0) return error_out(st, error, code->path);
    if (!sig.signed_) return error_out(errSecCSUnsigned, error, code->path);
    if (!sig.intact) return error_out(errSecCSSignatureFailed, error, code->path);
    if (requirement != NULL && !xpcsim_requirement_check(requirement->req, &sig)) {
        return error_out(errSecCSReqFailed, error, code->path);
    }
    return 0;
}

OSStatus SecStaticCodeCheckValidity(SecStaticCodeRef code, SecCSFlags flags, SecRequirementRef requirement) {
    return SecStaticCodeCheckValidityWithErrors(code, flags, requirement, NULL);
}

/*
 * Apple's posix_spawn on top of glibc's (see include/spawn.h). File actions are recorded and
 * replayed in order; POSIX_SPAWN_CLOEXEC_DEFAULT then closes every descriptor that is not the
 * target of an open, dup2 or inherit action. As on macOS, a close action on a descriptor that is
 * not open at that point, or a dup2 from one, fails the spawn with EBADF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

#define APPLE_SETSIGDEF 0x0004
#define APPLE_SETSIGMASK 0x0008
#define APPLE_SETSID 0x0400
#define APPLE_CLOEXEC_DEFAULT 0x4000
#define APPLE_SUPPORTED (APPLE_SETSIGDEF | APPLE_SETSIGMASK | APPLE_SETSID | APPLE_CLOEXEC_DEFAULT)

enum action_kind { A_DUP2, A_OPEN, A_CLOSE, A_INHERIT, A_CHDIR };
struct action { enum action_kind kind; int fd, newfd, oflag; mode_t mode; char *path; };
struct actions { struct action *list; int n, cap; };
struct attr { short flags; sigset_t mask, def; };

XPCSIM_EXPORT int xpcsim_posix_spawnattr_init(void **attr) {
    struct attr *a = calloc(1, sizeof *a);
    if (a == NULL) return ENOMEM;
    sigemptyset(&a->mask);
    sigemptyset(&a->def);
    *attr = a;
    return 0;
}

XPCSIM_EXPORT int xpcsim_posix_spawnattr_destroy(void **attr) {
    free(*attr);
    *attr = NULL;
    return 0;
}

XPCSIM_EXPORT int xpcsim_posix_spawnattr_setflags(void **attr, short flags) {
    ((struct attr *)*attr)->flags = flags;
    return 0;
}

XPCSIM_EXPORT int xpcsim_posix_spawnattr_setsigmask(void **attr, const sigset_t *mask) {
    ((struct attr *)*attr)->mask = *mask;
    return 0;
}

XPCSIM_EXPORT int xpcsim_posix_spawnattr_setsigdefault(void **attr, const sigset_t *set) {
    ((struct attr *)*attr)->def = *set;
    return 0;
}

XPCSIM_EXPORT int xpcsim_posix_spawn_file_actions_init(void **actions) {
    struct actions *a = calloc(1, sizeof *a);
    if (a == NULL) return ENOMEM;
    *actions = a;
    return 0;
}

XPCSIM_EXPORT int xpcsim_posix_spawn_file_actions_destroy(void **actions) {
    struct actions *a = *actions;
    for (int i = 0; i < a->n; i++) free(a->list[i].path);
    free(a->list);
    free(a);
    *actions = NULL;
    return 0;
}

static int add(void **actions, struct action act) {
    struct actions *a = *actions;
    if (act.fd < 0 || (act.kind == A_DUP2 && act.newfd < 0)) return EBADF;
    if (a->n == a->cap) {
        int cap = a->cap ? a->cap * 2 : 16;
        struct action *list = realloc(a->list, sizeof *list * (size_t)cap);
        if (list == NULL) return ENOMEM;
        a->list = list;
        a->cap = cap;
    }
    a->list[a->n++] = act;
    return 0;
}

XPCSIM_EXPORT int xpcsim_posix_spawn_file_actions_adddup2(void **actions, int fd, int newfd) {
    return add(actions, (struct action){.kind = A_DUP2, .fd = fd, .newfd = newfd});
}

XPCSIM_EXPORT int xpcsim_posix_spawn_file_actions_addopen(void **actions, int fd, const char *path, int oflag, mode_t mode) {
    char *copy = strdup(path);
    if (copy == NULL) return ENOMEM;
    int rc = add(actions, (struct action){.kind = A_OPEN, .fd = fd, .oflag = oflag, .mode = mode, .path = copy});
    if (rc != 0) free(copy);
    return rc;
}

XPCSIM_EXPORT int xpcsim_posix_spawn_file_actions_addclose(void **actions, int fd) {
    return add(actions, (struct action){.kind = A_CLOSE, .fd = fd});
}

XPCSIM_EXPORT int xpcsim_posix_spawn_file_actions_addinherit_np(void **actions, int fd) {
    return add(actions, (struct action){.kind = A_INHERIT, .fd = fd});
}

XPCSIM_EXPORT int xpcsim_posix_spawn_file_actions_addchdir_np(void **actions, const char *path) {
    char *copy = strdup(path);
    if (copy == NULL) return ENOMEM;
    int rc = add(actions, (struct action){.kind = A_CHDIR, .fd = 0, .path = copy});
    if (rc != 0) free(copy);
    return rc;
}

/* Descriptors open in the child as the actions run: what the parent has, then each action. */
struct fdset { int *fds; int n; };

static int is_in(const struct fdset *s, int fd) {
    for (int i = 0; i < s->n; i++) if (s->fds[i] == fd) return 1;
    return 0;
}

static void set_add(struct fdset *s, int fd) { if (!is_in(s, fd)) s->fds[s->n++] = fd; }

static void set_del(struct fdset *s, int fd) {
    for (int i = 0; i < s->n; i++) if (s->fds[i] == fd) s->fds[i] = s->fds[--s->n];
}

static int open_in_parent(int fd, const struct fdset *closed) { return !is_in(closed, fd) && fcntl(fd, F_GETFD) >= 0; }

XPCSIM_EXPORT int xpcsim_posix_spawn(pid_t *pid, const char *path, void *const *actions, void *const *attr,
                                     char *const argv[], char *const envp[]) {
    const struct actions *acts = actions != NULL ? *actions : NULL;
    const struct attr *at = attr != NULL ? *attr : NULL;
    short flags = at != NULL ? at->flags : 0;
    if (flags & ~APPLE_SUPPORTED) return ENOTSUP; /* e.g. SETEXEC, START_SUSPENDED: not simulated */
    int n = acts != NULL ? acts->n : 0;
    int *a_fds = calloc((size_t)(2 * n + 1), sizeof(int));
    int *c_fds = calloc((size_t)(2 * n + 1), sizeof(int));
    if (a_fds == NULL || c_fds == NULL) {
        free(a_fds);
        free(c_fds);
        return ENOMEM;
    }
    struct fdset targets = {a_fds, 0}, closed = {c_fds, 0};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t ga;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&ga);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const struct action *x = &acts->list[i];
        int open_now = is_in(&targets, x->fd) || open_in_parent(x->fd, &closed);
        switch (x->kind) {
        case A_DUP2:
            if (!open_now) rc = EBADF;
            else rc = posix_spawn_file_actions_adddup2(&fa, x->fd, x->newfd);
            set_add(&targets, x->newfd);
            set_del(&closed, x->newfd);
            break;
        case A_OPEN:
            rc = posix_spawn_file_actions_addopen(&fa, x->fd, x->path, x->oflag, x->mode);
            set_add(&targets, x->fd);
            set_del(&closed, x->fd);
            break;
        case A_CLOSE:
            if (!open_now) rc = EBADF;
            else rc = posix_spawn_file_actions_addclose(&fa, x->fd);
            set_del(&targets, x->fd);
            set_add(&closed, x->fd);
            break;
        case A_INHERIT:
            if (!open_now) rc = EBADF;
            set_add(&targets, x->fd);
            break;
        case A_CHDIR:
            rc = posix_spawn_file_actions_addchdir_np(&fa, x->path);
            break;
        }
    }
    if (rc == 0 && (flags & APPLE_CLOEXEC_DEFAULT)) {
        /* Everything that no action made a target is closed at exec. */
        int highest = -1;
        for (int i = 0; i < targets.n; i++) if (targets.fds[i] > highest) highest = targets.fds[i];
        for (int fd = 0; fd < highest && rc == 0; fd++) {
            if (!is_in(&targets, fd) && !is_in(&closed, fd)) rc = posix_spawn_file_actions_addclose(&fa, fd);
        }
        if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&fa, highest + 1);
    }
    short gflags = 0;
    if (flags & APPLE_SETSIGDEF) gflags |= POSIX_SPAWN_SETSIGDEF;
    if (flags & APPLE_SETSIGMASK) gflags |= POSIX_SPAWN_SETSIGMASK;
    if (flags & APPLE_SETSID) gflags |= POSIX_SPAWN_SETSID;
    if (rc == 0) rc = posix_spawnattr_setflags(&ga, gflags);
    if (rc == 0 && at != NULL) rc = posix_spawnattr_setsigmask(&ga, &at->mask);
    if (rc == 0 && at != NULL) rc = posix_spawnattr_setsigdefault(&ga, &at->def);
    if (rc == 0) rc = posix_spawn(pid, path, &fa, &ga, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&ga);
    free(a_fds);
    free(c_fds);
    return rc;
}

/*
 * xpcsim: Apple's <spawn.h> on Linux, so shim_spawn.c's __APPLE__ branch compiles and runs here.
 * Apple's flag values and opaque types; the calls are renamed to spawn.c's xpcsim_* functions,
 * which record the file actions and carry them out with glibc's posix_spawn, adding what Apple's
 * flags mean: POSIX_SPAWN_CLOEXEC_DEFAULT closes every descriptor that is not the target of a
 * file action (dup2, open, inherit).
 */
#ifndef XPCSIM_SPAWN_H
#define XPCSIM_SPAWN_H
#include <signal.h>
#include <sys/types.h>

typedef void *posix_spawnattr_t;
typedef void *posix_spawn_file_actions_t;

#define POSIX_SPAWN_RESETIDS 0x0001
#define POSIX_SPAWN_SETPGROUP 0x0002
#define POSIX_SPAWN_SETSIGDEF 0x0004
#define POSIX_SPAWN_SETSIGMASK 0x0008
#define POSIX_SPAWN_SETEXEC 0x0040
#define POSIX_SPAWN_START_SUSPENDED 0x0080
#define POSIX_SPAWN_SETSID 0x0400
#define POSIX_SPAWN_CLOEXEC_DEFAULT 0x4000

#define posix_spawn xpcsim_posix_spawn
#define posix_spawnattr_init xpcsim_posix_spawnattr_init
#define posix_spawnattr_destroy xpcsim_posix_spawnattr_destroy
#define posix_spawnattr_setflags xpcsim_posix_spawnattr_setflags
#define posix_spawnattr_setsigmask xpcsim_posix_spawnattr_setsigmask
#define posix_spawnattr_setsigdefault xpcsim_posix_spawnattr_setsigdefault
#define posix_spawn_file_actions_init xpcsim_posix_spawn_file_actions_init
#define posix_spawn_file_actions_destroy xpcsim_posix_spawn_file_actions_destroy
#define posix_spawn_file_actions_adddup2 xpcsim_posix_spawn_file_actions_adddup2
#define posix_spawn_file_actions_addopen xpcsim_posix_spawn_file_actions_addopen
#define posix_spawn_file_actions_addclose xpcsim_posix_spawn_file_actions_addclose
#define posix_spawn_file_actions_addinherit_np xpcsim_posix_spawn_file_actions_addinherit_np
#define posix_spawn_file_actions_addchdir_np xpcsim_posix_spawn_file_actions_addchdir_np

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
int posix_spawnattr_init(posix_spawnattr_t *attr);
int posix_spawnattr_destroy(posix_spawnattr_t *attr);
int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);
int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *mask);
int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *set);
int posix_spawn_file_actions_init(posix_spawn_file_actions_t *actions);
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *actions);
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *actions, int fd, int newfd);
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *actions, int fd, const char *path, int oflag,
                                     mode_t mode);
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *actions, int fd);
int posix_spawn_file_actions_addinherit_np(posix_spawn_file_actions_t *actions, int fd);
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
#endif

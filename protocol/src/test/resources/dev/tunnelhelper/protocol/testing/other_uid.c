/* Acts as another user for tests. Connects to RENDEZVOUS as the caller (root), drops to UID/GID
 * for good, then either opens COUNT connections to a Unix socket or binds and listens on one, and
 * passes the descriptors back over RENDEZVOUS (SCM_RIGHTS, at most BATCH per message, one byte
 * each). The kernel records a connection's credentials (SO_PEERCRED) when it is made and a
 * listener's when it listens, so the caller ends up holding sockets that are UID's to the other
 * side. The socket's directory is entered before dropping privileges and the socket is named
 * relative to it, so UID needs no access to the directories above it.
 *
 *   other_uid RENDEZVOUS UID GID connect SOCKET COUNT
 *   other_uid RENDEZVOUS UID GID listen SOCKET
 *
 * Exit status 0 when every descriptor was passed; otherwise a message on stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BATCH 50 /* junixsocket, on the receiving side, has room for 60 per message */

static void die(const char *what) {
    fprintf(stderr, "other_uid: %s: %s\n", what, strerror(errno));
    exit(2);
}

static struct sockaddr_un address(const char *path) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path) {
        errno = ENAMETOOLONG;
        die(path);
    }
    strcpy(a.sun_path, path);
    return a;
}

static void pass(int rendezvous, const int *fds, int n) {
    char byte = 'F';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(BATCH * sizeof(int))];
    } control;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    memset(&control, 0, sizeof control);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    if (sendmsg(rendezvous, &msg, 0) != 1) die("sendmsg to the rendezvous socket");
    for (int i = 0; i < n; i++) close(fds[i]);
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: other_uid RENDEZVOUS UID GID connect SOCKET COUNT | listen SOCKET\n");
        return 2;
    }
    uid_t uid = (uid_t)strtoul(argv[2], NULL, 10);
    gid_t gid = (gid_t)strtoul(argv[3], NULL, 10);
    const char *mode = argv[4];
    char *socket_path = strdup(argv[5]);
    char *dir_copy = strdup(argv[5]);
    const char *name = basename(socket_path);
    const char *dir = dirname(dir_copy);

    int rendezvous = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un r = address(argv[1]);
    if (rendezvous < 0 || connect(rendezvous, (struct sockaddr *)&r, sizeof r) != 0) die("connect to the rendezvous socket");
    if (chdir(dir) != 0) die(dir);
    if (setgroups(0, NULL) != 0) die("setgroups");
    if (setresgid(gid, gid, gid) != 0) die("setresgid");
    if (setresuid(uid, uid, uid) != 0) die("setresuid");
    if (uid != 0 && setresuid(0, 0, 0) == 0) {
        fprintf(stderr, "other_uid: could regain root after dropping it\n");
        return 2;
    }

    struct sockaddr_un target = address(name);
    int batch[BATCH];
    int n = 0;
    if (strcmp(mode, "listen") == 0) {
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0 || bind(s, (struct sockaddr *)&target, sizeof target) != 0) die(argv[5]);
        if (listen(s, 64) != 0) die("listen");
        batch[n++] = s;
    } else if (strcmp(mode, "connect") == 0 && argc == 7) {
        long count = strtol(argv[6], NULL, 10);
        for (long i = 0; i < count; i++) {
            int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (s < 0 || connect(s, (struct sockaddr *)&target, sizeof target) != 0) die(argv[5]);
            batch[n++] = s;
            if (n == BATCH) {
                pass(rendezvous, batch, n);
                n = 0;
            }
        }
    } else {
        fprintf(stderr, "other_uid: unknown mode %s\n", mode);
        return 2;
    }
    if (n > 0) pass(rendezvous, batch, n);
    close(rendezvous);
    return 0;
}

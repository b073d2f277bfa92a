/* TUN (Linux) and utun (macOS) devices. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/if.h>
#include <linux/if_tun.h>

int th_tun_open(const char *name, char *name_out, size_t name_out_len, char *err, size_t errlen) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (name != NULL && name[0] != '\0') {
        if (strlen(name) >= IFNAMSIZ) return th_fail(err, errlen, EINVAL, "interface name too long: %s", name);
        memcpy(ifr.ifr_name, name, strlen(name));
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) return th_fail(err, errlen, errno, "open /dev/net/tun");
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        int e = errno;
        close(fd);
        return th_fail(err, errlen, e, "TUNSETIFF %s", name != NULL && name[0] != '\0' ? name : "(kernel-chosen name)");
    }
    snprintf(name_out, name_out_len, "%s", ifr.ifr_name);
    return fd;
}

int th_tun_name_of(int fd, char *name_out, size_t name_out_len, char *err, size_t errlen) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (ioctl(fd, TUNGETIFF, &ifr) != 0) return th_fail(err, errlen, errno, "fd %d is not an attached TUN device (TUNGETIFF)", fd);
    if ((ifr.ifr_flags & IFF_TUN) == 0) return th_fail(err, errlen, EINVAL, "fd %d is a TAP device, not TUN", fd);
    snprintf(name_out, name_out_len, "%s", ifr.ifr_name);
    return 0;
}

#elif defined(__APPLE__)
#include <stdlib.h>
#include <sys/kern_control.h>
#include <sys/socket.h>
#if __has_include(<sys/sys_domain.h>)
#include <sys/sys_domain.h>
#endif
#if __has_include(<net/if_utun.h>)
#include <net/if_utun.h>
#endif

/* From xnu bsd/sys/sys_domain.h and bsd/net/if_utun.h, which not every SDK ships. */
#ifndef SYSPROTO_CONTROL
#define SYSPROTO_CONTROL 2
#endif
#ifndef AF_SYS_CONTROL
#define AF_SYS_CONTROL 2
#endif
#ifndef UTUN_CONTROL_NAME
#define UTUN_CONTROL_NAME "com.apple.net.utun_control"
#endif
#ifndef UTUN_OPT_IFNAME
#define UTUN_OPT_IFNAME 2
#endif

static int set_cloexec_flag(int fd) {
    int flags = fcntl(fd, F_GETFD);
    return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

int th_tun_open(const char *name, char *name_out, size_t name_out_len, char *err, size_t errlen) {
    unsigned int unit = 0; /* 0: the kernel picks utunN */
    if (name != NULL && name[0] != '\0') {
        char *end = NULL;
        if (strncmp(name, "utun", 4) != 0 || name[4] == '\0') {
            return th_fail(err, errlen, EINVAL, "macOS interface names are utunN, got %s", name);
        }
        unsigned long n = strtoul(name + 4, &end, 10);
        if (*end != '\0' || n > 0xfffffffeUL) return th_fail(err, errlen, EINVAL, "bad utun name %s", name);
        unit = (unsigned int)n + 1;
    }
    int fd = socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
    if (fd < 0) return th_fail(err, errlen, errno, "socket(PF_SYSTEM, SYSPROTO_CONTROL)");
    /* There is no SOCK_CLOEXEC on macOS; spawns use POSIX_SPAWN_CLOEXEC_DEFAULT anyway. */
    if (set_cloexec_flag(fd) != 0) {
        int e = errno;
        close(fd);
        return th_fail(err, errlen, e, "FD_CLOEXEC on utun socket");
    }
    struct ctl_info info;
    memset(&info, 0, sizeof info);
    snprintf(info.ctl_name, sizeof info.ctl_name, "%s", UTUN_CONTROL_NAME);
    if (ioctl(fd, CTLIOCGINFO, &info) != 0) {
        int e = errno;
        close(fd);
        return th_fail(err, errlen, e, "CTLIOCGINFO %s", UTUN_CONTROL_NAME);
    }
    struct sockaddr_ctl addr;
    memset(&addr, 0, sizeof addr);
    addr.sc_len = sizeof addr;
    addr.sc_family = AF_SYSTEM;
    addr.ss_sysaddr = AF_SYS_CONTROL;
    addr.sc_id = info.ctl_id;
    addr.sc_unit = unit;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        int e = errno;
        close(fd);
        return th_fail(err, errlen, e, "connect utun control unit %u", unit);
    }
    int rc = th_tun_name_of(fd, name_out, name_out_len, err, errlen);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

int th_tun_name_of(int fd, char *name_out, size_t name_out_len, char *err, size_t errlen) {
    char ifname[64];
    socklen_t len = sizeof ifname;
    memset(ifname, 0, sizeof ifname);
    if (getsockopt(fd, SYSPROTO_CONTROL, UTUN_OPT_IFNAME, ifname, &len) != 0) {
        return th_fail(err, errlen, errno, "fd %d is not a utun control socket (UTUN_OPT_IFNAME)", fd);
    }
    snprintf(name_out, name_out_len, "%s", ifname);
    return 0;
}
#else
#error "unsupported OS"
#endif

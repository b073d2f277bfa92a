/*
 * Interface addresses, MTU, link state and routes over rtnetlink (Linux), so configuring and
 * inspecting a tunnel interface needs no iproute2. The requests are the ones `ip address
 * replace`, `ip link set`, `ip route replace` and their `del`/`show` counterparts send.
 */
#include "shim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

#define REQUEST_SPACE 512
#define REPLY_SPACE 32768

struct request {
    struct nlmsghdr header;
    union {
        struct ifaddrmsg addr;
        struct rtmsg route;
        struct ifinfomsg link;
    } body;
    char attributes[REQUEST_SPACE];
};

static void add_attribute(struct request *r, unsigned short type, const void *data, size_t len) {
    struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->header.nlmsg_len));
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    r->header.nlmsg_len = NLMSG_ALIGN(r->header.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static int open_netlink(char *err, size_t errlen) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return th_fail(err, errlen, errno, "netlink socket");
    int on = 1;
    /* Extended acks carry the kernel's own explanation ("mtu greater than device maximum");
     * kernels before 4.12 lack them and still give the errno. */
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
    return fd;
}

/* The kernel's extended-ack text in an NLMSG_ERROR, or "" when it sent none. */
static const char *ack_text(const struct nlmsghdr *h) {
    if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)) return "";
    const struct nlmsgerr *e = NLMSG_DATA(h);
    size_t offset = NLMSG_LENGTH(sizeof *e);
    if (!(h->nlmsg_flags & NLM_F_CAPPED)) offset += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
    if (offset >= h->nlmsg_len) return "";
    int len = (int)(h->nlmsg_len - offset);
    for (const struct rtattr *a = (const struct rtattr *)((const char *)h + offset); RTA_OK(a, len);
         a = RTA_NEXT(a, len)) {
        if (a->rta_type == NLMSGERR_ATTR_MSG) return RTA_DATA(a);
    }
    return "";
}

/* The next complete message at offset `at` of a `received`-byte reply, or NULL (NLMSG_OK compares
 * signed with unsigned, which clang refuses under -Werror). */
static struct nlmsghdr *message_at(char *reply, size_t received, size_t at) {
    if (at + sizeof(struct nlmsghdr) > received) return NULL;
    struct nlmsghdr *h = (struct nlmsghdr *)(reply + at);
    if (h->nlmsg_len < sizeof *h || h->nlmsg_len > received - at) return NULL;
    return h;
}

/* Sends one request and waits for its acknowledgement; `what` names it in the error message. */
static int transact(struct request *r, const char *what, char *err, size_t errlen) {
    int fd = open_netlink(err, errlen);
    if (fd < 0) return fd;
    r->header.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    r->header.nlmsg_seq = 1;
    if (send(fd, r, r->header.nlmsg_len, 0) < 0) {
        int e = errno;
        close(fd);
        return th_fail(err, errlen, e, "%s: netlink send", what);
    }
    char reply[REPLY_SPACE];
    for (;;) {
        ssize_t n = recv(fd, reply, sizeof reply, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            return th_fail(err, errlen, e, "%s: netlink receive", what);
        }
        struct nlmsghdr *h;
        for (size_t at = 0; (h = message_at(reply, (size_t)n, at)) != NULL; at += NLMSG_ALIGN(h->nlmsg_len)) {
            if (h->nlmsg_type != NLMSG_ERROR) continue;
            int code = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
            close(fd);
            if (code == 0) return 0;
            const char *text = ack_text(h);
            return text[0] != '\0' ? th_fail(err, errlen, code, "%s: %s", what, text) : th_fail(err, errlen, code, "%s", what);
        }
    }
}

static int interface_index(const char *ifname, const char *what, char *err, size_t errlen) {
    unsigned int index = if_nametoindex(ifname);
    if (index == 0) return th_fail(err, errlen, errno, "%s: no interface %s", what, ifname);
    return (int)index;
}

static void describe(char *out, size_t outlen, const char *verb, int ipv6, const uint8_t *addr, int prefix,
                     const char *ifname) {
    char text[INET6_ADDRSTRLEN];
    inet_ntop(ipv6 ? AF_INET6 : AF_INET, addr, text, sizeof text);
    snprintf(out, outlen, "%s %s/%d on %s", verb, text, prefix, ifname);
}

int th_net_address(int add, const char *ifname, int ipv6, const uint8_t *addr, int prefix, char *err, size_t errlen) {
    char what[128];
    describe(what, sizeof what, add ? "add address" : "delete address", ipv6, addr, prefix, ifname);
    int index = interface_index(ifname, what, err, errlen);
    if (index < 0) return index;
    struct request r;
    memset(&r, 0, sizeof r);
    r.header.nlmsg_len = NLMSG_LENGTH(sizeof r.body.addr);
    r.header.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
    /* CREATE|REPLACE is `ip address replace`: re-adding an address that is there succeeds. */
    r.header.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
    r.body.addr.ifa_family = ipv6 ? AF_INET6 : AF_INET;
    r.body.addr.ifa_prefixlen = (unsigned char)prefix;
    r.body.addr.ifa_scope = RT_SCOPE_UNIVERSE;
    r.body.addr.ifa_index = (unsigned int)index;
    size_t len = ipv6 ? 16 : 4;
    add_attribute(&r, IFA_LOCAL, addr, len);
    add_attribute(&r, IFA_ADDRESS, addr, len);
    return transact(&r, what, err, errlen);
}

int th_net_route(int add, const char *ifname, int ipv6, const uint8_t *dst, int prefix, char *err, size_t errlen) {
    char what[128];
    describe(what, sizeof what, add ? "add route" : "delete route", ipv6, dst, prefix, ifname);
    int index = interface_index(ifname, what, err, errlen);
    if (index < 0) return index;
    struct request r;
    memset(&r, 0, sizeof r);
    r.header.nlmsg_len = NLMSG_LENGTH(sizeof r.body.route);
    r.header.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
    r.header.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
    r.body.route.rtm_family = ipv6 ? AF_INET6 : AF_INET;
    r.body.route.rtm_dst_len = (unsigned char)prefix;
    r.body.route.rtm_table = RT_TABLE_MAIN;
    if (add) {
        /* What `ip route replace N/P dev IF` sends: a directly connected route out of IF. */
        r.body.route.rtm_protocol = RTPROT_BOOT;
        r.body.route.rtm_scope = ipv6 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        r.body.route.rtm_type = RTN_UNICAST;
    } else {
        r.body.route.rtm_scope = RT_SCOPE_NOWHERE; /* match the route whatever its scope */
    }
    add_attribute(&r, RTA_DST, dst, ipv6 ? 16 : 4);
    add_attribute(&r, RTA_OIF, &index, sizeof index);
    return transact(&r, what, err, errlen);
}

int th_net_link(const char *ifname, int mtu, int up, char *err, size_t errlen) {
    char what[128];
    if (mtu > 0) {
        snprintf(what, sizeof what, "set MTU %d on %s", mtu, ifname);
    } else {
        snprintf(what, sizeof what, "set %s %s", ifname, up ? "up" : "down");
    }
    int index = interface_index(ifname, what, err, errlen);
    if (index < 0) return index;
    struct request r;
    memset(&r, 0, sizeof r);
    r.header.nlmsg_len = NLMSG_LENGTH(sizeof r.body.link);
    r.header.nlmsg_type = RTM_NEWLINK;
    r.body.link.ifi_family = AF_UNSPEC;
    r.body.link.ifi_index = index;
    if (up >= 0) {
        r.body.link.ifi_change = IFF_UP;
        r.body.link.ifi_flags = up ? IFF_UP : 0;
    }
    if (mtu > 0) {
        unsigned int value = (unsigned int)mtu;
        add_attribute(&r, IFLA_MTU, &value, sizeof value);
    }
    return transact(&r, what, err, errlen);
}

struct listing {
    char *out;
    size_t outlen;
    size_t used;
    int overflow;
};

static void emit(struct listing *l, int index, int family, const void *addr, int prefix) {
    char name[IF_NAMESIZE];
    char text[INET6_ADDRSTRLEN];
    if (if_indextoname((unsigned int)index, name) == NULL) snprintf(name, sizeof name, "#%d", index);
    inet_ntop(family, addr, text, sizeof text);
    int n = snprintf(l->out + l->used, l->outlen - l->used, "%s %d %s/%d\n", name, family == AF_INET6 ? 6 : 4, text,
                     prefix);
    if (n < 0 || (size_t)n >= l->outlen - l->used) {
        l->overflow = 1;
        return;
    }
    l->used += (size_t)n;
}

static void list_address(struct listing *l, struct nlmsghdr *h, int only) {
    struct ifaddrmsg *m = NLMSG_DATA(h);
    if (only != 0 && (int)m->ifa_index != only) return;
    const void *local = NULL, *address = NULL;
    int len = (int)IFA_PAYLOAD(h);
    for (struct rtattr *a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == IFA_LOCAL) local = RTA_DATA(a);
        if (a->rta_type == IFA_ADDRESS) address = RTA_DATA(a);
    }
    /* For point-to-point IPv4 addresses IFA_ADDRESS is the peer; IFA_LOCAL is ours. */
    const void *ours = local != NULL ? local : address;
    if (ours != NULL) emit(l, (int)m->ifa_index, m->ifa_family, ours, m->ifa_prefixlen);
}

static void list_route(struct listing *l, struct nlmsghdr *h, int only) {
    struct rtmsg *m = NLMSG_DATA(h);
    if (m->rtm_type != RTN_UNICAST) return;
    unsigned int table = m->rtm_table;
    int oif = 0;
    const void *dst = NULL;
    static const uint8_t any[16];
    int len = (int)RTM_PAYLOAD(h);
    for (struct rtattr *a = RTM_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == RTA_TABLE) memcpy(&table, RTA_DATA(a), sizeof table);
        if (a->rta_type == RTA_OIF) memcpy(&oif, RTA_DATA(a), sizeof oif);
        if (a->rta_type == RTA_DST) dst = RTA_DATA(a);
    }
    if (table != RT_TABLE_MAIN || oif == 0 || (only != 0 && oif != only)) return;
    emit(l, oif, m->rtm_family, dst != NULL ? dst : any, m->rtm_dst_len);
}

long th_net_list(int routes, const char *ifname, char *out, size_t outlen, char *err, size_t errlen) {
    const char *what = routes ? "list routes" : "list addresses";
    int only = 0;
    if (ifname != NULL && ifname[0] != '\0') {
        only = interface_index(ifname, what, err, errlen);
        if (only < 0) return only;
    }
    int fd = open_netlink(err, errlen);
    if (fd < 0) return fd;
    struct request r;
    memset(&r, 0, sizeof r);
    if (routes) {
        r.header.nlmsg_len = NLMSG_LENGTH(sizeof r.body.route);
        r.header.nlmsg_type = RTM_GETROUTE;
    } else {
        r.header.nlmsg_len = NLMSG_LENGTH(sizeof r.body.addr);
        r.header.nlmsg_type = RTM_GETADDR;
    }
    r.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    r.header.nlmsg_seq = 1;
    if (send(fd, &r, r.header.nlmsg_len, 0) < 0) {
        int e = errno;
        close(fd);
        return th_fail(err, errlen, e, "%s: netlink send", what);
    }
    struct listing l = {.out = out, .outlen = outlen, .used = 0, .overflow = 0};
    if (outlen > 0) out[0] = '\0';
    char reply[REPLY_SPACE];
    for (;;) {
        ssize_t n = recv(fd, reply, sizeof reply, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            return th_fail(err, errlen, e, "%s: netlink receive", what);
        }
        struct nlmsghdr *h;
        for (size_t at = 0; (h = message_at(reply, (size_t)n, at)) != NULL; at += NLMSG_ALIGN(h->nlmsg_len)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                close(fd);
                if (l.overflow) return th_fail(err, errlen, ENOSPC, "%s: more than %zu bytes", what, outlen);
                return (long)l.used;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                int code = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
                close(fd);
                return th_fail(err, errlen, code, "%s", what);
            }
            if (h->nlmsg_type == RTM_NEWADDR) list_address(&l, h, only);
            if (h->nlmsg_type == RTM_NEWROUTE) list_route(&l, h, only);
        }
    }
}

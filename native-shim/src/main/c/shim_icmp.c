/*
 * ICMP echo (ping) from our own code, so nothing depends on an installed ping binary.
 *
 * Two kinds of socket: a datagram ICMP socket (Linux: allowed when the caller's group is in
 * net.ipv4.ping_group_range; macOS: always), where the kernel owns the echo identifier and hands
 * us only replies to our own requests, and a raw socket (root or CAP_NET_RAW), which sees every
 * ICMP packet and so has to filter by source, identifier and type itself.
 */
#ifdef __APPLE__
#define __APPLE_USE_RFC_3542 /* IPV6_RECVHOPLIMIT / IPV6_HOPLIMIT */
#endif
#include "shim.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define ICMP4_ECHO_REQUEST 8
#define ICMP4_ECHO_REPLY 0
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP_HEADER 8
#define MAX_PACKET 65536

static int open_socket(int ipv6, int type) {
    int fd = socket(ipv6 ? AF_INET6 : AF_INET, type, ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (fd < 0) return -1;
    if (th_set_cloexec(fd, 1, NULL, 0) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int th_icmp_open(int ipv6, int mode, int *kind_out, char *err, size_t errlen) {
    const char *proto = ipv6 ? "ICMPv6" : "ICMP";
    int fd = -1;
    int dgram_errno = 0;
    if (mode == TH_ICMP_AUTO || mode == TH_ICMP_DGRAM) {
        fd = open_socket(ipv6, SOCK_DGRAM);
        if (fd >= 0) {
            *kind_out = TH_ICMP_DGRAM;
        } else if (mode == TH_ICMP_DGRAM) {
            return th_fail(err, errlen, errno, "datagram %s socket (allowed only to groups in "
                           "net.ipv4.ping_group_range)", proto);
        } else {
            dgram_errno = errno;
        }
    }
    if (fd < 0) {
        fd = open_socket(ipv6, SOCK_RAW);
        if (fd < 0) {
            if (mode == TH_ICMP_RAW) return th_fail(err, errlen, errno, "raw %s socket (needs root or CAP_NET_RAW)", proto);
            return th_fail(err, errlen, errno, "no ICMP socket: a datagram %s socket was refused (errno %d; this "
                           "group is not in net.ipv4.ping_group_range) and a raw one needs root or CAP_NET_RAW",
                           proto, dgram_errno);
        }
        *kind_out = TH_ICMP_RAW;
    }
    int on = 1;
    /* The TTL / hop limit of each reply arrives as ancillary data where no IP header is delivered. */
    int rc = ipv6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on)
                  : setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
    if (rc != 0) {
        int e = errno;
        close(fd);
        return th_fail(err, errlen, e, "enabling TTL reporting on the %s socket", proto);
    }
    return fd;
}

static uint16_t checksum(const uint8_t *data, size_t len) {
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) sum += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (len & 1) sum += (uint32_t)(data[len - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static socklen_t fill_address(int ipv6, const uint8_t *addr, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (ipv6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, addr, 16);
#ifdef __APPLE__
        a->sin6_len = sizeof *a;
#endif
        return sizeof *a;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    memcpy(&a->sin_addr, addr, 4);
#ifdef __APPLE__
    a->sin_len = sizeof *a;
#endif
    return sizeof *a;
}

int th_icmp_send(int fd, int ipv6, const uint8_t *addr, int id, int seq, const uint8_t *payload, size_t len,
                 char *err, size_t errlen) {
    uint8_t packet[MAX_PACKET];
    if (len > sizeof packet - ICMP_HEADER) return th_fail(err, errlen, EMSGSIZE, "echo payload of %zu bytes", len);
    packet[0] = ipv6 ? ICMP6_ECHO_REQUEST : ICMP4_ECHO_REQUEST;
    packet[1] = 0;
    packet[2] = packet[3] = 0;
    packet[4] = (uint8_t)(id >> 8);
    packet[5] = (uint8_t)id;
    packet[6] = (uint8_t)(seq >> 8);
    packet[7] = (uint8_t)seq;
    if (len > 0) memcpy(packet + ICMP_HEADER, payload, len);
    if (!ipv6) {
        /* ICMPv6 checksums cover a pseudo-header only the kernel knows; it fills them in itself. */
        uint16_t sum = checksum(packet, ICMP_HEADER + len);
        packet[2] = (uint8_t)(sum >> 8);
        packet[3] = (uint8_t)sum;
    }
    struct sockaddr_storage to;
    socklen_t tolen = fill_address(ipv6, addr, &to);
    ssize_t n;
    do {
        n = sendto(fd, packet, ICMP_HEADER + len, 0, (struct sockaddr *)&to, tolen);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return th_fail(err, errlen, errno, "sending an echo request (sequence %d)", seq);
    return 0;
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int same_source(int ipv6, const struct sockaddr_storage *from, const uint8_t *addr) {
    if (ipv6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)from;
        return a->sin6_family == AF_INET6 && memcmp(&a->sin6_addr, addr, 16) == 0;
    }
    const struct sockaddr_in *a = (const struct sockaddr_in *)from;
    return a->sin_family == AF_INET && memcmp(&a->sin_addr, addr, 4) == 0;
}

static int ttl_from_cmsg(struct msghdr *msg, int ipv6) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
        int value;
        if (ipv6 && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
            memcpy(&value, CMSG_DATA(c), sizeof value);
            return value;
        }
#ifdef IP_TTL
        if (!ipv6 && c->cmsg_level == IPPROTO_IP && (c->cmsg_type == IP_TTL || c->cmsg_type == IP_RECVTTL)) {
            /* Linux reports an int; macOS a single byte. */
            if (c->cmsg_len >= CMSG_LEN(sizeof value)) {
                memcpy(&value, CMSG_DATA(c), sizeof value);
                return value;
            }
            return *(const uint8_t *)CMSG_DATA(c);
        }
#endif
    }
    return -1;
}

int th_icmp_receive(int fd, int ipv6, int kind, const uint8_t *addr, int id, long timeout_ms, int *seq_out,
                    int *ttl_out, uint8_t *payload, size_t cap, size_t *payload_len, char *err, size_t errlen) {
    long deadline = now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    uint8_t packet[MAX_PACKET];
    union {
        struct cmsghdr align;
        uint8_t bytes[256];
    } control;
    for (;;) {
        long left = deadline - now_ms();
        if (left < 0) left = 0;
        struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
        int ready = poll(&p, 1, (int)(left > 0x7fffffff ? 0x7fffffff : left));
        if (ready < 0) {
            if (errno == EINTR) continue;
            return th_fail(err, errlen, errno, "waiting for an echo reply");
        }
        if (ready == 0) return 0;
        struct sockaddr_storage from;
        struct iovec iov = {.iov_base = packet, .iov_len = sizeof packet};
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.bytes;
        msg.msg_controllen = sizeof control.bytes;
        ssize_t n = recvmsg(fd, &msg, 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return th_fail(err, errlen, errno, "receiving an echo reply");
        }
        const uint8_t *icmp = packet;
        size_t icmp_len = (size_t)n;
        int ttl = ttl_from_cmsg(&msg, ipv6);
#ifdef __APPLE__
        (void)kind;
        int ip_header_included = !ipv6; /* macOS hands IPv4 ICMP sockets of both kinds the IP header */
#else
        int ip_header_included = !ipv6 && kind == TH_ICMP_RAW;
#endif
        if (ip_header_included) {
            if (icmp_len < 20 || (packet[0] >> 4) != 4) continue;
            size_t header = (size_t)(packet[0] & 0x0f) * 4;
            if (header < 20 || icmp_len < header) continue;
            ttl = packet[8];
            icmp += header;
            icmp_len -= header;
        }
        if (icmp_len < ICMP_HEADER || !same_source(ipv6, &from, addr)) continue;
        if (icmp[0] != (ipv6 ? ICMP6_ECHO_REPLY : ICMP4_ECHO_REPLY) || icmp[1] != 0) continue;
        int got_id = icmp[4] << 8 | icmp[5];
#ifndef __APPLE__
        /* Linux datagram sockets own the identifier (the socket's "port") and deliver only our replies. */
        if (kind == TH_ICMP_DGRAM) got_id = id;
#endif
        if (got_id != (id & 0xffff)) continue;
        *seq_out = icmp[6] << 8 | icmp[7];
        *ttl_out = ttl;
        size_t data = icmp_len - ICMP_HEADER;
        *payload_len = data;
        memcpy(payload, icmp + ICMP_HEADER, data < cap ? data : cap);
        return 1;
    }
}

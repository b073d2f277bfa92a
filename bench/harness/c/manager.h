/*
 * The manager role of the tunnel protocol, as small as a manager can be: spawn the tunnel on
 * two pipes, handshake, start it (answering its NetworkSettingsRequest with success), make
 * requests, stop it. Used by the baselines: the two-hop floor's relay and "direct spawn +
 * handshake + start".
 */
#ifndef THB_MANAGER_H
#define THB_MANAGER_H

#include "wire.h"

#include <sys/types.h>

typedef struct {
    pid_t pid;
    int to_tunnel, from_tunnel;
    uint64_t next_id;
    buf_t in; /* the last frame read from the tunnel */
} tunnel_t;

/* `binary vpn-daemon run --rpc-read-fd 3 --rpc-write-fd 4 [--control C]` with tun_fd as fd 5,
 * stdin/stdout/stderr on /dev/null and the helper's scrubbed environment. */
void tunnel_spawn(tunnel_t *t, const char *binary, int tun_fd, const char *control);
void tunnel_handshake(tunnel_t *t);
void tunnel_start(tunnel_t *t, const char *url, const char *token);
/* Sends ManagerMessage{rpc{id}, <field> {}} and reads frames until its reply, answering the
 * tunnel's own requests and dropping one-way messages. The reply's envelope points into t->in. */
envelope_t tunnel_call(tunnel_t *t, unsigned field);
/* StopRequest -> StopResponse, then the tunnel closes its pipe and is reaped. */
void tunnel_stop(tunnel_t *t);

#endif

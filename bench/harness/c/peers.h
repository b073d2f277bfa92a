/*
 * The benchmark tunnel's peers, encoded by hand as vpn.PeerUpdate (docs/protocol.md §1.5).
 * Agent i belongs to workspace i / AGENTS_PER_WORKSPACE and has every field a real tunnel
 * fills: id, name, workspace id, one FQDN, one address, last handshake, last ping. An agent
 * takes ~122 bytes on the wire and its workspace's share ~3 more, so 10,000 agents make a
 * full state of ~1.25 MB (the size issue 14 measured).
 */
#ifndef THB_PEERS_H
#define THB_PEERS_H

#include "wire.h"

#define AGENTS_PER_WORKSPACE 10u
#define MAX_AGENTS 100000u

/* Full state of agents [0, n): upserted_workspaces, then upserted_agents. */
void peers_full_state(buf_t *out, unsigned n);
/* A delta refreshing agents [0, n) (new last_handshake and last_ping), as a tunnel sends
 * every few seconds: upserted_agents only. */
void peers_refresh(buf_t *out, unsigned n);
/* A delta taking the state from `from` to `to` agents: upserts of the added agents and their
 * workspaces, or deletions of the removed agents and of workspaces left empty. */
void peers_resize(buf_t *out, unsigned from, unsigned to);
/* Number of upserted_agents in an encoded PeerUpdate. */
unsigned peers_count_agents(const uint8_t *peer_update, size_t len);

#endif

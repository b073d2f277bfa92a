package dev.tunnelhelper.protocol;

import java.util.List;

/**
 * Who is on the other end of a channel, as the kernel (Unix socket credentials) or XPC (audit
 * token) reported it when the connection was made — never a pid looked up later.
 *
 * @param gids supplementary groups when the carrier reports them, else empty
 */
public record PeerIdentity(long uid, long gid, long pid, List<Long> gids) {
    public PeerIdentity {
        gids = List.copyOf(gids);
    }

    @Override
    public String toString() {
        return "uid=" + uid + " gid=" + gid + " pid=" + pid;
    }
}

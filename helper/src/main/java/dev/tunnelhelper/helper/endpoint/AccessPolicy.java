package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.PeerIdentity;
import java.util.Optional;
import java.util.Set;

/**
 * Who may talk to an endpoint, decided from the kernel's credentials for the connection. Root
 * and the helper's own user are always allowed (the latter so an unprivileged helper under
 * {@code --state-dir} can be driven by its own user).
 */
public final class AccessPolicy {
    private final String endpoint;
    private final long helperUid;
    private final Set<Long> allowedUids;
    private final Set<Long> allowedGids;

    private AccessPolicy(String endpoint, long helperUid, Set<Long> allowedUids, Set<Long> allowedGids) {
        this.endpoint = endpoint;
        this.helperUid = helperUid;
        this.allowedUids = Set.copyOf(allowedUids);
        this.allowedGids = Set.copyOf(allowedGids);
    }

    /** The network-extension endpoint: root only (and the helper's own user). */
    public static AccessPolicy extension(long helperUid) {
        return new AccessPolicy("network-extension", helperUid, Set.of(), Set.of());
    }

    public static AccessPolicy app(long helperUid, Set<Long> allowedUids, Set<Long> allowedGids) {
        return new AccessPolicy("app", helperUid, allowedUids, allowedGids);
    }

    /** Empty when allowed; otherwise why not, for the error frame and the log. */
    public Optional<String> refusal(PeerIdentity peer) {
        if (peer.uid() == 0
                || peer.uid() == helperUid
                || allowedUids.contains(peer.uid())
                || allowedGids.contains(peer.gid())
                || peer.gids().stream().anyMatch(allowedGids::contains)) {
            return Optional.empty();
        }
        return Optional.of("uid " + peer.uid() + " (gid " + peer.gid() + ") may not use the " + endpoint + " endpoint");
    }
}

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

    /** False only on XPC's app endpoint with no uids configured: the team requirement is the whole check. */
    private final boolean checkUids;

    private AccessPolicy(String endpoint, long helperUid, Set<Long> allowedUids, Set<Long> allowedGids) {
        this(endpoint, helperUid, allowedUids, allowedGids, true);
    }

    private AccessPolicy(
            String endpoint, long helperUid, Set<Long> allowedUids, Set<Long> allowedGids, boolean checkUids) {
        this.checkUids = checkUids;
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

    /**
     * The app endpoint over XPC. XPC itself admits only peers that satisfy the team's code-signing
     * requirement, and that is the authorization, as in Coder Desktop's helper: any user's app
     * signed by the team may connect. {@code allowedUids}, when configured, is a check on top
     * (root and the helper's own user stay allowed). Groups cannot be checked: XPC reports the
     * peer's euid and pid but no gid, so a config with {@code appAccess.allowedGroups} is refused
     * before the carrier starts ({@code HelperDaemon}), never silently ignored.
     */
    public static AccessPolicy xpcApp(long helperUid, Set<Long> allowedUids) {
        return new AccessPolicy("app", helperUid, allowedUids, Set.of(), !allowedUids.isEmpty());
    }

    /** Empty when allowed; otherwise why not, for the error frame and the log. */
    public Optional<String> refusal(PeerIdentity peer) {
        if (!checkUids
                || peer.uid() == 0
                || peer.uid() == helperUid
                || allowedUids.contains(peer.uid())
                || allowedGids.contains(peer.gid())
                || peer.gids().stream().anyMatch(allowedGids::contains)) {
            return Optional.empty();
        }
        return Optional.of("uid " + peer.uid() + " (gid " + peer.gid() + ") may not use the " + endpoint + " endpoint");
    }
}

package dev.tunnelhelper.netext;

import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;

/**
 * Holds the network settings in effect and merges the tunnel's diffs into them
 * (docs/protocol.md §1.5: a {@code NetworkSettingsRequest} is a diff).
 *
 * <ul>
 *   <li>{@code dns_settings}, {@code ipv4_settings}, {@code ipv6_settings}: replaced as a whole
 *       when present in the diff, kept when absent. A present but empty message therefore
 *       clears the section (docs/protocol.md §2.4, "Network settings").</li>
 *   <li>{@code mtu}: replaced when non-zero (0 means "not in this diff").</li>
 *   <li>{@code tunnel_overhead_bytes}: replaced when non-zero, like mtu (proto3 cannot tell an
 *       explicit 0 from absence, and 0 overhead is not a meaningful change).</li>
 *   <li>{@code tunnel_remote_address}: replaced when non-empty, for the same reason.</li>
 * </ul>
 *
 * Merging is separate from committing: the caller commits only once the merged state has been
 * applied, so a failed apply leaves the previous state as the base for the next diff.
 */
public final class SettingsMerger {
    private NetworkSettingsRequest current = NetworkSettingsRequest.getDefaultInstance();

    /** The pure merge rule. */
    public static NetworkSettingsRequest merge(NetworkSettingsRequest base, NetworkSettingsRequest diff) {
        NetworkSettingsRequest.Builder b = base.toBuilder();
        if (diff.hasDnsSettings()) {
            b.setDnsSettings(diff.getDnsSettings());
        }
        if (diff.hasIpv4Settings()) {
            b.setIpv4Settings(diff.getIpv4Settings());
        }
        if (diff.hasIpv6Settings()) {
            b.setIpv6Settings(diff.getIpv6Settings());
        }
        if (diff.getMtu() != 0) {
            b.setMtu(diff.getMtu());
        }
        if (diff.getTunnelOverheadBytes() != 0) {
            b.setTunnelOverheadBytes(diff.getTunnelOverheadBytes());
        }
        if (!diff.getTunnelRemoteAddress().isEmpty()) {
            b.setTunnelRemoteAddress(diff.getTunnelRemoteAddress());
        }
        return b.build();
    }

    /** What the settings would be with {@code diff} merged in; nothing changes until {@link #commit}. */
    public synchronized NetworkSettingsRequest preview(NetworkSettingsRequest diff) {
        return merge(current, diff);
    }

    public synchronized void commit(NetworkSettingsRequest merged) {
        current = merged;
    }

    public synchronized NetworkSettingsRequest current() {
        return current;
    }
}

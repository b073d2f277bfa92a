package dev.tunnelhelper.testbed.tunnel;

import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.VersionList;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a reference-tunnel build is configured with. A launcher bakes these in as system
 * properties ({@code testbed.tunnel.*}), because the helper controls the command line and
 * scrubs the environment.
 *
 * @param version          what {@code version --output=json} reports (must match build info)
 * @param protocolVersions offered in the handshake
 * @param subnet           first two octets of the tunnel's addresses, e.g. {@code 100.100}:
 *                         own address {@code <subnet>.0.1}, agents {@code <subnet>.<w+1>.<a+2>}
 */
public record TunnelSettings(
        String version,
        VersionList protocolVersions,
        TunnelFault fault,
        int workspaces,
        int agentsPerWorkspace,
        Duration deltaInterval,
        String subnet,
        String matchDomain) {

    public static final String DEFAULT_VERSION = "v2.24.3+testbed";
    private static final String PREFIX = "testbed.tunnel.";

    public static TunnelSettings defaults() {
        return new TunnelSettings(
                DEFAULT_VERSION,
                parseVersions("1.3"),
                TunnelFault.NONE,
                2,
                2,
                Duration.ofSeconds(2),
                "100.100",
                "coder");
    }

    public TunnelSettings withFault(TunnelFault f) {
        return new TunnelSettings(
                version, protocolVersions, f, workspaces, agentsPerWorkspace, deltaInterval, subnet, matchDomain);
    }

    public TunnelSettings withVersion(String v) {
        return new TunnelSettings(
                v, protocolVersions, fault, workspaces, agentsPerWorkspace, deltaInterval, subnet, matchDomain);
    }

    public TunnelSettings withScenario(int ws, int agents, Duration interval) {
        return new TunnelSettings(version, protocolVersions, fault, ws, agents, interval, subnet, matchDomain);
    }

    public TunnelSettings withSubnet(String s) {
        return new TunnelSettings(
                version, protocolVersions, fault, workspaces, agentsPerWorkspace, deltaInterval, s, matchDomain);
    }

    /** The tunnel's own address inside the CGNAT range 100.64.0.0/10. */
    public String ownAddress() {
        return subnet + ".0.1";
    }

    /** As system properties, for a launcher to bake in. */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(PREFIX + "version", version);
        p.put(PREFIX + "protocol-versions", protocolVersions.toString());
        p.put(PREFIX + "fault", fault.toString());
        p.put(PREFIX + "workspaces", Integer.toString(workspaces));
        p.put(PREFIX + "agents", Integer.toString(agentsPerWorkspace));
        p.put(PREFIX + "delta-interval-ms", Long.toString(deltaInterval.toMillis()));
        p.put(PREFIX + "subnet", subnet);
        p.put(PREFIX + "match-domain", matchDomain);
        return p;
    }

    /** Reads what a launcher baked in; anything missing keeps its default. */
    public static TunnelSettings fromSystemProperties() {
        TunnelSettings d = defaults();
        return new TunnelSettings(
                System.getProperty(PREFIX + "version", d.version),
                parseVersions(System.getProperty(PREFIX + "protocol-versions", d.protocolVersions.toString())),
                TunnelFault.parse(System.getProperty(PREFIX + "fault", d.fault.toString())),
                Integer.parseInt(System.getProperty(PREFIX + "workspaces", Integer.toString(d.workspaces))),
                Integer.parseInt(System.getProperty(PREFIX + "agents", Integer.toString(d.agentsPerWorkspace))),
                Duration.ofMillis(Long.parseLong(
                        System.getProperty(PREFIX + "delta-interval-ms", Long.toString(d.deltaInterval.toMillis())))),
                System.getProperty(PREFIX + "subnet", d.subnet),
                System.getProperty(PREFIX + "match-domain", d.matchDomain));
    }

    private static VersionList parseVersions(String text) {
        try {
            return VersionList.parse(text);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}

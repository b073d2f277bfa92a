package dev.tunnelhelper.netext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv4Settings;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv6Settings;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsMergerTest {
    private static final IPv4Settings V4 = IPv4Settings.newBuilder()
            .addAddrs("100.100.0.1")
            .addSubnetMasks("255.255.255.255")
            .addIncludedRoutes(IPv4Settings.IPv4Route.newBuilder()
                    .setDestination("100.100.0.0")
                    .setMask("255.255.0.0"))
            .build();
    private static final DNSSettings DNS = DNSSettings.newBuilder()
            .addServers("100.100.0.1")
            .addMatchDomains("coder")
            .build();
    private static final NetworkSettingsRequest FULL = NetworkSettingsRequest.newBuilder()
            .setMtu(1280)
            .setTunnelOverheadBytes(80)
            .setTunnelRemoteAddress("10.0.0.1")
            .setIpv4Settings(V4)
            .setDnsSettings(DNS)
            .build();

    @Test
    void firstDiffOnEmptyStateIsTheDiff() {
        assertEquals(FULL, SettingsMerger.merge(NetworkSettingsRequest.getDefaultInstance(), FULL));
    }

    @Test
    void absentSectionsAndZeroScalarsKeepWhatWasThere() {
        NetworkSettingsRequest merged = SettingsMerger.merge(FULL, NetworkSettingsRequest.getDefaultInstance());
        assertEquals(FULL, merged);
    }

    @Test
    void presentSectionsReplaceWholesale() {
        IPv4Settings other = IPv4Settings.newBuilder()
                .addAddrs("100.101.0.1")
                .addSubnetMasks("255.255.255.255")
                .build();
        NetworkSettingsRequest merged = SettingsMerger.merge(
                FULL, NetworkSettingsRequest.newBuilder().setIpv4Settings(other).build());
        assertEquals(other, merged.getIpv4Settings());
        assertEquals(0, merged.getIpv4Settings().getIncludedRoutesCount(), "no element-wise merge of route lists");
        assertEquals(DNS, merged.getDnsSettings());
        assertEquals(1280, merged.getMtu());
    }

    @Test
    void aPresentButEmptySectionClearsIt() {
        NetworkSettingsRequest merged = SettingsMerger.merge(
                FULL,
                NetworkSettingsRequest.newBuilder()
                        .setDnsSettings(DNSSettings.getDefaultInstance())
                        .build());
        assertTrue(merged.hasDnsSettings());
        assertEquals(0, merged.getDnsSettings().getServersCount());
    }

    @Test
    void ipv6IsAddedWithoutTouchingIpv4() {
        IPv6Settings v6 = IPv6Settings.newBuilder()
                .addAddrs("fd7a:115c:a1e0::1")
                .addPrefixLengths(128)
                .build();
        NetworkSettingsRequest merged = SettingsMerger.merge(
                FULL, NetworkSettingsRequest.newBuilder().setIpv6Settings(v6).build());
        assertEquals(v6, merged.getIpv6Settings());
        assertEquals(V4, merged.getIpv4Settings());
    }

    @Test
    void nonZeroScalarsReplace() {
        NetworkSettingsRequest merged = SettingsMerger.merge(
                FULL,
                NetworkSettingsRequest.newBuilder()
                        .setMtu(1400)
                        .setTunnelOverheadBytes(60)
                        .setTunnelRemoteAddress("10.0.0.2")
                        .build());
        assertEquals(1400, merged.getMtu());
        assertEquals(60, merged.getTunnelOverheadBytes());
        assertEquals("10.0.0.2", merged.getTunnelRemoteAddress());
        assertEquals(V4, merged.getIpv4Settings());
    }

    @Test
    void previewDoesNotCommit() {
        SettingsMerger m = new SettingsMerger();
        NetworkSettingsRequest preview = m.preview(FULL);
        assertEquals(NetworkSettingsRequest.getDefaultInstance(), m.current());
        m.commit(preview);
        assertEquals(FULL, m.current());
        NetworkSettingsRequest next =
                m.preview(NetworkSettingsRequest.newBuilder().setMtu(1300).build());
        assertEquals(1300, next.getMtu());
        assertEquals(1280, m.current().getMtu());
        assertFalse(next.getIpv4Settings().getAddrsList().isEmpty());
        assertEquals(List.of("100.100.0.1"), next.getIpv4Settings().getAddrsList());
    }
}

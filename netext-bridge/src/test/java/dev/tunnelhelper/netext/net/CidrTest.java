package dev.tunnelhelper.netext.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv4Settings;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv6Settings;
import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void masksBecomePrefixLengths() throws Exception {
        assertEquals(32, Cidr.prefixOfMask("255.255.255.255"));
        assertEquals(16, Cidr.prefixOfMask("255.255.0.0"));
        assertEquals(10, Cidr.prefixOfMask("255.192.0.0"));
        assertEquals(0, Cidr.prefixOfMask("0.0.0.0"));
    }

    @Test
    void nonContiguousOrMalformedMasksAreRefused() {
        assertThrows(SettingsApplyException.class, () -> Cidr.prefixOfMask("255.0.255.0"));
        assertThrows(SettingsApplyException.class, () -> Cidr.prefixOfMask("255.255.0"));
        assertThrows(SettingsApplyException.class, () -> Cidr.prefixOfMask("ffff::"));
    }

    @Test
    void routeDestinationsLoseHostBits() throws Exception {
        assertEquals("100.100.0.0/16", Cidr.of("100.100.7.9", 16).network().toString());
        assertEquals(
                "fd7a:115c::/32", Cidr.of("fd7a:115c:a1e0::1", 32).network().toString());
    }

    @Test
    void onlyLiteralsAreAccepted() {
        // A host name would mean a DNS lookup while we are busy configuring DNS.
        SettingsApplyException e = assertThrows(SettingsApplyException.class, () -> Cidr.of("example.invalid", 32));
        assertTrue(e.getMessage().contains("not an IP address literal"));
        assertThrows(SettingsApplyException.class, () -> Cidr.of("100.100.0.1", 33));
        assertThrows(SettingsApplyException.class, () -> Cidr.of("300.1.1.1", 32));
    }

    @Test
    void ipv6IsPrintedCompressedLikeIpDoes() throws Exception {
        assertEquals(
                "fd7a:115c:a1e0::1/128",
                Cidr.of("fd7a:115c:a1e0:0:0:0:0:1", 128).toString());
        assertEquals("::1/128", Cidr.of("::1", 128).toString());
        assertEquals("1:0:2::3/64", Cidr.of("1:0:2:0:0:0:0:3", 64).toString());
    }

    @Test
    void desiredStateTranslatesBothFamilies() throws Exception {
        NetworkSettingsRequest s = NetworkSettingsRequest.newBuilder()
                .setMtu(1280)
                .setIpv4Settings(IPv4Settings.newBuilder()
                        .addAddrs("100.100.0.1")
                        .addSubnetMasks("255.255.255.255")
                        .addAddrs("100.100.0.2")
                        .addIncludedRoutes(IPv4Settings.IPv4Route.newBuilder()
                                .setDestination("100.100.0.0")
                                .setMask("255.255.0.0"))
                        .addExcludedRoutes(IPv4Settings.IPv4Route.newBuilder()
                                .setDestination("100.100.9.0")
                                .setMask("255.255.255.0")))
                .setIpv6Settings(IPv6Settings.newBuilder()
                        .addAddrs("fd7a:115c:a1e0::1")
                        .addPrefixLengths(128)
                        .addIncludedRoutes(IPv6Settings.IPv6Route.newBuilder()
                                .setDestination("fd7a:115c:a1e0::")
                                .setPrefixLength(48)))
                .build();
        DesiredState d = DesiredState.of(s);
        assertEquals(
                List.of("100.100.0.1/32", "100.100.0.2/32", "fd7a:115c:a1e0::1/128"),
                d.addresses().stream().map(Object::toString).toList());
        assertEquals(
                List.of("100.100.0.0/16", "fd7a:115c:a1e0::/48"),
                d.routes().stream().map(Object::toString).toList());
        assertEquals(
                List.of("100.100.9.0/24"),
                d.excludedRoutes().stream().map(Object::toString).toList());
        assertEquals(1280, d.mtu());
    }
}

package dev.tunnelhelper.netext.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * macOS cannot be exercised here, so this pins the command lines the Mac applier runs, in
 * order, through the shared diffing logic.
 */
class MacDialectTest {
    private final List<String> ran = new ArrayList<>();
    private final CommandRunner recording = argv -> {
        ran.add(String.join(" ", argv));
        return new CommandResult(argv, 0, "", "");
    };

    @Test
    void commandLinesForAUtun() throws Exception {
        MacNetworkApplier mac = new MacNetworkApplier("utun7", recording);
        mac.apply(dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.newBuilder()
                .setMtu(1280)
                .setIpv4Settings(dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv4Settings.newBuilder()
                        .addAddrs("100.100.0.1")
                        .addSubnetMasks("255.255.255.255")
                        .addIncludedRoutes(
                                dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv4Settings.IPv4Route.newBuilder()
                                        .setDestination("100.100.0.0")
                                        .setMask("255.255.0.0")))
                .build());
        mac.remove();
        assertEquals(
                List.of(
                        "/sbin/ifconfig utun7 inet 100.100.0.1 100.100.0.1 netmask 255.255.255.255 alias",
                        "/sbin/ifconfig utun7 mtu 1280",
                        "/sbin/ifconfig utun7 up",
                        "/sbin/route -q -n add -inet -net 100.100.0.0/16 -interface utun7",
                        "/sbin/route -q -n delete -inet -net 100.100.0.0/16 -interface utun7",
                        "/sbin/ifconfig utun7 inet 100.100.0.1 -alias"),
                ran);
    }

    @Test
    void masksFromPrefixes() {
        assertEquals("255.255.255.255", MacDialect.mask(32));
        assertEquals("255.255.0.0", MacDialect.mask(16));
        assertEquals("0.0.0.0", MacDialect.mask(0));
    }
}

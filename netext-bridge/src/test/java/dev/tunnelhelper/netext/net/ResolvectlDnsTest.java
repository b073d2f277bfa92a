package dev.tunnelhelper.netext.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A DNS revert that resolvectl refuses is reported, leaves DNS counted as applied, and is tried again. */
class ResolvectlDnsTest {
    private final List<String> commands = new ArrayList<>();
    private boolean revertFails;
    private final ResolvectlDns dns = new ResolvectlDns("resolvectl", argv -> {
        commands.add(String.join(" ", argv));
        boolean fail = revertFails && argv.get(1).equals("revert");
        return new CommandResult(argv, fail ? 1 : 0, "", fail ? "Failed to revert interface configuration" : "");
    });

    private static final DNSSettings TUNNEL_DNS = DNSSettings.newBuilder()
            .addServers("100.100.0.53")
            .addMatchDomains("coder")
            .build();

    @Test
    void aRevertThatSucceedsLeavesNothingToReport() throws Exception {
        dns.apply("tun7", TUNNEL_DNS);

        assertEquals(Optional.empty(), dns.remove("tun7"));
        assertEquals(Optional.empty(), dns.remove("tun7"), "nothing applied any more: nothing to run");
        assertEquals(
                List.of("resolvectl dns tun7 100.100.0.53", "resolvectl domain tun7 ~coder", "resolvectl revert tun7"),
                commands);
    }

    @Test
    void aRefusedRevertIsReportedAndTriedAgain() throws Exception {
        dns.apply("tun7", TUNNEL_DNS);
        revertFails = true;

        assertEquals(
                Optional.of(
                        "DNS on tun7: `resolvectl revert tun7` failed (exit 1): Failed to revert interface configuration"),
                dns.remove("tun7"));

        revertFails = false;
        commands.clear();
        assertEquals(Optional.empty(), dns.remove("tun7"));
        assertEquals(List.of("resolvectl revert tun7"), commands);
    }

    @Test
    void settingsWithoutDnsFailWhenTheTunnelsDnsCannotBeReverted() throws Exception {
        dns.apply("tun7", TUNNEL_DNS);
        revertFails = true;

        SettingsApplyException e =
                assertThrows(SettingsApplyException.class, () -> dns.apply("tun7", DNSSettings.getDefaultInstance()));
        assertEquals(
                "DNS on tun7: `resolvectl revert tun7` failed (exit 1): Failed to revert interface configuration",
                e.getMessage());
    }
}

package dev.tunnelhelper.helper.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunnelhelper.app.Uuids;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.netext.ExtensionClient;
import dev.tunnelhelper.netext.StartFailedException;
import dev.tunnelhelper.netext.StartFlags;
import dev.tunnelhelper.netext.net.LinuxNetworkApplier;
import dev.tunnelhelper.shim.NetworkInterfaces;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import dev.tunnelhelper.testbed.tunnel.PeerScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system as real processes: testbed deployment, helper, netext-bridge, app-client.
 * One helper for the class; every test leaves it idle.
 */
@RequiresRootAndTun
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelSessionE2eTest {
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private HelperStack stack;

    @BeforeAll
    void startStack() throws Exception {
        stack = HelperStack.start(dir, "100.91");
    }

    @AfterAll
    void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** Addresses ("100.91.0.1/32") on {@code ifname}, or on every interface when it is null, as the kernel has them. */
    private static List<String> addresses(String ifname) {
        return NetworkInterfaces.addresses(ifname).stream()
                .map(Object::toString)
                .toList();
    }

    private static List<String> routes(String ifname) {
        return NetworkInterfaces.routes(ifname).stream().map(Object::toString).toList();
    }

    /** {@code bin/testbed ping}: ICMP echo from our own code, through the kernel's route into the TUN device. */
    private Programs.Result ping(String address) throws Exception {
        return Programs.run(
                stack.logs,
                "ping",
                Programs.bin("testbed", "ping", "-c", "3", "-i", "0.2", "-W", "2", address),
                Duration.ofSeconds(60));
    }

    private static boolean running(String out) {
        return out.contains("tunnel running on");
    }

    @Test
    void startPingPeersWatchAndStop() throws Exception {
        String tun = "the2e0";
        try (Launched watch = Launched.start(
                "watch",
                stack.logs,
                Programs.appClient("watch", "--json", "--state-dir", stack.stateDir.toString()),
                null)) {
            watch.awaitOut(o -> o.contains("\"type\":\"snapshot\""), Duration.ofSeconds(30), "the watch snapshot");
            try (Launched bridge = stack.startBridge("bridge", tun)) {
                bridge.awaitOut(TunnelSessionE2eTest::running, START_LIMIT, "the running line");
                String status = bridge.out();
                assertTrue(
                        status.contains(tun)
                                && status.contains(stack.subnet + ".0.1/32")
                                && status.contains(stack.subnet + ".0.0/16")
                                && status.contains("mtu 1280"),
                        status);

                // The settings the tunnel asked for, in the kernel.
                assertTrue(
                        addresses(tun).contains(stack.subnet + ".0.1/32"),
                        addresses(tun).toString());
                assertTrue(
                        routes(tun).contains(stack.subnet + ".0.0/16"),
                        routes(tun).toString());
                assertEquals(
                        new NetworkInterfaces.Link(tun, true, 1280),
                        NetworkInterfaces.link(tun).orElseThrow());

                // Packets through the TUN device reach the reference tunnel's agents.
                Programs.Result ping = ping(stack.agentIp(0, 0));
                assertEquals(0, ping.code(), "ping " + stack.agentIp(0, 0) + "\n" + ping.out() + ping.err());
                assertTrue(ping.out().contains("3 packets transmitted, 3 received, 0% packet loss"), ping.out());

                assertPeersMatchTheScenario(stack.appClient("peers", "--json"));
                // The same with the shared options before the subcommand.
                assertPeersMatchTheScenario(Programs.run(
                        stack.logs,
                        "peers-options-first",
                        Programs.appClient("--json", "--state-dir", stack.stateDir.toString(), "peers"),
                        Duration.ofSeconds(60)));

                Programs.Result second = Programs.run(
                        stack.logs,
                        "bridge2",
                        Programs.netextBridge(
                                "start",
                                "--url",
                                stack.url,
                                "--token-file",
                                stack.tokenFile().toString(),
                                "--tun",
                                "the2e9",
                                "--state-dir",
                                stack.stateDir.toString()),
                        Duration.ofSeconds(60));
                // The helper refuses with an error reply ALREADY_RUNNING: exit 4, the code and reason printed.
                assertEquals(ExitCodes.HELPER_ERROR, second.code(), "a second session is refused\n" + second.err());
                assertTrue(
                        second.err()
                                .contains("the helper refused: ALREADY_RUNNING: a session is RUNNING; stop it first"),
                        second.err());
                assertTrue(bridge.isAlive(), "the first session is unaffected");

                // The reference tunnel sends deltas every 2 s; wait for a few to reach the watcher.
                watch.awaitOut(
                        o -> o.split("\"type\":\"peer_update\"").length > 3, Duration.ofSeconds(20), "peer deltas");

                Programs.Result stop = stack.stopBridge();
                assertEquals(0, stop.code(), stop.err());
                assertEquals(0, bridge.awaitExit(Duration.ofSeconds(30)), bridge.err());
                assertTrue(bridge.out().contains("session stopped"), bridge.out());
            }
            stack.awaitState("IDLE", Duration.ofSeconds(20));
            assertFalse(addresses(null).contains(stack.subnet + ".0.1/32"), "address removed");
            assertFalse(routes(null).contains(stack.subnet + ".0.0/16"), "route removed");

            watch.awaitOut(
                    o -> o.contains("\"state\":\"IDLE\"")
                            && o.lastIndexOf("\"state\":\"IDLE\"") > o.indexOf("\"state\":\"RUNNING\""),
                    Duration.ofSeconds(20),
                    "IDLE after RUNNING");
            assertWatchStream(watch.out());
        }
    }

    private void assertPeersMatchTheScenario(Programs.Result peers) throws Exception {
        assertEquals(0, peers.code(), peers.err());
        JsonNode doc = peers.json();
        assertEquals("RUNNING", doc.get("status").get("state").asText());
        assertEquals(stack.url, doc.get("status").get("access_url").asText());
        Map<String, String> workspaces = new TreeMap<>();
        doc.get("workspaces")
                .forEach(w -> workspaces.put(w.get("name").asText(), w.get("id").asText()));
        assertEquals(List.of("ws0", "ws1"), List.copyOf(workspaces.keySet()));
        assertEquals(Uuids.format(PeerScenario.uuid("workspace-0")), workspaces.get("ws0"));
        JsonNode agent0 = null;
        int agents = 0;
        for (JsonNode a : doc.get("agents")) {
            agents++;
            if (a.get("ip_addrs").get(0).asText().equals(stack.agentIp(0, 0))) {
                agent0 = a;
            }
        }
        assertTrue(agents >= 4, doc.toString());
        assertTrue(agent0 != null, "agent at " + stack.agentIp(0, 0) + " in " + doc);
        assertEquals("agent0", agent0.get("name").asText());
        assertEquals("ws0", agent0.get("workspace_name").asText());
        assertEquals(
                Uuids.format(PeerScenario.uuid("agent-0-agent0")),
                agent0.get("id").asText());
        assertEquals("agent0.ws0.me.coder", agent0.get("fqdn").get(0).asText());
        assertFalse(agent0.get("stale").asBoolean());
        assertTrue(agent0.get("last_handshake_age_seconds").asLong() < 60);
    }

    private static void assertWatchStream(String jsonLines) throws Exception {
        List<String> types = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (String line : jsonLines.split("\n")) {
            JsonNode n = JSON.readTree(line);
            types.add(n.get("type").asText());
            if (n.get("type").asText().equals("status")) {
                states.add(n.get("status").get("state").asText());
            }
        }
        assertEquals("snapshot", types.get(0));
        assertTrue(types.contains("progress"), types.toString());
        assertTrue(types.contains("peer_update"), types.toString());
        assertTrue(states.indexOf("DOWNLOADING") >= 0 || states.indexOf("VALIDATING") >= 0, states.toString());
        assertTrue(states.indexOf("RUNNING") > 0, states.toString());
        assertTrue(states.lastIndexOf("IDLE") > states.indexOf("RUNNING"), states.toString());
    }

    @Test
    void sigintStopsTheSessionInTheHelperAndRemovesTheSettings() throws Exception {
        String tun = "the2e1";
        try (Launched bridge = stack.startBridge("bridge-sigint", tun)) {
            bridge.awaitOut(TunnelSessionE2eTest::running, START_LIMIT, "the running line");
            assertEquals("RUNNING", stack.state());
            assertTrue(addresses(tun).contains(stack.subnet + ".0.1/32"));

            bridge.signal("INT");
            int code = bridge.awaitExit(Duration.ofSeconds(40));
            assertEquals(130, code, "ended by SIGINT after stopping\n" + bridge.err());
            assertTrue(bridge.err().contains("stopping the session"), bridge.err());
            assertTrue(bridge.err().contains("network settings removed"), bridge.err());
        }
        // The bridge waited for the helper's stop reply, so the session is over.
        stack.awaitState("IDLE", Duration.ofSeconds(10));
        assertFalse(addresses(null).contains(stack.subnet + ".0.1/32"));
        assertFalse(routes(null).contains(stack.subnet + ".0.0/16"));
    }

    @Test
    void aSettingsFailureReachesTheTunnelAndFailsTheStart() throws Exception {
        // A real kernel refusal: the applier is pointed at an interface that does not exist, while the
        // real TUN fd goes to the helper. The complaint must travel back through the tunnel.
        try (TunDevice tun = TunDevice.open("the2e2")) {
            LinuxNetworkApplier wrongDevice = LinuxNetworkApplier.forInterface("thnosuch0");
            try (ExtensionClient client = ExtensionClient.connect(
                    stack.stateDir.resolve("run/ne.sock"), Duration.ofSeconds(5), wrongDevice, error -> {})) {
                StartFailedException e = assertThrows(
                        StartFailedException.class,
                        () -> client.start(
                                stack.url, "e2e-token", List.of(), tun.fd(), StartFlags.DEFAULT, START_LIMIT));
                assertTrue(e.getMessage().contains("on thnosuch0: no interface thnosuch0"), e.getMessage());
                assertTrue(e.getMessage().contains("No such device"), e.getMessage());
            }
        }
        stack.awaitState("IDLE", Duration.ofSeconds(20));
        Programs.Result status = stack.appClient("status", "--json");
        assertTrue(status.json().get("error_message").asText().contains("thnosuch0"), status.out());
    }
}

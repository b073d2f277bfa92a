package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.RPC;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.protocol.vpn.VpnProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Guards wire compatibility with the deployed CoderVPN protocol (docs/protocol.md §1.5): the
 * expected table below is transcribed from the facts, not generated from our schema.
 */
class WireCompatibilityTest {

    private static final Map<String, String> EXPECTED_MESSAGES = new TreeMap<>(Map.ofEntries(
            Map.entry("RPC", "1 msg_id uint64; 2 response_to uint64"),
            Map.entry(
                    "ManagerMessage",
                    "1 rpc RPC; 2 get_peer_update GetPeerUpdate [msg]; 3 network_settings NetworkSettingsResponse [msg]; 4 start StartRequest [msg]; 5 stop StopRequest [msg]; 6 wake WakeRequest [msg]"),
            Map.entry(
                    "TunnelMessage",
                    "1 rpc RPC; 2 log Log [msg]; 3 peer_update PeerUpdate [msg]; 4 network_settings NetworkSettingsRequest [msg]; 5 start StartResponse [msg]; 6 stop StopResponse [msg]; 7 wake WakeResponse [msg]"),
            Map.entry(
                    "ClientMessage",
                    "1 rpc RPC; 2 start StartRequest [msg]; 3 stop StopRequest [msg]; 4 status StatusRequest [msg]"),
            Map.entry(
                    "ServiceMessage",
                    "1 rpc RPC; 2 start StartResponse [msg]; 3 stop StopResponse [msg]; 4 status Status [msg]"),
            Map.entry(
                    "Log",
                    "1 level Log.Level; 2 message string; 3 logger_names repeated string; 4 fields repeated Log.Field"),
            Map.entry("Log.Field", "1 name string; 2 value string"),
            Map.entry("GetPeerUpdate", ""),
            Map.entry(
                    "PeerUpdate",
                    "1 upserted_workspaces repeated Workspace; 2 upserted_agents repeated Agent; 3 deleted_workspaces repeated Workspace; 4 deleted_agents repeated Agent"),
            Map.entry("Workspace", "1 id bytes; 2 name string; 3 status Workspace.Status"),
            Map.entry(
                    "Agent",
                    "1 id bytes; 2 name string; 3 workspace_id bytes; 4 fqdn repeated string; 5 ip_addrs repeated string; 6 last_handshake google.protobuf.Timestamp; 7 last_ping optional LastPing"),
            Map.entry(
                    "LastPing",
                    "1 latency google.protobuf.Duration; 2 did_p2p bool; 3 preferred_derp string; 4 preferred_derp_latency optional google.protobuf.Duration"),
            Map.entry(
                    "NetworkSettingsRequest",
                    "1 tunnel_overhead_bytes uint32; 2 mtu uint32; 3 dns_settings NetworkSettingsRequest.DNSSettings; 4 tunnel_remote_address string; 5 ipv4_settings NetworkSettingsRequest.IPv4Settings; 6 ipv6_settings NetworkSettingsRequest.IPv6Settings"),
            Map.entry(
                    "NetworkSettingsRequest.DNSSettings",
                    "1 servers repeated string; 2 search_domains repeated string; 3 domain_name string; 4 match_domains repeated string; 5 match_domains_no_search bool"),
            Map.entry(
                    "NetworkSettingsRequest.IPv4Settings",
                    "1 addrs repeated string; 2 subnet_masks repeated string; 3 router string; 4 included_routes repeated NetworkSettingsRequest.IPv4Settings.IPv4Route; 5 excluded_routes repeated NetworkSettingsRequest.IPv4Settings.IPv4Route"),
            Map.entry(
                    "NetworkSettingsRequest.IPv4Settings.IPv4Route",
                    "1 destination string; 2 mask string; 3 router string"),
            Map.entry(
                    "NetworkSettingsRequest.IPv6Settings",
                    "1 addrs repeated string; 2 prefix_lengths repeated uint32; 3 included_routes repeated NetworkSettingsRequest.IPv6Settings.IPv6Route; 4 excluded_routes repeated NetworkSettingsRequest.IPv6Settings.IPv6Route"),
            Map.entry(
                    "NetworkSettingsRequest.IPv6Settings.IPv6Route",
                    "1 destination string; 2 prefix_length uint32; 3 router string"),
            Map.entry("NetworkSettingsResponse", "1 success bool; 2 error_message string"),
            Map.entry(
                    "StartRequest",
                    "1 tunnel_file_descriptor int32; 2 coder_url string; 3 api_token string; 4 headers repeated StartRequest.Header; 5 device_id string; 6 device_os string; 7 coder_desktop_version string"),
            Map.entry("StartRequest.Header", "1 name string; 2 value string"),
            Map.entry("StartResponse", "1 success bool; 2 error_message string"),
            Map.entry("StopRequest", ""),
            Map.entry("StopResponse", "1 success bool; 2 error_message string"),
            Map.entry("StatusRequest", ""),
            Map.entry("Status", "1 lifecycle Status.Lifecycle; 2 error_message string; 3 peer_update PeerUpdate"),
            Map.entry("WakeRequest", ""),
            Map.entry("WakeResponse", "")));

    private static final Map<String, String> EXPECTED_ENUMS = new TreeMap<>(Map.of(
            "Log.Level", "DEBUG=0 INFO=1 WARN=2 ERROR=3 CRITICAL=4 FATAL=5",
            "Workspace.Status",
                    "UNKNOWN=0 PENDING=1 STARTING=2 RUNNING=3 STOPPING=4 STOPPED=5 FAILED=6 CANCELING=7 CANCELED=8 DELETING=9 DELETED=10",
            "Status.Lifecycle", "UNKNOWN=0 STARTING=1 STARTED=2 STOPPING=3 STOPPED=4"));

    @Test
    void everyMessageFieldNumberAndTypeMatchesTheDeployedSchema() {
        Map<String, String> actual = new TreeMap<>();
        Map<String, String> enums = new TreeMap<>();
        for (Descriptor d : VpnProto.getDescriptor().getMessageTypes()) {
            collect(d, actual, enums);
        }
        assertEquals("vpn", VpnProto.getDescriptor().getPackage());
        assertEquals(EXPECTED_MESSAGES, actual);
        assertEquals(EXPECTED_ENUMS, enums);
    }

    @Test
    void encodingMatchesBytesWorkedOutByHandFromTheFieldNumbers() throws Exception {
        ManagerMessage start = ManagerMessage.newBuilder()
                .setRpc(RPC.newBuilder().setMsgId(1))
                .setStart(StartRequest.newBuilder().setTunnelFileDescriptor(3).setCoderUrl("u"))
                .build();
        // field 1 (rpc, LEN 2: field 1 varint 1), field 4 (start, LEN 5: field 1 varint 3, field 2 LEN 1 "u")
        byte[] expected = {0, 0, 0, 11, 0x0a, 0x02, 0x08, 0x01, 0x22, 0x05, 0x08, 0x03, 0x12, 0x01, 'u'};
        assertArrayEquals(expected, new FrameCodec().encode(start));

        TunnelMessage reply = TunnelMessage.newBuilder()
                .setRpc(RPC.newBuilder().setResponseTo(300))
                .setStop(dev.tunnelhelper.protocol.vpn.StopResponse.newBuilder().setSuccess(true))
                .build();
        // field 1 (rpc, LEN 3: field 2 varint 300 = ac 02), field 6 (stop, LEN 2: field 1 varint 1)
        byte[] expectedReply = {0, 0, 0, 9, 0x0a, 0x03, 0x10, (byte) 0xac, 0x02, 0x32, 0x02, 0x08, 0x01};
        assertArrayEquals(expectedReply, new FrameCodec().encode(reply));
    }

    private static void collect(Descriptor d, Map<String, String> messages, Map<String, String> enums) {
        String name = d.getFullName().substring("vpn.".length());
        List<String> fields = new ArrayList<>();
        for (FieldDescriptor f : d.getFields()) {
            String type = switch (f.getJavaType()) {
                case MESSAGE -> relative(f.getMessageType().getFullName());
                case ENUM -> relative(f.getEnumType().getFullName());
                default -> f.getType().name().toLowerCase(java.util.Locale.ROOT);
            };
            String label = f.isRepeated() ? "repeated " : f.toProto().getProto3Optional() ? "optional " : "";
            String oneof = f.getRealContainingOneof() != null
                    ? " [" + f.getRealContainingOneof().getName() + "]"
                    : "";
            fields.add(f.getNumber() + " " + f.getName() + " " + label + type + oneof);
        }
        messages.put(name, String.join("; ", fields));
        for (EnumDescriptor e : d.getEnumTypes()) {
            enums.put(
                    relative(e.getFullName()),
                    e.getValues().stream()
                            .map(v -> v.getName() + "=" + v.getNumber())
                            .collect(Collectors.joining(" ")));
        }
        for (Descriptor nested : d.getNestedTypes()) {
            collect(nested, messages, enums);
        }
    }

    private static String relative(String fullName) {
        return fullName.startsWith("vpn.") ? fullName.substring(4) : fullName;
    }
}

package dev.tunnelhelper.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.ClientMessage;
import dev.tunnelhelper.protocol.vpn.GetPeerUpdate;
import dev.tunnelhelper.protocol.vpn.LastPing;
import dev.tunnelhelper.protocol.vpn.Log;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.ServiceMessage;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.StartResponse;
import dev.tunnelhelper.protocol.vpn.Status;
import dev.tunnelhelper.protocol.vpn.StatusRequest;
import dev.tunnelhelper.protocol.vpn.StopRequest;
import dev.tunnelhelper.protocol.vpn.StopResponse;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.protocol.vpn.WakeRequest;
import dev.tunnelhelper.protocol.vpn.WakeResponse;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.util.List;

/** One fully populated message of every kind each side can send. */
final class SampleMessages {
    private SampleMessages() {}

    static final ByteString WS_ID =
            ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    static final ByteString AGENT_ID =
            ByteString.copyFrom(new byte[] {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1});

    static StartRequest start() {
        return StartRequest.newBuilder()
                .setTunnelFileDescriptor(3)
                .setCoderUrl("https://coder.example.com")
                .setApiToken("secret-token")
                .addHeaders(StartRequest.Header.newBuilder().setName("X-Org").setValue("acme"))
                .setDeviceId("device-1")
                .setDeviceOs("linux")
                .setCoderDesktopVersion("0.1.0")
                .build();
    }

    static PeerUpdate peers() {
        Workspace ws = Workspace.newBuilder()
                .setId(WS_ID)
                .setName("dev")
                .setStatus(Workspace.Status.RUNNING)
                .build();
        Agent agent = Agent.newBuilder()
                .setId(AGENT_ID)
                .setName("main")
                .setWorkspaceId(WS_ID)
                .addFqdn("main.dev.me.coder")
                .addIpAddrs("100.64.0.2")
                .setLastHandshake(
                        Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(5))
                .setLastPing(LastPing.newBuilder()
                        .setLatency(Duration.newBuilder().setNanos(12_000_000))
                        .setDidP2P(true)
                        .setPreferredDerp("fra")
                        .setPreferredDerpLatency(Duration.newBuilder().setNanos(20_000_000)))
                .build();
        return PeerUpdate.newBuilder()
                .addUpsertedWorkspaces(ws)
                .addUpsertedAgents(agent)
                .addDeletedWorkspaces(ws.toBuilder().setName("old"))
                .addDeletedAgents(agent.toBuilder().setName("gone"))
                .build();
    }

    static NetworkSettingsRequest settings() {
        return NetworkSettingsRequest.newBuilder()
                .setTunnelOverheadBytes(80)
                .setMtu(1280)
                .setTunnelRemoteAddress("127.0.0.1")
                .setDnsSettings(NetworkSettingsRequest.DNSSettings.newBuilder()
                        .addServers("100.64.0.1")
                        .addSearchDomains("coder")
                        .setDomainName("coder")
                        .addMatchDomains("coder")
                        .setMatchDomainsNoSearch(true))
                .setIpv4Settings(NetworkSettingsRequest.IPv4Settings.newBuilder()
                        .addAddrs("100.64.0.1")
                        .addSubnetMasks("255.192.0.0")
                        .setRouter("100.64.0.1")
                        .addIncludedRoutes(NetworkSettingsRequest.IPv4Settings.IPv4Route.newBuilder()
                                .setDestination("100.64.0.0")
                                .setMask("255.192.0.0")
                                .setRouter("100.64.0.1"))
                        .addExcludedRoutes(NetworkSettingsRequest.IPv4Settings.IPv4Route.newBuilder()
                                .setDestination("10.0.0.0")
                                .setMask("255.0.0.0")))
                .setIpv6Settings(NetworkSettingsRequest.IPv6Settings.newBuilder()
                        .addAddrs("fd7a:115c:a1e0::1")
                        .addPrefixLengths(48)
                        .addIncludedRoutes(NetworkSettingsRequest.IPv6Settings.IPv6Route.newBuilder()
                                .setDestination("fd7a:115c:a1e0::")
                                .setPrefixLength(48)
                                .setRouter("fd7a:115c:a1e0::1"))
                        .addExcludedRoutes(NetworkSettingsRequest.IPv6Settings.IPv6Route.newBuilder()
                                .setDestination("fc00::")
                                .setPrefixLength(7)))
                .build();
    }

    static List<ManagerMessage> managerMessages() {
        return List.of(
                ManagerMessage.newBuilder()
                        .setGetPeerUpdate(GetPeerUpdate.getDefaultInstance())
                        .build(),
                ManagerMessage.newBuilder()
                        .setNetworkSettings(NetworkSettingsResponse.newBuilder()
                                .setSuccess(false)
                                .setErrorMessage("no"))
                        .build(),
                ManagerMessage.newBuilder().setStart(start()).build(),
                ManagerMessage.newBuilder()
                        .setStop(StopRequest.getDefaultInstance())
                        .build(),
                ManagerMessage.newBuilder()
                        .setWake(WakeRequest.getDefaultInstance())
                        .build());
    }

    static List<TunnelMessage> tunnelMessages() {
        return List.of(
                TunnelMessage.newBuilder()
                        .setLog(Log.newBuilder()
                                .setLevel(Log.Level.CRITICAL)
                                .setMessage("hello")
                                .addLoggerNames("vpn")
                                .addLoggerNames("tunnel")
                                .addFields(Log.Field.newBuilder().setName("k").setValue("v")))
                        .build(),
                TunnelMessage.newBuilder().setPeerUpdate(peers()).build(),
                TunnelMessage.newBuilder().setNetworkSettings(settings()).build(),
                TunnelMessage.newBuilder()
                        .setStart(StartResponse.newBuilder().setSuccess(false).setErrorMessage("bad url"))
                        .build(),
                TunnelMessage.newBuilder()
                        .setStop(StopResponse.newBuilder().setSuccess(true))
                        .build(),
                TunnelMessage.newBuilder()
                        .setWake(WakeResponse.getDefaultInstance())
                        .build());
    }

    static List<ClientMessage> clientMessages() {
        return List.of(
                ClientMessage.newBuilder().setStart(start()).build(),
                ClientMessage.newBuilder()
                        .setStop(StopRequest.getDefaultInstance())
                        .build(),
                ClientMessage.newBuilder()
                        .setStatus(StatusRequest.getDefaultInstance())
                        .build());
    }

    static List<ServiceMessage> serviceMessages() {
        return List.of(
                ServiceMessage.newBuilder()
                        .setStart(StartResponse.newBuilder().setSuccess(true))
                        .build(),
                ServiceMessage.newBuilder()
                        .setStop(StopResponse.newBuilder().setErrorMessage("x"))
                        .build(),
                ServiceMessage.newBuilder()
                        .setStatus(Status.newBuilder()
                                .setLifecycle(Status.Lifecycle.STARTED)
                                .setErrorMessage("e")
                                .setPeerUpdate(peers()))
                        .build());
    }
}

package dev.tunnelhelper.testbed.tunnel;

import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Handshake;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.TunnelProtocol;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.vpn.Log;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.StartResponse;
import dev.tunnelhelper.protocol.vpn.StopResponse;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.protocol.vpn.WakeResponse;
import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.TunDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel role of the CoderVPN protocol, as the deployed tunnel binary plays it: handshake,
 * start (validate, ask for network settings, answer), peers, stop. Faults from
 * {@link TunnelFault} make it misbehave in one specific way each.
 */
public final class ReferenceTunnel {
    private static final Logger log = LoggerFactory.getLogger(ReferenceTunnel.class);
    private static final Duration SETTINGS_TIMEOUT = Duration.ofSeconds(30);

    private final TunnelSettings settings;
    private final InputStream in;
    private final OutputStream out;
    private final PeerScenario scenario;
    private final ScheduledExecutorService publisher =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.factory("peer-publisher"));
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private volatile boolean started;

    public ReferenceTunnel(TunnelSettings settings, InputStream in, OutputStream out) {
        this.settings = settings;
        this.in = in;
        this.out = out;
        this.scenario = new PeerScenario(settings, Instant.now());
    }

    /** Runs the conversation to its end and returns the process exit code. */
    public int run() throws IOException, InterruptedException {
        switch (settings.fault().kind()) {
            case EXIT_IMMEDIATELY -> {
                return 7;
            }
            case SILENT_HANDSHAKE -> {
                return drainUntilEof();
            }
            case WRONG_ROLE -> {
                writeRaw("codervpn manager " + settings.protocolVersions() + "\n");
                return drainUntilEof();
            }
            case HANDSHAKE_GARBAGE -> {
                writeRaw("HTTP/1.1 400 Bad Request\n");
                return drainUntilEof();
            }
            case DIE_IN_HANDSHAKE -> {
                writeRaw("codervpn tun");
                die(9);
            }
            default -> {
                // every other fault happens after the handshake
            }
        }
        TunnelProtocol protocol =
                new TunnelProtocol(settings.protocolVersions(), Handshake.DEFAULT_TIMEOUT, new FrameCodec());
        Speaker<TunnelMessage, ManagerMessage> speaker =
                protocol.connectAsTunnel(in, out, this::closeStreams, this::handle);
        log.info("handshake done, protocol {}", speaker.version());
        speaker.closeFuture().thenAccept(cause -> {
            log.info("manager closed the conversation{}", cause == null ? "" : ": " + cause.getMessage());
            if (settings.fault().kind() != TunnelFault.Kind.IGNORE_STOP) {
                exitCode.complete(0);
            }
        });
        try {
            return exitCode.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        } finally {
            publisher.shutdownNow();
        }
    }

    private void handle(Incoming<TunnelMessage, ManagerMessage> incoming) throws IOException {
        ManagerMessage message = incoming.message();
        Speaker<TunnelMessage, ManagerMessage> speaker = incoming.speaker();
        switch (message.getMsgCase()) {
            case START -> start(incoming);
            case STOP -> {
                if (settings.fault().kind() == TunnelFault.Kind.DIE_DURING_STOP) {
                    die(8);
                }
                if (settings.fault().kind() == TunnelFault.Kind.IGNORE_STOP) {
                    log.warn("ignoring the stop request (fault mode {})", settings.fault());
                    return;
                }
                publisher.shutdownNow();
                sendLog(speaker, Log.Level.INFO, "stopping", "reason", "stop request");
                incoming.reply(TunnelMessage.newBuilder()
                        .setStop(StopResponse.newBuilder().setSuccess(true))
                        .build());
                // StopResponse is the final message: close our write side, then exit.
                speaker.close();
                exitCode.complete(0);
            }
            case GET_PEER_UPDATE ->
                incoming.reply(TunnelMessage.newBuilder()
                        .setPeerUpdate(scenario.fullState())
                        .build());
            case WAKE -> {
                if (!speaker.version().supportsWake()) {
                    log.error("manager sent WakeRequest at protocol {}, which predates it", speaker.version());
                    return;
                }
                sendLog(
                        speaker,
                        Log.Level.INFO,
                        "woke up",
                        "agents",
                        Integer.toString(scenario.agentAddresses().size()));
                incoming.reply(TunnelMessage.newBuilder()
                        .setWake(WakeResponse.getDefaultInstance())
                        .build());
            }
            default -> log.warn("ignoring unexpected manager message {}", message.getMsgCase());
        }
    }

    private void start(Incoming<TunnelMessage, ManagerMessage> incoming) throws IOException {
        StartRequest request = incoming.message().getStart();
        Speaker<TunnelMessage, ManagerMessage> speaker = incoming.speaker();
        switch (settings.fault().kind()) {
            case GARBAGE_FRAME -> {
                // Nothing else writes while the start is unanswered, so this frame cannot interleave.
                new FrameCodec().writeFrame(out, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
                return;
            }
            case OVERSIZED_FRAME -> {
                out.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
                out.flush();
                return;
            }
            case STALL_START -> {
                sendLog(speaker, Log.Level.WARN, "stalling the start request on purpose");
                return;
            }
            case REFUSE_START -> {
                replyStart(incoming, false, "start refused by the reference tunnel (fault mode refuse-start)");
                return;
            }
            default -> {}
        }
        if (started) {
            replyStart(incoming, false, "already started");
            return;
        }
        if (request.getCoderUrl().isEmpty()) {
            replyStart(incoming, false, "missing coder_url");
            return;
        }
        if (request.getApiToken().isEmpty()) {
            replyStart(incoming, false, "missing api_token");
            return;
        }
        int tunFd = request.getTunnelFileDescriptor();
        String tunName;
        try {
            tunName = TunDevice.nameOf(tunFd);
        } catch (NativeException e) {
            replyStart(
                    incoming,
                    false,
                    "tunnel_file_descriptor " + tunFd + " is not an open TUN device: " + e.getMessage());
            return;
        }
        sendLog(
                speaker,
                Log.Level.INFO,
                "starting",
                "url",
                request.getCoderUrl(),
                "tun",
                tunName,
                "headers",
                Integer.toString(request.getHeadersCount()),
                "device_os",
                request.getDeviceOs());

        TunnelMessage settingsRequest = TunnelMessage.newBuilder()
                .setNetworkSettings(networkSettings(request))
                .build();
        if (settings.fault().kind() == TunnelFault.Kind.DIE_DURING_SETTINGS) {
            speaker.send(settingsRequest);
            die(4);
        }
        ManagerMessage answer = speaker.call(settingsRequest, SETTINGS_TIMEOUT);
        if (settings.fault().kind() == TunnelFault.Kind.DIE_BEFORE_START_REPLY) {
            die(5);
        }
        if (!answer.hasNetworkSettings() || !answer.getNetworkSettings().getSuccess()) {
            String why = answer.getNetworkSettings().getErrorMessage();
            sendLog(speaker, Log.Level.ERROR, "network settings were refused", "error", why);
            replyStart(incoming, false, "network settings failed: " + why);
            return;
        }

        started = true;
        NamedThreads.start("icmp-responder", new IcmpResponder(tunFd, () -> {
            var addresses = new java.util.HashSet<>(scenario.agentAddresses());
            addresses.add(settings.ownAddress());
            return addresses;
        }));
        publishPeers(speaker);
        replyStart(incoming, true, "");
        sendLog(
                speaker,
                Log.Level.INFO,
                "started",
                "tun",
                tunName,
                "agents",
                Integer.toString(scenario.agentAddresses().size()));
        if (settings.fault().kind() == TunnelFault.Kind.DIE_MID_PEER_UPDATE) {
            // Queued behind the full state, so it dies with the next update half written.
            publisher.execute(() -> dieMidFrame(TunnelMessage.newBuilder()
                    .setPeerUpdate(scenario.fullState())
                    .build()));
        }
        if (settings.fault().kind() == TunnelFault.Kind.CRASH_AFTER_START) {
            publisher.schedule(
                    () -> {
                        log.error("crashing on purpose (fault mode {})", settings.fault());
                        Runtime.getRuntime().halt(3);
                    },
                    settings.fault().millis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private NetworkSettingsRequest networkSettings(StartRequest request) {
        String own = settings.ownAddress();
        return NetworkSettingsRequest.newBuilder()
                .setTunnelOverheadBytes(80)
                .setMtu(1280)
                .setTunnelRemoteAddress(
                        java.net.URI.create(request.getCoderUrl()).getHost() == null
                                ? ""
                                : java.net.URI.create(request.getCoderUrl()).getHost())
                .setDnsSettings(NetworkSettingsRequest.DNSSettings.newBuilder()
                        .addServers(own)
                        .addMatchDomains(settings.matchDomain())
                        .setMatchDomainsNoSearch(true))
                .setIpv4Settings(NetworkSettingsRequest.IPv4Settings.newBuilder()
                        .addAddrs(own)
                        .addSubnetMasks("255.255.255.255")
                        .setRouter(own)
                        .addIncludedRoutes(NetworkSettingsRequest.IPv4Settings.IPv4Route.newBuilder()
                                .setDestination(settings.subnet() + ".0.0")
                                .setMask("255.255.0.0")
                                .setRouter(own)))
                .build();
    }

    private void publishPeers(Speaker<TunnelMessage, ManagerMessage> speaker) {
        publisher.execute(() -> sendPeers(speaker, scenario.fullState()));
        long every = settings.deltaInterval().toMillis();
        publisher.scheduleAtFixedRate(
                () -> sendPeers(speaker, scenario.tick(Instant.now())), every, every, TimeUnit.MILLISECONDS);
    }

    private void sendPeers(
            Speaker<TunnelMessage, ManagerMessage> speaker, dev.tunnelhelper.protocol.vpn.PeerUpdate update) {
        try {
            speaker.send(TunnelMessage.newBuilder().setPeerUpdate(update).build());
        } catch (IOException e) {
            log.info("peer update not sent: {}", e.getMessage());
        }
    }

    private static void replyStart(Incoming<TunnelMessage, ManagerMessage> incoming, boolean ok, String error)
            throws IOException {
        incoming.reply(TunnelMessage.newBuilder()
                .setStart(StartResponse.newBuilder().setSuccess(ok).setErrorMessage(error))
                .build());
    }

    /** Logs locally and to the manager, with logger names and fields as the real tunnel does. */
    private static void sendLog(
            Speaker<TunnelMessage, ManagerMessage> speaker, Log.Level level, String message, String... fields) {
        Log.Builder entry = Log.newBuilder()
                .setLevel(level)
                .setMessage(message)
                .addLoggerNames("testbed")
                .addLoggerNames("tunnel");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            entry.addFields(Log.Field.newBuilder().setName(fields[i]).setValue(fields[i + 1]));
        }
        log.info("{} {}", message, String.join(" ", fields));
        try {
            speaker.send(TunnelMessage.newBuilder().setLog(entry).build());
        } catch (IOException e) {
            log.debug("log not sent: {}", e.getMessage());
        }
    }

    /** Dies at once, as a crash does: no reply, no closing of streams, no shutdown hooks. */
    private void die(int code) {
        log.error("dying on purpose (fault mode {}), exit code {}", settings.fault(), code);
        Runtime.getRuntime().halt(code);
    }

    /** Writes the first half of {@code message}'s frame, then dies (exit code 6). */
    private void dieMidFrame(TunnelMessage message) {
        try {
            byte[] frame = new FrameCodec().encode(message);
            out.write(frame, 0, frame.length / 2);
            out.flush();
        } catch (IOException e) {
            log.info("half a frame not sent: {}", e.getMessage());
        }
        die(6);
    }

    private void writeRaw(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private int drainUntilEof() throws IOException {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // Keep the manager's writes from blocking until it gives up on us.
        }
        return 0;
    }

    private void closeStreams() throws IOException {
        try {
            out.close();
        } finally {
            in.close();
        }
    }
}

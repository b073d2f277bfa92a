package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.helper.binary.OperatorHeader;
import dev.tunnelhelper.helper.session.ExtensionLink;
import dev.tunnelhelper.helper.session.SessionManager;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.PeerText;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.helper.ApplyNetworkSettings;
import dev.tunnelhelper.protocol.helper.CancelProvider;
import dev.tunnelhelper.protocol.helper.Error;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.shim.OwnedFd;
import java.io.FileDescriptor;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One network-extension connection: starts and stops sessions, and answers for the sessions it owns. */
final class ExtensionConnection implements PeerConnection<HelperExtensionMessage, ExtensionMessage>, ExtensionLink {
    private static final Logger log = LoggerFactory.getLogger(ExtensionConnection.class);

    private final SessionManager sessions;
    private final Duration settingsTimeout;
    private final String who;
    private final AtomicInteger pendingReplies = new AtomicInteger();
    private volatile boolean startedSession;
    private volatile Speaker<HelperExtensionMessage, ExtensionMessage> speaker;

    ExtensionConnection(SessionManager sessions, Duration settingsTimeout, String who) {
        this.sessions = sessions;
        this.settingsTimeout = settingsTimeout;
        this.who = who;
    }

    @Override
    public void attached(Speaker<HelperExtensionMessage, ExtensionMessage> speaker) {
        this.speaker = speaker;
    }

    @Override
    public void onMessage(Incoming<HelperExtensionMessage, ExtensionMessage> in) throws IOException {
        ExtensionMessage message = in.message();
        if (!in.isRequest()) {
            FileDescriptors.closeQuietly(in.fds());
            log.warn("ignoring one-way {} from the network extension {}", message.getMsgCase(), who);
            return;
        }
        switch (message.getMsgCase()) {
            case START_DAEMON -> {
                if (in.fds().size() != 1) {
                    FileDescriptors.closeQuietly(in.fds());
                    in.reply(error("BAD_REQUEST", "StartDaemon needs exactly one file descriptor attached (the TUN device), got "
                            + in.fds().size()));
                    return;
                }
                Optional<String> badHeader = badHeader(message.getStartDaemon());
                if (badHeader.isPresent()) {
                    FileDescriptors.closeQuietly(in.fds());
                    in.reply(error("BAD_REQUEST", badHeader.get()));
                    return;
                }
                OwnedFd tun = OwnedFd.adopt(FileDescriptors.number(in.fds().get(0)));
                log.atInfo().setMessage("start requested").addKeyValue("peer", who)
                        .addKeyValue("accessUrl", PeerText.of(message.getStartDaemon().getAccessUrl()))
                        .addKeyValue("headers", message.getStartDaemon().getHeadersCount())
                        .addKeyValue("disableSignatureValidation", message.getStartDaemon().getDangerousDisableSignatureValidation()).log();
                startedSession = true;
                pendingReplies.incrementAndGet();
                sessions.start(message.getStartDaemon(), tun, this).thenAccept(result -> reply(in,
                        HelperExtensionMessage.newBuilder().setStartDaemonResult(result).build()));
            }
            case STOP_DAEMON -> {
                FileDescriptors.closeQuietly(in.fds());
                pendingReplies.incrementAndGet();
                // Stopping blocks until the child is reaped; keep this connection's dispatcher free meanwhile.
                NamedThreads.start("stop-daemon", () -> reply(in,
                        HelperExtensionMessage.newBuilder().setStopDaemonResult(sessions.stop(this)).build()));
            }
            default -> {
                FileDescriptors.closeQuietly(in.fds());
                in.reply(error("BAD_REQUEST", "unexpected " + message.getMsgCase() + " request on the network-extension endpoint"));
            }
        }
    }

    @Override
    public NetworkSettingsResponse applyNetworkSettings(NetworkSettingsRequest settings) throws IOException {
        HelperExtensionMessage request = HelperExtensionMessage.newBuilder()
                .setApplyNetworkSettings(ApplyNetworkSettings.newBuilder().setSettings(settings)).build();
        ExtensionMessage reply = speaker.call(request, settingsTimeout);
        if (!reply.hasApplyNetworkSettingsResult()) {
            return NetworkSettingsResponse.newBuilder().setSuccess(false)
                    .setErrorMessage("the network extension answered with " + reply.getMsgCase() + " instead of a result").build();
        }
        Result r = reply.getApplyNetworkSettingsResult();
        return NetworkSettingsResponse.newBuilder().setSuccess(r.getSuccess()).setErrorMessage(r.getErrorMessage()).build();
    }

    @Override
    public void cancelProvider(String error) {
        Speaker<HelperExtensionMessage, ExtensionMessage> s = speaker;
        if (s == null || s.isClosed()) {
            return;
        }
        s.request(HelperExtensionMessage.newBuilder().setCancelProvider(CancelProvider.newBuilder().setError(error)).build(), settingsTimeout)
                .whenComplete((reply, e) -> log.atInfo().setMessage("cancel provider sent").addKeyValue("peer", who)
                        .addKeyValue("error", error).addKeyValue("acknowledged", e == null).log());
    }

    @Override
    public String describe() {
        return "network extension " + who;
    }

    @Override
    public void closed(Throwable cause) {
        sessions.extensionDisconnected(this);
    }

    /** Once a connection started a session it owns it, and the extension may stay silent for as long as the session runs. */
    @Override
    public boolean keepsOpen() {
        return startedSession || pendingReplies.get() > 0;
    }

    /** Refused here, before any session exists: the header's name is quoted, its value never. */
    private static Optional<String> badHeader(StartDaemon start) {
        for (StartRequest.Header h : start.getHeadersList()) {
            Optional<String> problem = OperatorHeader.problem(h.getName(), h.getValue());
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private void reply(Incoming<HelperExtensionMessage, ExtensionMessage> in, HelperExtensionMessage message) {
        try {
            in.reply(message);
        } catch (IOException e) {
            log.warn("could not reply to the network extension {}: {}", who, e.getMessage());
        } finally {
            pendingReplies.decrementAndGet();
        }
    }

    private static HelperExtensionMessage error(String code, String message) {
        return HelperExtensionMessage.newBuilder().setError(Error.newBuilder().setCode(code).setMessage(message)).build();
    }
}

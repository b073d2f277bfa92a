package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.helper.binary.OperatorHeader;
import dev.tunnelhelper.helper.session.ExtensionLink;
import dev.tunnelhelper.helper.session.SessionFailure;
import dev.tunnelhelper.helper.session.SessionRefusedException;
import dev.tunnelhelper.helper.session.SettingsRefusedException;
import dev.tunnelhelper.helper.session.StartParameters;
import dev.tunnelhelper.helper.session.TunnelSession;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.PeerText;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.ApplyNetworkSettings;
import dev.tunnelhelper.protocol.helper.CancelProvider;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.shim.OwnedFd;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One network-extension connection: starts and stops sessions, and answers for the session it
 * owns. The session's outcomes become wire messages here, and only here.
 */
final class ExtensionConnection implements PeerConnection<HelperExtensionMessage, ExtensionMessage>, ExtensionLink {
    private static final Logger log = LoggerFactory.getLogger(ExtensionConnection.class);

    private final TunnelSession session;
    private final Duration requestTimeout;
    private final String who;
    private final AtomicInteger pendingReplies = new AtomicInteger();
    private volatile boolean startedSession;
    private volatile Speaker<HelperExtensionMessage, ExtensionMessage> speaker;

    /** @param requestTimeout how long the extension has to answer the helper's requests (network settings, cancel) */
    ExtensionConnection(TunnelSession session, Duration requestTimeout, String who) {
        this.session = session;
        this.requestTimeout = requestTimeout;
        this.who = who;
    }

    @Override
    public void attached(Speaker<HelperExtensionMessage, ExtensionMessage> speaker) {
        this.speaker = speaker;
        session.prepareForStart(); // not awaited: the connection goes on at once
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
            case START_DAEMON -> start(in, message.getStartDaemon());
            case STOP_DAEMON -> {
                FileDescriptors.closeQuietly(in.fds());
                // A stop always ends IDLE; the reply waits for that, off this dispatcher.
                answerLater(
                        in,
                        session.stop(this)
                                .thenApply(idle -> HelperExtensionMessage.newBuilder()
                                        .setStopDaemonResult(Result.newBuilder().setSuccess(true))
                                        .build()));
            }
            default -> {
                FileDescriptors.closeQuietly(in.fds());
                in.reply(error(
                        ErrorCode.BAD_REQUEST,
                        "unexpected " + message.getMsgCase() + " request on the network-extension endpoint"));
            }
        }
    }

    /** A malformed StartDaemon is refused here, whatever the session's state; a well-formed one goes to the session. */
    private void start(Incoming<HelperExtensionMessage, ExtensionMessage> in, StartDaemon start) throws IOException {
        if (in.fds().size() != 1) {
            FileDescriptors.closeQuietly(in.fds());
            in.reply(error(
                    ErrorCode.BAD_REQUEST,
                    "StartDaemon needs exactly one file descriptor attached (the TUN device), got "
                            + in.fds().size()));
            return;
        }
        Optional<String> badHeader = badHeader(start);
        if (badHeader.isPresent()) {
            FileDescriptors.closeQuietly(in.fds());
            in.reply(error(ErrorCode.BAD_REQUEST, badHeader.get()));
            return;
        }
        List<OperatorHeader> headers = start.getHeadersList().stream()
                .map(h -> new OperatorHeader(h.getName(), h.getValue()))
                .toList();
        StartParameters params = StartParameters.builder(start.getAccessUrl(), start.getToken())
                .headers(headers)
                .disableSignatureValidation(start.getDangerousDisableSignatureValidation())
                .deviceId(start.getDeviceId())
                .deviceOs(start.getDeviceOs())
                .build();
        log.atInfo()
                .setMessage("start requested")
                .addKeyValue("peer", who)
                .addKeyValue("accessUrl", PeerText.of(start.getAccessUrl()))
                .addKeyValue("headers", start.getHeadersCount())
                .addKeyValue("disableSignatureValidation", start.getDangerousDisableSignatureValidation())
                .log();
        // The TUN descriptor is adopted as the session takes it over (it closes it whatever happens),
        // so nothing that throws before this point leaves an adopted descriptor without an owner.
        OwnedFd tun = OwnedFd.adopt(FileDescriptors.number(in.fds().get(0)));
        startedSession = true;
        answerLater(
                in,
                session.start(params, tun, this)
                        .thenApply(running -> HelperExtensionMessage.newBuilder()
                                .setStartDaemonResult(Result.newBuilder().setSuccess(true))
                                .build())
                        .exceptionally(ExtensionConnection::startFailure));
    }

    /**
     * A start that did not run, on the wire: refusals are {@code error} replies with their code, a
     * failed start a result; anything else is a bug, rethrown so the reply is INTERNAL.
     */
    private static HelperExtensionMessage startFailure(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SessionRefusedException refused) {
            return error(refused.code(), refused.getMessage());
        }
        if (cause instanceof SessionFailure failed) {
            return HelperExtensionMessage.newBuilder()
                    .setStartDaemonResult(Result.newBuilder().setSuccess(false).setErrorMessage(failed.getMessage()))
                    .build();
        }
        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
    }

    @Override
    public CompletableFuture<Void> applyNetworkSettings(NetworkSettingsRequest settings) {
        HelperExtensionMessage request = HelperExtensionMessage.newBuilder()
                .setApplyNetworkSettings(ApplyNetworkSettings.newBuilder().setSettings(settings))
                .build();
        return speaker.request(request, requestTimeout).thenApply(reply -> {
            if (!reply.hasApplyNetworkSettingsResult()) {
                throw new CompletionException(new IOException(
                        "the network extension answered with " + reply.getMsgCase() + " instead of a result"));
            }
            if (!reply.getApplyNetworkSettingsResult().getSuccess()) {
                throw new CompletionException(new SettingsRefusedException(
                        reply.getApplyNetworkSettingsResult().getErrorMessage()));
            }
            return null;
        });
    }

    @Override
    public void cancelProvider(String error) {
        Speaker<HelperExtensionMessage, ExtensionMessage> s = speaker;
        if (s == null || s.isClosed()) {
            return;
        }
        s.request(
                        HelperExtensionMessage.newBuilder()
                                .setCancelProvider(CancelProvider.newBuilder().setError(error))
                                .build(),
                        requestTimeout)
                .whenComplete((reply, e) -> log.atInfo()
                        .setMessage("cancel provider sent")
                        .addKeyValue("peer", who)
                        .addKeyValue("error", error)
                        .addKeyValue("acknowledged", e == null)
                        .log());
    }

    @Override
    public String describe() {
        return "network extension " + who;
    }

    @Override
    public void closed(Throwable cause) {
        session.extensionDisconnected(this);
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

    /**
     * Replies once {@code answer} completes, on whichever thread completes it; the connection
     * counts as busy meanwhile. A failed answer is a fault of the helper's: INTERNAL, as for a
     * handler that threw.
     */
    private void answerLater(
            Incoming<HelperExtensionMessage, ExtensionMessage> in, CompletableFuture<HelperExtensionMessage> answer) {
        pendingReplies.incrementAndGet();
        answer.whenComplete((message, e) -> {
            if (e != null) {
                log.atError()
                        .setMessage("request failed")
                        .addKeyValue("peer", who)
                        .addKeyValue("request", in.msgId())
                        .setCause(e)
                        .log();
            }
            try {
                in.reply(
                        e == null
                                ? message
                                : HelperExtensionMessage.newBuilder()
                                        .setError(PeerAdmission.internalError(in.msgId()))
                                        .build());
            } catch (IOException io) {
                log.warn("could not reply to the network extension {}: {}", who, io.getMessage());
            } finally {
                pendingReplies.decrementAndGet();
            }
        });
    }

    private static HelperExtensionMessage error(ErrorCode code, String message) {
        return HelperExtensionMessage.newBuilder().setError(code.error(message)).build();
    }
}

package dev.tunnelhelper.netext;

import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.SpeakerClosedException;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;
import dev.tunnelhelper.protocol.helper.Error;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.helper.StopDaemon;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network extension's side of the helper's extension endpoint: start a session with a TUN
 * fd, stop it, and answer the helper's requests while it runs — {@code ApplyNetworkSettings}
 * (merged, handed to a {@link NetworkSettingsApplier}, answered with the real outcome) and
 * {@code CancelProvider} (acknowledged, then handed to a {@link CancelListener}).
 *
 * <p>The helper sends a one-way {@code error} just before it closes a connection it drops; the
 * speaker hands it over before it fails a call for the close, so such a call throws the helper's
 * reason as a {@link HelperErrorException}.
 */
public final class ExtensionClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExtensionClient.class);
    /** How long a start may take: download, verification and the tunnel's own start. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);

    private final HelperEndpoint endpoint;
    private final NetworkSettingsApplier applier;
    private final CancelListener cancelListener;
    private final SettingsMerger merger = new SettingsMerger();
    private final CompletableFuture<Error> closingError = new CompletableFuture<>();
    private final Speaker<ExtensionMessage, HelperExtensionMessage> speaker;

    private ExtensionClient(
            HelperEndpoint endpoint, Duration timeout, NetworkSettingsApplier applier, CancelListener cancelListener)
            throws IOException {
        this.endpoint = endpoint;
        this.applier = applier;
        this.cancelListener = cancelListener;
        this.speaker = endpoint.connectExtension(timeout, this::onIncoming);
    }

    /** Connects within {@code timeout}; {@link HelperUnavailableException} when nobody is there. */
    public static ExtensionClient connect(
            Path socket, Duration timeout, NetworkSettingsApplier applier, CancelListener cancelListener)
            throws IOException {
        return connect(HelperEndpoint.unixSocket(socket), timeout, applier, cancelListener);
    }

    /** The same on any endpoint: a Unix socket or an XPC service. */
    public static ExtensionClient connect(
            HelperEndpoint endpoint, Duration timeout, NetworkSettingsApplier applier, CancelListener cancelListener)
            throws IOException {
        return new ExtensionClient(endpoint, timeout, applier, cancelListener);
    }

    /**
     * Starts a session: sends {@code StartDaemon} with {@code tunFd} attached and waits for the
     * outcome, answering settings requests meanwhile. The caller keeps its own copy of the fd.
     *
     * @throws StartFailedException the helper tried and failed (the reason is the message)
     * @throws HelperErrorException the helper refused and started nothing; {@link HelperErrorException#code()}
     *         is {@code ALREADY_RUNNING} (another session is active), {@code SHUTTING_DOWN} or
     *         {@code BAD_REQUEST} (docs/protocol.md §2.2)
     */
    public void start(
            String accessUrl,
            String token,
            List<StartRequest.Header> headers,
            int tunFd,
            StartFlags flags,
            Duration timeout)
            throws IOException {
        StartDaemon.Builder start = StartDaemon.newBuilder()
                .setAccessUrl(accessUrl)
                .setToken(token)
                .addAllHeaders(headers)
                .setDangerousDisableSignatureValidation(flags.dangerouslyDisableSignatureValidation())
                .setDeviceId(flags.deviceId())
                .setDeviceOs(flags.deviceOs());
        HelperExtensionMessage reply = call(
                ExtensionMessage.newBuilder().setStartDaemon(start).build(),
                List.of(FileDescriptors.of(tunFd)),
                timeout,
                HelperExtensionMessage.MsgCase.START_DAEMON_RESULT);
        Result result = reply.getStartDaemonResult();
        if (!result.getSuccess()) {
            throw new StartFailedException(result.getErrorMessage());
        }
    }

    /** Asks the helper to stop the session (any session: the helper runs one at a time). */
    public Result stop(Duration timeout) throws IOException {
        return call(
                        ExtensionMessage.newBuilder()
                                .setStopDaemon(StopDaemon.getDefaultInstance())
                                .build(),
                        List.of(),
                        timeout,
                        HelperExtensionMessage.MsgCase.STOP_DAEMON_RESULT)
                .getStopDaemonResult();
    }

    private HelperExtensionMessage call(
            ExtensionMessage request,
            List<java.io.FileDescriptor> fds,
            Duration timeout,
            HelperExtensionMessage.MsgCase expected)
            throws IOException {
        HelperExtensionMessage reply;
        try {
            reply = speaker.call(request, fds, timeout);
        } catch (SpeakerClosedException e) {
            Error why = closingError.getNow(null);
            if (why != null) {
                throw new HelperErrorException(why);
            }
            if (e.getCause() instanceof HelperUnavailableException unavailable) {
                // Over XPC, where connecting is lazy: no such service, or not the helper we require.
                throw unavailable;
            }
            throw new IOException("the helper closed the connection (" + endpoint.describe() + ")", e);
        }
        if (reply.hasError()) {
            throw new HelperErrorException(reply.getError());
        }
        if (reply.getMsgCase() != expected) {
            throw new IOException("helper answered " + reply.getMsgCase() + " where " + expected + " was expected");
        }
        return reply;
    }

    private void onIncoming(Incoming<ExtensionMessage, HelperExtensionMessage> in) throws IOException {
        HelperExtensionMessage m = in.message();
        switch (m.getMsgCase()) {
            case APPLY_NETWORK_SETTINGS ->
                answerSettings(in, m.getApplyNetworkSettings().getSettings());
            case CANCEL_PROVIDER -> {
                if (in.isRequest()) {
                    in.reply(ExtensionMessage.newBuilder()
                            .setCancelProviderResult(Result.newBuilder().setSuccess(true))
                            .build());
                }
                String error = m.getCancelProvider().getError();
                log.info("helper cancelled the provider{}", error.isEmpty() ? " (clean stop)" : ": " + error);
                cancelListener.onCancel(error);
            }
            case ERROR -> {
                closingError.complete(m.getError());
                log.warn("helper: {}: {}", m.getError().getCode(), m.getError().getMessage());
            }
            default -> log.warn("ignoring unexpected {} from the helper", m.getMsgCase());
        }
    }

    private void answerSettings(Incoming<ExtensionMessage, HelperExtensionMessage> in, NetworkSettingsRequest diff)
            throws IOException {
        NetworkSettingsRequest merged = merger.preview(diff);
        Result.Builder result = Result.newBuilder();
        try {
            applier.apply(merged);
            merger.commit(merged);
            result.setSuccess(true);
            log.info("applied network settings");
        } catch (SettingsApplyException | RuntimeException e) {
            log.warn("could not apply network settings: {}", e.getMessage());
            result.setSuccess(false).setErrorMessage(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        if (in.isRequest()) {
            in.reply(ExtensionMessage.newBuilder()
                    .setApplyNetworkSettingsResult(result)
                    .build());
        }
    }

    /** Completes when the connection ends: {@code null} for a clean close, the failure otherwise. */
    public CompletableFuture<Throwable> closeFuture() {
        return speaker.closeFuture();
    }

    @Override
    public void close() {
        speaker.close();
    }
}

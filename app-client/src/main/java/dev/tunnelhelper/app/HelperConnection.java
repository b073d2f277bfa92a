package dev.tunnelhelper.app;

import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.SpeakerClosedException;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.Error;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One conversation on the app endpoint: connects (turning "nobody there" into
 * {@link HelperUnavailableException}), makes calls (turning {@code error} replies into
 * {@link HelperErrorException}) and hands one-way pushes to a consumer.
 *
 * <p>The helper sends a one-way {@code error} just before it closes a connection it drops
 * (refused, idle, too slow). The speaker hands that error over before it fails any pending call
 * for the close, so a call cut off by the close throws the helper's reason, not just "closed".
 */
final class HelperConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HelperConnection.class);

    private final HelperEndpoint endpoint;
    private final Duration timeout;
    private final Speaker<AppMessage, HelperAppMessage> speaker;
    private final CompletableFuture<Error> closingError = new CompletableFuture<>();

    private HelperConnection(HelperEndpoint endpoint, Duration timeout, Consumer<HelperAppMessage> pushes)
            throws IOException {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.speaker = endpoint.connectApp(timeout, incoming -> onIncoming(incoming, pushes));
    }

    static HelperConnection open(HelperEndpoint endpoint, Duration timeout, Consumer<HelperAppMessage> pushes)
            throws IOException {
        return new HelperConnection(endpoint, timeout, pushes);
    }

    private void onIncoming(Incoming<AppMessage, HelperAppMessage> incoming, Consumer<HelperAppMessage> pushes) {
        if (incoming.isRequest()) {
            log.warn("helper sent a request on the app endpoint, which defines none; ignoring it");
            return;
        }
        HelperAppMessage message = incoming.message();
        if (message.hasError()) {
            closingError.complete(message.getError());
        }
        pushes.accept(message);
    }

    /** Sends a request and returns the reply, or throws {@link HelperErrorException} for an {@code error} reply. */
    HelperAppMessage call(AppMessage request) throws IOException {
        return call(request, reply -> {});
    }

    /** The same, running {@code onReply} on the reply before any push that arrived after it is handed over. */
    HelperAppMessage call(AppMessage request, Consumer<HelperAppMessage> onReply) throws IOException {
        HelperAppMessage reply;
        try {
            reply = speaker.await(speaker.request(request, timeout, onReply));
        } catch (SpeakerClosedException e) {
            Error why = closingError();
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
        return reply;
    }

    /**
     * The one-way error the helper sent before it closed, or null. Complete once a call has failed
     * for the close or {@link #closeFuture()} has completed: what came before the close is
     * delivered first.
     */
    Error closingError() {
        return closingError.getNow(null);
    }

    /** Completes when the connection ends: {@code null} for a clean close, the failure otherwise. */
    CompletableFuture<Throwable> closeFuture() {
        return speaker.closeFuture();
    }

    HelperEndpoint endpoint() {
        return endpoint;
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        speaker.close();
    }
}

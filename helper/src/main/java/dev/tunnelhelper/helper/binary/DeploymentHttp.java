package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.protocol.PeerText;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * GET requests to the deployment: the operator's headers on every request (redirect hops
 * included), redirects followed by {@link RedirectPolicy} only, and connect, idle and total
 * time limits. Bodies are handed out as streams so nothing is ever buffered whole.
 *
 * <p>The transport is the JDK's {@link HttpURLConnection} (HTTP/1.1, keep-alive), each request
 * run by an {@link Exchange} on one of at most {@link #MAX_EXCHANGES} threads of this client.
 * Chosen over the JDK's asynchronous {@code HttpClient} for the start path: that client builds
 * its TLS context when it is created, even for a plain-http deployment, and its hand-offs cost
 * the daemon's client-compiled code several milliseconds per request (docs/performance.md).
 * The TLS context is built by the first https request here (at once when an extra CA is
 * configured, so a broken CA file is reported before any request).
 */
final class DeploymentHttp {

    /**
     * Requests running at once, this client's threads. A request given up on (deadline,
     * interrupt, close) ends at once for its caller, but its thread may wait for a stalled
     * server up to the idle timeout before its socket read returns; this bounds how many such
     * threads and sockets a misbehaving server can make the helper hold.
     */
    static final int MAX_EXCHANGES = 8;

    /**
     * Request headers an operator may not set: the HTTP/1.1 framing and connection management
     * the client owns (what the JDK's clients refuse or silently drop; refused here so an
     * operator learns it instead of the header vanishing).
     */
    private static final Set<String> RESTRICTED = Set.of(
            "access-control-request-headers",
            "access-control-request-method",
            "connection",
            "content-length",
            "content-transfer-encoding",
            "expect",
            "host",
            "keep-alive",
            "origin",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "via");

    private final int connectTimeoutMillis;
    private final Duration idleTimeout;
    private final Duration totalTimeout;
    private final Optional<Path> extraCa;
    private final ThreadPoolExecutor exchanges;
    private SSLSocketFactory tls;

    private DeploymentHttp(
            Duration connectTimeout, Duration idleTimeout, Duration totalTimeout, Optional<Path> extraCa) {
        this.connectTimeoutMillis = millis(connectTimeout);
        this.idleTimeout = idleTimeout;
        this.totalTimeout = totalTimeout;
        this.extraCa = extraCa;
        this.exchanges = new ThreadPoolExecutor(
                0,
                MAX_EXCHANGES,
                5,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                NamedThreads.factory("deployment-http"));
    }

    static DeploymentHttp create(
            Duration connectTimeout, Duration idleTimeout, Duration totalTimeout, Optional<Path> extraCa)
            throws IOException {
        DeploymentHttp http = new DeploymentHttp(connectTimeout, idleTimeout, totalTimeout, extraCa);
        if (extraCa.isPresent()) {
            http.tls();
        }
        return http;
    }

    /** Sends GET, following allowed redirects; the caller closes the response. */
    OpenResponse get(URI uri, List<OperatorHeader> operatorHeaders, Map<String, String> extraHeaders)
            throws TransferException {
        long deadline = System.nanoTime() + totalTimeout.toNanos();
        URI target = uri;
        for (int hop = 0; ; hop++) {
            OpenResponse response = send(target, operatorHeaders, extraHeaders, deadline);
            if (!isRedirect(response.status())) {
                return response;
            }
            response.close();
            target = RedirectPolicy.follow(
                    target, response.headers().firstValue("Location").orElse(null), hop + 1);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private OpenResponse send(
            URI uri, List<OperatorHeader> operatorHeaders, Map<String, String> extraHeaders, long deadline)
            throws TransferException {
        long left = deadline - System.nanoTime();
        Duration headerWait = Duration.ofNanos(Math.max(1, Math.min(left, idleTimeout.toNanos())));
        HttpURLConnection connection = open(uri);
        for (OperatorHeader header : operatorHeaders) {
            if (RESTRICTED.contains(header.name().toLowerCase(Locale.ROOT))) {
                throw new TransferException("the operator header '" + header.name()
                        + "' cannot be sent by the helper's HTTP client (restricted or invalid name)");
            }
            connection.addRequestProperty(header.name(), header.value());
        }
        extraHeaders.forEach(connection::setRequestProperty);

        BodyStream body = new BodyStream(idleTimeout, deadline, "response body from " + uri);
        try {
            exchanges.execute(new Exchange(connection, body));
        } catch (RejectedExecutionException e) {
            throw new TransferException(
                    "cannot request " + uri + ": " + MAX_EXCHANGES + " requests to the deployment are still running");
        }
        BodyStream.Head head = body.awaitHead(uri, headerWait);
        return new OpenResponse(uri, head.status(), head.headers(), body);
    }

    private HttpURLConnection open(URI uri) throws TransferException {
        URLConnection opened;
        try {
            opened = uri.toURL().openConnection();
        } catch (IOException | IllegalArgumentException e) {
            throw new TransferException("cannot request " + uri + ": " + describe(e), e);
        }
        if (!(opened instanceof HttpURLConnection connection)) {
            throw new TransferException("cannot request " + uri + ": not an http or https URL");
        }
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tlsFor(uri));
        }
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout(connectTimeoutMillis);
        // Bounds each socket read, the wait for the headers included: the idle timeout. The
        // total deadline is the caller's side's (BodyStream), which never waits past it.
        connection.setReadTimeout(millis(idleTimeout));
        return connection;
    }

    private SSLSocketFactory tlsFor(URI uri) throws TransferException {
        try {
            return tls();
        } catch (IOException e) {
            throw new TransferException("cannot request " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Whether a TLS context was built: only an https request or an extra CA builds one. */
    synchronized boolean tlsBuilt() {
        return tls != null;
    }

    private synchronized SSLSocketFactory tls() throws IOException {
        if (tls == null) {
            tls = TrustedCertificates.sslContext(extraCa).getSocketFactory();
        }
        return tls;
    }

    private static int millis(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
    }

    /**
     * Names the cause without leaking anything secret (JDK network messages carry no header values
     * of ours); the server's text they may quote, such as an invalid header it sent, is escaped.
     */
    static String describe(Throwable t) {
        StringBuilder text = new StringBuilder();
        Throwable cause = t;
        int depth = 0;
        while (cause != null && depth++ < 4) {
            String message = cause.getMessage();
            if (text.length() > 0) {
                text.append(": ");
            }
            text.append(cause.getClass().getSimpleName());
            if (message != null && !message.isBlank()) {
                text.append(" (").append(PeerText.of(message)).append(')');
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return text.toString();
    }
}

package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.protocol.PeerText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GET requests to the deployment: the operator's headers on every request (redirect hops
 * included), redirects followed by {@link RedirectPolicy} only, and connect, idle and total
 * time limits. Bodies are handed out as streams so nothing is ever buffered whole.
 */
final class DeploymentHttp {

    private final HttpClient client;
    private final Duration idleTimeout;
    private final Duration totalTimeout;

    DeploymentHttp(HttpClient client, Duration idleTimeout, Duration totalTimeout) {
        this.client = client;
        this.idleTimeout = idleTimeout;
        this.totalTimeout = totalTimeout;
    }

    static DeploymentHttp create(
            Duration connectTimeout, Duration idleTimeout, Duration totalTimeout, Optional<java.nio.file.Path> extraCa)
            throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                // HTTP/1.1: a body's end is bounded by Content-Length, so truncation is detected
                // reliably, and no h2c upgrade is attempted over plain http.
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(TrustedCertificates.sslContext(extraCa))
                .build();
        return new DeploymentHttp(client, idleTimeout, totalTimeout);
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
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(headerWait);
        for (OperatorHeader header : operatorHeaders) {
            try {
                request.header(header.name(), header.value());
            } catch (IllegalArgumentException e) {
                throw new TransferException(
                        "the operator header '" + header.name()
                                + "' cannot be sent by the helper's HTTP client (restricted or invalid name)",
                        e);
            }
        }
        extraHeaders.forEach(request::header);

        CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> pending =
                client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofPublisher());
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
        try {
            response = pending.get(headerWait.toNanos() + 1_000_000_000L, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new TransferException("no response from " + uri + " within " + headerWait.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted while requesting " + uri);
        } catch (ExecutionException e) {
            throw new TransferException("request to " + uri + " failed: " + describe(e.getCause()), e.getCause());
        }
        BodyStream body = new BodyStream(idleTimeout, deadline, "response body from " + uri);
        response.body().subscribe(body);
        return new OpenResponse(uri, response.statusCode(), response.headers(), body);
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

package dev.tunnelhelper.testbed.deployment;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One request as the deployment's handlers see it: the raw exchange, the behaviour snapshot taken
 * when it arrived, and the only way to send a status line (so every response is counted).
 */
final class DeploymentExchange {

    private final HttpExchange exchange;
    private final String path;
    private final ServingBehaviour behaviour;
    private final RequestCounters counters;

    DeploymentExchange(HttpExchange exchange, ServingBehaviour behaviour, RequestCounters counters) {
        this.exchange = exchange;
        this.path = exchange.getRequestURI().getRawPath();
        this.behaviour = behaviour;
        this.counters = counters;
    }

    HttpExchange raw() {
        return exchange;
    }

    String path() {
        return path;
    }

    ServingBehaviour behaviour() {
        return behaviour;
    }

    String requestHeader(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    /**
     * Counts the response, then sends the status line and headers. {@code length} is what
     * Content-Length announces; -1 means no body at all.
     */
    void sendHeaders(int status, long length) throws IOException {
        counters.recordResponse(path, status);
        boolean bodyless = status == 304 || status == 204 || status < 200;
        exchange.sendResponseHeaders(status, bodyless ? -1 : (length == 0 ? -1 : length));
    }

    /** A complete response with a small in-memory body. */
    void respond(int status, String contentType, byte[] body) throws IOException {
        boolean bodyless = status == 304 || status == 204 || status < 200;
        if (!bodyless && body.length > 0) {
            setHeader("Content-Type", contentType);
        }
        sendHeaders(status, bodyless ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!bodyless) {
                out.write(body);
            }
        }
    }

    /** A plain-text explanation, for errors a person will read in a test log. */
    void respondText(int status, String message) throws IOException {
        respond(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}

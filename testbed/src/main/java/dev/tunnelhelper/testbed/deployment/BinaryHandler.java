package dev.tunnelhelper.testbed.deployment;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /bin/coder-<os>-<arch>}: the binary with a SHA-1 ETag, conditional 304s, optional
 * gzip, and the transfer faults a helper's downloader has to survive.
 */
final class BinaryHandler {

    private static final Logger log = LoggerFactory.getLogger(BinaryHandler.class);
    private static final int CHUNK = 16 * 1024;

    private final PublishedBinary binary;
    private final PlatformCatalogue platforms;

    BinaryHandler(PublishedBinary binary, PlatformCatalogue platforms) {
        this.binary = binary;
        this.platforms = platforms;
    }

    void handle(DeploymentExchange exchange, String binaryName) throws IOException {
        ServingBehaviour behaviour = exchange.behaviour();
        if (!platforms.serves(binaryName, behaviour)) {
            exchange.respondText(404, "no binary named " + binaryName);
            return;
        }
        exchange.setHeader("ETag", binary.etag());
        if (matchesEtag(exchange.requestHeader("If-None-Match"))) {
            exchange.sendHeaders(304, -1);
            exchange.raw().close();
            return;
        }

        boolean gzip = behaviour.gzip() && acceptsGzip(exchange.requestHeader("Accept-Encoding"));
        byte[] body = gzip ? binary.gzippedBody(behaviour.tamperBody()) : binary.body(behaviour.tamperBody());
        exchange.setHeader("Content-Type", "application/octet-stream");
        if (gzip) {
            exchange.setHeader("Content-Encoding", "gzip");
            exchange.setHeader("X-Original-Content-Length", Integer.toString(binary.length()));
        }
        long announced = body.length + behaviour.contentLengthExcess();
        long sending = behaviour.cutAfterBytes() >= 0 ? Math.min(behaviour.cutAfterBytes(), body.length) : body.length;
        exchange.sendHeaders(200, announced);

        OutputStream out = exchange.raw().getResponseBody();
        if (behaviour.throttleBytesPerSecond() > 0) {
            out = new ThrottledOutputStream(out, behaviour.throttleBytesPerSecond());
        }
        for (int pos = 0; pos < sending; pos += CHUNK) {
            out.write(body, pos, (int) Math.min(CHUNK, sending - pos));
        }
        if (sending < announced) {
            out.flush();
            log.debug("dropping connection after {} of {} announced bytes of {}", sending, announced, exchange.path());
            // Thrown out of the handler, this makes the JDK server close the socket instead of
            // waiting for the rest of the body, so the client sees the transfer end early.
            throw new DroppedConnectionException(exchange.path(), sending, announced);
        }
        out.close();
    }

    private boolean matchesEtag(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(binary.etag())) {
                return true;
            }
        }
        return false;
    }

    private static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.trim().split(";");
            if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("gzip")) {
                continue;
            }
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].trim().replace(" ", "");
                if (param.equals("q=0") || param.matches("q=0\\.0*")) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** The deliberate early end of a binary transfer (cut-after or a lying Content-Length). */
    static final class DroppedConnectionException extends IOException {
        DroppedConnectionException(String path, long sent, long announced) {
            super("testbed dropped the connection for " + path + " after " + sent + " of " + announced + " bytes");
        }
    }
}

package dev.tunnelhelper.testbed.deployment;

import java.io.IOException;

/** {@code GET /bin/coder-<os>-<arch>.sig}: the raw 64-byte Ed25519 signature over the untampered binary. */
final class SignatureHandler {

    static final String SUFFIX = ".sig";

    private final PublishedBinary binary;
    private final PlatformCatalogue platforms;

    SignatureHandler(PublishedBinary binary, PlatformCatalogue platforms) {
        this.binary = binary;
        this.platforms = platforms;
    }

    void handle(DeploymentExchange exchange, String binaryName) throws IOException {
        if (!platforms.serves(binaryName, exchange.behaviour())) {
            exchange.respondText(404, "no binary named " + binaryName);
            return;
        }
        exchange.respond(200, "application/octet-stream", binary.signature());
    }
}

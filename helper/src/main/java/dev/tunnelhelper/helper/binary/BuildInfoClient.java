package dev.tunnelhelper.helper.binary;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.protocol.PeerText;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the deployment's version and holds it against the minimum the helper supports. */
final class BuildInfoClient {

    static final String PATH = "/api/v2/buildinfo";
    /** Real build info is a few hundred bytes; anything huge is not build info. */
    private static final int MAX_BYTES = 256 * 1024;

    private final DeploymentHttp http;
    private final SemanticVersion minimum;

    BuildInfoClient(DeploymentHttp http, SemanticVersion minimum) {
        this.http = http;
        this.minimum = minimum;
    }

    /** The server's version, parsed, once it is known to be at least the minimum. */
    SemanticVersion fetchSupportedVersion(DeploymentUrl deployment, List<OperatorHeader> headers)
            throws AcquisitionException {
        return supportedVersion(fetchVersion(deployment, headers), deployment.resolve(PATH), minimum);
    }

    /** {@code version} (reported by {@code uri}), parsed, once it is known to be at least {@code minimum}. */
    static SemanticVersion supportedVersion(String version, URI uri, SemanticVersion minimum)
            throws AcquisitionException {
        SemanticVersion server;
        try {
            server = SemanticVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new AcquisitionException(
                    Step.FETCH_INFO,
                    "build info from " + uri + " reports version '" + PeerText.of(version)
                            + "', which is not a semantic version");
        }
        if (server.isBelow(minimum)) {
            throw new AcquisitionException(
                    Step.MINIMUM_VERSION,
                    "the deployment runs " + PeerText.of(server.original()) + ", below the minimum supported version "
                            + minimum.original());
        }
        return server;
    }

    /** The {@code version} string of the deployment's build info. */
    String fetchVersion(DeploymentUrl deployment, List<OperatorHeader> headers) throws AcquisitionException {
        URI uri = deployment.resolve(PATH);
        byte[] body;
        try (OpenResponse response = http.get(uri, headers, Map.of("Accept", "application/json"))) {
            if (response.status() != 200) {
                throw new AcquisitionException(
                        Step.FETCH_INFO,
                        "build info request to " + uri + " answered HTTP " + response.status()
                                + response.errorSnippet());
            }
            body = response.body().readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new AcquisitionException(
                    Step.FETCH_INFO, "cannot fetch build info from " + uri + ": " + PeerText.of(e.getMessage()), e);
        }
        if (body.length > MAX_BYTES) {
            throw new AcquisitionException(
                    Step.FETCH_INFO, "build info from " + uri + " is larger than " + MAX_BYTES + " bytes");
        }
        return parseVersion(body, uri);
    }

    /** The version in the build info {@code body}, which {@code uri} answered; the server's text is quoted only escaped. */
    static String parseVersion(byte[] body, URI uri) throws AcquisitionException {
        Optional<String> version;
        try {
            version = JsonVersion.read(body);
        } catch (JsonProcessingException e) {
            throw new AcquisitionException(
                    Step.FETCH_INFO,
                    "build info from " + uri + " is not valid JSON: " + PeerText.of(e.getOriginalMessage()),
                    e);
        } catch (JsonVersion.NotAnObjectException e) {
            throw new AcquisitionException(Step.FETCH_INFO, "build info from " + uri + " is not a JSON object");
        }
        if (version.isEmpty() || version.get().isBlank()) {
            throw new AcquisitionException(Step.FETCH_INFO, "build info from " + uri + " has no version");
        }
        return version.get();
    }
}

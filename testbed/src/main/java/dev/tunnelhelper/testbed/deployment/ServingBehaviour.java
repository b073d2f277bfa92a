package dev.tunnelhelper.testbed.deployment;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the deployment answers, including the faults it injects. Immutable: a running server
 * swaps in a new instance atomically, and each request works from the one it saw on arrival,
 * so tests can flip options between requests without tearing a response in half.
 *
 * @param gzip                 compress binaries for clients that send {@code Accept-Encoding: gzip}
 * @param serveAllPlatforms    serve the host binary under every known platform's path instead of 404
 * @param requiredHeader       header every request must carry, or null; requests without it get 403
 * @param throttleBytesPerSecond bandwidth cap on binary bodies; 0 means unlimited
 * @param failingPaths         request path to the status it fails with
 * @param binaryFailureStatus  status every binary request fails with; 0 means none
 * @param cutAfterBytes        drop the connection after this many body bytes of a binary; -1 means never
 * @param tamperBody           flip bytes of the served binary while keeping the original ETag and signature
 * @param buildInfoVersion     version build info reports instead of the real one, or null
 * @param contentLengthExcess  bytes announced in Content-Length beyond those sent for a binary; 0 means honest
 * @param buildInfoBody        raw body build info answers with (status 200) instead of its JSON, or null;
 *                             lets tests serve malformed build info
 */
public record ServingBehaviour(
        boolean gzip,
        boolean serveAllPlatforms,
        RequiredHeader requiredHeader,
        long throttleBytesPerSecond,
        Map<String, Integer> failingPaths,
        int binaryFailureStatus,
        long cutAfterBytes,
        boolean tamperBody,
        String buildInfoVersion,
        long contentLengthExcess,
        String buildInfoBody) {

    /** Honest, uncompressed, unthrottled. */
    public static final ServingBehaviour DEFAULT =
            new ServingBehaviour(false, false, null, 0, Map.of(), 0, -1, false, null, 0, null);

    public ServingBehaviour {
        failingPaths = Map.copyOf(Objects.requireNonNull(failingPaths, "failingPaths"));
        failingPaths.forEach((path, status) -> checkStatus(status));
        if (binaryFailureStatus != 0) {
            checkStatus(binaryFailureStatus);
        }
        if (throttleBytesPerSecond < 0) {
            throw new IllegalArgumentException("throttle must be >= 0: " + throttleBytesPerSecond);
        }
        if (cutAfterBytes < -1) {
            throw new IllegalArgumentException("cut-after must be >= 0, or -1 for never: " + cutAfterBytes);
        }
        if (contentLengthExcess < 0) {
            throw new IllegalArgumentException("content-length excess must be >= 0: " + contentLengthExcess);
        }
    }

    private static void checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
    }

    public ServingBehaviour withGzip(boolean on) {
        return new ServingBehaviour(
                on,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    public ServingBehaviour withServeAllPlatforms(boolean on) {
        return new ServingBehaviour(
                gzip,
                on,
                requiredHeader,
                throttleBytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    /** {@code null} removes the requirement. */
    public ServingBehaviour withRequiredHeader(RequiredHeader header) {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                header,
                throttleBytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    /** 0 removes the cap. */
    public ServingBehaviour withThrottle(long bytesPerSecond) {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                bytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    /** Makes {@code path} (exact request path, no query) answer {@code status}. */
    public ServingBehaviour withFailingPath(String path, int status) {
        Map<String, Integer> paths = new HashMap<>(failingPaths);
        paths.put(path, status);
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                paths,
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    public ServingBehaviour withoutFailingPaths() {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                Map.of(),
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    /** 0 stops failing binary requests. */
    public ServingBehaviour withBinaryFailure(int status) {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                failingPaths,
                status,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    /** -1 stops cutting. */
    public ServingBehaviour withCutAfter(long bytes) {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                bytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    public ServingBehaviour withTamperedBody(boolean on) {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                cutAfterBytes,
                on,
                buildInfoVersion,
                contentLengthExcess,
                buildInfoBody);
    }

    /** {@code null} reports the real version again. */
    public ServingBehaviour withBuildInfoVersion(String version) {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                version,
                contentLengthExcess,
                buildInfoBody);
    }

    /** 0 makes Content-Length honest again. */
    public ServingBehaviour withContentLengthExcess(long bytes) {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                bytes,
                buildInfoBody);
    }

    /** {@code null} serves the real build info again; any other text is sent verbatim with status 200. */
    public ServingBehaviour withBuildInfoBody(String body) {
        return new ServingBehaviour(
                gzip,
                serveAllPlatforms,
                requiredHeader,
                throttleBytesPerSecond,
                failingPaths,
                binaryFailureStatus,
                cutAfterBytes,
                tamperBody,
                buildInfoVersion,
                contentLengthExcess,
                body);
    }
}

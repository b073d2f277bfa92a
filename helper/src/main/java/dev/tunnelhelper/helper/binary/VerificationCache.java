package dev.tunnelhelper.helper.binary;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binaries that passed verification, by content (SHA-256) and policy, with the version they
 * reported. Lets an unchanged binary start without a second signature check and probe; a
 * different hash or a different policy misses and gets the full check.
 */
final class VerificationCache {

    private record Key(String sha256, String policyFingerprint) {}

    private final Map<Key, String> reportedVersions = new ConcurrentHashMap<>();

    Optional<String> reportedVersion(String sha256, VerificationPolicy policy) {
        return Optional.ofNullable(reportedVersions.get(new Key(sha256, policy.fingerprint())));
    }

    void remember(String sha256, VerificationPolicy policy, String reportedVersion) {
        reportedVersions.put(new Key(sha256, policy.fingerprint()), reportedVersion);
    }

    void forget(String sha256) {
        reportedVersions.keySet().removeIf(key -> key.sha256().equals(sha256));
    }
}

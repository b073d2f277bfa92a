package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;

/**
 * The installed binary as this helper process verified it (signatures and version probe, under
 * the start's policy) and unchanged on disk since (same {@link FileIdentity}): a start may spawn
 * it and handshake while the acquisition re-checks it against the deployment, but may hand it no
 * work (the API token) unless that acquisition then returns this very file ({@link #confirmedBy}).
 *
 * @param path   the installed binary's path in the binary directory
 * @param sha256 lowercase hex SHA-256 of the file when it was verified
 */
public record VerifiedCopy(Path path, String sha256) {

    /**
     * True when {@code acquired} is this copy, found current by the deployment (a 304 to the
     * conditional request, and a server version the copy reported): not a download, the same
     * path and the same content.
     */
    public boolean confirmedBy(AcquiredBinary acquired) {
        return !acquired.downloaded()
                && acquired.path().equals(path)
                && acquired.sha256().equals(sha256);
    }
}

package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;

/**
 * A verified binary, ready to run.
 *
 * @param path                        canonical path inside the binary directory
 * @param serverVersion               the deployment's build-info version, which the binary reports too
 * @param sha256                      lowercase hex SHA-256 of the file
 * @param signatureValidationDisabled true when signature checks were skipped on request (status shows it)
 * @param downloaded                  false when the installed binary was still current (304)
 */
public record AcquiredBinary(
        Path path, String serverVersion, String sha256, boolean signatureValidationDisabled, boolean downloaded) {}

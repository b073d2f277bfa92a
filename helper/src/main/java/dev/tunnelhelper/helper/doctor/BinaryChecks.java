package dev.tunnelhelper.helper.doctor;

import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.BinaryDiagnostics;
import java.nio.file.Path;
import java.util.Optional;

/** Signature configuration, the cached binary and the deployment, through the acquisition's own checks. */
final class BinaryChecks {
    private final BinaryDiagnostics diagnostics;
    private final Path binaryDirectory;
    private final Optional<String> url;

    BinaryChecks(BinaryDiagnostics diagnostics, Path binaryDirectory, Optional<String> url) {
        this.diagnostics = diagnostics;
        this.binaryDirectory = binaryDirectory;
        this.url = url;
    }

    Check signatureConfiguration(String describedModes) {
        String name = "signature-config";
        return diagnostics
                .configurationProblem()
                .map(
                        problem -> Check.fail(
                                name,
                                problem,
                                "pin the deployment's key: verification.ed25519PublicKeys in the config"
                                        + " (or --ed25519-key PATH), a pinnedSha256, or on macOS macCodeSignature with macTeamIdentifier"))
                .orElseGet(() -> Check.ok(name, describedModes));
    }

    Check binaryCache() {
        String name = "binary-cache";
        String redownload =
                "nothing to do by hand: the next start downloads and verifies a fresh binary; to be sure, delete it";
        BinaryDiagnostics.CachedBinary cached = diagnostics.inspect(binaryDirectory, url);
        if (cached instanceof BinaryDiagnostics.Absent a) {
            return Check.warn(name, "no binary at " + a.path() + " yet", "none needed: the first start downloads it");
        }
        if (cached instanceof BinaryDiagnostics.Untrusted u) {
            return Check.fail(name, u.path() + ": " + u.reason() + "; the helper will not run it", redownload);
        }
        if (cached instanceof BinaryDiagnostics.Unverifiable u) {
            return Check.warn(
                    name,
                    u.path() + " (sha256 " + u.sha256() + ") not verified: " + u.reason(),
                    "give --url U (the deployment) so its signature can be fetched");
        }
        if (cached instanceof BinaryDiagnostics.Rejected r) {
            return Check.fail(
                    name, r.path() + " (sha256 " + r.sha256() + ") fails verification: " + r.reason(), redownload);
        }
        BinaryDiagnostics.Verified v = (BinaryDiagnostics.Verified) cached;
        return Check.ok(name, v.path() + " verified, reports " + v.version() + " (sha256 " + v.sha256() + ")");
    }

    Optional<Check> deployment() {
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String name = "deployment";
        try {
            return Optional.of(
                    Check.ok(name, url.get() + " answers build info: " + diagnostics.deploymentVersion(url.get())));
        } catch (AcquisitionException e) {
            String fix = e.step() == AcquisitionException.Step.MINIMUM_VERSION
                    ? "upgrade the deployment, or lower minimumVersion in the config if this helper must serve it"
                    : "check the URL, that the deployment is up, and the network or proxy in between (extra CA: download.extraCaCertificate)";
            return Optional.of(Check.fail(name, e.getMessage(), fix));
        }
    }
}

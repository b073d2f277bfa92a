package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code tunnel-helper doctor} asks about binaries, answered with the acquisition's own
 * pieces and in its order: the verification configuration, the deployment's build info, and the
 * cached binary, whose signature checks come first and whose version is probed (the binary run)
 * only when they passed. Nothing here downloads a binary or changes the cache.
 */
public final class BinaryDiagnostics {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final int GROUP_OR_OTHER_WRITE = 0022;

    /** What the cache holds for this host's platform. */
    public sealed interface CachedBinary {
        Path path();
    }

    public record Absent(Path path) implements CachedBinary {}

    /** Not a file the helper would run (a link, someone else's, writable by others): it is replaced on the next start. */
    public record Untrusted(Path path, String reason) implements CachedBinary {}

    /** Could not be checked, e.g. its Ed25519 signature lives on a deployment we were not given. */
    public record Unverifiable(Path path, String sha256, String reason) implements CachedBinary {}

    /** Failed a check: the next start downloads it again and deletes this one. */
    public record Rejected(Path path, String sha256, String reason) implements CachedBinary {}

    public record Verified(Path path, String sha256, String version) implements CachedBinary {}

    private final VerificationSettings settings;
    private final String minimumVersion;
    private final Optional<Path> extraCa;
    private final HostPlatform platform;
    private final int ownerUid;

    public BinaryDiagnostics(VerificationSettings settings, String minimumVersion, Optional<Path> extraCa) {
        this.settings = settings;
        this.minimumVersion = minimumVersion;
        this.extraCa = extraCa;
        this.platform = HostPlatform.current();
        this.ownerUid = ProcessIdentity.effectiveUid();
    }

    /** Why this configuration cannot verify a binary (no mode, unreadable key, mode for another OS), if it cannot. */
    public Optional<String> configurationProblem() {
        try {
            VerificationPolicy.build(settings, platform, false);
            return Optional.empty();
        } catch (AcquisitionException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The deployment's version, once it is at least the minimum; otherwise why not. */
    public String deploymentVersion(String url) throws AcquisitionException {
        return new BuildInfoClient(http(), SemanticVersion.parse(minimumVersion))
                .fetchSupportedVersion(deployment(url), List.of())
                .original();
    }

    /**
     * The cached binary for this platform under {@code binaryDirectory}, verified against the
     * configured keys or pins (an Ed25519 signature is fetched from {@code url} when given) and,
     * only if that passed, asked for its version.
     */
    public CachedBinary inspect(Path binaryDirectory, Optional<String> url) {
        Path path = binaryDirectory.resolve(platform.binaryName());
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return new Absent(path);
        }
        try {
            Map<String, Object> a =
                    Files.readAttributes(path, "unix:uid,mode,isRegularFile", LinkOption.NOFOLLOW_LINKS);
            int uid = (Integer) a.get("uid");
            if (!(Boolean) a.get("isRegularFile")) {
                return new Untrusted(path, "it is not a regular file");
            }
            if (uid != 0 && uid != ownerUid) {
                return new Untrusted(path, "it is owned by uid " + uid);
            }
            if (((Integer) a.get("mode") & GROUP_OR_OTHER_WRITE) != 0) {
                return new Untrusted(path, "it is writable by group or others");
            }
        } catch (IOException e) {
            return new Untrusted(path, "cannot inspect it: " + e.getMessage());
        }
        String sha256;
        try {
            sha256 = FileHasher.hash(path).sha256();
        } catch (IOException e) {
            return new Untrusted(path, "cannot read it: " + e.getMessage());
        }
        VerificationPolicy policy;
        try {
            policy = VerificationPolicy.build(settings, platform, false);
        } catch (AcquisitionException e) {
            return new Unverifiable(path, sha256, e.getMessage());
        }
        boolean[] noSignatureSource = {false};
        DetachedSignature signature = () -> {
            if (url.isEmpty()) {
                noSignatureSource[0] = true;
                throw new VerificationException("no deployment to fetch its signature from");
            }
            try {
                URI sig = deployment(url.get()).resolve("/bin/" + platform.binaryName() + ".sig");
                return new BinaryDownloader(http(), AcquisitionConfig.DEFAULT_MAX_BINARY_BYTES)
                        .fetchSignature(sig, List.of());
            } catch (IOException | AcquisitionException e) {
                throw new VerificationException(e.getMessage(), e);
            }
        };
        try {
            policy.verifyFile(path, signature);
        } catch (VerificationException e) {
            return noSignatureSource[0]
                    ? new Unverifiable(
                            path, sha256, "its Ed25519 signature is on the deployment: give --url to check it")
                    : new Rejected(path, sha256, e.getMessage());
        }
        try {
            return new Verified(
                    path, sha256, new VersionProbe(AcquisitionConfig.DEFAULT_PROBE_TIMEOUT).reportedVersion(path));
        } catch (VerificationException e) {
            return new Rejected(path, sha256, "version check failed: " + e.getMessage());
        }
    }

    private DeploymentHttp http() throws AcquisitionException {
        try {
            return DeploymentHttp.create(HTTP_TIMEOUT, HTTP_TIMEOUT, HTTP_TIMEOUT, extraCa);
        } catch (IOException e) {
            throw new AcquisitionException(AcquisitionException.Step.FETCH_INFO, e.getMessage(), e);
        }
    }

    private static DeploymentUrl deployment(String url) throws AcquisitionException {
        try {
            return DeploymentUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new AcquisitionException(AcquisitionException.Step.FETCH_INFO, e.getMessage(), e);
        }
    }
}

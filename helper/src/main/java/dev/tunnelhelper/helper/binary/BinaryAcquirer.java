package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the deployment's tunnel binary onto disk and proves it may run as root:
 * build info and minimum version, conditional download into a temp file, signature checks,
 * then the version probe, and only then the atomic rename over the previous binary. Whatever
 * fails, the previous good binary stays and the rejected file is deleted.
 */
public final class BinaryAcquirer implements Acquirer {

    private static final Logger log = LoggerFactory.getLogger(BinaryAcquirer.class);

    private final AcquisitionConfig config;
    private final HostPlatform platform;
    private final int ownerUid;
    private final SemanticVersion minimum;
    private final VersionProbe probe;
    private final VerificationCache verified = new VerificationCache();
    private final FileHashMemo hashes = new FileHashMemo();
    private DeploymentHttp http;

    public BinaryAcquirer(AcquisitionConfig config) {
        this(config, HostPlatform.current(), ProcessIdentity.effectiveUid());
    }

    BinaryAcquirer(AcquisitionConfig config, HostPlatform platform, int effectiveUid) {
        this.config = config;
        this.platform = platform;
        // Running as root, only root may own the directory; unprivileged (tests, --state-dir), the helper's own uid.
        this.ownerUid = effectiveUid;
        this.minimum = SemanticVersion.parse(config.minimumVersion());
        this.probe = new VersionProbe(config.probeTimeout());
    }

    /** One acquisition at a time: two concurrent ones would race for the same destination. */
    @Override
    public synchronized AcquiredBinary acquire(AcquisitionRequest request) throws AcquisitionException {
        VerificationPolicy policy =
                VerificationPolicy.build(config.verification(), platform, request.disableSignatureValidation());
        DeploymentUrl deployment;
        try {
            deployment = DeploymentUrl.parse(request.accessUrl());
        } catch (IllegalArgumentException e) {
            throw new AcquisitionException(Step.FETCH_INFO, e.getMessage(), e);
        }
        if (policy.signatureValidationDisabled()) {
            log.atWarn()
                    .setMessage("binary signature validation is DISABLED for this start: the tunnel binary "
                            + "will run as root after only a version check")
                    .addKeyValue("accessUrl", deployment)
                    .log();
        }
        log.atInfo()
                .setMessage("acquiring tunnel binary")
                .addKeyValue("accessUrl", deployment)
                .addKeyValue(
                        "headerNames",
                        request.headers().stream().map(OperatorHeader::name).toList())
                .addKeyValue("platform", platform)
                .log();

        request.listener().phaseStarted(AcquisitionPhase.FETCHING_INFO);
        BinaryDirectory directory = BinaryDirectory.open(config.binaryDirectory(), ownerUid);
        DeploymentHttp client = http();
        SemanticVersion server =
                new BuildInfoClient(client, minimum).fetchSupportedVersion(deployment, request.headers());

        String name = platform.binaryName();
        URI binaryUrl = deployment.resolve("/bin/" + name);
        Path destination = directory.binaryPath(name);
        Optional<FileHashes> installed = installedHashes(directory, name);

        request.listener().phaseStarted(AcquisitionPhase.DOWNLOADING);
        BinaryDownloader downloader = new BinaryDownloader(client, config.maxBinaryBytes());
        DetachedSignature signature = () -> fetchSignature(downloader, binaryUrl, request.headers());
        DownloadOutcome outcome = downloader.download(
                binaryUrl,
                request.headers(),
                installed.map(FileHashes::sha1),
                directory,
                name,
                request.listener(),
                () -> begin(policy, signature));

        request.listener().phaseStarted(AcquisitionPhase.VALIDATING);
        AcquiredBinary result;
        if (outcome instanceof DownloadOutcome.Downloaded downloaded) {
            Path temp = downloaded.tempFile();
            try {
                check(
                        directory,
                        temp,
                        downloaded.hashes(),
                        () -> downloaded
                                .check()
                                .verify(new CandidateBinary(
                                        temp, downloaded.hashes().sha256())),
                        policy,
                        server);
                directory.install(temp, destination);
                hashes.remember(destination, downloaded.hashes());
            } catch (AcquisitionException e) {
                directory.deleteQuietly(temp);
                throw e;
            } catch (IOException e) {
                directory.deleteQuietly(temp);
                throw new AcquisitionException(
                        Step.STORAGE, "cannot read back " + destination + ": " + e.getMessage(), e);
            }
            result = new AcquiredBinary(
                    destination,
                    server.original(),
                    downloaded.hashes().sha256(),
                    policy.signatureValidationDisabled(),
                    true);
        } else {
            FileHashes current = installed.orElseThrow();
            try {
                check(directory, destination, current, () -> policy.verifyFile(destination, signature), policy, server);
            } catch (AcquisitionException e) {
                // Interrupted (a stop abandoned the start), the check never judged the binary: keep it.
                if (!Thread.currentThread().isInterrupted()) {
                    directory.deleteQuietly(destination);
                    hashes.forget(destination);
                    verified.forget(current.sha256());
                }
                throw e;
            }
            result = new AcquiredBinary(
                    destination, server.original(), current.sha256(), policy.signatureValidationDisabled(), false);
        }
        log.atInfo()
                .setMessage("tunnel binary ready")
                .addKeyValue("path", result.path())
                .addKeyValue("version", result.serverVersion())
                .addKeyValue("sha256", result.sha256())
                .addKeyValue("downloaded", result.downloaded())
                .addKeyValue("signatureValidationDisabled", result.signatureValidationDisabled())
                .log();
        return result;
    }

    /** The verifiers' judgement of one binary, its bytes already seen (or read now, for the installed file). */
    @FunctionalInterface
    private interface Judgement {
        void verify() throws VerificationException;
    }

    /**
     * Before the first byte of a download: the signature is fetched and the verifiers' check
     * started, so the bytes are checked as they arrive; a missing or malformed signature ends
     * the acquisition before anything is downloaded.
     */
    private static BinaryCheck begin(VerificationPolicy policy, DetachedSignature signature)
            throws AcquisitionException {
        try {
            return policy.begin(signature);
        } catch (VerificationException e) {
            throw rejected(Optional.empty(), e);
        }
    }

    /**
     * Signature checks first, on a file nothing can execute yet; only a binary that passed them
     * is made executable and run for its version. A result cached for this content and policy
     * skips both.
     */
    private void check(
            BinaryDirectory directory,
            Path file,
            FileHashes fileHashes,
            Judgement judgement,
            VerificationPolicy policy,
            SemanticVersion server)
            throws AcquisitionException {
        Optional<String> cached = verified.reportedVersion(fileHashes.sha256(), policy);
        if (cached.isPresent()) {
            requireSameVersion(cached.get(), server);
            log.atDebug()
                    .setMessage("binary already verified under this policy")
                    .addKeyValue("sha256", fileHashes.sha256())
                    .log();
            return;
        }
        try {
            judgement.verify();
        } catch (VerificationException e) {
            throw rejected(Optional.of(fileHashes.sha256()), e);
        }
        directory.makeExecutable(file);
        String reported;
        try {
            reported = probe.reportedVersion(file);
        } catch (VerificationException e) {
            log.atWarn()
                    .setMessage("binary rejected")
                    .addKeyValue("check", "version")
                    .addKeyValue("sha256", fileHashes.sha256())
                    .addKeyValue("reason", e.getMessage())
                    .log();
            throw new AcquisitionException(Step.VERSION_CHECK, "version check failed: " + e.getMessage(), e);
        }
        requireSameVersion(reported, server);
        verified.remember(fileHashes.sha256(), policy, reported);
    }

    /** The SHA-256 is unknown when the signature is refused before the download. */
    private static AcquisitionException rejected(Optional<String> sha256, VerificationException e) {
        log.atWarn()
                .setMessage("binary rejected")
                .addKeyValue("check", "signature")
                .addKeyValue("sha256", sha256.orElse("not downloaded"))
                .addKeyValue("reason", e.getMessage())
                .log();
        return new AcquisitionException(Step.SIGNATURE, "signature check failed: " + e.getMessage(), e);
    }

    private static void requireSameVersion(String reported, SemanticVersion server) throws AcquisitionException {
        if (!reported.equals(server.original())) {
            throw new AcquisitionException(
                    Step.VERSION_CHECK,
                    "version check failed: binary reports " + reported + ", server is " + server.original());
        }
    }

    private Optional<FileHashes> installedHashes(BinaryDirectory directory, String name) throws AcquisitionException {
        Optional<Path> installed = directory.installedBinary(name);
        if (installed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(hashes.hashes(installed.get()));
        } catch (IOException e) {
            throw new AcquisitionException(
                    Step.STORAGE, "cannot hash the installed binary " + installed.get() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] fetchSignature(BinaryDownloader downloader, URI binaryUrl, List<OperatorHeader> headers)
            throws VerificationException {
        try {
            return downloader.fetchSignature(URI.create(binaryUrl + ".sig"), headers);
        } catch (IOException e) {
            throw new VerificationException(e.getMessage(), e);
        }
    }

    private DeploymentHttp http() throws AcquisitionException {
        if (http == null) {
            try {
                http = DeploymentHttp.create(
                        config.connectTimeout(),
                        config.idleTimeout(),
                        config.totalTimeout(),
                        config.extraCaCertificate());
            } catch (IOException e) {
                throw new AcquisitionException(Step.FETCH_INFO, e.getMessage(), e);
            }
        }
        return http;
    }
}

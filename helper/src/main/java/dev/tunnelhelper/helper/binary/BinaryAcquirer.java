package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.protocol.PeerText;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.shim.digest.Digests;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
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
    /**
     * Who must own the binary directory. Asked at the first acquisition, not when the daemon is
     * built: the effective uid comes from libc through JNA, whose set-up (its own native library,
     * loaded from a temporary copy) was otherwise on the way to listening.
     */
    private final IntSupplier ownerUid;

    private final SemanticVersion minimum;
    private final VersionProbe probe;
    private final VerificationCache verified = new VerificationCache();
    private final FileHashMemo hashes = new FileHashMemo();
    /** Build info, fetched beside the binary request: one acquisition at a time, so one thread at most. */
    private final ExecutorService infoRequests = Executors.newCachedThreadPool(NamedThreads.factory("build-info"));

    private final Object httpLock = new Object();
    private final AtomicBoolean prepared = new AtomicBoolean();
    private final CompletableFuture<Void> preparation = new CompletableFuture<>();
    private DeploymentHttp http;

    public BinaryAcquirer(AcquisitionConfig config) {
        this(config, HostPlatform.current(), ProcessIdentity::effectiveUid);
    }

    BinaryAcquirer(AcquisitionConfig config, HostPlatform platform, int effectiveUid) {
        this(config, platform, () -> effectiveUid);
    }

    private BinaryAcquirer(AcquisitionConfig config, HostPlatform platform, IntSupplier effectiveUid) {
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
        BinaryDirectory directory = BinaryDirectory.open(config.binaryDirectory(), ownerUid.getAsInt());
        String name = platform.binaryName();
        verifiedCopy(directory, name, policy).ifPresent(request.listener()::verifiedCopyFound);
        DeploymentHttp client = http();
        // Build info and the conditional request for an installed binary do not depend on each
        // other, so they go out together; nothing is downloaded, and nothing judged, before build
        // info has shown a supported server.
        ServerVersion server = new ServerVersion(
                infoRequests.submit(() ->
                        new BuildInfoClient(client, minimum).fetchSupportedVersion(deployment, request.headers())),
                request.listener());
        try {
            return acquire(request, policy, deployment, directory, name, client, server);
        } finally {
            server.abandon();
        }
    }

    private AcquiredBinary acquire(
            AcquisitionRequest request,
            VerificationPolicy policy,
            DeploymentUrl deployment,
            BinaryDirectory directory,
            String name,
            DeploymentHttp client,
            ServerVersion serverVersion)
            throws AcquisitionException {
        URI binaryUrl = deployment.resolve("/bin/" + name);
        Path destination = directory.binaryPath(name);
        Optional<FileHashes> installed = installedHashes(directory, name);
        if (installed.isEmpty()) {
            // Without a file to compare, the request is a full download: only from a supported server.
            serverVersion.await();
        }

        BinaryDownloader downloader = new BinaryDownloader(client, config.maxBinaryBytes());
        DetachedSignature signature = () -> fetchSignature(downloader, binaryUrl, request.headers());
        DownloadOutcome outcome;
        try {
            outcome = downloader.download(
                    binaryUrl,
                    request.headers(),
                    installed.map(FileHashes::sha1),
                    directory,
                    name,
                    request.listener(),
                    () -> {
                        serverVersion.await();
                        return begin(policy, signature);
                    });
        } catch (AcquisitionException e) {
            serverVersion.await(); // a server that failed build info (or is too old) is reported as such
            throw e;
        }
        SemanticVersion server = serverVersion.await();

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
                    "version check failed: binary reports " + PeerText.of(reported) + ", server is "
                            + PeerText.of(server.original()));
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

    /**
     * The installed binary, if this process verified it under {@code policy} and it is unchanged
     * since; never hashes or reads the file (a file not hashed by this process is no copy).
     */
    private Optional<VerifiedCopy> verifiedCopy(BinaryDirectory directory, String name, VerificationPolicy policy)
            throws AcquisitionException {
        Optional<Path> installed = directory.installedBinary(name);
        if (installed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return hashes.known(installed.get())
                    .filter(known ->
                            verified.reportedVersion(known.sha256(), policy).isPresent())
                    .map(known -> new VerifiedCopy(installed.get(), known.sha256()));
        } catch (IOException e) {
            return Optional.empty(); // the acquisition's own look at the file reports it
        }
    }

    /**
     * Creates the HTTP transport (cheap since it became {@code HttpURLConnection}: a TLS context
     * is built by the first https request only) and binds the digest library (libcrypto through
     * JNA, with its known-answer check) on a build-info thread, once per helper. Only the network
     * extension's connecting asks for it (a root-only socket or a code-signed XPC peer), so no
     * other local user can make the helper hold them.
     */
    @Override
    public CompletableFuture<Void> prepare() {
        if (prepared.compareAndSet(false, true)) {
            infoRequests.execute(() -> {
                try {
                    http();
                    Digests.system();
                } catch (AcquisitionException | RuntimeException e) {
                    log.atDebug()
                            .setMessage("building ahead failed; the first acquisition reports it")
                            .addKeyValue("error", e.getMessage())
                            .log();
                } finally {
                    preparation.complete(null);
                }
            });
        }
        return preparation;
    }

    private DeploymentHttp http() throws AcquisitionException {
        synchronized (httpLock) {
            return createdHttp();
        }
    }

    private DeploymentHttp createdHttp() throws AcquisitionException {
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

    /**
     * The server's version from build info, requested on its own thread: awaited before the body
     * of a download is read and before any verdict; {@link AcquisitionPhase#DOWNLOADING} begins
     * once it is known to be supported.
     */
    private static final class ServerVersion {
        private final Future<SemanticVersion> pending;
        private final AcquisitionListener listener;
        private SemanticVersion known;

        ServerVersion(Future<SemanticVersion> pending, AcquisitionListener listener) {
            this.pending = pending;
            this.listener = listener;
        }

        SemanticVersion await() throws AcquisitionException {
            if (known == null) {
                known = outcome();
                listener.phaseStarted(AcquisitionPhase.DOWNLOADING);
            }
            return known;
        }

        private SemanticVersion outcome() throws AcquisitionException {
            try {
                return pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AcquisitionException(Step.FETCH_INFO, "interrupted while waiting for build info");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AcquisitionException failure) {
                    throw failure;
                }
                if (e.getCause() instanceof RuntimeException bug) {
                    throw bug;
                }
                throw new IllegalStateException("build info failed unexpectedly", e.getCause());
            }
        }

        /** An acquisition that ends early does not leave its build-info request running. */
        void abandon() {
            pending.cancel(true);
        }
    }
}

package dev.tunnelhelper.helper;

import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.StateDirOption;
import dev.tunnelhelper.helper.binary.AcquisitionConfig;
import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.ConfigLoader;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.config.VerificationConfig;
import dev.tunnelhelper.helper.endpoint.AlreadyRunningException;
import dev.tunnelhelper.helper.xpc.XpcCarrier;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.cli.IdentityOptions;
import dev.tunnelhelper.launchd.systemd.SystemdNotify;
import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.protocol.trust.UntrustedPathException;
import dev.tunnelhelper.shim.NativePlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tunnel-helper run}: the daemon in the foreground. Flags override the config file. */
@Command(name = "run", description = "Run the daemon in the foreground.")
final class RunCommand implements Callable<Integer> {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "JSON config (default /etc/tunnel-helper/helper.json; macOS: /Library/Application Support/tunnel-helper/helper.json; with --bundle-id B: /Library/Application Support/B/helper.json; D/helper.json with --state-dir).")
    Path configFile;

    @Mixin
    StateDirOption stateDirOption;

    @Mixin
    IdentityOptions macosIdentity;

    @Option(
            names = "--ed25519-key",
            paramLabel = "PATH",
            description =
                    "Pinned Ed25519 public key (PEM) for binary signatures; repeatable; adds to the config's keys.")
    List<Path> ed25519Keys = new ArrayList<>();

    @Option(
            names = "--min-version",
            paramLabel = "V",
            description = "Minimum deployment version (default " + AcquisitionConfig.DEFAULT_MINIMUM_VERSION + ").")
    String minimumVersion;

    @Option(
            names = "--extra-ca",
            paramLabel = "PATH",
            description = "Extra trusted CA certificate (PEM) for the deployment's TLS.")
    Path extraCa;

    @Option(
            names = "--allow-disabling-signature-validation",
            description = "Let a network extension ask to skip binary signature checks (dangerous; logged loudly).")
    boolean allowDisabling;

    @Override
    public Integer call() throws Exception {
        HelperPaths paths;
        HelperConfig config;
        TrustedLayout layout = new TrustedLayout(PathTrust.forThisProcess());
        try {
            Path state = stateDirOption.stateDir().orElse(null);
            Optional<LaunchdSettings> macos = HelperSetup.macosFlags(macosIdentity);
            layout.checkConfigSource(state, HelperSetup.configFile(configFile, state, macos));
            HelperSetup setup = HelperSetup.load(configFile, state, macos);
            paths = setup.paths();
            config = setup.config();
            config = applyFlags(config);
            ConfigLoader.validate(config, "command line");
            layout.prepare(paths, config, !XpcCarrier.selected(NativePlatform.current(), config));
        } catch (ConfigException | UntrustedPathException e) {
            System.err.println("tunnel-helper: " + e.getMessage());
            return ExitCodes.USAGE;
        }

        LogFile.use(paths.logDirectory().resolve(TrustedLayout.LOG_FILE));
        LogFile.unifiedLogging(config);
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        VerificationConfig v = config.verification();
        if (v.ed25519PublicKeys().isEmpty() && v.pinnedSha256().isEmpty() && !v.macCodeSignature()) {
            log.warn("no binary verification is configured (verification.ed25519PublicKeys, pinnedSha256 or "
                    + "macCodeSignature, or --ed25519-key): every start will fail at the signature step");
        }
        if (config.verification().allowDisablingSignatureValidation()) {
            log.warn(
                    "network extensions may ask to DISABLE binary signature validation (verification.allowDisablingSignatureValidation)");
        }

        // Handled here, not in a shutdown hook: a hook would leave the JVM's exit status at 128+signal.
        // Installed before anything listens, so a signal that arrives as we become ready is never lost.
        CountDownLatch stop = new CountDownLatch(1);
        TerminationSignals.onTermination(stop::countDown);

        HelperDaemon daemon;
        try {
            daemon = new HelperDaemon(config, paths);
            daemon.start();
        } catch (ConfigException e) {
            System.err.println("tunnel-helper: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (AlreadyRunningException e) {
            System.err.println("tunnel-helper: " + e.getMessage());
            return ExitCodes.ALREADY_RUNNING;
        } catch (java.io.IOException e) {
            System.err.println("tunnel-helper: " + e.getMessage());
            return ExitCodes.FAILURE;
        }

        // Under systemd (Type=notify) the unit is "started" only once both endpoints listen.
        Optional<SystemdNotify> systemd = SystemdNotify.fromEnvironment();
        for (SystemdNotify n : systemd.stream().toList()) {
            n.ready();
        }
        // A listener that fails later (launchd refused an XPC name) ends the helper like a signal,
        // with exit code 1: running on with an endpoint nobody can reach helps no one.
        AtomicReference<Throwable> listenerFailure = new AtomicReference<>();
        daemon.listenerFailure().whenComplete((ignored, e) -> {
            listenerFailure.set(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            stop.countDown();
        });
        stop.await();
        Throwable failed = listenerFailure.get();
        if (failed != null) {
            System.err.println("tunnel-helper: " + failed.getMessage());
            daemon.close();
            return ExitCodes.FAILURE;
        }
        for (SystemdNotify n : systemd.stream().toList()) {
            n.stopping();
        }
        daemon.close();
        return ExitCodes.OK;
    }

    private HelperConfig applyFlags(HelperConfig config) {
        HelperConfig c = HelperSetup.withEd25519Keys(config, ed25519Keys);
        HelperConfig.Builder b = c.toBuilder();
        if (minimumVersion != null) {
            b.minimumVersion(minimumVersion);
        }
        if (extraCa != null) {
            b.download(c.download().toBuilder()
                    .extraCaCertificate(extraCa.toAbsolutePath().toString())
                    .build());
        }
        if (allowDisabling) {
            b.verification(c.verification().withAllowDisablingSignatureValidation(true));
        }
        return b.build();
    }
}

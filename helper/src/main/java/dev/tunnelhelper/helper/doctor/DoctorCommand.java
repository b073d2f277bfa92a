package dev.tunnelhelper.helper.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.cli.DurationConverter;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.StateDirOption;
import dev.tunnelhelper.helper.HelperSetup;
import dev.tunnelhelper.helper.binary.BinaryDiagnostics;
import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.config.VerificationConfig;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.shim.NativePlatform;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tunnel-helper doctor}: diagnoses this machine for the helper, as {@code brew doctor} does.
 * Every check prints ok, warn or fail with one line of evidence and, unless ok, the fix. It only
 * reads: it starts nothing, downloads no binary, and runs the cached binary (for its version) only
 * after it passed the signature checks.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Diagnose this machine for the helper: both endpoints, socket files, state directory trust,",
            "the cached binary and signature configuration, the TUN device, the service manager, and the deployment",
            "(with --url). Exit 0 when no check fails, 1 otherwise."
        })
public final class DoctorCommand implements Callable<Integer> {
    static final Path LINUX_TUN = Path.of("/dev/net/tun");

    @Spec
    CommandSpec spec;

    @Mixin
    StateDirOption stateDir;

    @Mixin
    JsonOption json;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "The helper's config (default /etc/tunnel-helper/helper.json; macOS: /Library/Application Support/tunnel-helper/helper.json; D/helper.json with --state-dir).")
    Path configFile;

    @Option(
            names = "--ed25519-key",
            paramLabel = "PATH",
            description = "A key the helper was started with on its command line (run --ed25519-key); repeatable.")
    List<Path> ed25519Keys = new ArrayList<>();

    @Option(
            names = "--url",
            paramLabel = "U",
            description = "The deployment: check its build info and fetch the cached binary's signature from it.")
    String url;

    @Option(
            names = "--label",
            paramLabel = "LABEL",
            description = "macOS: the LaunchDaemon label to ask launchd about.")
    String label;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "5s",
            description = "Per endpoint connect and call (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private final ServiceHost serviceHost;
    private final Path tunDevice;

    public DoctorCommand() {
        this(ServiceHost.current(), LINUX_TUN);
    }

    /** For tests: another service manager view and TUN clone device. */
    public DoctorCommand(ServiceHost serviceHost, Path tunDevice) {
        this.serviceHost = serviceHost;
        this.tunDevice = tunDevice;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Check> checks = run();
        if (json.json()) {
            // Created here: picocli builds every subcommand for any command line, `run` included.
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode doc = mapper.createObjectNode();
            ArrayNode list = doc.putArray("checks");
            for (Check c : checks) {
                list.addObject()
                        .put("name", c.name())
                        .put("status", c.status().label())
                        .put("detail", c.detail())
                        .put("fix", c.fix());
            }
            out.println(mapper.writeValueAsString(doc));
        } else {
            for (Check c : checks) {
                out.printf("%-5s %-19s %s%n", c.status().label(), c.name(), c.detail());
                if (c.fix() != null) {
                    out.printf("%25s fix: %s%n", "", c.fix());
                }
            }
        }
        out.flush();
        return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL) ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    /** Every check, in the order an operator would work through them. */
    List<Check> run() {
        List<Check> checks = new ArrayList<>();
        Optional<Path> state = stateDir.stateDir();
        HelperSetup setup;
        try {
            setup = HelperSetup.load(configFile, state.orElse(null));
        } catch (ConfigException e) {
            checks.add(
                    Check.fail("config", e.getMessage(), "fix the config file; the helper refuses to start with it"));
            return checks;
        }
        HelperConfig config = HelperSetup.withEd25519Keys(setup.config(), ed25519Keys);
        checks.add(Check.ok(
                "config",
                setup.paths().config()
                        + (java.nio.file.Files.exists(setup.paths().config())
                                ? " is valid"
                                : " absent: all defaults")));
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        PathTrust trust = PathTrust.forUid(uid);
        EndpointChecks endpoints = new EndpointChecks(setup.paths(), timeout, trust);
        checks.add(endpoints.appEndpoint());
        checks.add(endpoints.extensionEndpoint());
        checks.add(endpoints.socketFiles());
        checks.add(new StateDirectoryCheck(setup.paths(), state, trust).run());
        BinaryDiagnostics diagnostics = new BinaryDiagnostics(
                config.verification().settings(),
                config.minimumVersion(),
                Optional.ofNullable(config.download().extraCaCertificate()).map(Path::of));
        BinaryChecks binaries =
                new BinaryChecks(diagnostics, setup.paths().binaryDirectory(), Optional.ofNullable(url));
        checks.add(binaries.signatureConfiguration(describeModes(config)));
        checks.add(binaries.binaryCache());
        SystemChecks system = new SystemChecks(
                NativePlatform.current(),
                uid == 0,
                tunDevice,
                serviceHost,
                label != null ? label : config.macos() != null ? config.macos().label() : "");
        checks.add(system.tun());
        checks.add(system.serviceManager());
        binaries.deployment().ifPresent(checks::add);
        return checks;
    }

    private static String describeModes(HelperConfig config) {
        VerificationConfig v = config.verification();
        List<String> modes = new ArrayList<>();
        if (!v.ed25519PublicKeys().isEmpty()) {
            modes.add(v.ed25519PublicKeys().size() + " Ed25519 key(s) readable and valid: "
                    + String.join(", ", v.ed25519PublicKeys()));
        }
        if (!v.pinnedSha256().isEmpty()) {
            modes.add(v.pinnedSha256().size() + " pinned SHA-256");
        }
        if (v.macCodeSignature()) {
            modes.add("macOS code signature of " + v.macSigningIdentifier() + " by team " + v.macTeamIdentifier());
        }
        return String.join("; ", modes);
    }
}

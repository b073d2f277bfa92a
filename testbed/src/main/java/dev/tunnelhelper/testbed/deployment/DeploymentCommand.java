package dev.tunnelhelper.testbed.deployment;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code testbed deployment}: runs a {@link DeploymentServer} in the foreground until SIGINT/SIGTERM. */
@Command(
        name = "deployment",
        description = {
            "Serve build info and signed tunnel binaries like a Coder deployment.",
            "Writes <dir>/deployment.json, then runs until SIGINT/SIGTERM."
        })
public final class DeploymentCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DeploymentCommand.class);

    @Spec
    private CommandSpec spec;

    // Not mixinStandardHelpOptions: its --version would collide with the deployment's --version.
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    @SuppressWarnings("UnusedVariable") // picocli reads it
    private boolean help;

    @Option(
            names = "--listen",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Address to bind (only this one); port 0 picks a free port. IPv6 as [::1]:PORT.")
    private String listen;

    @Option(
            names = "--dir",
            required = true,
            paramLabel = "D",
            description = "Deployment directory: signing key, TLS material, deployment.json. Reused on restart.")
    private Path dir;

    @Option(
            names = "--binary-file",
            paramLabel = "PATH",
            description = "File to serve (and sign) as the host platform's binary.")
    private Path binaryFile;

    @Option(
            names = "--version",
            paramLabel = "V",
            defaultValue = DeploymentOptions.DEFAULT_VERSION,
            description = "Version in build info, which the binary must report too (default: ${DEFAULT-VALUE}).")
    private String version;

    @Option(names = "--tls", description = "Serve HTTPS with a certificate from a test CA written to <dir>/ca.pem.")
    private boolean tls;

    @Option(names = "--gzip", description = "Gzip binaries for clients that send Accept-Encoding: gzip.")
    private boolean gzip;

    @Option(
            names = "--serve-all-platforms",
            description = "Serve the binary under every known platform's path, not just the host's.")
    private boolean serveAllPlatforms;

    @Option(
            names = "--require-header",
            paramLabel = "NAME=VALUE",
            description = "Answer 403 to requests that lack this literal header.")
    private String requireHeader;

    @Option(
            names = "--throttle",
            paramLabel = "BYTES_PER_SEC",
            defaultValue = "0",
            description = "Cap the rate of binary bodies (0: unlimited).")
    private long throttle;

    @Option(
            names = "--fail-path",
            paramLabel = "PATH=STATUS",
            description = "Answer STATUS for requests to exactly PATH. Repeatable.")
    private Map<String, Integer> failingPaths = new LinkedHashMap<>();

    @Option(
            names = "--fail-binary",
            paramLabel = "STATUS",
            defaultValue = "0",
            description = "Answer STATUS to every binary request (0: off).")
    private int failBinary;

    @Option(
            names = "--cut-after",
            paramLabel = "BYTES",
            defaultValue = "-1",
            description = "Drop the connection after BYTES of a binary body (-1: never).")
    private long cutAfter;

    @Option(
            names = "--tamper",
            description = "Flip bytes of the served binary; ETag and signature stay those of the original.")
    private boolean tamper;

    @Option(
            names = "--build-info-version",
            paramLabel = "V",
            description = "Report V in build info instead of --version (a binary/server version mismatch).")
    private String buildInfoVersion;

    @Option(
            names = "--content-length-excess",
            paramLabel = "BYTES",
            defaultValue = "0",
            description = "Announce BYTES more in a binary's Content-Length than are sent.")
    private long contentLengthExcess;

    @Option(
            names = "--tunnel-fault",
            paramLabel = "FAULT",
            defaultValue = "none",
            description = "Built-in reference tunnel only: bake in a fault (crash-after-start=MS, garbage-frame, "
                    + "oversized-frame, silent-handshake, wrong-role, handshake-garbage, stall-start, refuse-start, "
                    + "wrong-version, exit-immediately). Default: ${DEFAULT-VALUE}.")
    private String tunnelFault;

    @Option(
            names = "--tunnel-subnet",
            paramLabel = "A.B",
            defaultValue = "100.100",
            description =
                    "Built-in reference tunnel only: its addresses are A.B.0.1 and agents A.B.x.y (inside 100.64.0.0/10). "
                            + "Default: ${DEFAULT-VALUE}.")
    private String tunnelSubnet;

    /** Builds the binary served without {@code --binary-file}, for the deployment's version. */
    @FunctionalInterface
    public interface DefaultBinary {
        BinarySource create(String version, String fault, String subnet);
    }

    private final Optional<DefaultBinary> defaultBinary;

    /** {@code defaultBinary} is what is served when {@code --binary-file} is not given, if anything. */
    public DeploymentCommand(Optional<DefaultBinary> defaultBinary) {
        this.defaultBinary = defaultBinary;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        DeploymentOptions options = options();
        DeploymentServer server = DeploymentServer.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(NamedThreads.create("testbed-deployment-shutdown", () -> {
            log.info("signal received, stopping");
            server.close();
            stopped.countDown();
        }));

        Path manifest = DeploymentManifest.write(options.dir(), server);
        PrintWriter out = spec.commandLine().getOut();
        out.println("testbed deployment " + server.url() + " version " + server.version()
                + " binary " + server.binaryPath() + " (" + options.binary().describe() + ")"
                + " key " + server.publicKeyPath()
                + server.caCertPath().map(ca -> " ca " + ca).orElse("")
                + " manifest " + manifest);
        out.flush();
        stopped.await();
        return 0;
    }

    private DeploymentOptions options() {
        ListenAddress address;
        RequiredHeader header;
        ServingBehaviour behaviour;
        try {
            address = ListenAddress.parse(listen);
            header = requireHeader == null ? null : RequiredHeader.parse(requireHeader);
            behaviour = new ServingBehaviour(
                    gzip,
                    serveAllPlatforms,
                    header,
                    throttle,
                    failingPaths,
                    failBinary,
                    cutAfter,
                    tamper,
                    buildInfoVersion,
                    contentLengthExcess,
                    null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return DeploymentOptions.builder(dir, binarySource())
                .host(address.host())
                .port(address.port())
                .version(version)
                .tls(tls)
                .behaviour(behaviour)
                .build();
    }

    private BinarySource binarySource() {
        if (binaryFile != null) {
            return BinarySource.file(binaryFile);
        }
        DefaultBinary factory = defaultBinary.orElseThrow(() -> new ParameterException(
                spec.commandLine(), "--binary-file is required: this testbed build has no built-in binary to serve"));
        try {
            return factory.create(version, tunnelFault, tunnelSubnet);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}

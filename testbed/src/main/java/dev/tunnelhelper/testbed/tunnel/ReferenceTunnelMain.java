package dev.tunnelhelper.testbed.tunnel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.OwnedFd;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference tunnel's command line, exactly as the deployed binary's (docs/protocol.md §1.1):
 * {@code vpn-daemon run --rpc-read-fd N --rpc-write-fd M} and {@code version --output=json}.
 * Its configuration comes from system properties baked in by {@link TunnelLauncher}.
 */
@Command(
        name = "coder",
        mixinStandardHelpOptions = true,
        subcommands = {ReferenceTunnelMain.VpnDaemon.class, ReferenceTunnelMain.Version.class})
public final class ReferenceTunnelMain implements Runnable {

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "testbed-logback.xml");
        }
        System.exit(new CommandLine(new ReferenceTunnelMain()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }

    @Command(name = "vpn-daemon", subcommands = Run.class, description = "Run the VPN tunnel daemon.")
    static final class VpnDaemon implements Runnable {
        @Override
        public void run() {
            CommandLine.usage(this, System.err);
        }
    }

    @Command(name = "run", description = "Serve the manager on the given pipe fds.")
    static final class Run implements Callable<Integer> {
        @Option(
                names = "--rpc-read-fd",
                description = "fd to read manager messages from (env CODER_VPN_DAEMON_RPC_READ_FD)")
        Integer readFd;

        @Option(
                names = "--rpc-write-fd",
                description = "fd to write tunnel messages to (env CODER_VPN_DAEMON_RPC_WRITE_FD)")
        Integer writeFd;

        @Override
        public Integer call() throws Exception {
            int read = fdFrom(readFd, "CODER_VPN_DAEMON_RPC_READ_FD", "--rpc-read-fd");
            int write = fdFrom(writeFd, "CODER_VPN_DAEMON_RPC_WRITE_FD", "--rpc-write-fd");
            TunnelSettings settings = TunnelSettings.fromSystemProperties();
            ReferenceTunnel tunnel = new ReferenceTunnel(
                    settings, Fds.inputStream(OwnedFd.adopt(read)), Fds.outputStream(OwnedFd.adopt(write)));
            return tunnel.run();
        }

        private static int fdFrom(Integer option, String env, String flag) {
            if (option != null) {
                return option;
            }
            String value = System.getenv(env);
            if (value == null) {
                throw new IllegalArgumentException("missing " + flag + " (or " + env + ")");
            }
            return Integer.parseInt(value.trim());
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class Version implements Callable<Integer> {
        @Option(names = "--output", description = "Output format: json or text.", defaultValue = "text")
        String output;

        @Override
        public Integer call() throws Exception {
            TunnelSettings settings = TunnelSettings.fromSystemProperties();
            String version = settings.fault().kind() == TunnelFault.Kind.WRONG_VERSION
                    ? "v0.0.1+wrong-version"
                    : settings.version();
            if ("json".equals(output)) {
                System.out.println(new ObjectMapper().writeValueAsString(Map.of("version", version)));
            } else {
                System.out.println("Coder " + version + " (testbed reference tunnel)");
            }
            return 0;
        }
    }
}

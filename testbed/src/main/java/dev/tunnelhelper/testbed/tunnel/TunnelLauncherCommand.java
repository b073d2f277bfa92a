package dev.tunnelhelper.testbed.tunnel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code testbed tunnel launcher --out PATH ...}: writes a reference-tunnel executable. */
@Command(
        name = "launcher",
        mixinStandardHelpOptions = true,
        description = "Write a reference-tunnel executable (a launcher script for this JVM) to --out.")
public final class TunnelLauncherCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "PATH", description = "Where to write the executable.")
    Path out;

    @Option(
            names = "--version",
            paramLabel = "V",
            defaultValue = TunnelSettings.DEFAULT_VERSION,
            description = "What `version --output=json` reports. Default: ${DEFAULT-VALUE}.")
    String version;

    @Option(
            names = "--fault",
            paramLabel = "FAULT",
            defaultValue = "none",
            description = "A baked-in fault. Default: ${DEFAULT-VALUE}.")
    String fault;

    @Option(
            names = "--subnet",
            paramLabel = "A.B",
            defaultValue = "100.100",
            description = "Address prefix. Default: ${DEFAULT-VALUE}.")
    String subnet;

    @Option(
            names = "--workspaces",
            defaultValue = "2",
            description = "Workspaces in the scenario. Default: ${DEFAULT-VALUE}.")
    int workspaces;

    @Option(names = "--agents", defaultValue = "2", description = "Agents per workspace. Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(
            names = "--delta-interval-ms",
            defaultValue = "2000",
            description = "Peer delta interval. Default: ${DEFAULT-VALUE}.")
    long deltaIntervalMs;

    @Override
    public Integer call() throws Exception {
        TunnelSettings settings = TunnelSettings.defaults()
                .withVersion(version)
                .withFault(TunnelFault.parse(fault))
                .withSubnet(subnet)
                .withScenario(workspaces, agents, Duration.ofMillis(deltaIntervalMs));
        TunnelLauncher.write(out, settings);
        System.out.println(out.toAbsolutePath());
        return 0;
    }
}

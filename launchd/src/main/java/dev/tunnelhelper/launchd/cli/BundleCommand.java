package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.macos.BundleLayout;
import dev.tunnelhelper.launchd.macos.LaunchDaemonPlist;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Puts launcher, runtime and daemon plist into an app bundle for the vendor to sign. */
@Command(
        name = "bundle",
        mixinStandardHelpOptions = true,
        description =
                "Lay the helper out in an app bundle: Contents/MacOS/<launcher>, Contents/runtime (the Java runtime),"
                        + " Contents/app (jars), Contents/Library/LaunchDaemons/<label>.plist.")
public final class BundleCommand extends ServiceCommand {

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Option(
            names = "--out",
            required = true,
            paramLabel = "App.app",
            description = "The app bundle (created if absent).")
    Path out;

    @Option(
            names = "--runtime",
            required = true,
            paramLabel = "DIR",
            description = "A Java runtime to embed, e.g. the jlink image from -Pruntime (copied with exec bits).")
    Path runtime;

    @Option(names = "--jar", paramLabel = "FILE", description = "Helper jars to add to the runtime's app/ directory.")
    List<Path> jars = new ArrayList<>();

    @Option(
            names = "--launcher",
            paramLabel = "NAME",
            defaultValue = "tunnel-helper",
            description = "File name of the launcher in Contents/MacOS (default: ${DEFAULT-VALUE}).")
    String launcher;

    @Option(
            names = "--daemon-config",
            paramLabel = "PATH",
            description =
                    "Config path the daemon is started with (default: none; the plist passes --team-id, --bundle-id"
                            + " and --label, and the daemon reads /Library/Application Support/<bundle-id>/helper.json only if it exists).")
    Path daemonConfig;

    public BundleCommand() {
        this(ServiceHost.current());
    }

    public BundleCommand(ServiceHost host) {
        super(host);
    }

    @Override
    int execute() throws IOException {
        LaunchdSettings resolved = settings.resolve();
        // Nothing could create a config file for an SMAppService daemon (the app is not root), so by
        // default it needs none; the build-time --config is rarely where the installed daemon would find one.
        String configPath =
                daemonConfig != null ? daemonConfig.toAbsolutePath().normalize().toString() : null;
        BundleLayout layout = new BundleLayout(out, launcher);
        LaunchDaemonPlist plist = new LaunchDaemonPlist(resolved, layout.bundleProgram(), configPath);
        for (Path written : layout.build(runtime, jars, plist)) {
            out().println("wrote " + written);
        }
        out().println("next: sign the runtime, the launcher and the app (see docs/macos.md), then the app calls "
                + "SMAppService.daemon(plistName: \"" + plist.fileName() + "\").register()");
        out().flush();
        return OK;
    }
}

package dev.tunnelhelper.launchd.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.macos.LaunchDaemonPlist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Installs the helper as a LaunchDaemon: the legacy way ({@code /Library/LaunchDaemons} plus
 * {@code launchctl bootstrap}) or into an app bundle for {@code SMAppService}, where the app's own
 * {@code register()} call loads it and launchctl must not be used.
 */
public final class LaunchdInstaller {
    public static final String DAEMONS_DIR = "/Library/LaunchDaemons";
    public static final String BUNDLE_DAEMONS_DIR = "Contents/Library/LaunchDaemons";

    private final ServiceHost host;
    private final ServiceFiles files;

    public LaunchdInstaller(ServiceHost host, ServiceFiles files) {
        this.host = host;
        this.files = files;
    }

    public static String defaultConfigPath(LaunchdSettings settings) {
        return settings.stateDirectory() + "/helper.json";
    }

    /**
     * Installs the LaunchDaemon the legacy way (plist in /Library/LaunchDaemons).
     *
     * @param writeDefaultConfig write {@code {"macos": ...}} at the plist's config path when absent,
     *     so the daemon knows its Mach service names on first start
     */
    public Report installLegacy(
            LaunchDaemonPlist plist, String configPath, boolean writeDefaultConfig, InstallRoot root, boolean filesOnly)
            throws IOException, CommandException {
        Report report = new Report();
        LaunchdSettings settings = plist.settings();
        byte[] xml = plist.toXmlBytes();
        Path target = root.resolve(DAEMONS_DIR + "/" + plist.fileName());
        if (writeDefaultConfig) {
            writeDefaultConfig(settings, root.resolve(configPath), report);
        }
        if (filesOnly) {
            report.info((files.writeIfChanged(target, xml) ? "wrote " : "unchanged: ") + target);
            report.info("--files-only: launchd not contacted; load it with `launchctl bootstrap system " + DAEMONS_DIR
                    + "/" + plist.fileName() + "`");
            return report;
        }
        String service = "system/" + settings.label();
        boolean loaded = isLoaded(settings.label());
        boolean unchanged = Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), xml);
        if (loaded && unchanged) {
            // An upgrade replaces the program behind an unchanged plist: a running helper would
            // keep the old code until it exits, so restart it now (as Coder's pkg postinstall does).
            require(List.of("launchctl", "kickstart", "-k", service));
            report.info("already installed: " + target + " is current and " + settings.label()
                    + " is loaded; restarted it (launchctl kickstart -k) so the installed program runs");
            return report;
        }
        if (loaded) {
            // launchd caches the plist it bootstrapped; a changed plist only takes effect after bootout.
            require(List.of("launchctl", "bootout", service));
            report.info("unloaded the previous " + settings.label() + " to apply the new plist");
        }
        files.writeIfChanged(target, xml);
        report.info("wrote " + target);
        // A label someone disabled (launchctl disable, or an earlier removal) stays disabled across
        // reboots, and bootstrap then fails with only "Input/output error": enable it first.
        require(List.of("launchctl", "enable", service));
        require(List.of("launchctl", "bootstrap", "system", target.toString()));
        report.info("loaded " + settings.label() + " (launchd starts it on demand when " + settings.appServiceName()
                + " or " + settings.extensionServiceName() + " is looked up)");
        return report;
    }

    /** Places the plist in the bundle; nothing is loaded until the signed app calls {@code register()}. */
    public Report installIntoBundle(LaunchDaemonPlist plist, Path bundle) throws IOException {
        if (!Files.isDirectory(bundle)) {
            throw new IOException("app bundle " + bundle + " does not exist");
        }
        Path target = bundle.resolve(BUNDLE_DAEMONS_DIR).resolve(plist.fileName());
        boolean changed = files.writeIfChanged(target, plist.toXmlBytes());
        return new Report()
                .info((changed ? "wrote " : "already installed: ") + target)
                .info("the app registers it with SMAppService.daemon(plistName: \"" + plist.fileName()
                        + "\").register() after signing; the user approves it in System Settings > General > Login Items."
                        + " launchctl is not used for this path.");
    }

    public Report uninstall(LaunchdSettings settings, InstallRoot root, boolean purge, boolean filesOnly)
            throws IOException, CommandException {
        Report report = new Report();
        Path target = root.resolve(DAEMONS_DIR + "/" + settings.label() + ".plist");
        boolean wasLoaded = !filesOnly && isLoaded(settings.label());
        if (wasLoaded) {
            require(List.of("launchctl", "bootout", "system/" + settings.label()));
            report.info("unloaded " + settings.label());
        }
        boolean removed = files.deleteIfExists(target);
        if (removed) {
            report.info("removed " + target);
        }
        if (!wasLoaded && !removed) {
            report.info("not installed: " + settings.label() + " is not loaded and " + target + " does not exist");
        }
        if (purge) {
            Path state = root.resolve(settings.stateDirectory());
            report.info(files.deleteTree(state) ? "purged " + state : "no state to purge at " + state);
        }
        return report;
    }

    private boolean isLoaded(String label) throws CommandException {
        // `launchctl print` exits 0 for a bootstrapped service and 113 ("could not find service") otherwise.
        return host.runner()
                .run(List.of("launchctl", "print", "system/" + label))
                .succeeded();
    }

    private void require(List<String> command) throws CommandException {
        CommandResult result = host.runner().run(command);
        if (!result.succeeded()) {
            throw CommandException.failed(result);
        }
    }

    private void writeDefaultConfig(LaunchdSettings settings, Path config, Report report) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode macos = root.putObject("macos");
        macos.put("teamId", settings.teamId());
        macos.put("bundleId", settings.bundleId());
        macos.put("label", settings.label());
        if (settings.standardOutPath() != null) {
            macos.put("standardOutPath", settings.standardOutPath());
        }
        if (settings.standardErrorPath() != null) {
            macos.put("standardErrorPath", settings.standardErrorPath());
        }
        byte[] json = (mapper.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        if (files.writeIfAbsent(config, json)) {
            report.info("wrote default config " + config);
        } else {
            report.info("kept existing config " + config);
        }
    }
}

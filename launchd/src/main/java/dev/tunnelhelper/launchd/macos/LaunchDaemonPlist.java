package dev.tunnelhelper.launchd.macos;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.LaunchdSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The helper's LaunchDaemon property list.
 *
 * <p>Deliberately absent: {@code KeepAlive} and {@code RunAtLoad} (launchd starts the daemon on
 * demand when a client looks up one of its Mach services, and a kept-alive daemon would defeat
 * that), and {@code UserName} (a LaunchDaemon without it runs as root, which the helper needs).
 */
public final class LaunchDaemonPlist {

    private final LaunchdSettings settings;
    private final DaemonProgram program;
    private final String configPath;

    /**
     * @param configPath absolute path of the helper's JSON config, passed as {@code run --config <path>};
     *     or null: the daemon is started with {@code run --team-id T --bundle-id B --label L} and
     *     needs no config file (an app bundle for SMAppService, where nothing could create one:
     *     the helper then reads {@code /Library/Application Support/<bundle-id>/helper.json} only if
     *     an administrator put one there)
     */
    public LaunchDaemonPlist(LaunchdSettings settings, DaemonProgram program, String configPath) {
        if (settings == null || program == null) {
            throw new InvalidServiceDefinitionException("settings and program are required");
        }
        if (configPath != null && !configPath.startsWith("/")) {
            // launchd starts daemons with / as the working directory: a relative path would silently change meaning.
            throw new InvalidServiceDefinitionException("the config path must be absolute, got " + configPath);
        }
        this.settings = settings;
        this.program = program;
        this.configPath = configPath;
    }

    public String fileName() {
        return settings.label() + ".plist";
    }

    public LaunchdSettings settings() {
        return settings;
    }

    public DaemonProgram program() {
        return program;
    }

    public NSDictionary toDictionary() {
        NSDictionary root = new NSDictionary();
        root.put("Label", new NSString(settings.label()));
        root.put(program.plistKey(), new NSString(program.path()));
        root.put(
                "ProgramArguments",
                new NSArray(
                        arguments(program.path()).stream().map(NSString::new).toArray(NSString[]::new)));
        NSDictionary machServices = new NSDictionary();
        machServices.put(settings.appServiceName(), new NSNumber(true));
        machServices.put(settings.extensionServiceName(), new NSNumber(true));
        root.put("MachServices", machServices);
        root.put("AssociatedBundleIdentifiers", new NSArray(new NSString(settings.bundleId())));
        if (settings.standardOutPath() != null) {
            root.put("StandardOutPath", new NSString(settings.standardOutPath()));
        }
        if (settings.standardErrorPath() != null) {
            root.put("StandardErrorPath", new NSString(settings.standardErrorPath()));
        }
        return root;
    }

    /** What launchd starts: {@code argv0 run} and either the config file or the identity it derives everything from. */
    List<String> arguments(String argv0) {
        return configPath != null ? List.of(argv0, "run", "--config", configPath) : identityArguments(argv0, settings);
    }

    /** {@code argv0 run --team-id T --bundle-id B --label L}: the daemon's settings without a config file. */
    static List<String> identityArguments(String argv0, LaunchdSettings settings) {
        return List.of(
                argv0,
                "run",
                "--team-id",
                settings.teamId(),
                "--bundle-id",
                settings.bundleId(),
                "--label",
                settings.label());
    }

    /** The XML form, checked by parsing it back before it is returned. */
    public String toXml() {
        String xml = toDictionary().toXMLPropertyList();
        PlistValidator.validate(xml.getBytes(StandardCharsets.UTF_8), settings);
        return xml;
    }

    public byte[] toXmlBytes() {
        return toXml().getBytes(StandardCharsets.UTF_8);
    }
}

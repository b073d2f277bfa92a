package dev.tunnelhelper.launchd.macos;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.LaunchdSettings;
import java.nio.charset.StandardCharsets;

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
     * @param configPath absolute path of the helper's JSON config, passed as {@code run --config <path>}
     */
    public LaunchDaemonPlist(LaunchdSettings settings, DaemonProgram program, String configPath) {
        if (settings == null || program == null) {
            throw new InvalidServiceDefinitionException("settings and program are required");
        }
        if (configPath == null || !configPath.startsWith("/")) {
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
        root.put("ProgramArguments", new NSArray(
                new NSString(program.path()), new NSString("run"), new NSString("--config"), new NSString(configPath)));
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

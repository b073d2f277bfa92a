package dev.tunnelhelper.launchd.macos;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.LaunchdSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses a daemon plist and checks it against the helper's contract: every key known and of the
 * right type, both team-prefixed Mach services, nothing that would make it run as another user or
 * defeat on-demand start. Run on everything we write, so a bug in generation cannot ship.
 */
public final class PlistValidator {

    private static final Set<String> ALLOWED_KEYS = Set.of(
            "Label",
            "Program",
            "BundleProgram",
            "ProgramArguments",
            "MachServices",
            "AssociatedBundleIdentifiers",
            "StandardOutPath",
            "StandardErrorPath",
            // Tolerated only with harmless values, checked below.
            "UserName",
            "KeepAlive",
            "RunAtLoad");

    private PlistValidator() {}

    /**
     * Checks a LaunchDaemon definition.
     *
     * @throws InvalidServiceDefinitionException listing every problem found */
    public static void validate(byte[] plist, LaunchdSettings expected) {
        NSObject parsed;
        try {
            parsed = PropertyListParser.parse(plist);
        } catch (Exception e) {
            throw new InvalidServiceDefinitionException("not a readable property list: " + e.getMessage());
        }
        if (!(parsed instanceof NSDictionary root)) {
            throw new InvalidServiceDefinitionException("the plist's root must be a dictionary");
        }
        List<String> problems = new ArrayList<>();
        for (String key : root.allKeys()) {
            if (!ALLOWED_KEYS.contains(key)) {
                problems.add("unexpected key " + key);
            }
        }
        checkLabel(root, expected, problems);
        String argv0 = checkProgram(root, problems);
        checkArguments(root, argv0, expected, problems);
        checkMachServices(root, expected, problems);
        checkAssociatedBundle(root, expected, problems);
        checkOptionalAbsolute(root, "StandardOutPath", problems);
        checkOptionalAbsolute(root, "StandardErrorPath", problems);
        checkDaemonOnlyKeys(root, problems);
        if (!problems.isEmpty()) {
            throw new InvalidServiceDefinitionException("invalid LaunchDaemon plist: " + String.join("; ", problems));
        }
    }

    private static void checkLabel(NSDictionary root, LaunchdSettings expected, List<String> problems) {
        String label = string(root, "Label", problems);
        if (label == null) {
            return;
        }
        if (!LaunchdSettings.isReverseDns(label)) {
            problems.add("Label is not reverse-DNS: " + label);
        } else if (!label.equals(expected.label())) {
            problems.add("Label is " + label + ", expected " + expected.label());
        }
    }

    private static String checkProgram(NSDictionary root, List<String> problems) {
        boolean hasProgram = root.containsKey("Program");
        boolean hasBundleProgram = root.containsKey("BundleProgram");
        if (hasProgram == hasBundleProgram) {
            problems.add("exactly one of Program and BundleProgram is required");
            return null;
        }
        String key = hasProgram ? "Program" : "BundleProgram";
        String path = string(root, key, problems);
        if (path == null) {
            return null;
        }
        try {
            if (hasProgram) {
                DaemonProgram.absolute(path);
            } else {
                DaemonProgram.inBundle(path);
            }
        } catch (InvalidServiceDefinitionException e) {
            problems.add(e.getMessage());
        }
        return path;
    }

    private static void checkArguments(
            NSDictionary root, String argv0, LaunchdSettings expected, List<String> problems) {
        NSObject value = root.objectForKey("ProgramArguments");
        if (!(value instanceof NSArray array)) {
            problems.add("ProgramArguments must be an array of strings");
            return;
        }
        List<String> args = new ArrayList<>();
        for (NSObject item : array.getArray()) {
            if (!(item instanceof NSString s)) {
                problems.add("ProgramArguments must contain only strings");
                return;
            }
            args.add(s.getContent());
        }
        boolean withConfig =
                args.size() == 4 && args.get(1).equals("run") && args.get(2).equals("--config");
        boolean withIdentity =
                args.size() == 8 && args.get(1).equals("run") && args.get(2).equals("--team-id");
        if (!withConfig && !withIdentity) {
            problems.add("ProgramArguments must be [program, run, --config, <path>] or [program, run, --team-id, T,"
                    + " --bundle-id, B, --label, L], got " + args);
            return;
        }
        if (argv0 != null && !args.get(0).equals(argv0)) {
            problems.add("ProgramArguments[0] must be the program " + argv0 + ", got " + args.get(0));
        }
        if (withConfig && !args.get(3).startsWith("/")) {
            problems.add("the --config path must be absolute, got " + args.get(3));
        }
        if (withIdentity) {
            // The daemon derives its Mach services from these: they must be the ones MachServices declares.
            List<String> expectedArgs = LaunchDaemonPlist.identityArguments(args.get(0), expected);
            if (!args.equals(expectedArgs)) {
                problems.add("ProgramArguments must be " + expectedArgs + ", got " + args);
            }
        }
    }

    private static void checkMachServices(NSDictionary root, LaunchdSettings expected, List<String> problems) {
        NSObject value = root.objectForKey("MachServices");
        if (!(value instanceof NSDictionary services)) {
            problems.add("MachServices must be a dictionary");
            return;
        }
        for (String name : services.allKeys()) {
            if (!name.startsWith(expected.teamId() + ".")) {
                problems.add("Mach service " + name + " lacks the team prefix " + expected.teamId()
                        + ". (a system extension can only reach team-prefixed services)");
            }
            NSObject flag = services.objectForKey(name);
            if (!(flag instanceof NSNumber n) || !n.isBoolean() || !n.boolValue()) {
                problems.add("MachServices." + name + " must be the boolean true");
            }
        }
        for (String required : List.of(expected.appServiceName(), expected.extensionServiceName())) {
            if (!services.containsKey(required)) {
                problems.add("MachServices lacks " + required);
            }
        }
        if (services.count() != 2) {
            problems.add("MachServices must hold exactly the two helper services, found " + services.count());
        }
    }

    private static void checkAssociatedBundle(NSDictionary root, LaunchdSettings expected, List<String> problems) {
        NSObject value = root.objectForKey("AssociatedBundleIdentifiers");
        if (!(value instanceof NSArray array) || array.count() == 0) {
            problems.add("AssociatedBundleIdentifiers must be a non-empty array of strings");
            return;
        }
        boolean found = false;
        for (NSObject item : array.getArray()) {
            if (!(item instanceof NSString s)) {
                problems.add("AssociatedBundleIdentifiers must contain only strings");
                return;
            }
            found |= s.getContent().equals(expected.bundleId());
        }
        if (!found) {
            problems.add("AssociatedBundleIdentifiers lacks the app's bundle id " + expected.bundleId());
        }
    }

    private static void checkOptionalAbsolute(NSDictionary root, String key, List<String> problems) {
        if (root.containsKey(key)) {
            String path = string(root, key, problems);
            if (path != null && !path.startsWith("/")) {
                problems.add(key + " must be absolute, got " + path);
            }
        }
    }

    private static void checkDaemonOnlyKeys(NSDictionary root, List<String> problems) {
        if (root.containsKey("UserName")) {
            String user = string(root, "UserName", problems);
            if (user != null && !user.equals("root")) {
                problems.add("UserName must be absent or root: the helper needs root, got " + user);
            }
        }
        if (root.containsKey("KeepAlive") && !isFalse(root.objectForKey("KeepAlive"))) {
            problems.add("KeepAlive must be absent or false: the helper starts on demand via MachServices");
        }
        if (root.containsKey("RunAtLoad") && !isFalse(root.objectForKey("RunAtLoad"))) {
            problems.add("RunAtLoad must be absent or false: the helper starts on demand via MachServices");
        }
    }

    private static boolean isFalse(NSObject value) {
        return value instanceof NSNumber n && n.isBoolean() && !n.boolValue();
    }

    private static String string(NSDictionary root, String key, List<String> problems) {
        NSObject value = root.objectForKey(key);
        if (value instanceof NSString s) {
            return s.getContent();
        }
        problems.add(key + (value == null ? " is missing" : " must be a string"));
        return null;
    }
}

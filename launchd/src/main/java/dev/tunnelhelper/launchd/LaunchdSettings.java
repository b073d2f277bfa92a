package dev.tunnelhelper.launchd;

import java.util.regex.Pattern;

/**
 * The macOS part of the helper's JSON config (key {@code "macos"}).
 *
 * <p>Validation happens in the constructor so that no invalid instance can exist: Jackson reports
 * the message when it binds a bad config, and the flags path gets the same check.
 *
 * @param teamId the signing team identifier (10 uppercase alphanumerics), prefix of both Mach services
 * @param bundleId the app's bundle identifier, reverse-DNS
 * @param label the launchd label; defaults to {@code <bundleId>.helper}
 * @param standardOutPath absolute path launchd redirects stdout to, or null
 * @param standardErrorPath absolute path launchd redirects stderr to, or null
 */
public record LaunchdSettings(
        String teamId, String bundleId, String label, String standardOutPath, String standardErrorPath) {

    private static final Pattern TEAM_ID = Pattern.compile("[A-Z0-9]{10}");
    // Bundle ids and launchd labels: at least two dot-separated parts of letters, digits and hyphens.
    private static final Pattern REVERSE_DNS = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

    public LaunchdSettings {
        if (teamId == null || !TEAM_ID.matcher(teamId).matches()) {
            throw new InvalidServiceDefinitionException(
                    "teamId must be 10 uppercase letters or digits (the signing team identifier), got "
                            + quote(teamId));
        }
        if (bundleId == null || !REVERSE_DNS.matcher(bundleId).matches()) {
            throw new InvalidServiceDefinitionException(
                    "bundleId must be a reverse-DNS bundle identifier such as com.example.App, got " + quote(bundleId));
        }
        if (label == null) {
            label = bundleId + ".helper";
        } else if (!REVERSE_DNS.matcher(label).matches()) {
            throw new InvalidServiceDefinitionException(
                    "label must be reverse-DNS such as com.example.App.helper, got " + quote(label));
        }
        requireAbsoluteOrNull("standardOutPath", standardOutPath);
        requireAbsoluteOrNull("standardErrorPath", standardErrorPath);
    }

    public static LaunchdSettings of(String teamId, String bundleId) {
        return new LaunchdSettings(teamId, bundleId, null, null, null);
    }

    /** Mach service the app connects to; team-prefixed so the system extension may reach the daemon too. */
    public String appServiceName() {
        return teamId + "." + bundleId + ".HelperApp";
    }

    /** Mach service the network extension connects to; a system extension only reaches team-prefixed names. */
    public String extensionServiceName() {
        return teamId + "." + bundleId + ".HelperNE";
    }

    /**
     * The code-signing requirement for code of this team: what the helper requires of its peers
     * over XPC and what clients require of the helper (docs/macos.md §6).
     */
    public String teamRequirement() {
        return "anchor apple generic and certificate leaf[subject.OU] = \"" + teamId + "\"";
    }

    /** {@code /Library/Application Support/<bundle-id>}: the helper's macOS state (binaries, logs, default config). */
    public String stateDirectory() {
        return "/Library/Application Support/" + bundleId;
    }

    public static boolean isReverseDns(String value) {
        return value != null && REVERSE_DNS.matcher(value).matches();
    }

    private static void requireAbsoluteOrNull(String field, String path) {
        if (path != null && !path.startsWith("/")) {
            throw new InvalidServiceDefinitionException(field + " must be an absolute path, got " + quote(path));
        }
    }

    private static String quote(String value) {
        return value == null ? "nothing" : "\"" + value + "\"";
    }
}

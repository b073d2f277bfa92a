package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.launchd.LaunchdSettings;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --team-id}, {@code --bundle-id}, {@code --label}: the helper's macOS identity on the
 * command line, for the commands that write plists and for the daemon that a plist starts.
 */
public final class IdentityOptions {
    @Option(names = "--team-id", paramLabel = "TEAMID", description = "Signing team identifier (10 characters).")
    String teamId;

    @Option(
            names = "--bundle-id",
            paramLabel = "ID",
            description = "The app's bundle identifier, e.g. com.example.App.")
    String bundleId;

    @Option(names = "--label", paramLabel = "LABEL", description = "launchd label (default: <bundle-id>.helper).")
    String label;

    /**
     * The settings these flags alone give: empty when none is given.
     *
     * @throws dev.tunnelhelper.launchd.InvalidServiceDefinitionException when only some are given or one is invalid
     */
    public Optional<LaunchdSettings> settings() {
        if (teamId == null && bundleId == null && label == null) {
            return Optional.empty();
        }
        if (teamId == null || bundleId == null) {
            throw new dev.tunnelhelper.launchd.InvalidServiceDefinitionException(
                    "--team-id and --bundle-id go together (--label is optional)");
        }
        return Optional.of(new LaunchdSettings(teamId, bundleId, label, null, null));
    }
}

package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.cli.ProgrammaticOptions;
import dev.tunnelhelper.launchd.LaunchdSettings;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --team-id}, {@code --bundle-id}, {@code --label}: the helper's macOS identity on the
 * command line, for the commands that write plists and for the daemon that a plist starts.
 */
public final class IdentityOptions {
    private static final String TEAM_ID = "--team-id";
    private static final String TEAM_ID_LABEL = "TEAMID";
    private static final String TEAM_ID_DESCRIPTION = "Signing team identifier (10 characters).";
    private static final String BUNDLE_ID = "--bundle-id";
    private static final String BUNDLE_ID_LABEL = "ID";
    private static final String BUNDLE_ID_DESCRIPTION = "The app's bundle identifier, e.g. com.example.App.";
    private static final String LABEL = "--label";
    private static final String LABEL_LABEL = "LABEL";
    private static final String LABEL_DESCRIPTION = "launchd label (default: <bundle-id>.helper).";

    @Option(names = TEAM_ID, paramLabel = TEAM_ID_LABEL, description = TEAM_ID_DESCRIPTION)
    String teamId;

    @Option(names = BUNDLE_ID, paramLabel = BUNDLE_ID_LABEL, description = BUNDLE_ID_DESCRIPTION)
    String bundleId;

    @Option(names = LABEL, paramLabel = LABEL_LABEL, description = LABEL_DESCRIPTION)
    String label;

    /** Declares these options on {@code command} without annotations, as its {@code identity} mixin (see ProgrammaticOptions). */
    void addTo(CommandSpec command) {
        command.addMixin(
                "identity",
                ProgrammaticOptions.mixin(
                        this,
                        List.of(
                                ProgrammaticOptions.option(
                                        TEAM_ID,
                                        TEAM_ID_LABEL,
                                        String.class,
                                        TEAM_ID_DESCRIPTION,
                                        () -> teamId,
                                        v -> teamId = v),
                                ProgrammaticOptions.option(
                                        BUNDLE_ID,
                                        BUNDLE_ID_LABEL,
                                        String.class,
                                        BUNDLE_ID_DESCRIPTION,
                                        () -> bundleId,
                                        v -> bundleId = v),
                                ProgrammaticOptions.option(
                                        LABEL,
                                        LABEL_LABEL,
                                        String.class,
                                        LABEL_DESCRIPTION,
                                        () -> label,
                                        v -> label = v))));
    }

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

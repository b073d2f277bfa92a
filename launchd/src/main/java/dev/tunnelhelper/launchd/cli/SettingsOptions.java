package dev.tunnelhelper.launchd.cli;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.cli.ProgrammaticOptions;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.LaunchdSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --config} plus flags that override its {@code macos} object, shared by every command. */
public final class SettingsOptions {
    private static final String CONFIG = "--config";
    private static final String CONFIG_LABEL = "FILE";
    private static final String CONFIG_DESCRIPTION =
            "The helper's JSON config; its \"macos\" object supplies teamId, bundleId, label, log paths.";

    @Option(names = CONFIG, paramLabel = CONFIG_LABEL, description = CONFIG_DESCRIPTION)
    Path config;

    @Mixin
    IdentityOptions identity = new IdentityOptions();

    /** Declares these options on {@code command} without annotations, as its {@code settings} mixin (see ProgrammaticOptions). */
    void addTo(CommandSpec command) {
        CommandSpec mixin = ProgrammaticOptions.mixin(
                this,
                List.of(ProgrammaticOptions.option(
                        CONFIG, CONFIG_LABEL, Path.class, CONFIG_DESCRIPTION, () -> config, v -> config = v)));
        identity.addTo(mixin);
        command.addMixin("settings", mixin);
    }

    public Optional<Path> configFile() {
        return Optional.ofNullable(config);
    }

    /** Config first, flags on top, then one validation pass through the record's constructor. */
    public LaunchdSettings resolve() throws IOException {
        SettingsReader reader = new SettingsReader();
        ObjectNode macos = config == null ? reader.mapper().createObjectNode() : reader.readMacos(config);
        if (identity.teamId != null) {
            macos.put("teamId", identity.teamId);
        }
        if (identity.bundleId != null) {
            macos.put("bundleId", identity.bundleId);
        }
        if (identity.label != null) {
            macos.put("label", identity.label);
        }
        String source = config == null ? "flags" : "config " + config + " (\"macos\") and flags";
        try {
            return reader.mapper().treeToValue(macos, LaunchdSettings.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidServiceDefinitionException(cause.getMessage() + " (from " + source
                    + "; set --team-id/--bundle-id or macos.teamId/macos.bundleId)");
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidServiceDefinitionException("unknown key \"macos." + e.getPropertyName() + "\" in " + source
                    + "; known: teamId, bundleId, label, standardOutPath, standardErrorPath");
        } catch (IOException e) {
            throw new InvalidServiceDefinitionException(
                    "cannot read the macOS settings from " + source + ": " + e.getMessage());
        }
    }

    /**
     * The config path the daemon is started with: explicit, else {@code --config} made absolute,
     * else the platform default.
     */
    String daemonConfigPath(Path explicit, String platformDefault) {
        if (explicit != null) {
            return explicit.toAbsolutePath().normalize().toString();
        }
        if (config != null) {
            return config.toAbsolutePath().normalize().toString();
        }
        return platformDefault;
    }
}

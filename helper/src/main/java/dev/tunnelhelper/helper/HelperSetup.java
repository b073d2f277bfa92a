package dev.tunnelhelper.helper;

import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.ConfigLoader;
import dev.tunnelhelper.helper.config.DefaultDirectories;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.cli.IdentityOptions;
import dev.tunnelhelper.shim.NativePlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configuration and paths {@code --config} and {@code --state-dir} select, as {@code run}
 * applies them and {@code doctor} inspects them: under a state dir everything lives there and its
 * {@code helper.json} is optional; otherwise the named (or default) config file decides.
 */
public record HelperSetup(HelperPaths paths, HelperConfig config) {

    /** {@code config} with keys given on the command line ({@code --ed25519-key}) added to its pinned ones. */
    public static HelperConfig withEd25519Keys(HelperConfig config, List<Path> keys) {
        if (keys.isEmpty()) {
            return config;
        }
        List<String> all = new ArrayList<>(config.verification().ed25519PublicKeys());
        keys.forEach(k -> all.add(k.toAbsolutePath().toString()));
        return config.toBuilder()
                .verification(config.verification().withEd25519PublicKeys(all))
                .build();
    }

    /**
     * {@code --team-id T --bundle-id B [--label L]}: the {@code macos} section given on the command
     * line, as an app bundle's plist starts the daemon (SMAppService: no config file exists). It
     * replaces the file's, and the default file becomes {@code /Library/Application Support/<bundle-id>/helper.json}.
     */
    static Optional<LaunchdSettings> macosFlags(IdentityOptions flags) throws ConfigException {
        try {
            return flags.settings();
        } catch (InvalidServiceDefinitionException e) {
            throw new ConfigException("command line: " + e.getMessage());
        }
    }

    /** The config file {@code --config} and {@code --state-dir} select. */
    public static Path configFile(Path configFile, Path stateDir) {
        return configFile(configFile, stateDir, Optional.empty());
    }

    /** ... and, given {@code --team-id}/{@code --bundle-id}, {@code /Library/Application Support/<bundle-id>/helper.json} by default. */
    static Path configFile(Path configFile, Path stateDir, Optional<LaunchdSettings> macos) {
        if (configFile != null) {
            return configFile;
        }
        if (stateDir != null) {
            return HelperPaths.underStateDir(stateDir).config();
        }
        return DefaultDirectories.configFile(NativePlatform.current(), macos.orElse(null));
    }

    public static HelperSetup load(Path configFile, Path stateDir) throws ConfigException {
        return load(configFile, stateDir, Optional.empty());
    }

    /** @param macos the {@code macos} section from the command line, replacing the file's */
    static HelperSetup load(Path configFile, Path stateDir, Optional<LaunchdSettings> macos) throws ConfigException {
        Path file = configFile(configFile, stateDir, macos);
        if (stateDir != null) {
            HelperPaths under = HelperPaths.underStateDir(stateDir);
            HelperConfig config = ConfigLoader.load(file, configFile == null, macos.orElse(null))
                    .withDirectories(
                            under.socketDirectory().toString(),
                            under.binaryDirectory().toString(),
                            under.logDirectory().toString());
            return new HelperSetup(
                    new HelperPaths(file, under.socketDirectory(), under.binaryDirectory(), under.logDirectory()),
                    config);
        }
        HelperConfig config = ConfigLoader.load(file, configFile == null, macos.orElse(null));
        return new HelperSetup(HelperPaths.fromConfig(file, config), config);
    }
}

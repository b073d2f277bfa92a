package dev.tunnelhelper.helper;

import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.ConfigLoader;
import dev.tunnelhelper.helper.config.HelperConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        return config.toBuilder().verification(config.verification().withEd25519PublicKeys(all)).build();
    }

    /** The config file {@code --config} and {@code --state-dir} select. */
    public static Path configFile(Path configFile, Path stateDir) {
        if (configFile != null) {
            return configFile;
        }
        return stateDir != null ? HelperPaths.underStateDir(stateDir).config() : HelperPaths.DEFAULT_CONFIG;
    }

    public static HelperSetup load(Path configFile, Path stateDir) throws ConfigException {
        Path file = configFile(configFile, stateDir);
        if (stateDir != null) {
            HelperPaths under = HelperPaths.underStateDir(stateDir);
            HelperConfig config = ConfigLoader.load(file, configFile == null)
                    .withDirectories(under.socketDirectory().toString(), under.binaryDirectory().toString(),
                            under.logDirectory().toString());
            return new HelperSetup(new HelperPaths(file, under.socketDirectory(), under.binaryDirectory(), under.logDirectory()),
                    config);
        }
        HelperConfig config = ConfigLoader.load(file, configFile == null);
        return new HelperSetup(HelperPaths.fromConfig(file, config), config);
    }
}

package dev.tunnelhelper.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --state-dir D}: the helper's state directory (docs/operations.md); before or after the subcommand. */
public final class StateDirOption extends SharedOption<StateDirOption> {
    @Option(
            names = "--state-dir",
            paramLabel = "D",
            description =
                    "The helper's state directory: config D/helper.json, sockets D/run/app.sock and D/run/ne.sock.")
    Path stateDir;

    public StateDirOption() {
        super(StateDirOption.class);
    }

    public Optional<Path> stateDir() {
        return resolve(o -> o.stateDir);
    }
}

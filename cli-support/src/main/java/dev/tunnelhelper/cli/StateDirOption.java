package dev.tunnelhelper.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code --state-dir D}: the helper's state directory (docs/operations.md); before or after the subcommand. */
public final class StateDirOption extends SharedOption<StateDirOption> {
    private static final String NAME = "--state-dir";
    private static final String LABEL = "D";
    private static final String DESCRIPTION =
            "The helper's state directory: config D/helper.json, sockets D/run/app.sock and D/run/ne.sock.";

    @Option(names = NAME, paramLabel = LABEL, description = DESCRIPTION)
    Path stateDir;

    public StateDirOption() {
        super(StateDirOption.class, "stateDir");
    }

    @Override
    List<OptionSpec> options() {
        return List.of(
                ProgrammaticOptions.option(NAME, LABEL, Path.class, DESCRIPTION, () -> stateDir, v -> stateDir = v));
    }

    public Optional<Path> stateDir() {
        return resolve(o -> o.stateDir);
    }
}

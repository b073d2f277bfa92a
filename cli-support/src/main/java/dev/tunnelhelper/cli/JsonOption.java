package dev.tunnelhelper.cli;

import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code --json}: machine-readable output; before or after the subcommand. */
public final class JsonOption extends SharedOption<JsonOption> {
    private static final String NAME = "--json";
    private static final String DESCRIPTION = "Machine-readable JSON output (schemas in docs/operations.md).";

    @Option(names = NAME, description = DESCRIPTION)
    Boolean json;

    public JsonOption() {
        super(JsonOption.class, "json");
    }

    @Override
    List<OptionSpec> options() {
        return List.of(ProgrammaticOptions.flag(NAME, Boolean.class, DESCRIPTION, () -> json, v -> json = v));
    }

    public boolean json() {
        return resolve(o -> o.json).orElse(false);
    }
}

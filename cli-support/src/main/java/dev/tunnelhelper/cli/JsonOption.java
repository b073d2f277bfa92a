package dev.tunnelhelper.cli;

import picocli.CommandLine.Option;

/** {@code --json}: machine-readable output; before or after the subcommand. */
public final class JsonOption extends SharedOption<JsonOption> {
    @Option(names = "--json", description = "Machine-readable JSON output (schemas in docs/operations.md).")
    Boolean json;

    public JsonOption() {
        super(JsonOption.class);
    }

    public boolean json() {
        return resolve(o -> o.json).orElse(false);
    }
}

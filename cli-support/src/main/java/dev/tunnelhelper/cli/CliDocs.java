package dev.tunnelhelper.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Shell completion and man pages generated from the programs' own command definitions, at build
 * time: {@code completion/<program>} (bash; zsh loads it through bashcompinit) and
 * {@code man/man1/<program>[-<subcommand>...].1}, plus an {@value #INDEX} listing them, which
 * {@code tunnel-helper install} reads to put them in place.
 */
public final class CliDocs {
    /** Where the files live on the classpath, and the name of the list of them. */
    public static final String RESOURCE_DIR = "META-INF/tunnel-helper/cli-docs";

    public static final String INDEX = "index";

    private CliDocs() {}

    /**
     * {@code CliDocs OUTDIR VERSION CLASS...}: each class has a static {@code commandLine()}
     * returning its program's prepared command tree.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: CliDocs OUTDIR VERSION CLASS...");
        }
        Path out = Path.of(args[0]);
        List<String> written = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            written.addAll(write(commandLineOf(args[i]), out, args[1]));
        }
        Files.writeString(out.resolve(INDEX), String.join("\n", written) + "\n", StandardCharsets.UTF_8);
    }

    private static CommandLine commandLineOf(String className)
            throws ClassNotFoundException, NoSuchMethodException, IllegalAccessException, InvocationTargetException {
        return (CommandLine) Class.forName(className).getMethod("commandLine").invoke(null);
    }

    /** Writes one program's files under {@code dir}; returns their paths relative to it. */
    public static List<String> write(CommandLine program, Path dir, String version) throws IOException {
        List<String> written = new ArrayList<>();
        String name = program.getCommandName();
        String completion = "completion/" + name;
        Files.createDirectories(dir.resolve("completion"));
        Files.writeString(dir.resolve(completion), AutoComplete.bash(name, program), StandardCharsets.UTF_8);
        written.add(completion);
        Files.createDirectories(dir.resolve("man/man1"));
        writePages(program, dir, version, written);
        return written;
    }

    private static void writePages(CommandLine command, Path dir, String version, List<String> written)
            throws IOException {
        if (command.getCommandSpec().usageMessage().hidden()) {
            return;
        }
        String page = "man/man1/" + ManPage.pageName(command.getCommandSpec()) + ".1";
        Files.writeString(dir.resolve(page), ManPage.render(command.getCommandSpec(), version), StandardCharsets.UTF_8);
        written.add(page);
        for (CommandLine sub : command.getSubcommands().values()) {
            writePages(sub, dir, version, written);
        }
    }
}

package dev.tunnelhelper.launchd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.cli.CliDocs;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.ProgrammaticOptions;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The shared option groups declare themselves twice: by annotations for the programs that read
 * them, and through picocli's programmatic API for app-client, which must not (ProgrammaticOptions).
 * Both declarations must make the same options: same names, values, types, converters and texts,
 * and so the same help, man page and completion.
 */
class ProgrammaticOptionsTest {

    @Command(name = "client", mixinStandardHelpOptions = true)
    static final class Annotated {
        @Mixin
        StateDirOption stateDir;

        @Mixin
        SocketOptions socket;

        @Mixin
        XpcClientOptions xpc;

        @Mixin
        JsonOption json;
    }

    /** What app-client's commands do: the same groups, in the same order, without annotations. */
    static final class Programmatic {
        final StateDirOption stateDir = new StateDirOption();
        final SocketOptions socket = new SocketOptions();
        final XpcClientOptions xpc = new XpcClientOptions();
        final JsonOption json = new JsonOption();

        CommandSpec spec() {
            CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("client");
            stateDir.addTo(spec);
            socket.addTo(spec);
            xpc.addTo(spec);
            json.addTo(spec);
            ProgrammaticOptions.addStandardHelpOptions(spec);
            return spec;
        }
    }

    private static CommandSpec annotated() {
        return new CommandLine(new Annotated()).getCommandSpec();
    }

    @Test
    void bothDeclareTheSameOptionsInTheSameOrder() {
        assertEquals(describe(annotated()), describe(new Programmatic().spec()));
    }

    @Test
    void bothNameTheirMixinsAlike() {
        assertEquals(
                annotated().mixins().keySet(),
                new Programmatic().spec().mixins().keySet());
        assertTrue(new Programmatic().spec().mixinStandardHelpOptions());
    }

    @Test
    void bothRenderTheSameHelpManPageAndCompletion(@TempDir Path dir) throws IOException {
        CommandLine annotated = new CommandLine(new Annotated());
        CommandLine programmatic = new CommandLine(new Programmatic().spec());
        assertEquals(annotated.getUsageMessage(), programmatic.getUsageMessage());
        assertEquals(docs(annotated, dir.resolve("annotated")), docs(programmatic, dir.resolve("programmatic")));
    }

    /** The man page and completion files CliDocs writes for {@code program}, by name. */
    private static Map<String, String> docs(CommandLine program, Path dir) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : CliDocs.write(program, dir, "1.0")) {
            files.put(name, Files.readString(dir.resolve(name)));
        }
        return files;
    }

    @Test
    void bothParseTheSameArgumentsIntoTheSameValues() {
        String[] args = {
            "--state-dir",
            "/s",
            "--socket",
            "/s/a.sock",
            "--timeout",
            "500ms",
            "--xpc",
            "--service",
            "svc",
            "--config",
            "/c.json",
            "--team-id",
            "ABCDE12345",
            "--bundle-id",
            "com.example.App",
            "--label",
            "l",
            "--json"
        };
        Annotated a = new Annotated();
        new CommandLine(a).parseArgs(args);
        Programmatic p = new Programmatic();
        new CommandLine(p.spec()).parseArgs(args);
        assertEquals(values(a.stateDir, a.socket, a.xpc, a.json), values(p.stateDir, p.socket, p.xpc, p.json));
        assertEquals(
                "/s /s/a.sock PT0.5S true svc /c.json ABCDE12345 com.example.App l true",
                values(p.stateDir, p.socket, p.xpc, p.json));
    }

    @Test
    void withoutArgumentsBothKeepTheirDefaults() {
        Annotated a = new Annotated();
        new CommandLine(a).parseArgs();
        Programmatic p = new Programmatic();
        new CommandLine(p.spec()).parseArgs();
        assertEquals(values(a.stateDir, a.socket, a.xpc, a.json), values(p.stateDir, p.socket, p.xpc, p.json));
    }

    private static String values(StateDirOption stateDir, SocketOptions socket, XpcClientOptions xpc, JsonOption json) {
        return stateDir.stateDir().map(Object::toString).orElse("-") + " "
                + socket.appSocket(stateDir) + " " + socket.timeout() + " " + xpc.xpc + " " + xpc.service + " "
                + xpc.settings.config + " " + xpc.settings.identity.teamId + " " + xpc.settings.identity.bundleId + " "
                + xpc.settings.identity.label + " " + json.json();
    }

    /**
     * Every attribute of every option that changes what it accepts or how it is shown. (Not a
     * flag's parameter label: picocli names it after an annotated field and never shows it.)
     */
    private static List<String> describe(CommandSpec spec) {
        return spec.options().stream().map(ProgrammaticOptionsTest::describe).toList();
    }

    private static String describe(OptionSpec o) {
        return String.join(
                " | ",
                Arrays.toString(o.names()),
                o.arity().max() == 0 ? "(flag)" : o.paramLabel(),
                String.valueOf(o.arity()),
                o.type().getName(),
                Arrays.stream(o.converters()).map(c -> c.getClass().getName()).collect(Collectors.joining(",")),
                Arrays.toString(o.description()),
                String.valueOf(o.descriptionKey()),
                "usageHelp=" + o.usageHelp(),
                "versionHelp=" + o.versionHelp(),
                "required=" + o.required(),
                "hidden=" + o.hidden(),
                "negatable=" + o.negatable(),
                "default=" + o.defaultValue(),
                "initial=" + o.initialValue(),
                "split=" + o.splitRegex(),
                "interactive=" + o.interactive(),
                "order=" + o.order());
    }
}

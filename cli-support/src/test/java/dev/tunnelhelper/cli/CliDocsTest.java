package dev.tunnelhelper.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

class CliDocsTest {
    @TempDir
    Path dir;

    @Command(name = "demo-cli", description = "Does -things.", subcommands = Sub.class)
    static final class Demo implements Runnable {
        @Option(
                names = {"-v", "--verbose"},
                description = "Say more.")
        boolean verbose;

        @Override
        public void run() {}
    }

    @Command(
            name = "sub",
            description = {"The sub command.", ".hidden dot"})
    static final class Sub implements Callable<Integer> {
        @Option(
                names = "--count",
                paramLabel = "N",
                defaultValue = "3",
                description = "How many (default: ${DEFAULT-VALUE}).")
        int count;

        @Parameters(paramLabel = "ADDRESS", description = "Where.")
        String address;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Test
    void writesACompletionScriptAndOnePagePerCommand() throws Exception {
        List<String> written = CliDocs.write(Cli.prepare(new CommandLine(new Demo())), dir, "1.2.3");
        assertEquals(List.of("completion/demo-cli", "man/man1/demo-cli.1", "man/man1/demo-cli-sub.1"), written);
        String completion = Files.readString(dir.resolve("completion/demo-cli"));
        assertTrue(completion.contains("complete -F _complete_demo-cli"), completion);
        assertTrue(completion.contains("--verbose") && completion.contains("--count"), completion);

        String top = Files.readString(dir.resolve("man/man1/demo-cli.1"));
        assertTrue(top.startsWith(".TH \"DEMO-CLI\" \"1\" \"\" \"1.2.3\""), top);
        assertTrue(top.contains(".SH NAME\ndemo\\-cli \\- Does \\-things.\n"), top);
        assertTrue(top.contains(".TP\n\\fB\\-v\\fR, \\fB\\-\\-verbose\\fR\nSay more.\n"), top);
        assertTrue(
                top.contains(".SH COMMANDS\n.TP\n\\fBsub\\fR\nThe sub command. See \\fBdemo\\-cli\\-sub\\fR(1).\n"),
                top);
        assertTrue(top.contains(".SH EXIT STATUS\n.TP\n\\fB0\\fR\nok\n"), top);

        String sub = Files.readString(dir.resolve("man/man1/demo-cli-sub.1"));
        assertTrue(sub.contains("\\fB\\-\\-count\\fR=\\fIN\\fR\nHow many (default: 3).\n"), sub);
        assertTrue(sub.contains(".SH ARGUMENTS\n.TP\n\\fIADDRESS\\fR\nWhere.\n"), sub);
        assertTrue(sub.contains("\\&.hidden dot"), "a line starting with a dot is not a troff request:\n" + sub);
        assertTrue(sub.contains(".SH SEE ALSO\n\\fBdemo\\-cli\\fR(1)"), sub);
    }

    @Test
    void mainWritesAnIndexOfEveryFile() throws Exception {
        CliDocs.main(new String[] {dir.toString(), "1.0", Factory.class.getName()});
        assertEquals(
                List.of("completion/demo-cli", "man/man1/demo-cli.1", "man/man1/demo-cli-sub.1"),
                Files.readAllLines(dir.resolve(CliDocs.INDEX)));
    }

    /** What a program's main class offers CliDocs. */
    public static final class Factory {
        public static CommandLine commandLine() {
            return Cli.prepare(new CommandLine(new Demo()));
        }
    }
}

package dev.tunnelhelper.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** install puts the build's completion scripts and man pages of all three programs in place; uninstall takes them away. */
@EnabledOnOs(OS.LINUX)
class InstallDocsTest {
    @TempDir
    Path root;

    private int run(String... args) {
        CommandLine cl = HelperMain.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void installPlacesCompletionAndManPagesForTheThreeProgramsAndUninstallRemovesThem() throws Exception {
        assertEquals(0, run("install", "--root", root.toString(), "--files-only"));
        Path completions = root.resolve("usr/local/share/bash-completion/completions");
        Path man1 = root.resolve("usr/local/share/man/man1");
        for (String program : List.of("tunnel-helper", "netext-bridge", "app-client")) {
            String script = Files.readString(completions.resolve(program));
            assertTrue(script.contains("complete -F _complete_" + program), script);
            assertTrue(Files.readString(man1.resolve(program + ".1"))
                    .startsWith(".TH \"" + program.toUpperCase(java.util.Locale.ROOT) + "\" \"1\""));
            assertEquals(
                    "rw-r--r--",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(man1.resolve(program + ".1"))));
        }
        String doctor = Files.readString(man1.resolve("tunnel-helper-doctor.1"));
        assertTrue(doctor.contains("\\fB\\-\\-url\\fR=\\fIU\\fR"), doctor);
        assertTrue(Files.readString(man1.resolve("app-client-ping.1")).contains("\\fB\\-\\-state\\-dir\\fR=\\fID\\fR"));
        assertTrue(Files.readString(completions.resolve("app-client")).contains("--state-dir"));
        assertTrue(Files.exists(man1.resolve("netext-bridge-start.1")));

        assertEquals(0, run("uninstall", "--root", root.toString(), "--files-only"));
        try (Stream<Path> left = Files.list(man1)) {
            assertEquals(List.of(), left.toList(), "uninstall removes every page");
        }
        assertFalse(Files.exists(completions.resolve("tunnel-helper")));
    }
}

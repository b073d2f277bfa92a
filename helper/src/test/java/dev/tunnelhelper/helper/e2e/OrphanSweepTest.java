package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.helper.tunnel.OrphanSweep;
import dev.tunnelhelper.helper.tunnel.TunnelRecord;
import dev.tunnelhelper.shim.ProcessStart;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A helper that starts after one was killed ends the tunnel the record names, and only that:
 * the process must still have the recorded pid and start time. A record naming a pid that now
 * belongs to another process, and a record the helper cannot trust (a link, someone else's file,
 * not a record at all), leave every process alone. The "tunnel" here is a real process, started
 * as the previous helper's child would be still running: {@code sleep}.
 */
@Timeout(60)
class OrphanSweepTest {
    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> sweepLog = new ListAppender<>();
    private final Logger sweepLogger = (Logger) LoggerFactory.getLogger(OrphanSweep.class);
    private Process orphan;
    private TunnelRecord record;

    @BeforeEach
    void aPreviousHelperLeftAProcessAndItsRecord() throws Exception {
        Path binaries = HelperPaths.underStateDir(dir).binaryDirectory();
        Files.createDirectories(
                binaries, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        record = new TunnelRecord(binaries);
        orphan = new ProcessBuilder("sleep", "600").start();
        sweepLog.start();
        sweepLogger.addAppender(sweepLog);
        sweepLogger.setLevel(Level.INFO); // the test logging config keeps only WARN
    }

    @AfterEach
    void endTheProcess() throws Exception {
        sweepLogger.detachAppender(sweepLog);
        sweepLogger.setLevel(null);
        orphan.destroyForcibly().waitFor();
    }

    private TunnelRecord.Entry entryFor(Process p) throws Exception {
        return new TunnelRecord.Entry(
                (int) p.pid(),
                ProcessStart.of((int) p.pid()).orElseThrow(),
                dir.resolve("bin/coder").toString());
    }

    /** A helper starts on the state directory (its start runs the sweep) and stops again. */
    private void startAHelper() throws Exception {
        try (ScriptedHelper h = ScriptedHelper.start(dir)) {
            assertTrue(Files.exists(h.helper.paths().appSocket()), "the helper serves after the sweep");
        }
    }

    /** The sweep's log, as {@code LEVEL message key=value...}. */
    private List<String> logged() {
        return sweepLog.list.stream()
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()
                        + (e.getKeyValuePairs() == null
                                ? ""
                                : e.getKeyValuePairs().stream()
                                        .map(kv -> " " + kv.key + "=" + kv.value)
                                        .reduce("", String::concat)))
                .toList();
    }

    private void assertLeftAlone() {
        assertTrue(orphan.isAlive(), "the process is left alone: " + logged());
    }

    @Test
    void theRecordedTunnelIsTerminatedWhenTheNextHelperStarts() throws Exception {
        record.write(entryFor(orphan));

        startAHelper();

        assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "ended before the helper served");
        assertEquals(128 + 15, orphan.exitValue(), "by SIGTERM");
        assertFalse(record.exists(), "the record is removed");
        assertEquals(
                List.of(
                        "WARN terminating the tunnel a previous helper left running pid=" + orphan.pid() + " binary="
                                + dir.resolve("bin/coder"),
                        "INFO the orphaned tunnel is gone pid=" + orphan.pid()),
                logged());
    }

    @Test
    void aRecordWhosePidNowBelongsToAnotherProcessLeavesThatProcessAlone() throws Exception {
        TunnelRecord.Entry real = entryFor(orphan);
        // The pid of the recorded tunnel, reused by a process that started at another time.
        record.write(new TunnelRecord.Entry(
                real.pid(), new ProcessStart("1", real.start().boot()), real.binary()));

        startAHelper();

        assertLeftAlone();
        assertFalse(record.exists(), "a record of a tunnel that is gone is removed");
        assertEquals(
                List.of("INFO the recorded tunnel's pid belongs to another process now; left alone pid="
                        + orphan.pid()),
                logged());
    }

    @Test
    void aRecordFromAnotherBootLeavesTheProcessWithThatPidAlone() throws Exception {
        TunnelRecord.Entry real = entryFor(orphan);
        record.write(new TunnelRecord.Entry(
                real.pid(),
                new ProcessStart(real.start().started(), "00000000-0000-0000-0000-000000000000"),
                real.binary()));

        startAHelper();

        assertLeftAlone();
        assertFalse(record.exists());
    }

    @Test
    void aRecordThatIsASymbolicLinkIsRefusedAndNothingIsTerminated() throws Exception {
        // The link points at a record that names the live process: following it would end it.
        TunnelRecord elsewhere = new TunnelRecord(Files.createDirectory(dir.resolve("elsewhere")));
        elsewhere.write(entryFor(orphan));
        Files.createSymbolicLink(record.file(), elsewhere.file());

        startAHelper();

        assertLeftAlone();
        assertTrue(Files.isSymbolicLink(record.file()), "a refused record is left for the operator");
        assertRefused("it is a symbolic link");
    }

    @Test
    void aMalformedRecordIsRefusedAndNothingIsTerminated() throws Exception {
        record.write(entryFor(orphan));
        Files.writeString(record.file(), Files.readString(record.file()) + "kill everything\n");

        startAHelper();

        assertLeftAlone();
        assertTrue(record.exists());
        assertRefused("expected 4 lines (pid, started, boot, binary), found 5");
    }

    @Test
    @RequiresRootAndTun
    void aRecordSomeoneElseOwnsIsRefusedAndNothingIsTerminated() throws Exception {
        record.write(entryFor(orphan));
        UserPrincipal nobody =
                record.file().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(record.file(), nobody);

        startAHelper();

        assertLeftAlone();
        assertTrue(Files.exists(record.file(), LinkOption.NOFOLLOW_LINKS));
        assertRefused("owned by uid");
    }

    private void assertRefused(String reason) {
        List<String> lines = logged();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(
                lines.get(0).startsWith("WARN tunnel record refused; no process is terminated record=" + record.file()),
                lines.get(0));
        assertTrue(lines.get(0).contains(reason), lines.get(0));
    }
}

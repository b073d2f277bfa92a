package dev.tunnelhelper.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** The production logging configuration ({@link HelperLogging}): its file appender and its size budget. */
class LogFileTest {
    @TempDir
    Path dir;

    /** A fresh logging context with the production configuration, writing to {@code file}. */
    private static LoggerContext production(Path file, String maxFileSize) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.putProperty("tunnelhelper.logFile", file.toString());
        context.putProperty("tunnelhelper.logMaxFileSize", maxFileSize);
        HelperLogging.install(context);
        return context;
    }

    private static Appender<?> fileAppender(LoggerContext context) {
        return context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("FILE");
    }

    @Test
    void aContextAlreadyWritingToTheLogFileIsNotConfiguredAgain() {
        Path log = dir.resolve("helper.log");
        LoggerContext context = production(log, "10MB");
        Appender<?> before = fileAppender(context);
        LogFile.configureFor(context, log);
        assertSame(before, fileAppender(context), "the same appender, not a second configuration");
        assertTrue(before.isStarted());
        context.stop();
    }

    @Test
    void theLogIsCreatedReadableOnlyByRootAndItsGroup() throws Exception {
        Path log = dir.resolve("helper.log");
        LoggerContext context = production(log, "10MB");
        context.getLogger("test").info("hello");
        context.stop();
        assertTrue(Files.readString(log).contains("hello"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    }

    @Test
    void aSymbolicLinkAtTheLogFileIsNeverWrittenThrough() throws Exception {
        Path target = Files.writeString(dir.resolve("ld.so.preload"), "original\n");
        Path log = Files.createSymbolicLink(dir.resolve("helper.log"), target);
        LoggerContext context = production(log, "10MB");
        Appender<?> appender = fileAppender(context);
        context.getLogger("test").info("/tmp/evil.so");
        assertFalse(appender.isStarted(), "the appender refused to open the link");
        context.stop();
        assertEquals("original\n", Files.readString(target));
    }

    @Test
    void theLogRollsAtItsSizeAndKeepsFiveOldFilesSoItsDiskUseIsBounded() throws Exception {
        Path log = dir.resolve("helper.log");
        LoggerContext context = production(log, "4KB");
        org.slf4j.Logger logger = context.getLogger("flood");
        String line = "refused peer uid=65534 " + "x".repeat(100);
        for (int i = 0; i < 2_000; i++) {
            logger.warn("{} {}", line, i);
        }
        context.stop();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertEquals(
                List.of(
                        log,
                        dir.resolve("helper.log.1"),
                        dir.resolve("helper.log.2"),
                        dir.resolve("helper.log.3"),
                        dir.resolve("helper.log.4"),
                        dir.resolve("helper.log.5")),
                files);
        long lineBytes = Files.readAllLines(log).get(0).length() + 1L;
        for (Path f : files) {
            assertTrue(
                    Files.size(f) <= 4096 + lineBytes,
                    f + " is " + Files.size(f) + " bytes: the size is checked on every line");
        }
        assertTrue(Files.readString(log).contains(line + " 1999"), "the newest lines are in helper.log");
    }
}

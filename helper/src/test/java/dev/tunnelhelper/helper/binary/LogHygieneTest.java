package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tunnelhelper.testbed.deployment.RequiredHeader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Operator header values are often credentials: they never reach the log, even at DEBUG. */
class LogHygieneTest {

    private static final String SECRET = "Bearer s3cr3t-t0ken";

    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.tunnelhelper.helper.binary");
    private Level previous;

    @BeforeEach
    void start() throws Exception {
        fixture = AcquisitionFixture.start(tmp);
        previous = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        captured.start();
        logger.addAppender(captured);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(captured);
        logger.setLevel(previous);
        fixture.close();
    }

    @Test
    void headerNamesAreLoggedButNeverTheirValues() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withRequiredHeader(new RequiredHeader("Authorization", SECRET)));
        List<OperatorHeader> headers = List.of(new OperatorHeader("Authorization", SECRET));
        BinaryAcquirer acquirer = fixture.acquirer();

        acquirer.acquire(AcquisitionRequest.of(fixture.deployment.url(), headers));
        fixture.deployment.updateBehaviour(b -> b.withTamperedBody(true));
        java.nio.file.Files.delete(fixture.installedPath());
        assertThrows(
                AcquisitionException.class,
                () -> acquirer.acquire(AcquisitionRequest.of(fixture.deployment.url(), headers)));

        String everything = String.join(
                "\n",
                captured.list.stream()
                        .map(e -> e.getFormattedMessage() + " " + e.getKeyValuePairs())
                        .toList());
        assertTrue(everything.contains("Authorization"), "header names are useful in logs: " + everything);
        assertFalse(everything.contains("s3cr3t"), everything);
        assertFalse(new OperatorHeader("Authorization", SECRET).toString().contains("s3cr3t"));
    }
}

package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCredentialsTest {

    @Test
    void theEffectiveUidOwnsWhatThisProcessCreates(@TempDir Path dir) throws Exception {
        Path created = Files.createFile(dir.resolve("mine"));
        assertEquals(((Integer) Files.getAttribute(created, "unix:uid")).intValue(), ProcessCredentials.effectiveUid());
    }
}

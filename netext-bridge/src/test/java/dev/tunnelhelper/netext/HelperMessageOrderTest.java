package dev.tunnelhelper.netext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.helper.CancelProvider;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.testing.ScriptedHelper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension's client against a helper that closes right after its last message: what the
 * helper said last must reach the client before the close does, every time.
 */
@Timeout(60)
class HelperMessageOrderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    private Path roundDir(int round) throws IOException {
        return Files.createDirectories(dir.resolve("round" + round));
    }

    @Test
    void aCallCutOffByTheHelperThrowsTheErrorTheHelperSentBeforeClosing() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            try (var helper = ScriptedHelper.extension(roundDir(round))) {
                CompletableFuture<Void> script =
                        helper.closeAfterNextMessage(List.of(HelperExtensionMessage.newBuilder()
                                .setError(ErrorCode.SHUTTING_DOWN.error("the helper is stopping"))
                                .build()));
                try (ExtensionClient client =
                        ExtensionClient.connect(helper.socket(), TIMEOUT, NetworkSettingsApplier.REFUSE, e -> {})) {
                    HelperErrorException e =
                            assertThrows(HelperErrorException.class, () -> client.stop(TIMEOUT), "round " + round);
                    assertEquals(Optional.of(ErrorCode.SHUTTING_DOWN), e.errorCode(), "round " + round);
                    assertEquals("the helper is stopping", e.helperMessage());
                }
                script.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aCancelProviderSentJustBeforeTheCloseIsHandledBeforeTheConnectionCountsAsLost() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            var events = new LinkedBlockingQueue<String>();
            try (var helper = ScriptedHelper.extension(roundDir(round))) {
                helper.play(h -> h.sendAndClose(List.of(HelperExtensionMessage.newBuilder()
                        .setCancelProvider(CancelProvider.newBuilder().setError("tunnel exited: exit code 3"))
                        .build())));
                try (ExtensionClient client = ExtensionClient.connect(
                        helper.socket(),
                        TIMEOUT,
                        NetworkSettingsApplier.REFUSE,
                        error -> events.add("cancel: " + error))) {
                    client.closeFuture().thenRun(() -> events.add("connection closed"));
                    assertEquals(
                            "cancel: tunnel exited: exit code 3", events.poll(10, TimeUnit.SECONDS), "round " + round);
                    assertEquals("connection closed", events.poll(10, TimeUnit.SECONDS), "round " + round);
                }
            }
        }
    }
}

package dev.tunnelhelper.netext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.helper.ApplyNetworkSettings;
import dev.tunnelhelper.protocol.helper.CancelProvider;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.testing.ScriptedHelper;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.RPC;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension's side of the protocol, against a scripted helper on a real socket: what a start
 * sends, how each kind of answer becomes an outcome, and how the helper's requests (network
 * settings, CancelProvider) are answered with what really happened.
 */
@Timeout(60)
class ExtensionClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final NetworkSettingsRequest MTU_1280 =
            NetworkSettingsRequest.newBuilder().setMtu(1280).build();
    private static final NetworkSettingsRequest REMOTE = NetworkSettingsRequest.newBuilder()
            .setTunnelRemoteAddress("203.0.113.9")
            .build();

    @TempDir
    Path dir;

    /** Records every merged state it is handed; refuses the ones the test says. */
    private static final class RecordingApplier implements NetworkSettingsApplier {
        final BlockingQueue<NetworkSettingsRequest> applied = new LinkedBlockingQueue<>();
        volatile String refusal;
        volatile RuntimeException bug;

        @Override
        public void apply(NetworkSettingsRequest merged) throws SettingsApplyException {
            applied.add(merged);
            if (bug != null) {
                throw bug;
            }
            if (refusal != null) {
                throw new SettingsApplyException(refusal);
            }
        }

        @Override
        public List<String> remove() {
            return List.of();
        }
    }

    private static HelperExtensionMessage result(boolean success, String error) {
        return HelperExtensionMessage.newBuilder()
                .setStartDaemonResult(Result.newBuilder().setSuccess(success).setErrorMessage(error))
                .build();
    }

    private static HelperExtensionMessage settingsRequest(long id, NetworkSettingsRequest diff) {
        return HelperExtensionMessage.newBuilder()
                .setRpc(RPC.newBuilder().setMsgId(id))
                .setApplyNetworkSettings(ApplyNetworkSettings.newBuilder().setSettings(diff))
                .build();
    }

    private static void start(ExtensionClient client, StartFlags flags) throws IOException {
        try (Pipe tun = Fds.pipe()) {
            client.start(
                    "https://coder.example.com",
                    "token-1",
                    List.of(StartRequest.Header.newBuilder()
                            .setName("X-Test")
                            .setValue("1")
                            .build()),
                    tun.readEnd().get(),
                    flags,
                    TIMEOUT);
        }
    }

    @Test
    void aStartSendsEverythingTheHelperNeedsAndReturnsWhenTheHelperSaysItRuns() throws Exception {
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, new RecordingApplier(), e -> {})) {
            CompletableFuture<ExtensionMessage> received = helper.answerNext(result(true, ""));
            start(client, new StartFlags(true, "device-7", "linux"));

            StartDaemon sent = received.get(10, TimeUnit.SECONDS).getStartDaemon();
            assertEquals("https://coder.example.com", sent.getAccessUrl());
            assertEquals("token-1", sent.getToken());
            assertEquals("X-Test", sent.getHeaders(0).getName());
            assertEquals("1", sent.getHeaders(0).getValue());
            assertTrue(sent.getDangerousDisableSignatureValidation());
            assertEquals("device-7", sent.getDeviceId());
            assertEquals("linux", sent.getDeviceOs());
        }
    }

    @Test
    void aStartTheHelperTriedAndFailedThrowsItsReason() throws Exception {
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, new RecordingApplier(), e -> {})) {
            helper.answerNext(result(false, "downloading the tunnel binary: HTTP 404"));
            StartFailedException e = assertThrows(StartFailedException.class, () -> start(client, StartFlags.DEFAULT));
            assertEquals("downloading the tunnel binary: HTTP 404", e.getMessage());
        }
    }

    @Test
    void aStartTheHelperRefusedThrowsTheRefusalWithItsCode() throws Exception {
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, new RecordingApplier(), e -> {})) {
            helper.answerNext(HelperExtensionMessage.newBuilder()
                    .setError(ErrorCode.ALREADY_RUNNING.error("a session is RUNNING; stop it first"))
                    .build());
            HelperErrorException e = assertThrows(HelperErrorException.class, () -> start(client, StartFlags.DEFAULT));
            assertEquals(java.util.Optional.of(ErrorCode.ALREADY_RUNNING), e.errorCode());
        }
    }

    @Test
    void anAnswerOfTheWrongKindIsAnErrorNamingBothKinds() throws Exception {
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, new RecordingApplier(), e -> {})) {
            helper.answerNext(HelperExtensionMessage.newBuilder()
                    .setStopDaemonResult(Result.newBuilder().setSuccess(true))
                    .build());
            IOException e = assertThrows(IOException.class, () -> start(client, StartFlags.DEFAULT));
            assertFalse(e instanceof StartFailedException || e instanceof HelperErrorException, e.toString());
            assertEquals("helper answered STOP_DAEMON_RESULT where START_DAEMON_RESULT was expected", e.getMessage());
        }
    }

    @Test
    void aStopReturnsTheHelpersResult() throws Exception {
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, new RecordingApplier(), e -> {})) {
            CompletableFuture<ExtensionMessage> received = helper.answerNext(HelperExtensionMessage.newBuilder()
                    .setStopDaemonResult(Result.newBuilder().setSuccess(false).setErrorMessage("busy"))
                    .build());
            Result stopped = client.stop(TIMEOUT);
            assertTrue(received.get(10, TimeUnit.SECONDS).hasStopDaemon());
            assertFalse(stopped.getSuccess());
            assertEquals("busy", stopped.getErrorMessage());
        }
    }

    @Test
    void aCallCutOffByAPlainCloseSaysTheHelperClosedTheConnection() throws Exception {
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, new RecordingApplier(), e -> {})) {
            helper.closeAfterNextMessage(List.of());
            IOException e = assertThrows(IOException.class, () -> client.stop(TIMEOUT));
            assertFalse(e instanceof HelperErrorException, e.toString());
            assertEquals("the helper closed the connection (" + helper.socket() + ")", e.getMessage());
        }
    }

    @Test
    void settingsAreMergedAppliedAndAnsweredSuccessfullyAndEachDiffBuildsOnTheLast() throws Exception {
        RecordingApplier applier = new RecordingApplier();
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, applier, e -> {})) {
            CompletableFuture<List<ExtensionMessage>> answers = new CompletableFuture<>();
            helper.play(h -> {
                h.sendTogether(List.of(settingsRequest(1, MTU_1280), settingsRequest(2, REMOTE)));
                answers.complete(List.of(h.receive(), h.receive()));
            });
            List<ExtensionMessage> replies = answers.get(10, TimeUnit.SECONDS);

            assertEquals(MTU_1280, applier.applied.take(), "the first diff on nothing");
            assertEquals(
                    MTU_1280.toBuilder().setTunnelRemoteAddress("203.0.113.9").build(), applier.applied.take());
            for (int i = 0; i < 2; i++) {
                assertEquals(i + 1, replies.get(i).getRpc().getResponseTo());
                assertTrue(replies.get(i).getApplyNetworkSettingsResult().getSuccess());
            }
        }
    }

    @Test
    void settingsTheApplierRefusesAreAnsweredWithItsReasonAndAreNotTheBaseOfTheNextDiff() throws Exception {
        RecordingApplier applier = new RecordingApplier();
        applier.refusal = "no such device";
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, applier, e -> {})) {
            CompletableFuture<ExtensionMessage> refused = new CompletableFuture<>();
            CompletableFuture<ExtensionMessage> accepted = new CompletableFuture<>();
            helper.play(h -> {
                h.sendTogether(List.of(settingsRequest(1, MTU_1280)));
                refused.complete(h.receive());
                applier.refusal = null;
                h.sendTogether(List.of(settingsRequest(2, REMOTE)));
                accepted.complete(h.receive());
            });
            Result no = refused.get(10, TimeUnit.SECONDS).getApplyNetworkSettingsResult();
            assertFalse(no.getSuccess());
            assertEquals("no such device", no.getErrorMessage());
            assertTrue(accepted.get(10, TimeUnit.SECONDS)
                    .getApplyNetworkSettingsResult()
                    .getSuccess());
            applier.applied.take();
            assertEquals(REMOTE, applier.applied.take(), "the refused MTU is not part of what is in effect");
        }
    }

    @Test
    void anApplierThatBreaksIsAnsweredAsAFailureNamingWhatBroke() throws Exception {
        RecordingApplier applier = new RecordingApplier();
        applier.bug = new IllegalStateException();
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, applier, e -> {})) {
            CompletableFuture<ExtensionMessage> answer = new CompletableFuture<>();
            helper.play(h -> {
                h.sendTogether(List.of(settingsRequest(1, MTU_1280)));
                answer.complete(h.receive());
            });
            Result failed = answer.get(10, TimeUnit.SECONDS).getApplyNetworkSettingsResult();
            assertFalse(failed.getSuccess());
            assertEquals("java.lang.IllegalStateException", failed.getErrorMessage());
        }
    }

    @Test
    void aCancelProviderIsAcknowledgedAndHandedOnWithItsReason() throws Exception {
        BlockingQueue<String> cancels = new LinkedBlockingQueue<>();
        try (var helper = ScriptedHelper.extension(dir);
                var client = ExtensionClient.connect(helper.socket(), TIMEOUT, new RecordingApplier(), cancels::add)) {
            CompletableFuture<ExtensionMessage> ack = new CompletableFuture<>();
            helper.play(h -> {
                h.sendTogether(List.of(HelperExtensionMessage.newBuilder()
                        .setRpc(RPC.newBuilder().setMsgId(5))
                        .setCancelProvider(CancelProvider.newBuilder().setError("tunnel exited: exit code 3"))
                        .build()));
                ack.complete(h.receive());
            });
            ExtensionMessage acknowledged = ack.get(10, TimeUnit.SECONDS);
            assertEquals(5, acknowledged.getRpc().getResponseTo());
            assertTrue(acknowledged.getCancelProviderResult().getSuccess());
            assertEquals("tunnel exited: exit code 3", cancels.take());
        }
    }

    @Test
    void closingTheClientEndsTheConnectionSoTheHelperSeesItGone() throws Exception {
        try (var helper = ScriptedHelper.extension(dir)) {
            CompletableFuture<ExtensionMessage> next = new CompletableFuture<>();
            helper.play(h -> next.complete(h.receive()));
            ExtensionClient.connect(helper.socket(), TIMEOUT, new RecordingApplier(), e -> {})
                    .close();
            assertNull(next.get(10, TimeUnit.SECONDS), "the helper reads the end of the stream, no message");
        }
    }
}

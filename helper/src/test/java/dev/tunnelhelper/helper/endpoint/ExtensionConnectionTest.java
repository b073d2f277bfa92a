package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.binary.AcquisitionRequest;
import dev.tunnelhelper.helper.binary.OperatorHeader;
import dev.tunnelhelper.helper.session.FakeAcquirer;
import dev.tunnelhelper.helper.session.RecordingListener;
import dev.tunnelhelper.helper.session.ScriptedLauncher;
import dev.tunnelhelper.helper.session.ScriptedTunnel;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.helper.session.SessionSettings;
import dev.tunnelhelper.helper.session.TunnelSession;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.ApplyNetworkSettings;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.helper.StopDaemon;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network extension's requests as the helper answers them (docs/protocol.md, the extension
 * endpoint): a real endpoint on a Unix socket, a real session behind it (its acquirer and tunnel
 * scripted, as in the session's own tests) and a real client. What each request does to the
 * session, which reply it gets, that every descriptor sent with it ends up closed by the helper,
 * and the helper's own requests to the extension (network settings, CancelProvider).
 */
class ExtensionConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String URL = "https://coder.example.com";

    @TempDir
    Path dir;

    private final FakeAcquirer acquirer = new FakeAcquirer();
    private final ScriptedLauncher launcher = new ScriptedLauncher();
    private final RecordingListener events = new RecordingListener();
    private final OpenedConnections<HelperExtensionMessage, ExtensionMessage, ExtensionConnection> opened =
            new OpenedConnections<>(WAIT);
    private final BlockingQueue<Incoming<ExtensionMessage, HelperExtensionMessage>> cancels =
            new LinkedBlockingQueue<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    /** The ApplyNetworkSettings requests the extension received. */
    private final List<ApplyNetworkSettings> settingsAsked = new CopyOnWriteArrayList<>();
    /** How the extension answers an ApplyNetworkSettings request: applied, unless a test says otherwise. */
    private volatile UnaryOperator<ExtensionMessage.Builder> settingsAnswer =
            b -> b.setApplyNetworkSettingsResult(Result.newBuilder().setSuccess(true));

    private TunnelSession session;
    private UnixEndpointServer<HelperExtensionMessage, ExtensionMessage> server;

    @BeforeEach
    void listen() throws IOException {
        session = new TunnelSession(
                SessionSettings.builder()
                        .killGrace(Duration.ofMillis(300))
                        .helperVersion("9.9.9-test")
                        .deviceId("configured-device")
                        .deviceOs("testos")
                        .build(),
                acquirer,
                launcher);
        session.addListener(events);
        events.awaitPhase(SessionPhase.IDLE);
        PeerConnectionFactory<HelperExtensionMessage, ExtensionMessage> real =
                EndpointConnections.extensionConnections(session, WAIT);
        server = new UnixEndpointServer<>(
                new EndpointSpec<>(
                        "network-extension",
                        Endpoints.Kind.EXTENSION,
                        ExtensionMessage.parser(),
                        Endpoints.HELPER_EXTENSION,
                        e -> HelperExtensionMessage.newBuilder().setError(e).build(),
                        peer -> Optional.empty(),
                        opened.wrapping(who -> (ExtensionConnection) real.open(who)),
                        ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, 0)),
                dir.resolve("ne.sock"));
        server.start("rw-------", null);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        session.shutdown().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        server.close();
        server.drained().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A network extension: applies settings as {@link #settingsAnswer} says, acknowledges a CancelProvider. */
    private Speaker<ExtensionMessage, HelperExtensionMessage> extension() throws IOException {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne =
                EndpointClient.connectExtension(server.path(), WAIT, in -> {
                    if (in.message().hasApplyNetworkSettings()) {
                        settingsAsked.add(in.message().getApplyNetworkSettings());
                        in.reply(settingsAnswer
                                .apply(ExtensionMessage.newBuilder())
                                .build());
                    } else if (in.message().hasCancelProvider()) {
                        cancels.add(in);
                        in.reply(ExtensionMessage.newBuilder()
                                .setCancelProviderResult(Result.newBuilder().setSuccess(true))
                                .build());
                    }
                });
        cleanup.add(ne);
        return ne;
    }

    /** Pipes whose read ends stand in for descriptors an extension sends (a TUN device, or anything). */
    private List<Pipe> pipes(int n) {
        List<Pipe> pipes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Pipe p = Fds.pipe();
            cleanup.add(p);
            pipes.add(p);
        }
        return pipes;
    }

    private static List<FileDescriptor> readEnds(List<Pipe> pipes) throws IOException {
        List<FileDescriptor> fds = new ArrayList<>();
        for (Pipe p : pipes) {
            fds.add(FileDescriptors.of(p.readEnd().get()));
        }
        return fds;
    }

    /** With our own read end closed, a write finds no reader: the helper kept no copy. */
    private static void assertClosedByTheHelper(Pipe pipe) throws IOException {
        pipe.readEnd().close();
        try (OutputStream toNobody = Fds.outputStream(pipe.writeEnd())) {
            assertThrows(IOException.class, () -> toNobody.write(1), "the helper still holds a descriptor we sent");
        }
    }

    private static StartRequest.Header header(String name, String value) {
        return StartRequest.Header.newBuilder().setName(name).setValue(value).build();
    }

    private static StartDaemon.Builder startDaemon() {
        return StartDaemon.newBuilder().setAccessUrl(URL).setToken("token-0f8c1d");
    }

    private static HelperExtensionMessage call(
            Speaker<ExtensionMessage, HelperExtensionMessage> ne, ExtensionMessage message, List<Pipe> fds)
            throws IOException {
        return ne.call(message, readEnds(fds), WAIT);
    }

    private static HelperExtensionMessage start(
            Speaker<ExtensionMessage, HelperExtensionMessage> ne, StartDaemon.Builder start, List<Pipe> fds)
            throws IOException {
        return call(ne, ExtensionMessage.newBuilder().setStartDaemon(start).build(), fds);
    }

    private static HelperExtensionMessage stop(Speaker<ExtensionMessage, HelperExtensionMessage> ne, List<Pipe> fds)
            throws IOException {
        return call(
                ne,
                ExtensionMessage.newBuilder()
                        .setStopDaemon(StopDaemon.getDefaultInstance())
                        .build(),
                fds);
    }

    private static void assertError(ErrorCode code, String message, HelperExtensionMessage reply) {
        assertTrue(reply.hasError(), reply.toString());
        assertEquals(code.name(), reply.getError().getCode(), reply.toString());
        assertEquals(message, reply.getError().getMessage());
    }

    private ScriptedTunnel spawned() throws InterruptedException {
        ScriptedTunnel t = launcher.spawned.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(t, "a tunnel was spawned; history: " + events.history());
        return t;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private SessionPhase phase() throws Exception {
        return await(session.status()).phase();
    }

    @Test
    void anExtensionConnectingHasTheAcquisitionsToolsBuiltAheadBeforeAnyStart() throws Exception {
        assertFalse(acquirer.prepared.isDone(), "nothing is built ahead while no extension is connected");
        extension();

        acquirer.prepared.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(acquirer.requests.isEmpty(), "preparing starts no acquisition");
        assertEquals(SessionPhase.IDLE, phase());
    }

    @Test
    void aStartWithItsTunDescriptorStartsTheSessionWithTheExtensionsParameters() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        var o = opened.next();
        assertFalse(o.connection().keepsOpen(), "a connection that asked for nothing may be closed when idle");
        List<Pipe> tun = pipes(1);

        HelperExtensionMessage reply = start(
                ne,
                startDaemon()
                        .addHeaders(header("X-Team", "blue"))
                        .setDangerousDisableSignatureValidation(true)
                        .setDeviceId("device-7")
                        .setDeviceOs("macOS 15"),
                tun);

        assertTrue(reply.getStartDaemonResult().getSuccess(), reply.toString());
        assertEquals(SessionPhase.RUNNING, phase());
        AcquisitionRequest acquired = acquirer.requests.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(acquired);
        assertEquals(URL, acquired.accessUrl());
        assertEquals(List.of(new OperatorHeader("X-Team", "blue")), acquired.headers());
        assertTrue(acquired.disableSignatureValidation());
        StartRequest sent = await(spawned().startReceived);
        assertEquals("token-0f8c1d", sent.getApiToken());
        assertEquals("device-7", sent.getDeviceId());
        assertEquals("macOS 15", sent.getDeviceOs());
        assertEquals(List.of(header("X-Team", "blue")), sent.getHeadersList());
        assertTrue(o.connection().keepsOpen(), "the connection owns the session now: it may stay silent");
        assertEquals("network extension " + o.who(), o.connection().describe());

        assertTrue(stop(ne, List.of()).getStopDaemonResult().getSuccess());
        assertClosedByTheHelper(tun.get(0));
    }

    @Test
    void theNetworkSettingsTheTunnelAsksForAreAppliedByTheExtension() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();

        assertTrue(start(ne, startDaemon(), pipes(1)).getStartDaemonResult().getSuccess());

        ScriptedTunnel tunnel = spawned();
        assertEquals(
                List.of(ScriptedTunnel.SETTINGS),
                settingsAsked.stream().map(ApplyNetworkSettings::getSettings).toList());
        assertTrue(await(tunnel.settingsAnswered).getSuccess(), "the tunnel hears they were applied");
    }

    @Test
    void settingsTheExtensionRefusesReachTheTunnelWithTheExtensionsReason() throws Exception {
        settingsAnswer = b -> b.setApplyNetworkSettingsResult(
                Result.newBuilder().setSuccess(false).setErrorMessage("route 100.64.0.0/10 exists"));
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();

        start(ne, startDaemon(), pipes(1));

        NetworkSettingsResponse answer = await(spawned().settingsAnswered);
        assertFalse(answer.getSuccess());
        assertEquals("route 100.64.0.0/10 exists", answer.getErrorMessage());
    }

    @Test
    void anAnswerToTheSettingsThatIsNotTheirResultIsNoAnswer() throws Exception {
        settingsAnswer = b -> b.setCancelProviderResult(Result.newBuilder().setSuccess(true));
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();

        start(ne, startDaemon(), pipes(1));

        NetworkSettingsResponse answer = await(spawned().settingsAnswered);
        assertFalse(answer.getSuccess());
        assertEquals(
                "the network extension did not answer: the network extension answered with CANCEL_PROVIDER_RESULT"
                        + " instead of a result",
                answer.getErrorMessage());
    }

    @Test
    void aStopIsAnsweredOnceTheHelperIsIdleAndItsDescriptorsAreClosed() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        start(ne, startDaemon(), pipes(1));
        ScriptedTunnel tunnel = spawned();
        List<Pipe> stray = pipes(2);

        HelperExtensionMessage reply = stop(ne, stray);

        assertTrue(reply.getStopDaemonResult().getSuccess(), reply.toString());
        assertEquals(SessionPhase.IDLE, phase(), "answered once IDLE");
        assertTrue(tunnel.stopReceived.isDone(), "the tunnel was asked to stop");
        for (Pipe p : stray) {
            assertClosedByTheHelper(p);
        }
    }

    @Test
    void aStopWhileIdleIsAnsweredAtOnce() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        assertTrue(stop(ne, List.of()).getStopDaemonResult().getSuccess());
        assertTrue(launcher.spawned.isEmpty());
    }

    @Test
    void aConnectionWaitingForTheAnswerToItsStopIsBusyNotIdle() throws Exception {
        launcher.script(ScriptedTunnel.Script.normal().onStop(ScriptedTunnel.OnStop.HOLD));
        Speaker<ExtensionMessage, HelperExtensionMessage> owner = extension();
        opened.next();
        start(owner, startDaemon(), pipes(1));
        ScriptedTunnel tunnel = spawned();
        Speaker<ExtensionMessage, HelperExtensionMessage> other = extension();
        ExtensionConnection asking = opened.next().connection();

        CompletableFuture<HelperExtensionMessage> stopped = other.request(
                ExtensionMessage.newBuilder()
                        .setStopDaemon(StopDaemon.getDefaultInstance())
                        .build(),
                WAIT);
        await(tunnel.stopReceived);
        // Handled in order: once a later request is answered, the stop has been taken and waits.
        call(other, ExtensionMessage.getDefaultInstance(), List.of());
        assertFalse(stopped.isDone(), "the tunnel has not stopped yet");
        assertTrue(asking.keepsOpen(), "waiting for its stop's answer");

        tunnel.exitWith(0);

        // Not asserted: keepsOpen false again after the answer. The count drops only after the reply
        // is written, so the client can read the answer first; no event marks the moment after it.
        assertTrue(await(stopped).getStopDaemonResult().getSuccess());
    }

    @Test
    void aStartWithoutItsTunDescriptorOrWithMoreIsRefusedAndAllAreClosed() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        ExtensionConnection connection = opened.next().connection();

        assertError(
                ErrorCode.BAD_REQUEST,
                "StartDaemon needs exactly one file descriptor attached (the TUN device), got 0",
                start(ne, startDaemon(), List.of()));
        List<Pipe> two = pipes(2);
        assertError(
                ErrorCode.BAD_REQUEST,
                "StartDaemon needs exactly one file descriptor attached (the TUN device), got 2",
                start(ne, startDaemon(), two));

        for (Pipe p : two) {
            assertClosedByTheHelper(p);
        }
        assertEquals(SessionPhase.IDLE, phase());
        assertTrue(acquirer.requests.isEmpty(), "no session was started");
        assertFalse(connection.keepsOpen(), "a refused start owns nothing");
    }

    @Test
    void aHeaderThatCouldInjectIsRefusedBeforeAnySessionAndItsValueIsNeverQuoted() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        List<Pipe> tun = pipes(1);

        HelperExtensionMessage reply = start(
                ne,
                startDaemon()
                        .addHeaders(header("X-Fine", "ok"))
                        .addHeaders(header("X-Secret", "s3cr3t\r\nX-Injected: 1")),
                tun);

        assertError(ErrorCode.BAD_REQUEST, "header 'X-Secret' has a control character in its value", reply);
        assertClosedByTheHelper(tun.get(0));
        assertError(
                ErrorCode.BAD_REQUEST,
                "invalid header name: 'Bad Name'",
                start(ne, startDaemon().addHeaders(header("Bad Name", "v")), pipes(1)));
        assertEquals(SessionPhase.IDLE, phase());
        assertTrue(acquirer.requests.isEmpty(), "no session was started");
    }

    @Test
    void aStartWhileASessionRunsIsRefusedWithTheSessionsCode() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> owner = extension();
        start(owner, startDaemon(), pipes(1));
        spawned();
        Speaker<ExtensionMessage, HelperExtensionMessage> other = extension();
        List<Pipe> tun = pipes(1);

        HelperExtensionMessage reply = start(other, startDaemon(), tun);

        assertTrue(reply.hasError(), reply.toString());
        assertEquals(ErrorCode.ALREADY_RUNNING.name(), reply.getError().getCode());
        assertClosedByTheHelper(tun.get(0));
        assertEquals(SessionPhase.RUNNING, phase(), "the running session is untouched");
    }

    @Test
    void aStartThatFailsIsAResultCarryingTheFailure() throws Exception {
        acquirer.failIn(AcquisitionPhase.DOWNLOADING, AcquisitionException.Step.DOWNLOAD, "the deployment hung up");
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        List<Pipe> tun = pipes(1);

        HelperExtensionMessage reply = start(ne, startDaemon(), tun);

        assertTrue(reply.hasStartDaemonResult(), reply.toString());
        assertFalse(reply.getStartDaemonResult().getSuccess());
        String failure = await(session.status()).errorMessage();
        assertTrue(failure.contains("the deployment hung up"), failure);
        assertEquals(failure, reply.getStartDaemonResult().getErrorMessage());
        assertClosedByTheHelper(tun.get(0));
    }

    @Test
    void aStartThatFailsOnABugOfTheHelpersIsAnsweredInternal() throws Exception {
        acquirer.breakIn(AcquisitionPhase.FETCHING_INFO);
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();

        HelperExtensionMessage reply = start(ne, startDaemon(), pipes(1));

        assertTrue(reply.hasError(), reply.toString());
        assertEquals(ErrorCode.INTERNAL.name(), reply.getError().getCode());
        assertEquals(
                "the helper failed to handle request " + reply.getRpc().getResponseTo() + "; its log says why",
                reply.getError().getMessage());
        assertEquals(SessionPhase.IDLE, phase());
    }

    @Test
    void whenTheTunnelDiesTheExtensionIsToldToCancelTheProviderWithWhy() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        start(ne, startDaemon(), pipes(1));

        spawned().exitWith(ScriptedTunnel.CRASH);

        Incoming<ExtensionMessage, HelperExtensionMessage> cancel = cancels.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(cancel, "CancelProvider; history: " + events.history());
        assertTrue(cancel.isRequest(), "a request the extension acknowledges");
        String why = await(session.status()).errorMessage();
        assertFalse(why.isEmpty());
        assertEquals(why, cancel.message().getCancelProvider().getError());
    }

    @Test
    void aCancelForAConnectionWithoutASpeakerOrWhoseSpeakerClosedIsDropped() throws Exception {
        ExtensionConnection unattached = new ExtensionConnection(session, WAIT, "uid=0 gid=0 pid=1");
        unattached.cancelProvider("nobody to tell");

        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        var gone = opened.next();
        ne.close();
        await(gone.closed());
        gone.connection().cancelProvider("nobody to tell any more");
        assertTrue(cancels.isEmpty());
    }

    @Test
    void aRequestTheEndpointDoesNotServeIsABadRequestAndItsDescriptorsAreClosed() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        List<Pipe> stray = pipes(1);

        HelperExtensionMessage reply = call(
                ne,
                ExtensionMessage.newBuilder()
                        .setApplyNetworkSettingsResult(Result.newBuilder().setSuccess(true))
                        .build(),
                stray);

        assertError(
                ErrorCode.BAD_REQUEST,
                "unexpected APPLY_NETWORK_SETTINGS_RESULT request on the network-extension endpoint",
                reply);
        assertClosedByTheHelper(stray.get(0));
        assertError(
                ErrorCode.BAD_REQUEST,
                "unexpected MSG_NOT_SET request on the network-extension endpoint",
                call(ne, ExtensionMessage.getDefaultInstance(), List.of()));
    }

    @Test
    void aOneWayMessageIsIgnoredEvenAStartAndItsDescriptorsAreClosed() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        List<Pipe> tun = pipes(1);

        ne.send(ExtensionMessage.newBuilder().setStartDaemon(startDaemon()).build(), readEnds(tun));
        // Handled in order: once a later request is answered, the one-way message has been.
        call(ne, ExtensionMessage.getDefaultInstance(), List.of());

        assertClosedByTheHelper(tun.get(0));
        assertTrue(acquirer.requests.isEmpty(), "no session was started");
        assertEquals(SessionPhase.IDLE, phase());
    }

    @Test
    void theSessionStopsWhenTheConnectionThatOwnsItCloses() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne = extension();
        start(ne, startDaemon(), pipes(1));
        ScriptedTunnel tunnel = spawned();

        ne.close();

        await(tunnel.stopReceived);
        events.awaitPhase(SessionPhase.IDLE);
    }

    @Test
    void anotherConnectionClosingLeavesTheSessionRunning() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> owner = extension();
        opened.next();
        start(owner, startDaemon(), pipes(1));
        ScriptedTunnel tunnel = spawned();
        Speaker<ExtensionMessage, HelperExtensionMessage> other = extension();
        var bystander = opened.next();

        other.close();
        await(bystander.closed());

        assertEquals(SessionPhase.RUNNING, phase(), "asked after the session heard of the close");
        assertFalse(tunnel.stopReceived.isDone());
    }
}

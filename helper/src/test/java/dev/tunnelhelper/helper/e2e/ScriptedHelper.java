package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.HelperDaemon;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.config.TunnelConfig;
import dev.tunnelhelper.helper.session.FakeAcquirer;
import dev.tunnelhelper.helper.session.RecordingListener;
import dev.tunnelhelper.helper.session.ScriptedLauncher;
import dev.tunnelhelper.helper.session.ScriptedTunnel;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The whole daemon on its real sockets, with the session's outside parts replaced: a
 * {@link FakeAcquirer} and {@link ScriptedTunnel}s. Root-free; clients are real.
 */
final class ScriptedHelper implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    final FakeAcquirer acquirer = new FakeAcquirer();
    final ScriptedLauncher launcher = new ScriptedLauncher();
    final RecordingListener events = new RecordingListener();
    final HelperDaemon helper;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private ScriptedHelper(Path dir, UnaryOperator<HelperConfig.Builder> tweak) throws Exception {
        HelperPaths paths = HelperPaths.underStateDir(dir);
        HelperConfig config = tweak.apply(HelperConfig.defaults()
                        .withDirectories(
                                paths.socketDirectory().toString(),
                                paths.binaryDirectory().toString(),
                                paths.logDirectory().toString())
                        .toBuilder()
                        .tunnel(TunnelConfig.builder()
                                .rpcTimeoutMillis(300)
                                .killGraceMillis(300)
                                .build()))
                .build();
        helper = new HelperDaemon(config, paths, acquirer, launcher);
        helper.addListener(events);
        helper.start();
    }

    static ScriptedHelper start(Path dir) throws Exception {
        return new ScriptedHelper(dir, b -> b);
    }

    static ScriptedHelper start(Path dir, UnaryOperator<HelperConfig.Builder> tweak) throws Exception {
        return new ScriptedHelper(dir, tweak);
    }

    /** A network extension that applies every settings request and acknowledges a CancelProvider. */
    Speaker<ExtensionMessage, HelperExtensionMessage> extension() throws IOException {
        Speaker<ExtensionMessage, HelperExtensionMessage> ne =
                EndpointClient.connectExtension(helper.paths().extensionSocket(), WAIT, in -> {
                    if (in.message().hasApplyNetworkSettings()) {
                        in.reply(ExtensionMessage.newBuilder()
                                .setApplyNetworkSettingsResult(
                                        Result.newBuilder().setSuccess(true))
                                .build());
                    } else if (in.message().hasCancelProvider()) {
                        in.reply(ExtensionMessage.newBuilder()
                                .setCancelProviderResult(Result.newBuilder().setSuccess(true))
                                .build());
                    }
                });
        return keep(ne);
    }

    Speaker<AppMessage, HelperAppMessage> app(Speaker.Handler<AppMessage, HelperAppMessage> onPush) throws IOException {
        return keep(EndpointClient.connectApp(helper.paths().appSocket(), WAIT, onPush));
    }

    /** StartDaemon with {@code fdCount} pipe descriptors attached in place of a TUN device. */
    HelperExtensionMessage startDaemon(Speaker<ExtensionMessage, HelperExtensionMessage> ne, int fdCount)
            throws IOException {
        List<FileDescriptor> fds = new ArrayList<>();
        for (int i = 0; i < fdCount; i++) {
            Pipe p = keep(Fds.pipe());
            fds.add(FileDescriptors.of(p.readEnd().get()));
        }
        StartDaemon start = StartDaemon.newBuilder()
                .setAccessUrl("https://coder.example.com")
                .setToken("t")
                .build();
        return ne.call(ExtensionMessage.newBuilder().setStartDaemon(start).build(), fds, WAIT);
    }

    /** Starts a session owned by {@code owner} and returns its tunnel once RUNNING. */
    ScriptedTunnel running(Speaker<ExtensionMessage, HelperExtensionMessage> owner) throws Exception {
        HelperExtensionMessage started = startDaemon(owner, 1);
        assertTrue(started.getStartDaemonResult().getSuccess(), started.toString());
        return launcher.spawned.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    <T extends AutoCloseable> T keep(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        helper.close();
    }
}

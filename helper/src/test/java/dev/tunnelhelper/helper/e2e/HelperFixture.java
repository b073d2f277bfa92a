package dev.tunnelhelper.helper.e2e;

import dev.tunnelhelper.helper.HelperDaemon;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.config.TunnelConfig;
import dev.tunnelhelper.helper.config.VerificationConfig;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.helper.StopDaemon;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.tunnel.TunnelFault;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;
import dev.tunnelhelper.testbed.tunnel.TunnelSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A whole system in one test: the testbed deployment (serving the reference tunnel, signed),
 * an in-process helper under a temporary state dir, and real clients on its real sockets.
 */
final class HelperFixture implements AutoCloseable {
    static final String TOKEN = "secret-token-4f1c9b";
    static final Duration WAIT = Duration.ofSeconds(60);

    /** The timeouts these tests run with: shorter than the defaults where a failure is waited for. */
    static TunnelConfig.Builder timeouts() {
        return TunnelConfig.builder()
                .startTimeoutMillis(30_000)
                .stopTimeoutMillis(5_000)
                .killGraceMillis(2_000)
                .rpcTimeoutMillis(5_000)
                .networkSettingsTimeoutMillis(10_000);
    }

    final Path stateDir;
    final DeploymentServer deployment;
    final HelperDaemon helper;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private HelperFixture(Path stateDir, DeploymentServer deployment, HelperDaemon helper) {
        this.stateDir = stateDir;
        this.deployment = deployment;
        this.helper = helper;
    }

    static TunnelSettings tunnel(String subnet) {
        return TunnelSettings.defaults().withSubnet(subnet).withScenario(2, 2, Duration.ofMillis(200));
    }

    static HelperFixture start(Path dir, TunnelSettings tunnel) throws Exception {
        return start(
                dir,
                BinarySource.bytes("reference tunnel", TunnelLauncher.script(tunnel)),
                DeploymentOptions.DEFAULT_VERSION,
                c -> c);
    }

    static HelperFixture start(Path dir, TunnelSettings tunnel, java.util.function.UnaryOperator<HelperConfig> tweak)
            throws Exception {
        return start(
                dir,
                BinarySource.bytes("reference tunnel", TunnelLauncher.script(tunnel)),
                DeploymentOptions.DEFAULT_VERSION,
                tweak);
    }

    static HelperFixture start(
            Path dir, BinarySource binary, String version, java.util.function.UnaryOperator<HelperConfig> tweak)
            throws Exception {
        Path deploymentDir = Files.createDirectories(dir.resolve("deployment"));
        DeploymentServer deployment = DeploymentServer.start(DeploymentOptions.builder(deploymentDir, binary)
                .version(version)
                .build());
        Path state = Files.createDirectories(dir.resolve("state"));
        HelperPaths paths = HelperPaths.underStateDir(state);
        HelperConfig config = HelperConfig.defaults()
                .withDirectories(
                        paths.socketDirectory().toString(),
                        paths.binaryDirectory().toString(),
                        paths.logDirectory().toString())
                .toBuilder()
                .verification(VerificationConfig.DEFAULT.withEd25519PublicKeys(
                        List.of(deployment.publicKeyPath().toString())))
                .tunnel(timeouts().build())
                .build();
        config = tweak.apply(config);
        HelperDaemon helper = new HelperDaemon(config, paths);
        try {
            helper.start();
        } catch (Exception e) {
            deployment.close();
            throw e;
        }
        return new HelperFixture(state, deployment, helper);
    }

    /**
     * A network extension: answers settings with {@link Extension#settingsAnswer} (or not at all,
     * see {@link Extension#answersSettings}), records CancelProvider.
     */
    Extension extension() throws IOException {
        Extension ne = new Extension();
        ne.speaker = EndpointClient.connectExtension(helper.paths().extensionSocket(), WAIT, in -> {
            HelperExtensionMessage m = in.message();
            if (m.hasApplyNetworkSettings()) {
                ne.settings.add(m.getApplyNetworkSettings().getSettings());
                if (!ne.answersSettings) {
                    return; // an extension that leaves before it answers
                }
                in.reply(ExtensionMessage.newBuilder()
                        .setApplyNetworkSettingsResult(ne.settingsAnswer)
                        .build());
            } else if (m.hasCancelProvider()) {
                ne.cancels.add(m.getCancelProvider().getError());
                ne.cancelTimes.add(System.nanoTime());
                in.reply(ExtensionMessage.newBuilder()
                        .setCancelProviderResult(Result.newBuilder().setSuccess(true))
                        .build());
            }
        });
        closeables.add(ne.speaker);
        return ne;
    }

    Speaker<AppMessage, HelperAppMessage> app(Speaker.Handler<AppMessage, HelperAppMessage> onPush) throws IOException {
        Speaker<AppMessage, HelperAppMessage> app =
                EndpointClient.connectApp(helper.paths().appSocket(), WAIT, onPush);
        closeables.add(app);
        return app;
    }

    StartDaemon startRequest() {
        return StartDaemon.newBuilder()
                .setAccessUrl(deployment.url())
                .setToken(TOKEN)
                .addHeaders(dev.tunnelhelper.protocol.vpn.StartRequest.Header.newBuilder()
                        .setName("X-Test")
                        .setValue("1"))
                .build();
    }

    final class Extension {
        Speaker<ExtensionMessage, HelperExtensionMessage> speaker;
        volatile Result settingsAnswer = Result.newBuilder().setSuccess(true).build();
        volatile boolean answersSettings = true;
        final BlockingQueue<NetworkSettingsRequest> settings = new LinkedBlockingQueue<>();
        final BlockingQueue<String> cancels = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> cancelTimes = new LinkedBlockingQueue<>();

        /** StartDaemon with {@code fd} attached (a TUN device, or any fd for starts that fail earlier). */
        Result start(int fd) throws IOException {
            return start(startRequest(), fd);
        }

        Result start(StartDaemon request, int fd) throws IOException {
            HelperExtensionMessage reply = speaker.call(
                    ExtensionMessage.newBuilder().setStartDaemon(request).build(),
                    List.of(FileDescriptors.of(fd)),
                    WAIT);
            if (reply.hasError()) {
                return Result.newBuilder()
                        .setSuccess(false)
                        .setErrorMessage(reply.getError().getCode() + ": "
                                + reply.getError().getMessage())
                        .build();
            }
            return reply.getStartDaemonResult();
        }

        Result stop() throws IOException {
            return speaker.call(
                            ExtensionMessage.newBuilder()
                                    .setStopDaemon(StopDaemon.getDefaultInstance())
                                    .build(),
                            WAIT)
                    .getStopDaemonResult();
        }
    }

    TunDevice tun() {
        TunDevice tun = TunDevice.open(null);
        closeables.add(tun);
        return tun;
    }

    static TunnelSettings faulty(TunnelSettings base, String fault) {
        return base.withFault(TunnelFault.parse(fault));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // tearing down
            }
        }
        helper.close();
        deployment.close();
    }
}

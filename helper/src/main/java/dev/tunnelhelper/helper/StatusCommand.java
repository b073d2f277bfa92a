package dev.tunnelhelper.helper;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.endpoint.EndpointSockets;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.GetStatus;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.install.ServiceStatus;
import dev.tunnelhelper.launchd.install.ServiceStatusProbe;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tunnel-helper status}: is the daemon answering, and what is its session doing. */
@Command(name = "status", description = "Show whether the helper is running and its session state.")
final class StatusCommand implements Callable<Integer> {
    static final int EXIT_NOT_RUNNING = 3;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Option(names = "--state-dir", paramLabel = "D", description = "The helper's state dir (sockets in D/run/).")
    Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH", description = "The app endpoint socket (default /run/tunnel-helper/app.sock).")
    Path socket;

    @Option(names = "--label", paramLabel = "LABEL", description = "macOS: the LaunchDaemon label to ask launchd about.")
    String label;

    @Override
    public Integer call() throws Exception {
        Path appSocket = EndpointSockets.appSocket(stateDir, socket);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("socket", appSocket.toString());
        int exit;
        if (!Files.exists(appSocket, LinkOption.NOFOLLOW_LINKS)) {
            out.put("endpoint", "absent");
            exit = EXIT_NOT_RUNNING;
        } else {
            try (Speaker<AppMessage, HelperAppMessage> helper = EndpointClient.connectApp(appSocket, Duration.ofSeconds(3), in -> { })) {
                HelperAppMessage reply = helper.call(AppMessage.newBuilder().setGetStatus(GetStatus.getDefaultInstance()).build(), Duration.ofSeconds(5));
                out.put("endpoint", "connectable");
                if (reply.hasError()) {
                    out.put("error", reply.getError().getCode() + ": " + reply.getError().getMessage());
                    exit = 4;
                } else {
                    HelperStatus s = reply.getStatus();
                    out.put("state", s.getState().name().replace("SESSION_STATE_", ""));
                    out.put("helper_version", s.getHelperVersion());
                    out.put("error_message", s.getErrorMessage());
                    out.put("signature_validation_disabled", s.getSignatureValidationDisabled());
                    out.put("access_url", s.getAccessUrl());
                    out.put("server_version", s.getServerVersion());
                    out.put("tunnel_protocol_version", s.getTunnelProtocolVersion());
                    out.put("helper_threads", s.getHelperThreads());
                    exit = 0;
                }
            } catch (java.io.IOException e) {
                out.put("endpoint", "stale");
                out.put("error", e.getMessage());
                exit = EXIT_NOT_RUNNING;
            }
        }
        try {
            ServiceStatus service = new ServiceStatusProbe(ServiceHost.current()).probe(label == null ? "" : label);
            Map<String, Object> svc = new LinkedHashMap<>();
            svc.put("manager", service.manager());
            svc.put("name", service.service());
            svc.put("manager_available", service.managerAvailable());
            svc.put("loaded", service.loaded());
            svc.put("state", service.state());
            svc.put("detail", service.detail());
            out.put("service", json ? svc : service.toText());
        } catch (CommandException e) {
            out.put("service", "unknown: " + e.getMessage());
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
        } else {
            out.forEach((k, v) -> System.out.println(k + ": " + v));
        }
        return exit;
    }
}

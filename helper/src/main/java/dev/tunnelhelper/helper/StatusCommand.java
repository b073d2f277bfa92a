package dev.tunnelhelper.helper;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.install.ServiceStatus;
import dev.tunnelhelper.launchd.install.ServiceStatusProbe;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.GetStatus;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tunnel-helper status}: is the daemon answering, and what is its session doing. */
@Command(name = "status", description = "Show whether the helper is running and its session state.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    StateDirOption stateDir;

    @Mixin
    SocketOptions socket;

    @Mixin
    JsonOption jsonOption;

    @Option(
            names = "--label",
            paramLabel = "LABEL",
            description = "macOS: the LaunchDaemon label to ask launchd about.")
    String label;

    @Override
    public Integer call() throws Exception {
        Path appSocket = socket.appSocket(stateDir);
        boolean json = jsonOption.json();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("socket", appSocket.toString());
        int exit;
        if (!Files.exists(appSocket, LinkOption.NOFOLLOW_LINKS)) {
            out.put("endpoint", "absent");
            exit = ExitCodes.HELPER_UNAVAILABLE;
        } else {
            try (Speaker<AppMessage, HelperAppMessage> helper =
                    EndpointClient.connectApp(appSocket, socket.timeout(), in -> {})) {
                HelperAppMessage reply = helper.call(
                        AppMessage.newBuilder()
                                .setGetStatus(GetStatus.getDefaultInstance())
                                .build(),
                        socket.timeout());
                out.put("endpoint", "connectable");
                if (reply.hasError()) {
                    out.put(
                            "error",
                            reply.getError().getCode() + ": " + reply.getError().getMessage());
                    exit = ExitCodes.HELPER_ERROR;
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
                    exit = ExitCodes.OK;
                }
            } catch (java.io.IOException e) {
                out.put("endpoint", "stale");
                out.put("error", e.getMessage());
                exit = ExitCodes.HELPER_UNAVAILABLE;
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
            System.out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(out));
        } else {
            out.forEach((k, v) -> System.out.println(k + ": " + v));
        }
        return exit;
    }
}

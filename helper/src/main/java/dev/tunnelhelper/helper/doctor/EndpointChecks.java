package dev.tunnelhelper.helper.doctor;

import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.GetStatus;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.protocol.trust.TrustProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Does the helper answer on both endpoints, and are its socket files what it made them. */
final class EndpointChecks {
    private static final String START = "start it: systemctl start tunnel-helper.service, or bin/tunnel-helper run"
            + " --state-dir D for a state dir";

    private final HelperPaths paths;
    private final Duration timeout;
    private final PathTrust trust;

    EndpointChecks(HelperPaths paths, Duration timeout, PathTrust trust) {
        this.paths = paths;
        this.timeout = timeout;
        this.trust = trust;
    }

    Check appEndpoint() {
        String name = "app-endpoint";
        long started = System.nanoTime();
        try (Speaker<AppMessage, HelperAppMessage> helper =
                EndpointClient.connectApp(paths.appSocket(), timeout, in -> {})) {
            HelperAppMessage reply = helper.call(
                    AppMessage.newBuilder()
                            .setGetStatus(GetStatus.getDefaultInstance())
                            .build(),
                    timeout);
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (reply.hasError()) {
                return Check.fail(
                        name,
                        paths.appSocket() + " answered with an error: "
                                + reply.getError().getCode() + ": "
                                + reply.getError().getMessage(),
                        "check appAccess in the config: this user may not be allowed");
            }
            HelperStatus s = reply.getStatus();
            return Check.ok(
                    name,
                    paths.appSocket() + " answers: " + s.getState().name().replace("SESSION_STATE_", "") + ", helper "
                            + s.getHelperVersion() + " (" + ms + " ms)");
        } catch (HelperUnavailableException e) {
            return Check.fail(name, unavailable(e, paths.appSocket()), START);
        } catch (IOException | RuntimeException e) {
            return Check.fail(name, paths.appSocket() + ": " + e.getMessage(), "restart the helper; see its log");
        }
    }

    /** A handshake only: the extension endpoint has no request without side effects. */
    Check extensionEndpoint() {
        String name = "extension-endpoint";
        try (Speaker<ExtensionMessage, HelperExtensionMessage> helper =
                EndpointClient.connectExtension(paths.extensionSocket(), timeout, in -> {})) {
            return Check.ok(
                    name,
                    paths.extensionSocket() + " accepts a network extension (handshake " + helper.version() + ")");
        } catch (HelperUnavailableException e) {
            if (Files.exists(paths.extensionSocket(), LinkOption.NOFOLLOW_LINKS)
                    && !Files.isWritable(paths.extensionSocket())) {
                return Check.warn(
                        name,
                        paths.extensionSocket() + " exists, but only root may connect to it",
                        "run doctor as root to check this endpoint");
            }
            return Check.fail(name, unavailable(e, paths.extensionSocket()), START);
        } catch (IOException | RuntimeException e) {
            return Check.fail(name, paths.extensionSocket() + ": " + e.getMessage(), "restart the helper; see its log");
        }
    }

    /** Sockets in a trusted directory, the extension socket private to its owner, the app socket closed to others. */
    Check socketFiles() {
        String name = "socket-files";
        StringBuilder evidence = new StringBuilder();
        for (Path socket : new Path[] {paths.extensionSocket(), paths.appSocket()}) {
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return Check.fail(name, socket + " does not exist", START);
            }
            Optional<TrustProblem> problem = trust.inspect(socket, PathTrust.Kind.SOCKET);
            if (problem.isPresent()) {
                return Check.fail(
                        name,
                        problem.get().path() + " (" + problem.get().evidence() + "): "
                                + problem.get().reason(),
                        problem.get().fix());
            }
            int mode;
            long uid;
            try {
                Map<String, Object> a = Files.readAttributes(socket, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
                mode = (Integer) a.get("mode") & 0777;
                uid = ((Number) a.get("uid")).longValue();
            } catch (IOException e) {
                return Check.fail(name, "cannot inspect " + socket + ": " + e.getMessage(), "run doctor as root");
            }
            boolean extension = socket.equals(paths.extensionSocket());
            int forbidden = extension ? 0077 : 0007;
            if ((mode & forbidden) != 0) {
                return Check.fail(
                        name,
                        String.format(
                                "%s has mode %04o: %s",
                                socket,
                                mode,
                                extension
                                        ? "only its owner may reach the network-extension endpoint"
                                        : "others may reach the app endpoint"),
                        "restart the helper: it creates its sockets with mode " + (extension ? "0600" : "0660"));
            }
            evidence.append(evidence.length() == 0 ? "" : ", ")
                    .append(socket.getFileName())
                    .append(String.format(" uid %d mode %04o", uid, mode));
        }
        return Check.ok(name, evidence.toString());
    }

    private static String unavailable(HelperUnavailableException e, Path socket) {
        String message = e.getMessage();
        int reason = message.indexOf(": ");
        int where = message.indexOf(" (" + socket + ")");
        return socket + ": " + (reason >= 0 && where > reason ? message.substring(reason + 2, where) : message);
    }
}

package dev.tunnelhelper.launchd.macos;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.OwnedFd;
import dev.tunnelhelper.shim.XpcConnection;
import dev.tunnelhelper.shim.XpcError;
import dev.tunnelhelper.shim.XpcHandler;
import dev.tunnelhelper.shim.XpcListener;
import dev.tunnelhelper.shim.XpcMessage;
import dev.tunnelhelper.shim.XpcReply;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The helper's part in {@link LaunchDaemonOverSimulatedXpcTest}: the program a LaunchDaemon plist
 * names, started by (simulated) launchd as {@code run --config FILE}. It listens on the two Mach
 * services that {@link LaunchdSettings} derives from the config's team and bundle id, exactly as the
 * helper does, and lets only peers signed by that team talk to it.
 *
 * <p>Each message is answered {@code echo:<text>}; a descriptor that comes with it gets
 * {@code written by the daemon} written into it. {@code report R D} is answered once R peers were
 * refused and D messages delivered, with one line per event: {@code delivered <service> <pid> <text>}
 * or {@code refused <service> <pid> <kind>}.
 */
public final class EchoDaemon {
    private final String teamRequirement;
    private final List<String> events = new ArrayList<>();
    private final List<PendingReport> reports = new ArrayList<>();
    private int refused;
    private int delivered;

    private record PendingReport(int refused, int delivered, XpcReply reply) {}

    private EchoDaemon(String team) {
        this.teamRequirement = "anchor apple generic and certificate leaf[subject.OU] = \"" + team + "\"";
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !args[0].equals("run") || !args[1].equals("--config")) {
            System.err.println("usage: EchoDaemon run --config FILE");
            System.exit(2);
        }
        Properties config = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[2]), StandardCharsets.UTF_8)) {
            config.load(in);
        }
        LaunchdSettings settings = LaunchdSettings.of(config.getProperty("teamId"), config.getProperty("bundleId"));
        EchoDaemon daemon = new EchoDaemon(settings.teamId());
        for (String service : List.of(settings.appServiceName(), settings.extensionServiceName())) {
            XpcListener.listen(service, daemon.handler(service));
        }
        System.out.println("listening on " + settings.appServiceName() + " and " + settings.extensionServiceName());
        // launchd stops the daemon with SIGTERM (bootout).
        new CountDownLatch(1).await();
    }

    private XpcHandler handler(String service) {
        return new XpcHandler() {
            @Override
            public boolean accept(XpcConnection peer) {
                peer.setPeerRequirement(teamRequirement);
                return true;
            }

            @Override
            public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {
                message.fd().ifPresent(EchoDaemon::writeInto);
                String text = new String(message.payload(), StandardCharsets.UTF_8);
                String[] words = text.split(" ");
                if (words.length == 3 && words[0].equals("report") && reply != null) {
                    awaitReport(new PendingReport(Integer.parseInt(words[1]), Integer.parseInt(words[2]), reply));
                    return;
                }
                record("delivered " + service + " " + connection.peerPid() + " " + text, 0, 1);
                if (reply != null) {
                    reply.send(("echo:" + text).getBytes(StandardCharsets.UTF_8), -1);
                }
            }

            @Override
            public void onError(XpcConnection connection, XpcError error) {
                if (error.kind() == XpcError.Kind.PEER_CODE_SIGNING_REQUIREMENT) {
                    record("refused " + service + " " + connection.peerPid() + " " + error.kind(), 1, 0);
                }
            }

            @Override
            public void onListenerError(XpcError error) {
                // The helper must not run deaf: launchd would restart it, and the log says why.
                System.err.println("cannot listen on " + service + ": " + error);
                System.exit(3);
            }
        };
    }

    /** Proves the descriptor crossed processes: what the client reads from its own pipe, this wrote. */
    private static void writeInto(OwnedFd fd) {
        try (fd) {
            byte[] text = "written by the daemon".getBytes(StandardCharsets.UTF_8);
            Fds.write(fd.get(), text, 0, text.length);
        }
    }

    private synchronized void record(String event, int refusals, int deliveries) {
        events.add(event);
        refused += refusals;
        delivered += deliveries;
        answerReports();
    }

    private synchronized void awaitReport(PendingReport report) {
        reports.add(report);
        answerReports();
    }

    private synchronized void answerReports() {
        reports.removeIf(r -> {
            if (refused < r.refused() || delivered < r.delivered()) {
                return false;
            }
            r.reply().send(String.join("\n", events).getBytes(StandardCharsets.UTF_8), -1);
            return true;
        });
    }
}

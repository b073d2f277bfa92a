package dev.tunnelhelper.launchd.macos;

import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.XpcConnection;
import dev.tunnelhelper.shim.XpcError;
import dev.tunnelhelper.shim.XpcHandler;
import dev.tunnelhelper.shim.XpcMessage;
import dev.tunnelhelper.shim.XpcReply;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client process in {@link LaunchDaemonOverSimulatedXpcTest} (the extension, the app, or an
 * impostor): one request to a Mach service, its result on stdout.
 * <pre>
 * EchoClient SERVICE TEXT [--helper-requirement R] [--wrong-helper-requirement R] [--report REFUSED DELIVERED]
 * </pre>
 * Prints {@code pid N}, then {@code reply TEXT} or {@code failed MESSAGE}; with
 * {@code --wrong-helper-requirement}, {@code wrong-helper KIND} for the error a second connection
 * that requires another helper got; with {@code --report}, the daemon's report as
 * {@code report LINE}s.
 */
public final class EchoClient {
    private EchoClient() {
    }

    public static void main(String[] args) throws Exception {
        String service = args[0];
        String text = args[1];
        String helperRequirement = null;
        String wrongHelperRequirement = null;
        String report = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--helper-requirement" -> helperRequirement = args[++i];
                case "--wrong-helper-requirement" -> wrongHelperRequirement = args[++i];
                case "--report" -> report = "report " + args[++i] + " " + args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("pid " + ProcessHandle.current().pid());
        try (XpcConnection helper = XpcConnection.connect(service, true, helperRequirement, quiet())) {
            System.out.println(request(helper, text));
            if (report != null) {
                String answer = request(helper, report);
                for (String line : answer.substring("reply ".length()).split("\n")) {
                    System.out.println("report " + line);
                }
            }
        }
        if (wrongHelperRequirement != null) {
            CompletableFuture<XpcError> error = new CompletableFuture<>();
            try (XpcConnection impostor = XpcConnection.connect(service, true, wrongHelperRequirement, new XpcHandler() {
                @Override
                public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {
                }

                @Override
                public void onError(XpcConnection connection, XpcError e) {
                    error.complete(e);
                }
            })) {
                String result = request(impostor, text);
                System.out.println("wrong-helper " + error.get(10, TimeUnit.SECONDS).kind() + " " + result.split(" ")[0]);
            }
        }
        System.out.flush();
    }

    private static String request(XpcConnection connection, String text) {
        try {
            return "reply " + new String(connection.sendWithReply(text.getBytes(StandardCharsets.UTF_8), -1).payload(),
                    StandardCharsets.UTF_8);
        } catch (NativeException e) {
            return "failed " + e.getMessage();
        }
    }

    private static XpcHandler quiet() {
        return (connection, message, reply) -> {
            if (reply != null) {
                reply.discard();
            }
        };
    }
}

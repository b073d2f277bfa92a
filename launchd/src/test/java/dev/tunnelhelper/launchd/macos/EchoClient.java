package dev.tunnelhelper.launchd.macos;

import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.Pipe;
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
 * EchoClient SERVICE TEXT [--with-fd] [--helper-requirement R] [--wrong-helper-requirement R] [--report REFUSED DELIVERED]
 * </pre>
 * Prints {@code pid N}, then {@code reply TEXT} or {@code failed MESSAGE}; with {@code --with-fd}
 * the request carries the write end of a pipe and {@code pipe TEXT} is what came out of it; with
 * {@code --wrong-helper-requirement}, {@code wrong-helper KIND} for the error a second connection
 * that requires another helper got; with {@code --report}, the daemon's report as
 * {@code report LINE}s.
 */
public final class EchoClient {
    private EchoClient() {}

    public static void main(String[] args) throws Exception {
        String service = args[0];
        String text = args[1];
        String helperRequirement = null;
        String wrongHelperRequirement = null;
        String report = null;
        boolean withFd = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--helper-requirement" -> helperRequirement = args[++i];
                case "--wrong-helper-requirement" -> wrongHelperRequirement = args[++i];
                case "--report" -> report = "report " + args[++i] + " " + args[++i];
                case "--with-fd" -> withFd = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("pid " + ProcessHandle.current().pid());
        try (XpcConnection helper = XpcConnection.connect(service, true, helperRequirement, quiet())) {
            if (withFd) {
                try (Pipe pipe = Fds.pipe()) {
                    System.out.println(request(helper, text, pipe.writeEnd().get()));
                    pipe.writeEnd().close(); // XPC sent its own duplicate; EOF comes once the daemon closes that
                    System.out.println("pipe "
                            + new String(Fds.inputStream(pipe.readEnd()).readAllBytes(), StandardCharsets.UTF_8));
                }
            } else {
                System.out.println(request(helper, text, -1));
            }
            if (report != null) {
                String answer = request(helper, report, -1);
                for (String line : answer.substring("reply ".length()).split("\n")) {
                    System.out.println("report " + line);
                }
            }
        }
        if (wrongHelperRequirement != null) {
            CompletableFuture<XpcError> error = new CompletableFuture<>();
            try (XpcConnection impostor =
                    XpcConnection.connect(service, true, wrongHelperRequirement, new XpcHandler() {
                        @Override
                        public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {}

                        @Override
                        public void onError(XpcConnection connection, XpcError e) {
                            error.complete(e);
                        }
                    })) {
                String result = request(impostor, text, -1);
                System.out.println(
                        "wrong-helper " + error.get(10, TimeUnit.SECONDS).kind() + " " + result.split(" ")[0]);
            }
        }
        System.out.flush();
    }

    private static String request(XpcConnection connection, String text, int fd) {
        try {
            return "reply "
                    + new String(
                            connection
                                    .sendWithReply(text.getBytes(StandardCharsets.UTF_8), fd)
                                    .payload(),
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

package dev.tunnelhelper.testbed.deployment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point for every request: counts it, applies the faults that do not depend on the route
 * (required header, injected status), then hands it to the handler for its path.
 */
final class DeploymentRouter implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(DeploymentRouter.class);
    private static final String BIN_PREFIX = "/bin/";

    private final Supplier<ServingBehaviour> behaviour;
    private final RequestCounters counters;
    private final BuildInfoHandler buildInfo;
    private final BinaryHandler binaries;
    private final SignatureHandler signatures;

    DeploymentRouter(
            Supplier<ServingBehaviour> behaviour,
            RequestCounters counters,
            BuildInfoHandler buildInfo,
            BinaryHandler binaries,
            SignatureHandler signatures) {
        this.behaviour = behaviour;
        this.counters = counters;
        this.buildInfo = buildInfo;
        this.binaries = binaries;
        this.signatures = signatures;
    }

    @Override
    public void handle(HttpExchange raw) throws IOException {
        DeploymentExchange exchange = new DeploymentExchange(raw, behaviour.get(), counters);
        String path = exchange.path();
        counters.recordRequest(path);
        log.debug("{} {}", raw.getRequestMethod(), path);
        try (raw) {
            route(exchange);
        }
    }

    private void route(DeploymentExchange exchange) throws IOException {
        String path = exchange.path();
        ServingBehaviour current = exchange.behaviour();

        if (!exchange.raw().getRequestMethod().equals("GET")) {
            exchange.setHeader("Allow", "GET");
            exchange.respondText(405, "the testbed deployment only answers GET");
            return;
        }
        RequiredHeader required = current.requiredHeader();
        if (required != null && !carries(exchange, required)) {
            exchange.respondText(
                    403,
                    "testbed: this deployment requires the header '" + required.name()
                            + "' with its configured value on every request");
            return;
        }
        Integer injected = current.failingPaths().get(path);
        if (injected == null && current.binaryFailureStatus() != 0 && isBinaryPath(path)) {
            injected = current.binaryFailureStatus();
        }
        if (injected != null) {
            exchange.respondText(injected, "testbed: injected failure " + injected + " for " + path);
            return;
        }

        if (path.equals(BuildInfoHandler.PATH)) {
            buildInfo.handle(exchange);
        } else if (path.startsWith(BIN_PREFIX) && path.endsWith(SignatureHandler.SUFFIX)) {
            String name = path.substring(BIN_PREFIX.length(), path.length() - SignatureHandler.SUFFIX.length());
            signatures.handle(exchange, name);
        } else if (path.startsWith(BIN_PREFIX)) {
            binaries.handle(exchange, path.substring(BIN_PREFIX.length()));
        } else {
            exchange.respondText(404, "testbed: nothing at " + path);
        }
    }

    private static boolean isBinaryPath(String path) {
        return path.startsWith(BIN_PREFIX) && !path.endsWith(SignatureHandler.SUFFIX);
    }

    private static boolean carries(DeploymentExchange exchange, RequiredHeader required) {
        List<String> values = exchange.raw().getRequestHeaders().get(required.name());
        return values != null && values.contains(required.value());
    }
}

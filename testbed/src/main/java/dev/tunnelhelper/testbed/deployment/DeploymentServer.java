package dev.tunnelhelper.testbed.deployment;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running local stand-in for a Coder deployment: build info, the host platform's tunnel binary
 * and its Ed25519 signature, over HTTP or HTTPS. Its behaviour (including injected faults) can be
 * changed at any time from any thread; each request uses the behaviour current when it arrived.
 */
public final class DeploymentServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeploymentServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final String url;
    private final String version;
    private final Platform platform;
    private final PublishedBinary binary;
    private final SigningKey signingKey;
    private final Optional<Path> caCertPath;
    private final RequestCounters counters;
    private final AtomicReference<ServingBehaviour> behaviour;

    private DeploymentServer(
            HttpServer server,
            ExecutorService executor,
            String url,
            String version,
            Platform platform,
            PublishedBinary binary,
            SigningKey signingKey,
            Optional<Path> caCertPath,
            RequestCounters counters,
            AtomicReference<ServingBehaviour> behaviour) {
        this.server = server;
        this.executor = executor;
        this.url = url;
        this.version = version;
        this.platform = platform;
        this.binary = binary;
        this.signingKey = signingKey;
        this.caCertPath = caCertPath;
        this.counters = counters;
        this.behaviour = behaviour;
    }

    static {
        // Responses leave as soon as they are written, as a Go deployment's do (Go sets TCP_NODELAY
        // on every connection). The JDK's server leaves Nagle's algorithm on unless told: a
        // response written in two parts (headers, then body) to a client that reuses its
        // connection then waited for that client's delayed ACK, about 40 ms per request when the
        // helper asked build info several times in a row (docs/performance.md, stop 25). The JDK
        // reads the property once, when the first server of this process is configured.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Prepares the deployment directory (key, TLS material), binds and starts serving. */
    public static DeploymentServer start(DeploymentOptions options) throws IOException {
        Path dir = options.dir().toAbsolutePath();
        Files.createDirectories(dir);
        SigningKey key = SigningKey.loadOrCreate(dir);
        PublishedBinary binary;
        try {
            binary = new PublishedBinary(options.binary().load(), key);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot publish " + options.binary().describe() + ": " + e.getMessage(), e);
        }
        Platform platform = Platform.host();

        InetSocketAddress bindAddress = new InetSocketAddress(InetAddress.getByName(options.host()), options.port());
        HttpServer server;
        Optional<Path> caCert = Optional.empty();
        if (options.tls()) {
            TestCertificateAuthority ca = TestCertificateAuthority.loadOrCreate(dir, options.host());
            HttpsServer https = HttpsServer.create(bindAddress, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext()));
            server = https;
            caCert = Optional.of(ca.caCertPath());
        } else {
            server = HttpServer.create(bindAddress, 0);
        }

        String url = (options.tls() ? "https://" : "http://") + advertisedHost(options.host()) + ":"
                + server.getAddress().getPort();
        RequestCounters counters = new RequestCounters();
        AtomicReference<ServingBehaviour> behaviour = new AtomicReference<>(options.behaviour());
        PlatformCatalogue catalogue = new PlatformCatalogue(platform);
        server.createContext(
                "/",
                new DeploymentRouter(
                        behaviour::get,
                        counters,
                        new BuildInfoHandler(options.version(), () -> url, dir.toString()),
                        new BinaryHandler(binary, catalogue),
                        new SignatureHandler(binary, catalogue)));
        // Unbounded: a throttled download holds its thread for as long as it lasts.
        ExecutorService executor = Executors.newCachedThreadPool(NamedThreads.factory("testbed-deployment"));
        server.setExecutor(executor);
        server.start();
        log.info(
                "deployment serving {} ({} bytes, sha1 {}) as {} at {}",
                options.binary().describe(),
                binary.length(),
                binary.sha1(),
                platform.binaryPath(),
                url);
        return new DeploymentServer(
                server, executor, url, options.version(), platform, binary, key, caCert, counters, behaviour);
    }

    /** Clients cannot connect to a wildcard address; point them at loopback instead. */
    private static String advertisedHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (bare.equals("::")) {
            return "[::1]";
        }
        return bare.contains(":") ? "[" + bare + "]" : bare;
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}, with no trailing slash. */
    public String url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The version the binary reports (build info reports it too unless overridden). */
    public String version() {
        return version;
    }

    public Platform platform() {
        return platform;
    }

    /** Path of the host platform's binary, e.g. {@code /bin/coder-linux-amd64}. */
    public String binaryPath() {
        return platform.binaryPath();
    }

    public String binaryUrl() {
        return url + binaryPath();
    }

    /** Lowercase hex SHA-1 of the untampered binary; its quoted form is the ETag. */
    public String binarySha1() {
        return binary.sha1();
    }

    /** Lowercase hex SHA-256 of the untampered binary, for helpers that pin a hash. */
    public String binarySha256() {
        return binary.sha256();
    }

    public long binarySize() {
        return binary.length();
    }

    /** Absolute path of the PEM Ed25519 public key the binary is signed with. */
    public Path publicKeyPath() {
        return signingKey.publicKeyPath();
    }

    public PublicKey publicKey() {
        return signingKey.publicKey();
    }

    /** Absolute path of the PEM CA certificate to trust, when serving TLS. */
    public Optional<Path> caCertPath() {
        return caCertPath;
    }

    public RequestCounters counters() {
        return counters;
    }

    /** Shorthand for {@code counters().requestCount(path)}. */
    public long requestCount(String path) {
        return counters.requestCount(path);
    }

    /** Shorthand for {@code counters().responseCount(path, status)}. */
    public long responseCount(String path, int status) {
        return counters.responseCount(path, status);
    }

    public ServingBehaviour behaviour() {
        return behaviour.get();
    }

    /** Replaces the behaviour; requests already in flight finish with the old one. */
    public void setBehaviour(ServingBehaviour next) {
        behaviour.set(Objects.requireNonNull(next, "behaviour"));
        log.info("deployment behaviour now {}", next);
    }

    /** Atomically derives the next behaviour from the current one, e.g. {@code b -> b.withGzip(true)}. */
    public ServingBehaviour updateBehaviour(UnaryOperator<ServingBehaviour> change) {
        ServingBehaviour next = behaviour.updateAndGet(change);
        log.info("deployment behaviour now {}", next);
        return next;
    }

    /** Stops listening and drops connections still open. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        log.info("deployment at {} stopped", url);
    }
}

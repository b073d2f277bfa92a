package dev.tunnelhelper.testbed.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away CA and a {@code localhost}/{@code 127.0.0.1} server certificate it signed, made
 * with the JDK's own {@code keytool} so the testbed needs no crypto library. The CA certificate is
 * published as PEM so a helper can be told to trust it ({@code --extra-ca}); everything is reused
 * on restart so that trust survives.
 */
public final class TestCertificateAuthority {

    public static final String CA_CERT_FILE = "ca.pem";
    static final String TLS_DIR = "tls";
    // Test material in a directory the operator owns; the password only satisfies PKCS#12.
    private static final char[] PASSWORD = "testbed-only".toCharArray();
    private static final Logger log = LoggerFactory.getLogger(TestCertificateAuthority.class);

    private final Path caCertPath;
    private final Path serverKeyStore;

    private TestCertificateAuthority(Path caCertPath, Path serverKeyStore) {
        this.caCertPath = caCertPath;
        this.serverKeyStore = serverKeyStore;
    }

    /**
     * Reuses the CA and server certificate in {@code dir}, or creates them. {@code host} is added
     * to the certificate's names when it is neither localhost nor a wildcard address.
     */
    public static TestCertificateAuthority loadOrCreate(Path dir, String host) throws IOException {
        Path caCert = dir.resolve(CA_CERT_FILE).toAbsolutePath();
        Path tls = dir.resolve(TLS_DIR).toAbsolutePath();
        Path caStore = tls.resolve("ca.p12");
        Path serverStore = tls.resolve("server.p12");
        if (Files.exists(caCert) && Files.exists(serverStore) && Files.exists(caStore)) {
            log.info("reusing test CA {}", caCert);
            return new TestCertificateAuthority(caCert, serverStore);
        }
        Files.createDirectories(tls);
        // The keystores hold the CA's and the server's private keys.
        if (tls.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwx------"));
        }
        // A half-made set from an interrupted run would mix keys from two CAs.
        for (String leftover : List.of("ca.p12", "server.p12", "server.csr", "server.pem")) {
            Files.deleteIfExists(tls.resolve(leftover));
        }
        Files.deleteIfExists(caCert);

        Keytool keytool = new Keytool();
        keytool.run(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=Tunnel Helper Testbed CA",
                "-ext",
                "bc:c",
                "-ext",
                "ku:c=keyCertSign,cRLSign",
                "-validity",
                "3650",
                "-storetype",
                "PKCS12",
                "-keystore",
                caStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD));
        Path caCertTmp = tls.resolve("ca.pem");
        keytool.run(
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                caStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-file",
                caCertTmp.toString());
        keytool.run(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-validity",
                "825",
                "-storetype",
                "PKCS12",
                "-keystore",
                serverStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD));
        Path csr = tls.resolve("server.csr");
        keytool.run(
                "-certreq",
                "-alias",
                "server",
                "-keystore",
                serverStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-file",
                csr.toString());
        Path serverCert = tls.resolve("server.pem");
        keytool.run(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                caStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-infile",
                csr.toString(),
                "-outfile",
                serverCert.toString(),
                "-validity",
                "825",
                "-ext",
                "san=" + subjectAltNames(host),
                "-ext",
                "eku=serverAuth");
        // The CA goes in first so keytool can build the chain when the signed certificate is installed.
        keytool.run(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                caCertTmp.toString(),
                "-keystore",
                serverStore.toString(),
                "-storepass",
                new String(PASSWORD));
        keytool.run(
                "-importcert",
                "-noprompt",
                "-alias",
                "server",
                "-file",
                serverCert.toString(),
                "-keystore",
                serverStore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD));
        // Published last: its presence is what marks the set as complete.
        PrivateFiles.writePublic(caCert, Files.readAllBytes(caCertTmp));
        log.info("created test CA {} and a server certificate for {}", caCert, subjectAltNames(host));
        return new TestCertificateAuthority(caCert, serverStore);
    }

    static String subjectAltNames(String host) {
        List<String> names = new ArrayList<>(List.of("dns:localhost", "ip:127.0.0.1"));
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean wildcard = bare.equals("0.0.0.0") || bare.equals("::") || bare.isEmpty();
        if (!wildcard && !bare.equals("localhost") && !bare.equals("127.0.0.1")) {
            names.add((isIpLiteral(bare) ? "ip:" : "dns:") + bare);
        }
        return String.join(",", names);
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** Absolute path of the PEM CA certificate clients must trust. */
    public Path caCertPath() {
        return caCertPath;
    }

    /** The server side: presents the server certificate and its chain. */
    public SSLContext serverContext() throws IOException {
        try (InputStream in = Files.newInputStream(serverKeyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the testbed server certificate from " + serverKeyStore, e);
        }
    }

    /** A client context that trusts only the CA certificates in the given PEM file. */
    public static SSLContext clientContextTrusting(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a trust store from " + caPem, e);
        }
    }

    /** Runs {@code ${java.home}/bin/keytool}, failing with its output when it fails. */
    private static final class Keytool {
        private final Path executable = Path.of(System.getProperty("java.home"), "bin", "keytool");

        void run(String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(executable.toString());
            // keytool is a short-lived JVM run seven times in a row; a quick-start JIT and GC halve the wait.
            command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
            command.addAll(List.of(args));
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            }
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("keytool " + args[0] + " timed out");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running keytool " + args[0], e);
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): "
                        + output.toString(StandardCharsets.UTF_8).trim());
            }
        }
    }
}

package dev.tunnelhelper.testbed.deployment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code D/deployment.json}: how scripts and tests find a running testbed deployment (URL,
 * version, key to pin, CA to trust) without parsing its log.
 */
public final class DeploymentManifest {

    public static final String FILE = "deployment.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DeploymentManifest() {}

    static Map<String, Object> describe(DeploymentServer server) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("url", server.url());
        manifest.put("version", server.version());
        manifest.put("public_key", server.publicKeyPath().toString());
        manifest.put("binary_path", server.binaryPath());
        manifest.put("binary_sha1", server.binarySha1());
        manifest.put("binary_sha256", server.binarySha256());
        manifest.put("binary_size", server.binarySize());
        manifest.put("platform", server.platform().toString());
        manifest.put("ca_cert", server.caCertPath().map(Path::toString).orElse(null));
        manifest.put("pid", ProcessHandle.current().pid());
        return manifest;
    }

    /** Writes the manifest into {@code dir} in one step (readers never see half of it); returns its path. */
    public static Path write(Path dir, DeploymentServer server) throws IOException {
        Path file = dir.toAbsolutePath().resolve(FILE);
        byte[] json = JSON.writeValueAsBytes(describe(server));
        byte[] withNewline = new byte[json.length + 1];
        System.arraycopy(json, 0, withNewline, 0, json.length);
        withNewline[json.length] = '\n';
        PrivateFiles.writePublic(file, withNewline);
        return file;
    }
}

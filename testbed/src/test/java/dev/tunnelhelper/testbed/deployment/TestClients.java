package dev.tunnelhelper.testbed.deployment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;

/** Plain JDK HTTP clients and test binaries shared by the deployment tests. */
final class TestClients {

    private TestClients() {}

    static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    static HttpRequest.Builder get(String url, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    static HttpResponse<byte[]> fetch(HttpClient client, String url, String... headers)
            throws IOException, InterruptedException {
        return client.send(get(url, headers).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Random bytes, so compression and tampering have real content to work on. */
    static byte[] binary(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        // Give the start of the file some redundancy so gzip measurably shrinks it.
        for (int i = 0; i < size / 2; i++) {
            bytes[i] = (byte) (i % 7);
        }
        return bytes;
    }
}

package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RedirectPolicyTest {

    private static final URI HTTPS = URI.create("https://coder.example.com/bin/coder-linux-amd64");
    private static final URI HTTP = URI.create("http://coder.internal:8080/bin/coder-linux-amd64");

    @Test
    void httpsMayMoveToAnyHttpsHost() throws Exception {
        assertEquals(
                URI.create("https://cdn.example.net/x"), RedirectPolicy.follow(HTTPS, "https://cdn.example.net/x", 1));
        assertEquals(URI.create("https://coder.example.com/mirror/y"), RedirectPolicy.follow(HTTPS, "/mirror/y", 1));
    }

    @Test
    void httpsMayNeverDowngradeToHttp() {
        TransferException e = assertThrows(
                TransferException.class,
                () -> RedirectPolicy.follow(HTTPS, "http://coder.example.com/bin/coder-linux-amd64", 1));
        assertTrue(e.getMessage().contains("an https download may only be redirected to https"), e.getMessage());
    }

    @Test
    void httpStaysWithinItsOrigin() throws Exception {
        assertEquals(URI.create("http://coder.internal:8080/other"), RedirectPolicy.follow(HTTP, "/other", 1));
        for (String elsewhere :
                new String[] {"http://coder.internal:8081/x", "http://evil.example/x", "https://coder.internal:8080/x"
                }) {
            TransferException e =
                    assertThrows(TransferException.class, () -> RedirectPolicy.follow(HTTP, elsewhere, 1));
            assertTrue(e.getMessage().contains("within the same origin"), e.getMessage());
        }
    }

    @Test
    void otherSchemesAndMissingLocationsAreRefused() {
        assertThrows(TransferException.class, () -> RedirectPolicy.follow(HTTPS, "file:///etc/passwd", 1));
        assertThrows(TransferException.class, () -> RedirectPolicy.follow(HTTPS, null, 1));
    }

    @Test
    void atMostFiveHops() throws Exception {
        RedirectPolicy.follow(HTTPS, "/a", 5);
        TransferException e = assertThrows(TransferException.class, () -> RedirectPolicy.follow(HTTPS, "/a", 6));
        assertTrue(e.getMessage().startsWith("too many redirects"), e.getMessage());
    }
}

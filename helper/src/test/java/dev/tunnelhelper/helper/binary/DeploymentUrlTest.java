package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The access URL a start names: http(s) with a host, nothing that could carry a secret into a
 * log or a request line (user info, query, fragment), and a base path kept so a deployment can
 * live under one. A refusal says why without repeating the text, which may hold a credential.
 */
class DeploymentUrlTest {

    private static String refusal(String accessUrl) {
        return assertThrows(IllegalArgumentException.class, () -> DeploymentUrl.parse(accessUrl))
                .getMessage();
    }

    @Test
    void pathsAreAppendedToTheBasePathWhateverTrailingSlashesItCameWith() {
        DeploymentUrl url = DeploymentUrl.parse("  HTTPS://coder.example.com:8443/under/here///  ");
        assertEquals("https://coder.example.com:8443/under/here", url.toString());
        assertEquals(URI.create("https://coder.example.com:8443/under/here/bin/coder"), url.resolve("/bin/coder"));
    }

    @Test
    void aBareHostGetsNoPathOfItsOwn() {
        assertEquals(
                URI.create("http://127.0.0.1:3000/api/v2/buildinfo"),
                DeploymentUrl.parse("http://127.0.0.1:3000/").resolve("/api/v2/buildinfo"));
        assertEquals(
                "https://coder.example.com",
                DeploymentUrl.parse("https://coder.example.com").toString());
    }

    @Test
    void onlyHttpAndHttpsAreSpoken() {
        assertEquals("access URL must be http or https, got scheme 'ftp'", refusal("ftp://coder.example.com"));
        assertEquals("access URL must be http or https, got scheme ''", refusal("coder.example.com/path"));
    }

    @Test
    void aUrlWithoutAHostIsRefused() {
        assertEquals("access URL has no host", refusal("https:///path"));
    }

    @Test
    void userInfoAQueryOrAFragmentIsRefusedWithoutRepeatingIt() {
        for (String withSecret : new String[] {
            "https://user:hunter2@coder.example.com",
            "https://coder.example.com/?token=hunter2",
            "https://coder.example.com/#hunter2"
        }) {
            String why = refusal(withSecret);
            assertEquals("access URL must not carry user info, a query or a fragment", why, withSecret);
        }
    }

    @Test
    void textThatIsNoUrlIsRefusedByReasonAndIndexOnly() {
        String why = refusal("https://coder example.com/hunter2");
        assertEquals("access URL is not a URL: Illegal character in authority at index 8", why);
        assertFalse(why.contains("hunter2"), why);
    }
}

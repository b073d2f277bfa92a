package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.protocol.PeerText;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Which redirects the helper follows. An https deployment may redirect anywhere over https (CDNs
 * do); it may never downgrade to http, where anyone on the path could swap the binary's bytes.
 * Plain http is only tolerated within one origin, so an http deployment cannot hand the download
 * to a third party either.
 */
final class RedirectPolicy {

    static final int MAX_HOPS = 5;

    private RedirectPolicy() {}

    /** Resolves {@code location} against {@code from} and returns it if following it is allowed. */
    static URI follow(URI from, String location, int hop) throws TransferException {
        if (hop > MAX_HOPS) {
            throw new TransferException("too many redirects (more than " + MAX_HOPS + ") starting from " + from);
        }
        if (location == null || location.isBlank()) {
            throw new TransferException("redirect from " + from + " has no Location header");
        }
        URI to;
        try {
            to = from.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            throw new TransferException(
                    "redirect from " + from + " to an invalid location: " + PeerText.of(e.getMessage()), e);
        }
        String fromScheme = scheme(from);
        String toScheme = scheme(to);
        if (fromScheme.equals("https")) {
            if (!toScheme.equals("https")) {
                throw new TransferException("refusing redirect from " + from + " to " + to
                        + ": an https download may only be redirected to https");
            }
        } else if (!sameOrigin(from, to)) {
            throw new TransferException("refusing redirect from " + from + " to " + to
                    + ": an http download may only be redirected within the same origin");
        }
        if (to.getHost() == null) {
            throw new TransferException("refusing redirect from " + from + " to " + to + ": no host");
        }
        return to;
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return scheme(a).equals(scheme(b))
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(Objects.toString(b.getHost(), ""))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return scheme(uri).equals("https") ? 443 : 80;
    }
}

package dev.tunnelhelper.helper.binary;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The deployment's access URL, normalised so that paths can be appended to it. */
record DeploymentUrl(URI base) {

    static DeploymentUrl parse(String accessUrl) {
        URI uri;
        try {
            uri = new URI(accessUrl.trim());
        } catch (URISyntaxException e) {
            // The reason only: the text itself may carry credentials.
            throw new IllegalArgumentException(
                    "access URL is not a URL: " + e.getReason() + " at index " + e.getIndex(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("access URL must be http or https, got scheme '" + scheme + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("access URL has no host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("access URL must not carry user info, a query or a fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new DeploymentUrl(URI.create(scheme + "://" + uri.getRawAuthority() + path));
    }

    /** {@code path} starts with a slash and is appended to the base path (a deployment may live under one). */
    URI resolve(String path) {
        return URI.create(base + path);
    }

    @Override
    public String toString() {
        return base.toString();
    }
}

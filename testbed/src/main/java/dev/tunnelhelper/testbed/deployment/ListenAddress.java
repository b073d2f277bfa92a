package dev.tunnelhelper.testbed.deployment;

/** {@code HOST:PORT} as given to {@code --listen}; IPv6 hosts in brackets ({@code [::1]:8080}). */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + spec + "'");
        }
        String host = spec.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("put an IPv6 host in brackets, e.g. [::1]:8080, got '" + spec + "'");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host in '" + spec + "'");
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + spec + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range in '" + spec + "'");
        }
        return new ListenAddress(host, port);
    }
}

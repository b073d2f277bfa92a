package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.Names;
import dev.tunnelhelper.protocol.helper.HelperStatus;

/** The human form of a status: one "label: value" line per field that has a value. */
final class StatusText {
    private StatusText() {}

    static String render(HelperStatus s) {
        StringBuilder out = new StringBuilder();
        line(out, "state", Names.state(s.getState()));
        line(out, "error", s.getErrorMessage());
        line(out, "access url", s.getAccessUrl());
        line(out, "server version", s.getServerVersion());
        line(out, "tunnel protocol", s.getTunnelProtocolVersion());
        line(out, "helper version", s.getHelperVersion());
        if (s.getSignatureValidationDisabled()) {
            line(out, "WARNING", "signature validation is DISABLED for this session");
        }
        return out.toString().stripTrailing();
    }

    private static void line(StringBuilder out, String label, String value) {
        if (!value.isEmpty()) {
            out.append(String.format("%-16s %s%n", label + ":", value));
        }
    }

    /** One line, for watch. */
    static String oneLine(HelperStatus s) {
        StringBuilder b = new StringBuilder(Names.state(s.getState()));
        if (!s.getAccessUrl().isEmpty()) {
            b.append(' ').append(s.getAccessUrl());
        }
        if (!s.getServerVersion().isEmpty()) {
            b.append(" (server ").append(s.getServerVersion()).append(')');
        }
        if (!s.getErrorMessage().isEmpty()) {
            b.append(" error: ").append(s.getErrorMessage());
        }
        return b.toString();
    }
}

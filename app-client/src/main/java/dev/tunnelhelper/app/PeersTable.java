package dev.tunnelhelper.app;

import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code app-client peers}: one row per agent, grouped by workspace; stale peers flagged. */
public final class PeersTable {
    private static final String[] HEADER = {
        "WORKSPACE", "STATUS", "AGENT", "FQDN", "IPS", "HANDSHAKE", "LATENCY", "PATH"
    };

    private PeersTable() {}

    public static String render(PeerView.Snapshot peers, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        List<Agent> shown = new ArrayList<>();
        for (Workspace w : peers.workspaces()) {
            List<Agent> agents = peers.agentsOf(w.getId());
            if (agents.isEmpty()) {
                rows.add(
                        new String[] {w.getName(), Names.workspaceStatus(w.getStatus()), "-", "-", "-", "-", "-", "-"});
            }
            for (Agent a : agents) {
                rows.add(row(w.getName(), Names.workspaceStatus(w.getStatus()), a, now));
                shown.add(a);
            }
        }
        // Agents whose workspace the tunnel has not told us about (or has deleted) are still peers.
        for (Agent a : peers.agents()) {
            if (!shown.contains(a)) {
                rows.add(row("(unknown)", "-", a, now));
            }
        }
        StringBuilder out = new StringBuilder();
        int[] widths = widths(rows);
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : pad(r[i], widths[i] + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        long stale = peers.agents().stream()
                .filter(a -> AgentFacts.of(a, now).stale())
                .count();
        out.append(peers.workspaces().size())
                .append(" workspace(s), ")
                .append(peers.agents().size())
                .append(" agent(s)");
        if (stale > 0) {
            out.append(", ")
                    .append(stale)
                    .append(" STALE (no handshake for ")
                    .append(AgentFacts.STALE_AFTER.toMinutes())
                    .append(" minutes)");
        }
        return out.append('\n').toString();
    }

    private static String[] row(String workspace, String status, Agent a, Instant now) {
        AgentFacts f = AgentFacts.of(a, now);
        String handshake = f.handshakeAge().map(AgentFacts::ago).orElse("never") + (f.stale() ? " STALE" : "");
        String latency = f.latency().map(d -> AgentFacts.millis(d) + "ms").orElse("-");
        String path = f.p2p()
                .map(p -> p
                        ? "p2p"
                        : "relay" + f.preferredDerp().map(d -> " (" + d + ")").orElse(""))
                .orElse("-");
        return new String[] {
            workspace,
            status,
            a.getName(),
            String.join(",", a.getFqdnList()),
            String.join(",", a.getIpAddrsList()),
            handshake,
            latency,
            path
        };
    }

    private static int[] widths(List<String[]> rows) {
        int[] w = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        return w;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}

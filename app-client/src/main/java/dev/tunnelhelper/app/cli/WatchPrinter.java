package dev.tunnelhelper.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.app.PeerView;
import dev.tunnelhelper.app.PeersTable;
import dev.tunnelhelper.app.SubscriptionListener;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code app-client watch} output: JSON Lines, or human lines; on a terminal, start progress is
 * one bar redrawn in place, elsewhere a plain line at most every {@link #PLAIN_PROGRESS_EVERY_NANOS}.
 */
final class WatchPrinter implements SubscriptionListener {
    private static final long PLAIN_PROGRESS_EVERY_NANOS = 1_000_000_000L;
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final boolean json;
    private final boolean tty;
    private final Clock clock;
    private final ProgressLine progress = new ProgressLine();
    private boolean barShown;
    private long lastPlainProgress = Long.MIN_VALUE;
    private ProgressStage lastStage = ProgressStage.PROGRESS_STAGE_UNSPECIFIED;
    private PeerView.Snapshot before = PeerView.Snapshot.EMPTY;

    WatchPrinter(PrintStream out, boolean json, boolean tty, Clock clock) {
        this.out = out;
        this.json = json;
        this.tty = tty;
        this.clock = clock;
    }

    @Override
    public synchronized void onSnapshot(HelperStatus status, PeerView.Snapshot peers) {
        before = peers;
        if (json) {
            emit(JsonDocuments.snapshotEvent(status, peers, clock.instant()));
            return;
        }
        line("subscribed: " + StatusText.oneLine(status));
        if (!peers.agents().isEmpty() || !peers.workspaces().isEmpty()) {
            out.print(PeersTable.render(peers, clock.instant()));
        }
        out.flush();
    }

    @Override
    public synchronized void onStatus(HelperStatus status) {
        if (json) {
            emit(JsonDocuments.statusEvent(status, clock.instant()));
            return;
        }
        line("status " + StatusText.oneLine(status));
    }

    @Override
    public synchronized void onProgress(Progress p) {
        if (json) {
            emit(JsonDocuments.progressEvent(p, clock.instant()));
            return;
        }
        long now = System.nanoTime();
        String text = progress.describe(p, now);
        if (tty) {
            out.print("\r\033[K" + text);
            out.flush();
            barShown = true;
            return;
        }
        boolean stageChanged = p.getStage() != lastStage;
        boolean done = p.getBytesTotal() > 0 && p.getBytesWritten() >= p.getBytesTotal();
        if (stageChanged || done || now - lastPlainProgress >= PLAIN_PROGRESS_EVERY_NANOS) {
            lastPlainProgress = now;
            line("progress " + text);
        }
        lastStage = p.getStage();
    }

    @Override
    public synchronized void onPeerUpdate(PeerUpdate delta, PeerView.Snapshot peers) {
        if (json) {
            emit(JsonDocuments.peerUpdateEvent(delta, peers, clock.instant()));
        } else {
            line("peers " + describe(delta) + " -> " + peers.workspaces().size() + " workspace(s), "
                    + peers.agents().size() + " agent(s)");
        }
        before = peers;
    }

    private String describe(PeerUpdate delta) {
        List<String> parts = new ArrayList<>();
        for (Workspace w : delta.getUpsertedWorkspacesList()) {
            parts.add("workspace " + w.getName() + (before.workspace(w.getId()).isPresent() ? " now " : " added, ")
                    + w.getStatus());
        }
        for (Workspace w : delta.getDeletedWorkspacesList()) {
            parts.add("workspace " + w.getName() + " deleted");
        }
        int refreshed = 0;
        for (Agent a : delta.getUpsertedAgentsList()) {
            boolean known = before.agents().stream().anyMatch(b -> b.getId().equals(a.getId()));
            if (known) {
                refreshed++;
            } else {
                parts.add("agent " + a.getName() + " added " + String.join(",", a.getIpAddrsList()));
            }
        }
        for (Agent a : delta.getDeletedAgentsList()) {
            parts.add("agent " + a.getName() + " deleted");
        }
        if (refreshed > 0) {
            parts.add(refreshed + " agent(s) refreshed");
        }
        return parts.isEmpty() ? "(empty update)" : String.join("; ", parts);
    }

    @Override
    public synchronized void onDisconnected(String reason, boolean reconnecting) {
        if (json) {
            emit(JsonDocuments.disconnectedEvent(reason, reconnecting, clock.instant()));
            return;
        }
        line("helper connection lost: " + reason + (reconnecting ? "; reconnecting..." : ""));
    }

    /** Ends a progress bar left on the line, so the shell prompt starts clean. */
    synchronized void finish() {
        if (barShown) {
            out.println();
            barShown = false;
        }
        out.flush();
    }

    private void line(String text) {
        if (barShown) {
            out.println();
            barShown = false;
        }
        out.println(LocalTime.now(clock.withZone(ZoneId.systemDefault())).format(HMS) + " " + text);
        out.flush();
    }

    private void emit(ObjectNode event) {
        try {
            out.println(JsonDocuments.MAPPER.writeValueAsString(event));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

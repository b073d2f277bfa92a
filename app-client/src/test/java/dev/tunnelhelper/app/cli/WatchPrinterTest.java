package dev.tunnelhelper.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.app.PeerView;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WatchPrinterTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final HelperStatus downloading = HelperStatus.newBuilder()
            .setState(SessionState.SESSION_STATE_DOWNLOADING)
            .build();

    private String text() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static Progress download(long written, long total) {
        return Progress.newBuilder()
                .setStage(ProgressStage.PROGRESS_STAGE_DOWNLOADING)
                .setBytesWritten(written)
                .setBytesTotal(total)
                .build();
    }

    @Test
    void plainOutputIsOneLinePerEventAndNoCarriageReturns() {
        WatchPrinter p = new WatchPrinter(new PrintStream(buf, true, StandardCharsets.UTF_8), false, false, clock);
        p.onSnapshot(downloading, PeerView.Snapshot.EMPTY);
        p.onProgress(download(0, 2048));
        p.onProgress(download(2048, 2048));
        p.onStatus(HelperStatus.newBuilder()
                .setState(SessionState.SESSION_STATE_RUNNING)
                .build());
        String out = text();
        assertTrue(out.contains("subscribed: DOWNLOADING"), out);
        assertTrue(out.contains("progress downloading ["), out);
        assertTrue(out.contains("100% 2.0 KiB / 2.0 KiB"), out);
        assertTrue(out.contains("status RUNNING"), out);
        assertTrue(!out.contains("\r"), "no in-place redraw off a terminal");
    }

    @Test
    void terminalOutputRedrawsTheBarInPlace() {
        WatchPrinter p = new WatchPrinter(new PrintStream(buf, true, StandardCharsets.UTF_8), false, true, clock);
        p.onProgress(download(512, 2048));
        p.onProgress(download(1024, 2048));
        p.finish();
        String out = text();
        assertEquals(2, out.split("\r", -1).length - 1, out);
        assertTrue(out.contains(" 50% 1.0 KiB / 2.0 KiB"), out);
        assertTrue(out.endsWith("\n"), "the bar is ended so the prompt starts clean");
    }

    @Test
    void peerUpdatesNameAddedAndDeletedAgents() {
        WatchPrinter p = new WatchPrinter(new PrintStream(buf, true, StandardCharsets.UTF_8), false, false, clock);
        PeerView view = new PeerView();
        Workspace ws = Workspace.newBuilder()
                .setId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
                .setName("ws0")
                .build();
        p.onSnapshot(
                downloading,
                view.reset(PeerUpdate.newBuilder().addUpsertedWorkspaces(ws).build()));
        Agent extra = Agent.newBuilder()
                .setId(com.google.protobuf.ByteString.copyFrom(
                        new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
                .setName("extra")
                .setWorkspaceId(ws.getId())
                .addIpAddrs("100.100.1.4")
                .build();
        PeerUpdate add = PeerUpdate.newBuilder().addUpsertedAgents(extra).build();
        p.onPeerUpdate(add, view.apply(add));
        PeerUpdate del = PeerUpdate.newBuilder().addDeletedAgents(extra).build();
        p.onPeerUpdate(del, view.apply(del));
        String out = text();
        assertTrue(out.contains("agent extra added 100.100.1.4 -> 1 workspace(s), 1 agent(s)"), out);
        assertTrue(out.contains("agent extra deleted -> 1 workspace(s), 0 agent(s)"), out);
    }

    @Test
    void jsonOutputIsOneObjectPerLine() throws Exception {
        WatchPrinter p = new WatchPrinter(new PrintStream(buf, true, StandardCharsets.UTF_8), true, false, clock);
        p.onSnapshot(downloading, PeerView.Snapshot.EMPTY);
        p.onProgress(download(1, 2));
        p.onDisconnected("helper went away", true);
        String[] lines = text().split("\n");
        assertEquals(3, lines.length);
        assertEquals(
                "snapshot", JsonDocuments.MAPPER.readTree(lines[0]).get("type").asText());
        assertEquals(
                "progress", JsonDocuments.MAPPER.readTree(lines[1]).get("type").asText());
        assertEquals(
                "disconnected",
                JsonDocuments.MAPPER.readTree(lines[2]).get("type").asText());
        assertTrue(JsonDocuments.MAPPER.readTree(lines[2]).get("reconnecting").asBoolean());
    }

    @Test
    void rateIsAverageSinceDownloadStarted() {
        ProgressLine line = new ProgressLine();
        line.describe(download(0, 10 * 1024 * 1024), 0);
        String text = line.describe(download(1024 * 1024, 10 * 1024 * 1024), 1_000_000_000L);
        assertTrue(text.contains("1.0 MiB / 10.0 MiB") && text.contains("1.0 MiB/s"), text);
        assertTrue(line.describe(
                        Progress.newBuilder()
                                .setStage(ProgressStage.PROGRESS_STAGE_VALIDATING)
                                .build(),
                        2)
                .contains("validating"));
    }
}

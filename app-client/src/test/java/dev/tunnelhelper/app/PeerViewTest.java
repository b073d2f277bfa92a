package dev.tunnelhelper.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.Agent;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerViewTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Workspace ws0 = Peers.workspace("ws0", Workspace.Status.RUNNING);
    private final Workspace ws1 = Peers.workspace("ws1", Workspace.Status.RUNNING);
    private final Agent a0 = Peers.agent("a0", "ws0", "100.100.1.2", T0);
    private final Agent a1 = Peers.agent("a1", "ws1", "100.100.2.2", T0);

    private PeerView fullView() {
        PeerView view = new PeerView();
        view.reset(PeerUpdate.newBuilder()
                .addUpsertedWorkspaces(ws0)
                .addUpsertedWorkspaces(ws1)
                .addUpsertedAgents(a0)
                .addUpsertedAgents(a1)
                .build());
        return view;
    }

    @Test
    void resetInstallsTheFullStateInOrder() {
        PeerView.Snapshot s = fullView().snapshot();
        assertEquals(List.of(ws0, ws1), s.workspaces());
        assertEquals(List.of(a0, a1), s.agents());
    }

    @Test
    void resetReplacesEverythingBefore() {
        PeerView view = fullView();
        PeerView.Snapshot s =
                view.reset(PeerUpdate.newBuilder().addUpsertedWorkspaces(ws1).build());
        assertEquals(List.of(ws1), s.workspaces());
        assertTrue(s.agents().isEmpty());
    }

    @Test
    void upsertReplacesByIdWholesaleAndKeepsPosition() {
        PeerView view = fullView();
        Agent moved = a0.toBuilder().clearIpAddrs().addIpAddrs("100.100.9.9").build();
        Workspace stopping =
                ws0.toBuilder().setStatus(Workspace.Status.STOPPING).build();
        PeerView.Snapshot s = view.apply(PeerUpdate.newBuilder()
                .addUpsertedAgents(moved)
                .addUpsertedWorkspaces(stopping)
                .build());
        assertEquals(List.of(moved, a1), s.agents());
        assertEquals(List.of("100.100.9.9"), s.agents().get(0).getIpAddrsList());
        assertEquals(Workspace.Status.STOPPING, s.workspaces().get(0).getStatus());
        assertEquals(2, s.workspaces().size());
    }

    @Test
    void newIdsAreAppended() {
        Agent extra = Peers.agent("extra", "ws0", "100.100.1.4", T0);
        PeerView.Snapshot s = fullView()
                .apply(PeerUpdate.newBuilder().addUpsertedAgents(extra).build());
        assertEquals(List.of(a0, a1, extra), s.agents());
    }

    @Test
    void deletesRemoveByIdEvenWhenTheDeletedCopyDiffers() {
        // The tunnel may send a deleted entry with only some fields filled; the id is what counts.
        Agent idOnly = Agent.newBuilder().setId(a1.getId()).build();
        PeerView.Snapshot s = fullView()
                .apply(PeerUpdate.newBuilder().addDeletedAgents(idOnly).build());
        assertEquals(List.of(a0), s.agents());
    }

    @Test
    void deletingAWorkspaceDoesNotCascadeToItsAgents() {
        PeerView.Snapshot s = fullView()
                .apply(PeerUpdate.newBuilder().addDeletedWorkspaces(ws1).build());
        assertEquals(List.of(ws0), s.workspaces());
        assertEquals(List.of(a0, a1), s.agents());
        assertTrue(s.workspace(ws1.getId()).isEmpty());
    }

    @Test
    void deletesApplyBeforeUpsertsInOneUpdate() {
        Agent replacement = a1.toBuilder().setName("a1-new").build();
        PeerView.Snapshot s = fullView()
                .apply(PeerUpdate.newBuilder()
                        .addDeletedAgents(a1)
                        .addUpsertedAgents(replacement)
                        .build());
        assertEquals(List.of(a0, replacement), s.agents());
    }

    @Test
    void deletingUnknownIdsIsHarmless() {
        Agent ghost = Peers.agent("ghost", "ws9", "100.100.9.2", T0);
        PeerView.Snapshot s =
                fullView().apply(PeerUpdate.newBuilder().addDeletedAgents(ghost).build());
        assertEquals(2, s.agents().size());
    }

    @Test
    void snapshotsDoNotChangeAfterwards() {
        PeerView view = fullView();
        PeerView.Snapshot before = view.snapshot();
        view.apply(PeerUpdate.newBuilder().addDeletedAgents(a0).build());
        assertEquals(2, before.agents().size());
        assertEquals(1, view.snapshot().agents().size());
    }

    @Test
    void agentsOfGroupsByWorkspace() {
        PeerView.Snapshot s = fullView().snapshot();
        assertEquals(List.of(a0), s.agentsOf(ws0.getId()));
        assertEquals(List.of(a1), s.agentsOf(ws1.getId()));
    }
}

package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.app.Names;
import dev.tunnelhelper.app.PeerView;
import dev.tunnelhelper.app.PeersTable;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.protocol.helper.PeerState;
import java.time.Instant;
import picocli.CommandLine.Model.CommandSpec;

final class PeersCommand extends HelperCommand {
    static CommandSpec spec() {
        return new PeersCommand().declare("peers", "Show the tunnel's workspaces and agents.");
    }

    @Override
    public Integer call() throws Exception {
        try (HelperClient client = connect()) {
            PeerState state = client.peerState();
            PeerView.Snapshot peers = new PeerView().reset(state.getPeers());
            Instant now = Instant.now();
            if (json.json()) {
                System.out.println(
                        JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.peers(state.getStatus(), peers, now)));
            } else {
                System.out.println("helper: " + StatusText.oneLine(state.getStatus()));
                if (peers.agents().isEmpty() && peers.workspaces().isEmpty()) {
                    System.out.println(
                            "no peers (" + Names.state(state.getStatus().getState()) + ")");
                } else {
                    System.out.print(PeersTable.render(peers, now));
                }
            }
        }
        return ExitCodes.OK;
    }
}

package dev.tunnelhelper.app;

import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.vpn.Workspace;

/** Enum values as shown to people and in JSON: without the protobuf prefix, e.g. {@code RUNNING}. */
public final class Names {
    private Names() {}

    public static String state(SessionState s) {
        return strip(s.name(), "SESSION_STATE_");
    }

    public static String stage(ProgressStage s) {
        return strip(s.name(), "PROGRESS_STAGE_");
    }

    public static String workspaceStatus(Workspace.Status s) {
        return s.name();
    }

    private static String strip(String name, String prefix) {
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }
}

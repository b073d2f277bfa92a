package dev.tunnelhelper.helper.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.helper.session.SessionStatus;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.SessionState;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The app endpoint's view of the session (docs/protocol.md §2.3): each phase is the wire state
 * of the same name, every field of the status is carried, and a progress stage follows exactly
 * the phases that have one of their own.
 */
class WireStatusTest {

    @Test
    void everyPhaseIsTheWireStateOfTheSameName() {
        for (SessionPhase phase : SessionPhase.values()) {
            assertEquals(SessionState.valueOf("SESSION_STATE_" + phase.name()), WireStatus.state(phase), phase.name());
        }
    }

    @Test
    void theStatusCarriesEveryFieldAndTheHelpersVersion() {
        HelperStatus wire = WireStatus.of(
                new SessionStatus(
                        SessionPhase.RUNNING, "last failure", true, "1.2", "https://coder.example.com", "2.20.0"),
                "0.1.0");
        assertEquals(
                HelperStatus.newBuilder()
                        .setState(SessionState.SESSION_STATE_RUNNING)
                        .setErrorMessage("last failure")
                        .setSignatureValidationDisabled(true)
                        .setHelperVersion("0.1.0")
                        .setTunnelProtocolVersion("1.2")
                        .setAccessUrl("https://coder.example.com")
                        .setServerVersion("2.20.0")
                        .build(),
                wire);
    }

    @Test
    void aProgressStageFollowsOnlyThePhasesThatHaveOne() {
        Map<SessionPhase, ProgressStage> stages = Map.of(
                SessionPhase.FETCHING_INFO, ProgressStage.PROGRESS_STAGE_FETCHING_INFO,
                SessionPhase.VALIDATING, ProgressStage.PROGRESS_STAGE_VALIDATING,
                SessionPhase.SPAWNING, ProgressStage.PROGRESS_STAGE_STARTING_TUNNEL);
        for (SessionPhase phase : SessionPhase.values()) {
            assertEquals(Optional.ofNullable(stages.get(phase)), WireStatus.stageOnEntering(phase), phase.name());
        }
    }
}

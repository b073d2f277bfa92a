package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.PeerIdentity;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Who may use which endpoint, from the kernel's credentials alone (no root needed to check the
 * rule: the credentials are values here; DaemonProcessTest and HostileLocalUserTest show the
 * helper applying it to real connections).
 */
class AccessPolicyTest {
    private static final long HELPER_UID = 990;
    private static final long ALLOWED_UID = 1001;
    private static final long ALLOWED_GID = 2002;

    private static PeerIdentity peer(long uid, long gid, long... supplementaryGids) {
        return new PeerIdentity(
                uid,
                gid,
                4242,
                java.util.Arrays.stream(supplementaryGids).boxed().toList());
    }

    private final AccessPolicy extension = AccessPolicy.extension(HELPER_UID);
    private final AccessPolicy app = AccessPolicy.app(HELPER_UID, Set.of(ALLOWED_UID), Set.of(ALLOWED_GID));

    @Test
    void rootAndTheHelpersOwnUserMayUseBothEndpoints() {
        for (AccessPolicy policy : List.of(extension, app)) {
            assertEquals(Optional.empty(), policy.refusal(peer(0, 0)));
            assertEquals(Optional.empty(), policy.refusal(peer(HELPER_UID, 5000)));
        }
    }

    @Test
    void theExtensionEndpointRefusesEveryoneElseEvenUsersAndGroupsAllowedOnTheAppEndpoint() {
        assertEquals(
                Optional.of("uid 1001 (gid 100) may not use the network-extension endpoint"),
                extension.refusal(peer(ALLOWED_UID, 100)));
        assertTrue(extension.refusal(peer(3000, ALLOWED_GID)).isPresent(), "a primary gid allowed for apps");
        assertTrue(extension.refusal(peer(3000, 100, ALLOWED_GID)).isPresent(), "a supplementary gid allowed for apps");
        assertTrue(extension.refusal(peer(65534, 65534)).isPresent());
    }

    @Test
    void theAppEndpointAdmitsAnAllowedUidWhateverItsGroups() {
        assertEquals(Optional.empty(), app.refusal(peer(ALLOWED_UID, 100)));
    }

    @Test
    void theAppEndpointAdmitsAnAllowedGroupAsPrimaryOrSupplementaryGid() {
        assertEquals(Optional.empty(), app.refusal(peer(3000, ALLOWED_GID)));
        assertEquals(Optional.empty(), app.refusal(peer(3001, 100, 7, ALLOWED_GID)));
    }

    @Test
    void theAppEndpointRefusesOthersNamingUidGidAndTheEndpoint() {
        assertEquals(
                Optional.of("uid 3000 (gid 100) may not use the app endpoint"), app.refusal(peer(3000, 100, 7, 8)));
        assertTrue(
                app.refusal(peer(ALLOWED_UID + 1, ALLOWED_GID + 1)).isPresent(),
                "neighbours of allowed ids are not allowed");
    }

    @Test
    void withNothingConfiguredOnlyRootAndTheHelperMayUseTheAppEndpoint() {
        AccessPolicy closed = AccessPolicy.app(HELPER_UID, Set.of(), Set.of());
        assertEquals(Optional.empty(), closed.refusal(peer(0, 0)));
        assertEquals(Optional.empty(), closed.refusal(peer(HELPER_UID, HELPER_UID)));
        assertTrue(closed.refusal(peer(1000, 1000, 1000)).isPresent());
    }

    /** XPC: the team requirement (checked by XPC before this) admits the app; no gid exists (-1). */
    @Test
    void overXpcAnyUsersAppIsAdmittedUnlessUidsAreConfiguredOnTop() {
        AccessPolicy anyone = AccessPolicy.xpcApp(HELPER_UID, Set.of());
        assertEquals(Optional.empty(), anyone.refusal(peer(5000, -1)), "a normal user's team-signed app");
        AccessPolicy narrowed = AccessPolicy.xpcApp(HELPER_UID, Set.of(ALLOWED_UID));
        assertEquals(Optional.empty(), narrowed.refusal(peer(ALLOWED_UID, -1)));
        assertEquals(Optional.empty(), narrowed.refusal(peer(0, -1)));
        assertEquals(Optional.empty(), narrowed.refusal(peer(HELPER_UID, -1)));
        assertTrue(narrowed.refusal(peer(5000, -1)).isPresent(), "uids configured are a check on top");
    }
}

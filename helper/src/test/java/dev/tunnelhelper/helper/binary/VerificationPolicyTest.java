package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerificationPolicyTest {

    private static final HostPlatform LINUX = new HostPlatform("linux", "amd64");
    private static final HostPlatform MAC = new HostPlatform("darwin", "arm64");
    private static final String HASH = "ab".repeat(32);

    @TempDir
    Path tmp;

    private static AcquisitionException refused(VerificationSettings settings, HostPlatform platform, boolean disable) {
        AcquisitionException e =
                assertThrows(AcquisitionException.class, () -> VerificationPolicy.build(settings, platform, disable));
        assertEquals(Step.SIGNATURE, e.step());
        return e;
    }

    @Test
    void nothingConfiguredIsAnErrorNeverVerifyNothing() {
        AcquisitionException e = refused(VerificationSettings.none(), LINUX, false);
        assertTrue(e.getMessage().startsWith("no binary verification is configured"), e.getMessage());
    }

    @Test
    void disablingNeedsBothTheConfigurationAndTheRequest() throws Exception {
        AcquisitionException e = refused(VerificationSettings.pinnedSha256(List.of(HASH)), LINUX, true);
        assertTrue(
                e.getMessage().contains("does not allow it (verification.allowDisablingSignatureValidation is off)"),
                e.getMessage());

        VerificationSettings allowing =
                VerificationSettings.pinnedSha256(List.of(HASH)).withAllowDisablingSignatureValidation(true);
        assertEquals(
                false,
                VerificationPolicy.build(allowing, LINUX, false).signatureValidationDisabled(),
                "allowing alone does not disable anything");
        VerificationPolicy disabled = VerificationPolicy.build(allowing, LINUX, true);
        assertTrue(disabled.signatureValidationDisabled());
        assertEquals(List.of(), disabled.verifiers());
    }

    @Test
    void codeSignatureModeIsRefusedOffMacAndBuiltOnMac() throws Exception {
        VerificationSettings mac = VerificationSettings.macCodeSignature(null, "4399GN35BJ");
        assertTrue(refused(mac, LINUX, false).getMessage().contains("this host is linux-amd64"));
        VerificationPolicy policy = VerificationPolicy.build(mac, MAC, false);
        assertTrue(policy.verifiers().get(0) instanceof MacCodeSignatureVerifier);
        assertTrue(policy.fingerprint().contains("id=com.coder.cli;team=4399GN35BJ"), policy.fingerprint());
        assertTrue(refused(VerificationSettings.macCodeSignature(null, null), MAC, false)
                .getMessage()
                .contains("team identifier is required"));
    }

    @Test
    void anUnreadableOrWrongKeyFileIsAnError() throws Exception {
        Path missing = tmp.resolve("missing.pem");
        assertTrue(refused(VerificationSettings.ed25519(List.of(missing)), LINUX, false)
                .getMessage()
                .contains("cannot load the pinned Ed25519 key " + missing));
        Path notAKey = Files.writeString(tmp.resolve("garbage.pem"), "hello");
        assertTrue(refused(VerificationSettings.ed25519(List.of(notAKey)), LINUX, false)
                .getMessage()
                .contains("holds no PEM 'PUBLIC KEY' block"));
        Path rsa = tmp.resolve("rsa.pem");
        byte[] spki = java.security.KeyPairGenerator.getInstance("RSA")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        Files.writeString(
                rsa,
                "-----BEGIN PUBLIC KEY-----\n"
                        + java.util.Base64.getMimeEncoder().encodeToString(spki) + "\n-----END PUBLIC KEY-----\n");
        assertTrue(refused(VerificationSettings.ed25519(List.of(rsa)), LINUX, false)
                .getMessage()
                .contains("is not an Ed25519 public key"));
    }

    @Test
    void malformedPinsAreRejected() {
        assertTrue(refused(VerificationSettings.pinnedSha256(List.of("abc")), LINUX, false)
                .getMessage()
                .contains("is not 64 hex digits"));
    }

    @Test
    void differentPinsAreDifferentPoliciesForTheCache() throws Exception {
        String a = VerificationPolicy.build(VerificationSettings.pinnedSha256(List.of(HASH)), LINUX, false)
                .fingerprint();
        String b = VerificationPolicy.build(VerificationSettings.pinnedSha256(List.of("cd".repeat(32))), LINUX, false)
                .fingerprint();
        assertNotEquals(a, b);
    }
}

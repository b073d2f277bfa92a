import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Run with a freshly linked image's java: proves the service-loaded pieces jdeps cannot see are
 * present — Ed25519 and EC (SunEC lives in jdk.crypto.ec on JDK 17, not java.base), TLS 1.3 and
 * the default trust anchors an https deployment's certificate is checked against. Exits non-zero
 * with the missing piece named.
 */
public final class RuntimeSelfCheck {
    public static void main(String[] args) throws Exception {
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(ed.getPrivate());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(
                new java.security.spec.X509EncodedKeySpec(ed.getPublic().getEncoded())));
        verifier.update(new byte[] {1, 2, 3});
        if (!verifier.verify(signature)) {
            throw new IllegalStateException("Ed25519 verification failed");
        }
        KeyPairGenerator.getInstance("EC").generateKeyPair();
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, null, null);
        if (tls.createSSLEngine().getEnabledCipherSuites().length == 0) {
            throw new IllegalStateException("TLS has no cipher suites");
        }
        // The key exchange TLS 1.3 servers prefer; also from SunEC.
        javax.crypto.KeyAgreement.getInstance("X25519");
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((java.security.KeyStore) null);
        X509TrustManager anchors = (X509TrustManager) trust.getTrustManagers()[0];
        if (anchors.getAcceptedIssuers().length == 0) {
            throw new IllegalStateException("the image has no default trust anchors (lib/security/cacerts)");
        }
        System.out.println("runtime self-check ok: Ed25519, EC, TLSv1.3 (x25519), "
                + anchors.getAcceptedIssuers().length + " default trust anchors");
    }
}

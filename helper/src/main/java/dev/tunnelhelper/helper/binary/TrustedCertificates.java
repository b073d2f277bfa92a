package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust for talking to the deployment: the JDK's default anchors, plus an operator's
 * own CA when configured. The extra CA is added, never substituted, so a deployment with a
 * public certificate keeps working when an internal CA is configured too.
 */
final class TrustedCertificates {

    private TrustedCertificates() {}

    static SSLContext sslContext(Optional<Path> extraCaPem) throws IOException {
        try {
            if (extraCaPem.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int n = 0;
            for (X509Certificate cert : defaultTrustManager().getAcceptedIssuers()) {
                anchors.setCertificateEntry("default-" + n++, cert);
            }
            Collection<? extends Certificate> extra = readCertificates(extraCaPem.get());
            int e = 0;
            for (Certificate cert : extra) {
                anchors.setCertificateEntry("extra-" + e++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException ex) {
            throw new IOException("cannot set up TLS trust: " + ex.getMessage(), ex);
        }
    }

    private static Collection<? extends Certificate> readCertificates(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("extra CA file " + pem + " holds no certificate");
            }
            return certs;
        } catch (java.security.cert.CertificateException ex) {
            throw new IOException("extra CA file " + pem + " is not a PEM certificate: " + ex.getMessage(), ex);
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JDK has no default X.509 trust manager");
    }
}

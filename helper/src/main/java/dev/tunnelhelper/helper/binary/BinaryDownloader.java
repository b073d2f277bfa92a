package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.protocol.PeerText;
import dev.tunnelhelper.shim.digest.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the binary into a temp file of the {@link BinaryDirectory}: conditional on the
 * installed file's SHA-1 (the deployment's ETag), streamed, hashed (SHA-256; SHA-1 only when the
 * response's ETag does not state it) and fed to the verifiers' check as it arrives (gunzipped on
 * the fly when compressed), capped in size, checked against the announced length, and fsynced
 * (written back while it streams: {@link WriteBehind}). The temp file is deleted on every failure.
 */
final class BinaryDownloader {

    /** Starts the verifiers' check once the server has answered 200, before the first byte is read. */
    @FunctionalInterface
    interface CheckStart {
        BinaryCheck begin() throws AcquisitionException;
    }

    private static final Logger log = LoggerFactory.getLogger(BinaryDownloader.class);
    private static final int BUFFER = 64 * 1024;

    private final DeploymentHttp http;
    private final long maxBytes;

    BinaryDownloader(DeploymentHttp http, long maxBytes) {
        this.http = http;
        this.maxBytes = maxBytes;
    }

    DownloadOutcome download(
            URI url,
            List<OperatorHeader> headers,
            Optional<String> installedSha1,
            BinaryDirectory directory,
            String name,
            AcquisitionListener progress,
            CheckStart checkStart)
            throws AcquisitionException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("Accept-Encoding", "gzip");
        installedSha1.ifPresent(sha1 -> extra.put("If-None-Match", "\"" + sha1 + "\""));
        try (OpenResponse response = http.get(url, headers, extra)) {
            if (response.status() == 304) {
                if (installedSha1.isEmpty()) {
                    throw download(url + " answered 304 Not Modified to an unconditional request");
                }
                return new DownloadOutcome.NotModified();
            }
            if (response.status() != 200) {
                throw download("binary request to " + response.uri() + " answered HTTP " + response.status()
                        + response.errorSnippet());
            }
            return receive(response, directory, name, progress, checkStart);
        } catch (TransferException e) {
            throw new AcquisitionException(Step.DOWNLOAD, "download failed: " + e.getMessage(), e);
        }
    }

    private DownloadOutcome receive(
            OpenResponse response,
            BinaryDirectory directory,
            String name,
            AcquisitionListener progress,
            CheckStart checkStart)
            throws AcquisitionException, TransferException {
        boolean gzip = isGzip(response);
        OptionalLong contentLength = response.longHeader("Content-Length");
        OptionalLong originalLength = response.longHeader("X-Original-Content-Length");
        OptionalLong announced = gzip ? originalLength : contentLength;
        if (announced.isPresent() && announced.getAsLong() > maxBytes) {
            throw download(response.uri() + " announces " + announced.getAsLong() + " bytes, more than the limit of "
                    + maxBytes);
        }
        if (contentLength.isPresent() && contentLength.getAsLong() > maxBytes) {
            throw download(response.uri() + " announces a body of " + contentLength.getAsLong()
                    + " bytes, more than the limit of " + maxBytes);
        }
        long total = announced.orElse(-1);
        BinaryCheck check = checkStart.begin();

        BinaryDirectory.TempFile temp = directory.createTemp(name);
        boolean complete = false;
        try {
            FileHashes hashes = stream(
                    response,
                    gzip,
                    contentLength,
                    temp,
                    check,
                    new ProgressThrottle(progress, total, System::nanoTime));
            if (gzip && originalLength.isPresent() && originalLength.getAsLong() != hashes.size()) {
                throw download("the decompressed binary from " + response.uri() + " has " + hashes.size()
                        + " bytes, but the server announced " + originalLength.getAsLong());
            }
            complete = true;
            log.atInfo()
                    .setMessage("binary downloaded")
                    .addKeyValue("url", response.uri())
                    .addKeyValue("bytes", hashes.size())
                    .addKeyValue("gzip", gzip)
                    .addKeyValue("sha256", hashes.sha256())
                    .addKeyValue("digests", Digests.system().engine())
                    .log();
            return new DownloadOutcome.Downloaded(temp.path(), hashes, check);
        } finally {
            closeQuietly(temp);
            if (!complete) {
                directory.deleteQuietly(temp.path());
            }
        }
    }

    private FileHashes stream(
            OpenResponse response,
            boolean gzip,
            OptionalLong contentLength,
            BinaryDirectory.TempFile temp,
            BinaryCheck check,
            ProgressThrottle progress)
            throws AcquisitionException, TransferException {
        BodyStream wire = response.body();
        FileHasher hasher = new FileHasher(check, response.etagSha1());
        WriteBehind disk = new WriteBehind(temp.channel());
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = gzip ? new GZIPInputStream(wire, BUFFER) : wire;
            progress.update(0);
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (hasher.size() + n > maxBytes) {
                    throw download(response.uri() + " sent more than the limit of " + maxBytes + " bytes"
                            + (gzip ? " (decompressed)" : ""));
                }
                if (contentLength.isPresent() && wire.received() > contentLength.getAsLong()) {
                    throw download(response.uri() + " sent more than the " + contentLength.getAsLong()
                            + " bytes it announced");
                }
                hasher.update(buffer, 0, n);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    temp.channel().write(chunk);
                }
                disk.wrote(n);
                progress.update(hasher.size());
            }
            if (contentLength.isPresent() && wire.received() != contentLength.getAsLong()) {
                throw download(response.uri() + " ended the body after " + wire.received() + " of the "
                        + contentLength.getAsLong() + " bytes it announced");
            }
            disk.finish();
        } catch (TransferException e) {
            throw e;
        } catch (ZipException | java.io.EOFException e) {
            throw download("the gzip body from " + response.uri() + " is corrupt or truncated: " + e.getMessage());
        } catch (IOException e) {
            throw new AcquisitionException(
                    Step.STORAGE,
                    "cannot write the download to " + temp.path() + ": " + e.getMessage() + spaceLeft(temp.path()),
                    e);
        }
        progress.finish(hasher.size());
        return hasher.finish();
    }

    /** What an operator needs when the disk is full: which file system, and how much room it has left. */
    private static String spaceLeft(Path file) {
        try {
            FileStore store = Files.getFileStore(file.getParent());
            return " (the file system " + store + " holding " + file.getParent() + " has " + store.getUsableSpace()
                    + " bytes free)";
        } catch (IOException e) {
            return "";
        }
    }

    /** The raw 64-byte detached signature at {@code <binary url>.sig}; small, so read whole. */
    byte[] fetchSignature(URI signatureUrl, List<OperatorHeader> headers) throws IOException {
        try (OpenResponse response = http.get(signatureUrl, headers, Map.of())) {
            if (response.status() != 200) {
                throw new TransferException("no signature at " + response.uri() + " (HTTP " + response.status() + ")");
            }
            byte[] signature = response.body().readNBytes(1025);
            if (signature.length > 1024) {
                throw new TransferException("the signature at " + signatureUrl + " is larger than 1024 bytes");
            }
            return signature;
        }
    }

    private static boolean isGzip(OpenResponse response) throws TransferException {
        Optional<String> encoding = response.headers().firstValue("Content-Encoding");
        if (encoding.isEmpty()
                || encoding.get().isBlank()
                || encoding.get().trim().equalsIgnoreCase("identity")) {
            return false;
        }
        if (encoding.get().trim().toLowerCase(Locale.ROOT).equals("gzip")) {
            return true;
        }
        throw new TransferException(
                response.uri() + " used an unsupported Content-Encoding '" + PeerText.of(encoding.get()) + "'");
    }

    private static void closeQuietly(BinaryDirectory.TempFile temp) {
        try {
            temp.channel().close();
        } catch (IOException e) {
            log.atDebug()
                    .setMessage("closing temp file failed")
                    .addKeyValue("path", temp.path())
                    .setCause(e)
                    .log();
        }
    }

    private static AcquisitionException download(String message) {
        return new AcquisitionException(Step.DOWNLOAD, message);
    }
}

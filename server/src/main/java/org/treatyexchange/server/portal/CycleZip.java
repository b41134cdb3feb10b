package org.treatyexchange.server.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.Semaphore;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.SecretariatDesk;

/**
 * A reporting cycle as one zip, the same files as {@code scripts/admin export-cycle} writes: {@code index.json} (signed
 * by the server in {@code index.json.p7s}) and each filing's document under its index path. Built in memory (the
 * documents are decrypted, so never in a temporary file): a cycle larger than {@link #MAX_BYTES} is refused with a
 * pointer to the CLI, which streams to disk, and one export is built at a time, so a few impatient clicks cannot
 * hold several cycles in the heap at once.
 */
final class CycleZip {

    static final long MAX_BYTES = 256L * 1024 * 1024;
    /** Held while an export is built (one server per JVM in production; tests hold it to stand for a running export). */
    static final Semaphore BUILDING = new Semaphore(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private CycleZip() {
    }

    static byte[] of(SecretariatDesk desk, Caller caller, String reportType, String period) throws Refusal {
        if (!BUILDING.tryAcquire()) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "another reporting cycle's export is being prepared; try again in a minute");
        }
        try {
            return build(desk, caller, reportType, period);
        } finally {
            BUILDING.release();
        }
    }

    private static byte[] build(SecretariatDesk desk, Caller caller, String reportType, String period) throws Refusal {
        SecretariatDesk.SignedIndex index = desk.cycleIndex(caller, reportType, period); // audited: cycle.exported
        try {
            JsonNode filings = JSON.readTree(index.json()).path("filings");
            long total = 0;
            for (JsonNode f : filings) {
                total += f.path("size").asLong();
            }
            if (total > MAX_BYTES) {
                throw new Refusal(Refusal.Reason.TOO_LARGE, "the cycle's documents are larger than the browser export allows; use scripts/admin export-cycle");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                put(zip, "index.json", index.json());
                put(zip, "index.json.p7s", index.signature());
                for (JsonNode f : filings) {
                    zip.putNextEntry(new ZipEntry(f.path("path").asText()));
                    try (SeekableByteChannel doc = desk.openDocument(caller, f.path("id").asText()); // each audited as a download
                            InputStream in = Channels.newInputStream(doc)) {
                        in.transferTo(zip);
                    }
                    zip.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the export could not be written", e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}

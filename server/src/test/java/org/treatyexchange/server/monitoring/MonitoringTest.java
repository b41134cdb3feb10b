package org.treatyexchange.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * The health and metrics listener of a real server: live and ready, a readiness check that fails names
 * itself with 503, and after a flow (a report filed over SFTP, a refused one, a release, API calls) the
 * Prometheus scrape carries each series with its value, and no label carries a document name or a State.
 */
class MonitoringTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    @TempDir
    static Path tmp;

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return get(exchange.server().monitoringPort(), path);
    }

    /** The value of one series, e.g. {@code exchange_filings_total{channel="sftp"}}; fails when absent. */
    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    static void put(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theListenerIsOnLoopbackAndAnswersLiveAndReady() throws Exception {
        assertThat(exchange.server().monitoringPort()).isPositive();
        HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"ready\"").contains("\"database\":\"ok\"").contains("\"blobStore\":\"ok\"")
                .contains("\"freeSpace\":\"ok\"").contains("\"keystore\":\"ok\"");
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exchange.server().monitoringPort() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        // bound to loopback only: another local address of this machine does not answer
        java.net.InetAddress other = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst().orElseThrow();
        assertThatThrownBy(() -> new java.net.Socket(other, exchange.server().monitoringPort()).close())
                .isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void readinessFailsWithTheNameOfTheCheckWhenTheDiskIsBelowTheMinimum(@TempDir Path home) throws Exception {
        try (TestExchange starved = TestExchange.start(home, c -> c.withMonitoring(
                new ServerConfig.Monitoring(true, "127.0.0.1", 0, Long.MAX_VALUE / 2)))) {
            HttpResponse<String> ready = get(starved.server().monitoringPort(), "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"not-ready\"").contains("\"failed\":[\"freeSpace\"]")
                    .contains("below monitoring.minFreeSpace").contains("\"database\":\"ok\"");
            assertThat(get(starved.server().monitoringPort(), "/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aScrapeAfterAFlowCountsFilingsRefusalsReleasesAndApiCallsWithoutNamingADocument() throws Exception {
        String before = get("/metrics").body();
        double commitsBefore = value(before, "exchange_store_commit_seconds_count");

        put("arcadia-officer", "/submit/annual-report/states-parties/Zeta-Secret-Plan.pdf", "the annual report");
        String filings = exchange.admin("filings");
        String id = filings.lines().filter(l -> l.endsWith(" Zeta-Secret-Plan.pdf")).findFirst().orElseThrow().split(" ")[0];
        assertThatThrownBy(() -> put("borealia-officer", "/submit/points-of-contact/secretariat/Zeta-Contacts.json", "not json"))
                .isInstanceOf(java.io.IOException.class);
        assertThat(exchange.admin("release", id)).startsWith("0\n");
        Path out = tmp.resolve("inbox.json");
        assertThat(exchange.curl("arcadia-system", out, exchange.apiUrl("/inbox")).output().strip()).isEqualTo("200");

        HttpResponse<String> scrape = get("/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        String m = scrape.body();
        assertThat(value(m, "exchange_filings_total{channel=\"sftp\"}")).isEqualTo(1.0);
        assertThat(value(m, "exchange_refusals_total{channel=\"sftp\",event=\"filing.refused\",reason=\"invalid-content\"}")).isEqualTo(1.0);
        assertThat(value(m, "exchange_release_decisions_total{decision=\"released\"}")).isEqualTo(1.0);
        assertThat(value(m, "exchange_api_responses_total{status=\"200\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(m, "exchange_store_commit_seconds_count")).isGreaterThan(commitsBefore);
        assertThat(value(m, "exchange_store_commit_batch_count")).isEqualTo(value(m, "exchange_store_commit_seconds_count"));
        assertThat(value(m, "exchange_store_commit_batch_sum")).isGreaterThanOrEqualTo(value(m, "exchange_store_commit_batch_count"));
        assertThat(value(m, "exchange_blob_sync_seconds_count")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(m, "exchange_sftp_sessions")).isZero(); // every session above is closed
        assertThat(value(m, "exchange_uploads_in_flight")).isZero();
        assertThat(value(m, "exchange_disk_free_bytes")).isEqualTo((double) Files.getFileStore(exchange.home()).getUsableSpace(),
                org.assertj.core.data.Offset.offset(1e9));
        String lastSeq = exchange.admin("verify-audit");
        assertThat(value(m, "exchange_audit_chain_length")).isGreaterThan(5.0);
        assertThat(value(m, "jvm_threads_live_threads")).isPositive();
        assertThat(m).contains("jvm_memory_used_bytes{");

        // labels carry fixed vocabularies only: no document name, no State, no account, no filing id
        for (String secret : java.util.List.of("Zeta", "Secret-Plan", "Contacts", "ARC", "BOR", "arcadia", "borealia", id)) {
            assertThat(m).as("the scrape names %s (verify-audit: %s)", secret, lastSeq).doesNotContain(secret);
        }
        Matcher labels = Pattern.compile("(?m)^exchange_[a-z_]*\\{([^}]*)\\}").matcher(m); // the JVM's own labels name memory pools
        while (labels.find()) {
            for (String pair : labels.group(1).split(",(?=[a-z_]+=)")) {
                assertThat(pair).matches("[a-z_]+=\"[A-Za-z0-9_.\\- ]*\"");
            }
        }
    }
}

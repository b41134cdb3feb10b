package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * {@code scripts/admin demo-totp ACCOUNT}: with the demo on it prints the demo person's current code (the
 * one their secret in demo/accounts.json gives); with {@code demo.enabled: false} it is refused, exit code 4,
 * saying why: a real person's second factor is never printed.
 */
class DemoTotpTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    @TempDir
    Path tmp;

    @Test
    void theDemoPrintsTheCurrentCodeOfADemoPerson() throws Exception {
        PortalLogin.Person p = PortalLogin.person(exchange, "calvera-officer");
        long before = PortalLogin.step(Instant.now());
        String out = exchange.admin("demo-totp", "calvera-officer");
        long after = PortalLogin.step(Instant.now());
        assertThat(out).startsWith("0\n");
        String code = out.lines().skip(1).findFirst().orElseThrow();
        assertThat(code).matches("[0-9]{6}").isIn(PortalLogin.code(p.totpSecret(), before), PortalLogin.code(p.totpSecret(), after));
        assertThat(exchange.admin("demo-totp", "nobody-at-all")).startsWith("5\n");
        assertThat(PortalLogin.auditLines(exchange, "admin.demo-totp", "calvera-officer")).isNotEmpty()
                .allMatch(l -> !l.contains(code));
    }

    @Test
    void withoutTheDemoItIsRefusedWithExitCodeFour() throws Exception {
        // the shipped registry without its demo keys and passwords (its accounts disabled: they have no other key)
        Path registry = TestExchange.copyShippedRegistry(tmp.resolve("registry.yaml"));
        Files.writeString(registry, Files.readString(registry).replace("    demoPassword: true\n", "").replace("    demoKey: true\n",
                "    disabled: true\n"));
        try (TestExchange off = TestExchange.start(tmp.resolve("home"), c -> new ServerConfig(c.home(), registry,
                new ServerConfig.Demo(false), c.sftp(), c.api(), c.limits(), c.storage(), c.database(), c.keys(), c.admin(),
                List.copyOf(c.reportTypes()), c.portal()))) {
            String out = off.admin("demo-totp", "arcadia-officer");
            assertThat(out).startsWith("4\n").contains("demo.enabled");
            assertThat(off.home().resolve("demo").resolve("accounts.json")).doesNotExist();
        }
    }
}

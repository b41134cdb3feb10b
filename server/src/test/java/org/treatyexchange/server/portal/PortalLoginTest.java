package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;

/** People log in to the portal with password and TOTP over HTTPS, against one real server. */
class PortalLoginTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    @Test
    void aDemoPersonLogsInWithPasswordAndCodeAndSeesTheirArea() throws Exception {
        PortalLogin.Session s = PortalLogin.login(exchange, "secretariat");
        HttpResponse<String> page = s.get("/secretariat/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as secretariat", "id=\"secretariat-placeholder\"");
    }
}

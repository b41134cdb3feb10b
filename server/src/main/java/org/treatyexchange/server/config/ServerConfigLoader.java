package org.treatyexchange.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.config.ServerConfig.Admin;
import org.treatyexchange.server.config.ServerConfig.Algorithms;
import org.treatyexchange.server.config.ServerConfig.Api;
import org.treatyexchange.server.config.ServerConfig.Demo;
import org.treatyexchange.server.config.ServerConfig.Keys;
import org.treatyexchange.server.config.ServerConfig.Limits;
import org.treatyexchange.server.config.ServerConfig.Lockout;
import org.treatyexchange.server.config.ServerConfig.PerSource;
import org.treatyexchange.server.config.ServerConfig.ReportType;
import org.treatyexchange.server.config.ServerConfig.Sftp;
import org.treatyexchange.server.config.ServerConfig.Storage;
import org.treatyexchange.server.config.ServerConfig.Database;
import org.treatyexchange.server.config.ServerConfig.Tls;

/**
 * Loads and validates {@code config/server.yaml}. Everything is checked here, at start-up, so
 * that a misconfiguration stops the server with a message naming the file, the key and the fix
 * instead of surfacing at first use.
 */
public final class ServerConfigLoader {
    private static final Pattern REPORT_TYPE_ID = Pattern.compile("[a-z0-9-]{1,40}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOSTNAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    // Server certificate names: lower case, as certificates compare them and as browsers print them.
    private static final Pattern DNS_NAME = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern MONTH_DAY = Pattern.compile("\\d{2}-\\d{2}");
    /** Deliberately plain: one {@code @}, no white space, no angle brackets or commas that could add a recipient. */
    private static final Pattern MAIL_ADDRESS = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,253}");
    private static final Pattern PORTAL_URL = Pattern.compile("https://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?");
    private static final long MAX_FILE_SIZE = 1L << 40;
    private static final long MAX_QUOTA = 1L << 50;

    private ServerConfigLoader() {}

    /**
     * Reads and validates a server configuration file. An empty file yields
     * {@link ServerConfig#defaults()}.
     *
     * @throws ConfigException naming the file, the dotted key, the problem and the fix
     */
    public static ServerConfig load(Path file) throws ConfigException {
        ConfigNode root = ConfigNode.read(file).requireKeys(
                "home", "registry", "demo", "sftp", "api", "limits", "storage", "store", "keys", "admin", "reportTypes", "portal", "audit", "monitoring",
                "release", "receipts", "notifications", "delegation");
        ServerConfig d = ServerConfig.defaults();
        Sftp sftp = sftp(root.get("sftp"));
        return new ServerConfig(
                root.get("home").path(d.home()),
                root.get("registry").path(d.registryFile()),
                demo(root.get("demo")),
                sftp,
                api(root.get("api"), sftp),
                limits(root.get("limits")),
                storage(root.get("storage")).withObjectStore(objectStore(root.get("store").get("blobs"))),
                store(root.get("store")),
                keys(root.get("keys")),
                admin(root.get("admin")),
                reportTypes(root.get("reportTypes")),
                portal(root.get("portal"), sftp, root.get("api").get("enabled").bool(ServerConfig.Api.DEFAULTS.enabled())
                        ? root.get("api").get("port").integer(ServerConfig.Api.DEFAULTS.port(), 0, 65535) : -1),
                audit(root.get("audit")),
                monitoring(root.get("monitoring")),
                release(root.get("release")),
                receipts(root.get("receipts")),
                notifications(root.get("notifications")),
                delegation(root.get("delegation")));
    }

    /** {@code release.fourEyes.levels}: the levels whose release needs a second secretariat person; none by default. */
    private static ServerConfig.Release release(ConfigNode n) throws ConfigException {
        n.requireKeys("fourEyes");
        ConfigNode fourEyes = n.get("fourEyes");
        fourEyes.requireKeys("levels");
        ConfigNode levelsNode = fourEyes.get("levels");
        java.util.Set<ConfidentialityLevel> levels = new java.util.HashSet<>();
        for (String name : levelsNode.texts(List.of())) {
            levels.add(ConfidentialityLevel.fromWireName(name).orElseThrow(() -> levelsNode.error("unknown level '" + name
                    + "'; list some of public, states-parties, named, secretariat (or leave the list empty for no four-eyes)")));
        }
        return new ServerConfig.Release(levels);
    }

    /** {@code delegation}: the approval policy per action of a State administrator; revocations are not configurable. */
    private static ServerConfig.Delegation delegation(ConfigNode n) throws ConfigException {
        n.requireKeys("approval", "invitationLifetime", "certificateValidity");
        ConfigNode approval = n.get("approval");
        approval.requireKeys("invite", "registerCertificate", "registerSshKey", "addSystemAccount", "reinstate");
        ServerConfig.Delegation d = ServerConfig.Delegation.DEFAULTS;
        return new ServerConfig.Delegation(policy(approval.get("invite"), d.inviteNeedsApproval()),
                policy(approval.get("registerCertificate"), d.certificateNeedsApproval()),
                policy(approval.get("registerSshKey"), d.sshKeyNeedsApproval()),
                policy(approval.get("addSystemAccount"), d.systemAccountNeedsApproval()),
                policy(approval.get("reinstate"), d.reinstateNeedsApproval()),
                n.get("invitationLifetime").duration(d.invitationLifetime(), Duration.ofHours(1), Duration.ofDays(30)),
                n.get("certificateValidity").duration(d.certificateValidity(), Duration.ofDays(1), Duration.ofDays(825)));
    }

    /** {@code secretariat} (pending its approval) or {@code immediate}. */
    private static boolean policy(ConfigNode n, boolean dflt) throws ConfigException {
        if (!n.isPresent()) {
            return dflt;
        }
        String text = n.text();
        return switch (text) {
            case "secretariat" -> true;
            case "immediate" -> false;
            default -> throw n.error("'" + text + "' must be secretariat (pending the secretariat's approval) or immediate");
        };
    }

    /** {@code notifications}: off unless {@code smtp} is given. */
    private static ServerConfig.Notifications notifications(ConfigNode n) throws ConfigException {
        n.requireKeys("smtp", "secretariat", "portalUrl", "reminderDays", "maxAttempts", "retryBackoff", "pollInterval");
        ServerConfig.Notifications d = ServerConfig.Notifications.OFF;
        List<String> secretariat = new ArrayList<>();
        ConfigNode secretariatNode = n.get("secretariat");
        for (String address : secretariatNode.texts(List.of())) {
            if (!MAIL_ADDRESS.matcher(address).matches()) {
                throw secretariatNode.error("'" + address + "' is not an e-mail address such as registry@secretariat.example.org");
            }
            secretariat.add(address);
        }
        ConfigNode urlNode = n.get("portalUrl");
        Optional<String> portalUrl = Optional.empty();
        if (urlNode.isPresent()) {
            String url = urlNode.text();
            if (!PORTAL_URL.matcher(url).matches()) {
                throw urlNode.error("'" + url + "' must be the portal's https address without a path, e.g. https://exchange.example.org");
            }
            portalUrl = Optional.of(url);
        }
        List<Integer> days = new ArrayList<>();
        ConfigNode daysNode = n.get("reminderDays");
        if (daysNode.isPresent()) {
            for (ConfigNode day : daysNode.elements()) {
                days.add(day.integer(0, 1, 365));
            }
        } else {
            days.addAll(d.reminderDays());
        }
        return new ServerConfig.Notifications(smtp(n.get("smtp")), secretariat, portalUrl, days,
                n.get("maxAttempts").integer(d.maxAttempts(), 1, 100),
                n.get("retryBackoff").duration(d.retryBackoff(), Duration.ofSeconds(1), Duration.ofHours(1)),
                n.get("pollInterval").duration(d.pollInterval(), Duration.ofSeconds(1), Duration.ofHours(1)));
    }

    private static Optional<ServerConfig.Smtp> smtp(ConfigNode n) throws ConfigException {
        if (!n.isPresent()) {
            return Optional.empty();
        }
        n.requireKeys("host", "port", "sender", "security", "credentialsFileEnv", "trustCertificate", "timeout");
        ConfigNode hostNode = n.get("host");
        String host = hostNode.text();
        if (!isValidBind(host)) {
            throw hostNode.error("'" + host + "' must be a host name or an IP address, e.g. smtp.example.org");
        }
        ConfigNode senderNode = n.get("sender");
        String sender = senderNode.text();
        if (!MAIL_ADDRESS.matcher(sender).matches()) {
            throw senderNode.error("'" + sender + "' is not an e-mail address such as exchange@secretariat.example.org");
        }
        ConfigNode securityNode = n.get("security");
        String security = securityNode.text("starttls");
        ServerConfig.SmtpSecurity mode = switch (security) {
            case "starttls" -> ServerConfig.SmtpSecurity.STARTTLS;
            case "tls" -> ServerConfig.SmtpSecurity.TLS;
            case "none" -> ServerConfig.SmtpSecurity.NONE;
            default -> throw securityNode.error("'" + security + "' must be starttls (the default), tls or none");
        };
        ConfigNode trustNode = n.get("trustCertificate");
        return Optional.of(new ServerConfig.Smtp(host, n.get("port").integer(mode == ServerConfig.SmtpSecurity.TLS ? 465 : 587, 1, 65535),
                sender, mode, envName(n.get("credentialsFileEnv"), ServerConfig.Smtp.DEFAULT_CREDENTIALS_FILE_ENV),
                trustNode.isPresent() ? Optional.of(trustNode.path(null)) : Optional.empty(),
                n.get("timeout").duration(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10))));
    }

    private static ServerConfig.Monitoring monitoring(ConfigNode n) throws ConfigException {
        n.requireKeys("enabled", "bind", "port", "minFreeSpace");
        ServerConfig.Monitoring d = ServerConfig.Monitoring.DEFAULTS;
        ConfigNode bindNode = n.get("bind");
        String bind = bindNode.text(d.bind());
        checkBind(bindNode, bind);
        return new ServerConfig.Monitoring(n.get("enabled").bool(d.enabled()), bind, n.get("port").integer(d.port(), 0, 65535),
                n.get("minFreeSpace").bytes(d.minFreeSpace(), 0, 1L << 50));
    }

    private static ServerConfig.Receipts receipts(ConfigNode n) throws ConfigException {
        n.requireKeys("timestamping");
        ConfigNode t = n.get("timestamping");
        t.requireKeys("urls", "certificates", "timeout", "retryInterval", "maxRetryInterval", "maxAttempts");
        ServerConfig.Timestamping d = ServerConfig.Timestamping.OFF;
        List<java.net.URI> urls = new java.util.ArrayList<>();
        ConfigNode urlsNode = t.get("urls");
        for (String u : urlsNode.texts(List.of())) {
            try {
                urls.add(new java.net.URI(u));
            } catch (java.net.URISyntaxException e) {
                throw urlsNode.error("'" + u + "' is not a URL; write http://HOST[:PORT]/PATH or https://…");
            }
        }
        try {
            return new ServerConfig.Receipts(new ServerConfig.Timestamping(urls, t.get("certificates").paths(List.of()),
                    t.get("timeout").duration(d.timeout(), java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(30)),
                    t.get("retryInterval").duration(d.retryInterval(), java.time.Duration.ofMillis(100), java.time.Duration.ofDays(1)),
                    t.get("maxRetryInterval").duration(d.maxRetryInterval(), java.time.Duration.ofMillis(100), java.time.Duration.ofDays(1)),
                    t.get("maxAttempts").integer(d.maxAttempts(), 1, 1000)));
        } catch (IllegalArgumentException e) {
            throw t.error(e.getMessage());
        }
    }

    /** Only the interval: starting on a broken chain is a command-line decision, never a setting left in a file. */
    private static ServerConfig.Audit audit(ConfigNode n) throws ConfigException {
        n.requireKeys("checkpointInterval");
        return new ServerConfig.Audit(n.get("checkpointInterval").duration(ServerConfig.Audit.DEFAULTS.checkpointInterval(),
                java.time.Duration.ofMinutes(1), java.time.Duration.ofDays(1)), false);
    }

    private static ServerConfig.Portal portal(ConfigNode n, Sftp sftp, int apiPort) throws ConfigException {
        n.requireKeys("enabled", "bind", "port", "maxHeaderSize", "maxFormSize", "readTimeout", "executorThreads", "sessionIdle",
                "sessionAbsolute");
        ServerConfig.Portal d = ServerConfig.Portal.DEFAULTS;
        boolean enabled = n.get("enabled").bool(d.enabled());
        ConfigNode bindNode = n.get("bind");
        String bind = bindNode.text(d.bind());
        checkBind(bindNode, bind);
        ConfigNode portNode = n.get("port");
        int port = portNode.integer(d.port(), 0, 65535);
        if (enabled && port != 0 && (port == sftp.port() || port == apiPort)) {
            throw portNode.error("must differ from sftp.port and api.port; two listeners cannot share a port");
        }
        Duration idle = n.get("sessionIdle").duration(d.sessionIdle(), Duration.ofMinutes(1), Duration.ofHours(24));
        ConfigNode absoluteNode = n.get("sessionAbsolute");
        Duration absolute = absoluteNode.duration(d.sessionAbsolute(), Duration.ofMinutes(1), Duration.ofDays(7));
        if (absolute.compareTo(idle) < 0) {
            throw absoluteNode.error("must be at least portal.sessionIdle (" + idle + ")");
        }
        return new ServerConfig.Portal(
                enabled,
                bind,
                port,
                (int) n.get("maxHeaderSize").bytes(d.maxHeaderSize(), 1 << 10, 1 << 20),
                (int) n.get("maxFormSize").bytes(d.maxFormSize(), 1 << 10, 1 << 20),
                n.get("readTimeout").duration(d.readTimeout(), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                n.get("executorThreads").integer(d.executorThreads(), 1, 256),
                idle,
                absolute);
    }

    private static Demo demo(ConfigNode n) throws ConfigException {
        n.requireKeys("enabled");
        return new Demo(n.get("enabled").bool(Demo.DEFAULTS.enabled()));
    }

    private static Sftp sftp(ConfigNode n) throws ConfigException {
        n.requireKeys("bind", "port", "authTimeout", "idleTimeout", "maxUnauthenticatedConnections", "hostKeys",
                "algorithms", "lockout", "passwordAuthentication", "perSource");
        Sftp d = Sftp.DEFAULTS;
        ConfigNode bindNode = n.get("bind");
        String bind = bindNode.text(d.bind());
        checkBind(bindNode, bind);
        ConfigNode hostKeysNode = n.get("hostKeys");
        List<Path> hostKeys = hostKeysNode.paths(d.hostKeys());
        if (hostKeys.isEmpty()) {
            throw hostKeysNode.error("must list at least one host key file, e.g. keys/ssh_host_ed25519_key");
        }
        requireUnique(hostKeysNode, hostKeys.stream().map(Path::toString).toList());
        int maxUnauthenticated = n.get("maxUnauthenticatedConnections").integer(d.maxUnauthenticatedConnections(), 1, 10_000);
        return new Sftp(
                bind,
                n.get("port").integer(d.port(), 0, 65535),
                n.get("authTimeout").duration(d.authTimeout(), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                n.get("idleTimeout").duration(d.idleTimeout(), Duration.ofSeconds(10), Duration.ofHours(24)),
                maxUnauthenticated,
                hostKeys,
                algorithms(n.get("algorithms")),
                lockout(n.get("lockout")),
                n.get("passwordAuthentication").bool(d.passwordAuthentication()),
                perSource(n.get("perSource"), maxUnauthenticated));
    }

    private static PerSource perSource(ConfigNode n, int maxUnauthenticated) throws ConfigException {
        n.requireKeys("maxUnauthenticatedConnections", "connectionsPerSecond", "connectionBurst");
        PerSource d = PerSource.DEFAULTS;
        ConfigNode maxNode = n.get("maxUnauthenticatedConnections");
        int max = maxNode.integer(Math.min(d.maxUnauthenticatedConnections(), maxUnauthenticated), 1, 10_000);
        if (max > maxUnauthenticated) {
            throw maxNode.error("is " + max + ", more than sftp.maxUnauthenticatedConnections (" + maxUnauthenticated
                    + "): one address could then take every slot; lower it");
        }
        return new PerSource(max,
                n.get("connectionsPerSecond").integer(d.connectionsPerSecond(), 1, 10_000),
                n.get("connectionBurst").integer(d.connectionBurst(), 1, 100_000));
    }

    private static Lockout lockout(ConfigNode n) throws ConfigException {
        n.requireKeys("maxFailures", "window", "duration");
        Lockout d = Lockout.DEFAULTS;
        return new Lockout(
                n.get("maxFailures").integer(d.maxFailures(), 1, 1000),
                n.get("window").duration(d.window(), Duration.ofSeconds(1), Duration.ofHours(24)),
                n.get("duration").duration(d.duration(), Duration.ofSeconds(1), Duration.ofHours(24)));
    }

    private static Api api(ConfigNode n, Sftp sftp) throws ConfigException {
        n.requireKeys("enabled", "bind", "port", "maxHeaderSize", "maxEnvelopeSize", "maxDocuments",
                "requestsPerMinute", "idleTimeout", "readTimeout", "clockSkew", "executorThreads", "tls", "serverNames", "minDataRate",
                "maxConnectionsPerClient");
        Api d = Api.DEFAULTS;
        boolean enabled = n.get("enabled").bool(d.enabled());
        ConfigNode bindNode = n.get("bind");
        String bind = bindNode.text(d.bind());
        checkBind(bindNode, bind);
        ConfigNode portNode = n.get("port");
        int port = portNode.integer(d.port(), 0, 65535);
        if (enabled && port != 0 && port == sftp.port()) {
            throw portNode.error("must differ from sftp.port (" + sftp.port() + "); the two listeners cannot share "
                    + "a port");
        }
        return new Api(
                enabled,
                bind,
                port,
                (int) n.get("maxHeaderSize").bytes(d.maxHeaderSize(), 1 << 10, 1 << 20),
                (int) n.get("maxEnvelopeSize").bytes(d.maxEnvelopeSize(), 1 << 10, 16 << 20),
                n.get("maxDocuments").integer(d.maxDocuments(), 0, 1024),
                n.get("requestsPerMinute").integer(d.requestsPerMinute(), 1, 100_000),
                n.get("idleTimeout").duration(d.idleTimeout(), Duration.ofSeconds(1), Duration.ofHours(24)),
                n.get("readTimeout").duration(d.readTimeout(), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                n.get("clockSkew").duration(d.clockSkew(), Duration.ofSeconds(10), Duration.ofHours(24)),
                n.get("executorThreads").integer(d.executorThreads(), 1, 256),
                tls(n.get("tls")),
                serverNames(n.get("serverNames"), d.serverNames()),
                n.get("minDataRate").bytes(d.minDataRate(), 1, 1L << 30),
                n.get("maxConnectionsPerClient").integer(d.maxConnectionsPerClient(), 1, 10_000));
    }

    private static Tls tls(ConfigNode n) throws ConfigException {
        n.requireKeys("protocols", "cipherSuites");
        Tls d = Tls.DEFAULTS;
        ConfigNode protocolsNode = n.get("protocols");
        List<String> protocols = tlsList(protocolsNode, d.protocols(), Tls.ALLOWED_PROTOCOLS, "TLS protocol");
        ConfigNode suitesNode = n.get("cipherSuites");
        List<String> suites = tlsList(suitesNode, d.cipherSuites(), Tls.ALLOWED_CIPHER_SUITES, "cipher suite");
        boolean tls13Suite = suites.stream().anyMatch(Tls.TLS13_CIPHER_SUITES::contains);
        boolean tls12Suite = suites.stream().anyMatch(s -> !Tls.TLS13_CIPHER_SUITES.contains(s));
        if (protocols.contains("TLSv1.3") && !tls13Suite) {
            throw suitesNode.error("lists no TLS 1.3 suite (" + String.join(", ", Tls.TLS13_CIPHER_SUITES)
                    + ") but api.tls.protocols offers TLSv1.3");
        }
        if (protocols.contains("TLSv1.2") && !tls12Suite) {
            throw suitesNode.error("lists no TLS 1.2 suite (TLS_ECDHE_...) but api.tls.protocols offers TLSv1.2; "
                    + "add one or offer only TLSv1.3");
        }
        return new Tls(protocols, suites);
    }

    private static List<String> tlsList(ConfigNode n, List<String> dflt, List<String> allowed, String what)
            throws ConfigException {
        if (!n.isPresent()) {
            return dflt;
        }
        List<ConfigNode> elements = n.elements();
        if (elements.isEmpty()) {
            throw n.error("must list at least one " + what + "; remove the key to use the defaults");
        }
        List<String> names = new ArrayList<>();
        for (ConfigNode element : elements) {
            String name = element.text().strip();
            String weakness = tlsWeakness(name);
            if (weakness != null) {
                throw element.error("'" + name + "' is refused: " + weakness + "; use " + String.join(", ", dflt));
            }
            if (!allowed.contains(name)) {
                throw element.error("'" + name + "' is not an allowed " + what + "; allowed: " + String.join(", ", allowed));
            }
            names.add(name);
        }
        requireUnique(n, names);
        return names;
    }

    /** Why a TLS protocol or cipher suite name is known to be weak, or null if it is not on the list. */
    static String tlsWeakness(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("SSLV")) {
            return "SSL is broken (POODLE, RFC 7568)";
        }
        if (n.equals("TLSV1") || n.equals("TLSV1.0") || n.equals("TLSV1.1")) {
            return "TLS 1.0 and 1.1 are deprecated (RFC 8996)";
        }
        if (n.contains("NULL")) {
            return "no encryption";
        }
        if (n.contains("_ANON_")) {
            return "anonymous key exchange, no server authentication";
        }
        if (n.contains("EXPORT")) {
            return "export-grade key sizes";
        }
        if (n.contains("RC4")) {
            return "RC4";
        }
        if (n.contains("3DES") || n.contains("_DES_")) {
            return "64-bit block cipher (Sweet32)";
        }
        if (n.startsWith("TLS_RSA_") || n.startsWith("SSL_RSA_")) {
            return "RSA key exchange, no forward secrecy";
        }
        if (n.contains("_DHE_")) {
            return "finite-field DHE key exchange (slow, weak groups in the wild)";
        }
        if (n.contains("_CBC_")) {
            return "CBC mode (padding-oracle attacks)";
        }
        if (n.endsWith("_SHA") || n.contains("SHA1")) {
            return "SHA-1";
        }
        return null;
    }

    private static List<String> serverNames(ConfigNode n, List<String> dflt) throws ConfigException {
        if (!n.isPresent()) {
            return dflt;
        }
        List<ConfigNode> elements = n.elements();
        if (elements.isEmpty()) {
            throw n.error("must list at least one DNS name for the server certificate, e.g. localhost");
        }
        List<String> names = new ArrayList<>();
        for (ConfigNode element : elements) {
            String name = element.text().strip();
            if (name.length() > 253 || !DNS_NAME.matcher(name).matches() || IPV4.matcher(name).matches()) {
                throw element.error("'" + name + "' is not a lower-case DNS name such as exchange.example.org");
            }
            names.add(name);
        }
        requireUnique(n, names);
        return List.copyOf(names);
    }

    private static void checkBind(ConfigNode n, String bind) throws ConfigException {
        if (!isValidBind(bind)) {
            throw n.error("'" + bind + "' is not an IP address or host name; use e.g. 127.0.0.1, ::1 or 0.0.0.0");
        }
    }

    /** Whether {@code bind} is an IPv4 or IPv6 literal or a syntactically valid host name (no DNS lookup). */
    static boolean isValidBind(String bind) {
        if (IPV4.matcher(bind).matches()) {
            for (String octet : bind.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (bind.indexOf(':') >= 0) {
            try {
                // A string containing ':' is parsed as an IPv6 literal, never looked up in DNS.
                InetAddress.getByName(bind);
                return true;
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return bind.length() <= 253 && HOSTNAME.matcher(bind).matches();
    }

    private static Algorithms algorithms(ConfigNode n) throws ConfigException {
        n.requireKeys("kex", "ciphers", "macs", "hostKeyAlgorithms", "publicKeyAlgorithms");
        Algorithms d = Algorithms.DEFAULTS;
        return new Algorithms(
                algorithmList(n.get("kex"), d.kex(), Algorithms.ALLOWED_KEX, "key exchange"),
                algorithmList(n.get("ciphers"), d.ciphers(), Algorithms.ALLOWED_CIPHERS, "cipher"),
                algorithmList(n.get("macs"), d.macs(), Algorithms.ALLOWED_MACS, "MAC"),
                algorithmList(n.get("hostKeyAlgorithms"), d.hostKeyAlgorithms(),
                        Algorithms.ALLOWED_HOST_KEY_ALGORITHMS, "host key algorithm"),
                algorithmList(n.get("publicKeyAlgorithms"), d.publicKeyAlgorithms(),
                        Algorithms.ALLOWED_PUBLIC_KEY_ALGORITHMS, "public key algorithm"));
    }

    private static List<String> algorithmList(ConfigNode n, List<String> dflt, List<String> allowed, String what)
            throws ConfigException {
        if (!n.isPresent()) {
            return dflt;
        }
        List<ConfigNode> elements = n.elements();
        if (elements.isEmpty()) {
            throw n.error("must list at least one " + what + "; remove the key to use the defaults");
        }
        List<String> names = new ArrayList<>();
        for (ConfigNode element : elements) {
            String name = element.text().strip();
            String weakness = weakness(name);
            if (weakness != null) {
                throw element.error("'" + name + "' is a weak algorithm (" + weakness + ") and is refused; use "
                        + String.join(", ", dflt));
            }
            if (!allowed.contains(name)) {
                throw element.error("'" + name + "' is not an allowed " + what + "; allowed: "
                        + String.join(", ", allowed));
            }
            names.add(name);
        }
        requireUnique(n, names);
        return names;
    }

    /** Why an SSH algorithm name is known to be weak, or null if it is not on the list. */
    static String weakness(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("none")) {
            return "no encryption or integrity";
        }
        if (n.contains("sha1")) {
            return "SHA-1";
        }
        if (n.contains("md5")) {
            return "MD5";
        }
        if (n.contains("cbc")) {
            return "CBC mode";
        }
        if (n.contains("arcfour") || n.contains("rc4")) {
            return "RC4";
        }
        if (n.contains("3des") || n.contains("blowfish")) {
            return "64-bit block cipher";
        }
        if (n.equals("ssh-rsa") || n.startsWith("ssh-rsa-cert")) {
            return "RSA with SHA-1 signatures";
        }
        if (n.startsWith("ssh-dss")) {
            return "DSA";
        }
        if (n.contains("nistp")) {
            return "NIST P-curve";
        }
        if (n.startsWith("diffie-hellman-group1-")) {
            return "1024-bit group";
        }
        return null;
    }

    private static Limits limits(ConfigNode n) throws ConfigException {
        n.requireKeys("maxFileSize", "accountQuota", "maxOpenHandles", "maxSessionsPerAccount", "maxFileNameLength",
                "maxConcurrentUploadsPerAccount", "freeSpaceReserve", "refusalNoticeRetention");
        Limits d = Limits.DEFAULTS;
        long maxFileSize = n.get("maxFileSize").bytes(d.maxFileSize(), 1, MAX_FILE_SIZE);
        ConfigNode quotaNode = n.get("accountQuota");
        long accountQuota = quotaNode.bytes(d.accountQuota(), 1, MAX_QUOTA);
        if (accountQuota < maxFileSize) {
            throw quotaNode.error("must be at least limits.maxFileSize (" + ConfigNode.formatSize(maxFileSize)
                    + "), otherwise a file of the allowed size could never be stored; got "
                    + ConfigNode.formatSize(accountQuota));
        }
        return new Limits(
                maxFileSize,
                accountQuota,
                n.get("maxOpenHandles").integer(d.maxOpenHandles(), 1, 4096),
                n.get("maxSessionsPerAccount").integer(d.maxSessionsPerAccount(), 1, 1024),
                // 255 bytes is the file-name limit of the common file systems the store may use.
                n.get("maxFileNameLength").integer(d.maxFileNameLength(), 1, 255),
                n.get("maxConcurrentUploadsPerAccount").integer(d.maxConcurrentUploadsPerAccount(), 1, 4096),
                n.get("freeSpaceReserve").bytes(d.freeSpaceReserve(), 0, MAX_QUOTA),
                n.get("refusalNoticeRetention").duration(d.refusalNoticeRetention(), Duration.ofHours(1), Duration.ofDays(366)));
    }

    private static Storage storage(ConfigNode n) throws ConfigException {
        n.requireKeys("segmentSize", "fsync");
        Storage d = Storage.DEFAULTS;
        return new Storage(
                (int) n.get("segmentSize").bytes(d.segmentSize(), Storage.MIN_SEGMENT_SIZE, Storage.MAX_SEGMENT_SIZE),
                n.get("fsync").bool(d.fsync()));
    }

    /** {@code store}: where the metadata lives ({@code database}). */
    private static Database store(ConfigNode n) throws ConfigException {
        n.requireKeys("database", "blobs");
        ConfigNode db = n.get("database");
        db.requireKeys("url", "user", "sslMode", "sslRootCert", "passwordFileEnv", "poolSize");
        Database d = Database.DEFAULTS;
        ConfigNode urlNode = db.get("url");
        String url = urlNode.textOrEmpty(d.url());
        String urlProblem = databaseUrlProblem(url);
        if (urlProblem != null) {
            throw urlNode.error(urlProblem);
        }
        ConfigNode userNode = db.get("user");
        String user = userNode.textOrEmpty(d.user());
        String userProblem = databaseUserProblem(user);
        if (userProblem != null) {
            throw userNode.error(userProblem);
        }
        ConfigNode modeNode = db.get("sslMode");
        String mode = modeNode.text(d.sslMode());
        String modeProblem = sslModeProblem(mode);
        if (modeProblem != null) {
            throw modeNode.error(modeProblem);
        }
        ConfigNode rootNode = db.get("sslRootCert");
        Path root = null;
        String rootText = rootNode.textOrEmpty("");
        if (!rootText.isEmpty()) {
            root = rootNode.path(null).toAbsolutePath().normalize();
            String rootProblem = sslRootCertProblem(root);
            if (rootProblem != null) {
                throw rootNode.error(rootProblem);
            }
        }
        return new Database(url, user, mode, root, envName(db.get("passwordFileEnv"), d.passwordFileEnv()),
                db.get("poolSize").integer(d.poolSize(), 1, 100));
    }

    /** {@code store.blobs}: the object store the documents go to, when not the home's blob directory. */
    private static ServerConfig.ObjectStore objectStore(ConfigNode n) throws ConfigException {
        n.requireKeys("url", "endpoint", "region", "credentialsFileEnv", "partSize", "orphanGrace");
        ServerConfig.ObjectStore d = ServerConfig.ObjectStore.NONE;
        ConfigNode urlNode = n.get("url");
        String url = urlNode.textOrEmpty(d.url());
        String urlProblem = objectStoreUrlProblem(url);
        if (urlProblem != null) {
            throw urlNode.error(urlProblem);
        }
        ConfigNode endpointNode = n.get("endpoint");
        String endpoint = endpointNode.textOrEmpty(d.endpoint());
        String endpointProblem = objectStoreEndpointProblem(endpoint);
        if (endpointProblem != null) {
            throw endpointNode.error(endpointProblem);
        }
        ConfigNode regionNode = n.get("region");
        String region = regionNode.text(d.region());
        String regionProblem = objectStoreRegionProblem(region);
        if (regionProblem != null) {
            throw regionNode.error(regionProblem);
        }
        return new ServerConfig.ObjectStore(url, endpoint, region, envName(n.get("credentialsFileEnv"), d.credentialsFileEnv()),
                (int) n.get("partSize").bytes(d.partSize(), ServerConfig.ObjectStore.MIN_PART_SIZE, ServerConfig.ObjectStore.MAX_PART_SIZE),
                n.get("orphanGrace").duration(d.orphanGrace(), Duration.ofMinutes(10), Duration.ofDays(30)));
    }

    private static final Pattern OBJECT_STORE_URL = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[A-Za-z0-9!_.*'()/-]{0,512})?");

    /** What is wrong with a {@code store.blobs.url} (or {@code EXCHANGE_BLOB_STORE}), with the fix; null if nothing. */
    public static String objectStoreUrlProblem(String url) {
        if (url.isEmpty() || OBJECT_STORE_URL.matcher(url).matches() && !url.substring("s3://".length()).contains("//")
                && !url.contains("/../") && !url.endsWith("/..")) {
            return null;
        }
        return "must be empty (the blob directory under the home) or s3://BUCKET[/PREFIX] with a bucket name of 3-63 lower-case "
                + "letters, digits, '.' and '-', and a prefix of plain key characters";
    }

    /** What is wrong with a {@code store.blobs.endpoint} (or {@code EXCHANGE_S3_ENDPOINT}), with the fix; null if nothing. */
    public static String objectStoreEndpointProblem(String endpoint) {
        if (endpoint.isEmpty()) {
            return null;
        }
        try {
            java.net.URI u = new java.net.URI(endpoint);
            if (("https".equals(u.getScheme()) || "http".equals(u.getScheme()) && isLoopback(u.getHost())) && u.getHost() != null
                    && u.getUserInfo() == null && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))
                    && u.getQuery() == null) {
                return null;
            }
        } catch (java.net.URISyntaxException e) {
            // answered below
        }
        return "must be empty (AWS's endpoint of the region) or https://HOST[:PORT] without user, path or query; plain http only to "
                + "a loopback address (the documents are encrypted, but the credentials' signatures and object names are not)";
    }

    private static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    /** What is wrong with a signing region, or null. */
    public static String objectStoreRegionProblem(String region) {
        return region.matches("[a-z0-9][a-z0-9-]{0,62}") ? null : "must be a region name such as us-east-1 or eu-central-1";
    }

    /** URL parameters the operator may set; everything else either belongs to a key of its own or loads code. */
    static final Set<String> DATABASE_URL_PARAMETERS = Set.of("currentSchema", "ApplicationName", "connectTimeout", "socketTimeout",
            "loginTimeout", "tcpKeepAlive", "targetServerType", "loadBalanceHosts", "hostRecheckSeconds");
    private static final Pattern DATABASE_URL = Pattern.compile("jdbc:postgresql://([^/?#]+)/([^/?#]+)(\\?(.*))?");
    private static final Pattern DATABASE_USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,62}");

    /**
     * What is wrong with a {@code store.database.url} (or {@code EXCHANGE_DATABASE_URL}), with the fix; null
     * when it is empty (embedded Derby) or a usable PostgreSQL URL. Never repeats the URL: someone may have
     * put a password in it.
     */
    public static String databaseUrlProblem(String url) {
        if (url.isEmpty()) {
            return null;
        }
        java.util.regex.Matcher m = DATABASE_URL.matcher(url);
        if (!m.matches()) {
            return "must be empty (the embedded Derby database) or a PostgreSQL URL jdbc:postgresql://HOST[:PORT]/DATABASE, "
                    + "e.g. jdbc:postgresql://db.example.org:5432/exchange";
        }
        if (m.group(1).contains("@")) {
            return "must not carry a user or password before the host: set store.database.user (EXCHANGE_DATABASE_USER) and put the "
                    + "password in the file named by EXCHANGE_DATABASE_PASSWORD_FILE";
        }
        String query = m.group(4);
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
                if (name.equalsIgnoreCase("password") || name.equalsIgnoreCase("user")) {
                    return "must not carry '" + name + "': set store.database.user (EXCHANGE_DATABASE_USER) and put the password "
                            + "in the file named by EXCHANGE_DATABASE_PASSWORD_FILE (never in configuration or on a command line)";
                }
                if (name.toLowerCase(java.util.Locale.ROOT).startsWith("ssl")) {
                    return "must not carry '" + name + "': TLS is set by store.database.sslMode and store.database.sslRootCert "
                            + "(EXCHANGE_DATABASE_SSLMODE, EXCHANGE_DATABASE_SSLROOTCERT)";
                }
                if (!DATABASE_URL_PARAMETERS.contains(name)) {
                    return "must not carry the parameter '" + name + "'; allowed are " + new java.util.TreeSet<>(DATABASE_URL_PARAMETERS);
                }
            }
        }
        return null;
    }

    /** What is wrong with a database role name, or null (empty: the driver's default). */
    public static String databaseUserProblem(String user) {
        return user.isEmpty() || DATABASE_USER.matcher(user).matches() ? null
                : "must be a PostgreSQL role name (letters, digits, '_', '-', '.', at most 63), e.g. exchange";
    }

    /** What is wrong with an {@code sslMode} word, or null. */
    public static String sslModeProblem(String mode) {
        return switch (mode) {
            case "verify-full", "verify-ca", "require", "disable" -> null;
            default -> "'" + mode + "' must be verify-full (the default: encrypted, and the server's certificate and name checked), "
                    + "verify-ca, require or disable";
        };
    }

    /** What is wrong with the CA certificate file for the database's TLS, or null. */
    public static String sslRootCertProblem(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return "no readable file " + file + ": give the PEM certificate of the CA that issued the database server's certificate";
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                return file + " holds no certificate: give the PEM certificate of the CA that issued the database server's certificate";
            }
        } catch (java.io.IOException | java.security.cert.CertificateException e) {
            return file + " is not a PEM certificate: give the PEM certificate of the CA that issued the database server's certificate";
        }
        return null;
    }

    private static Keys keys(ConfigNode n) throws ConfigException {
        n.requireKeys("masterKeystore", "receiptKeystore", "receiptCertificate", "caKeystore", "caCertificate",
                "tlsKeystore", "passwordEnv", "passwordFileEnv");
        Keys d = Keys.DEFAULTS;
        ConfigNode passwordEnvNode = n.get("passwordEnv");
        ConfigNode passwordFileEnvNode = n.get("passwordFileEnv");
        String passwordEnv = envName(passwordEnvNode, d.passwordEnv());
        String passwordFileEnv = envName(passwordFileEnvNode, d.passwordFileEnv());
        if (passwordEnv.equals(passwordFileEnv)) {
            throw passwordFileEnvNode.error("must differ from keys.passwordEnv: one variable holds the password, "
                    + "the other the path of a file holding it");
        }
        return new Keys(
                n.get("masterKeystore").path(d.masterKeystore()),
                n.get("receiptKeystore").path(d.receiptKeystore()),
                n.get("receiptCertificate").path(d.receiptCertificate()),
                n.get("caKeystore").path(d.caKeystore()),
                n.get("caCertificate").path(d.caCertificate()),
                n.get("tlsKeystore").path(d.tlsKeystore()),
                passwordEnv,
                passwordFileEnv);
    }

    private static String envName(ConfigNode n, String dflt) throws ConfigException {
        String name = n.text(dflt);
        if (!ENV_NAME.matcher(name).matches()) {
            // Deliberately not echoed: someone may have written the password itself here.
            throw n.error("must be the name of an environment variable (letters, digits and '_', e.g. "
                    + dflt + "), not the password itself");
        }
        return name;
    }

    private static Admin admin(ConfigNode n) throws ConfigException {
        n.requireKeys("socket");
        return new Admin(n.get("socket").path(Admin.DEFAULTS.socket()));
    }

    private static List<ReportType> reportTypes(ConfigNode n) throws ConfigException {
        if (!n.isPresent()) {
            return ReportType.DEFAULTS;
        }
        List<ConfigNode> elements = n.elements();
        if (elements.isEmpty()) {
            throw n.error("must list at least one report type; remove the key to use the defaults");
        }
        List<ReportType> types = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (ConfigNode element : elements) {
            element.requireKeys("id", "name", "defaultLevel", "deadline", "release", "cycleYears", "firstYear", "monthsAfterEntryIntoForce",
                    "fulfils");
            ConfigNode idNode = element.get("id");
            String id = idNode.text();
            if (!REPORT_TYPE_ID.matcher(id).matches()) {
                throw idNode.error("'" + id + "' must be 1 to 40 lower-case letters, digits or '-', e.g. annual-report");
            }
            String previous = seen.putIfAbsent(id, idNode.key());
            if (previous != null) {
                throw idNode.error("'" + id + "' is already used by " + previous + "; report type ids must be unique");
            }
            types.add(new ReportType(id, element.get("name").text(), defaultLevel(element.get("defaultLevel")),
                    deadline(element.get("deadline")), releaseOnReceipt(element.get("release")), schedule(element)));
        }
        for (int i = 0; i < types.size(); i++) {
            Optional<String> fulfils = types.get(i).schedule().fulfils();
            if (fulfils.isPresent() && (fulfils.get().equals(types.get(i).id()) || types.stream().noneMatch(t -> t.id().equals(fulfils.get())))) {
                throw elements.get(i).get("fulfils").error("'" + fulfils.get() + "' must be the id of another report type");
            }
        }
        return List.copyOf(types);
    }

    /** The obligations calendar of one report type, beyond its yearly deadline. */
    private static ServerConfig.Schedule schedule(ConfigNode element) throws ConfigException {
        ServerConfig.Schedule d = ServerConfig.Schedule.YEARLY;
        ConfigNode fulfils = element.get("fulfils");
        ConfigNode months = element.get("monthsAfterEntryIntoForce");
        int cycle = element.get("cycleYears").integer(d.cycleYears(), 1, 10);
        if (cycle > 1 && !element.get("deadline").isPresent()) {
            throw element.get("cycleYears").error("needs a deadline (MM-DD): the report on each cycle is due on it in the year after");
        }
        return new ServerConfig.Schedule(cycle, element.get("firstYear").integer(d.firstYear(), 1900, 9999),
                months.integer(0, 0, 120), fulfils.isPresent() ? Optional.of(fulfils.text()) : Optional.empty());
    }

    /** {@code after-review} (the default: the secretariat releases) or {@code on-receipt}. */
    private static boolean releaseOnReceipt(ConfigNode n) throws ConfigException {
        if (!n.isPresent()) {
            return false;
        }
        String text = n.text();
        if (text.equals("after-review")) {
            return false;
        }
        if (text.equals("on-receipt")) {
            return true;
        }
        throw n.error("'" + text + "' must be after-review or on-receipt");
    }

    private static ConfidentialityLevel defaultLevel(ConfigNode n) throws ConfigException {
        if (!n.isPresent()) {
            return ConfidentialityLevel.SECRETARIAT; // fail closed
        }
        String text = n.text();
        Optional<ConfidentialityLevel> level = ConfidentialityLevel.fromWireName(text);
        if (level.isEmpty() || level.get() == ConfidentialityLevel.NAMED) {
            throw n.error("'" + text + "' must be public, states-parties or secretariat"
                    + (level.isPresent() ? " (named needs a list of States, which only a State's standing "
                            + "instruction can give)" : ""));
        }
        return level.get();
    }

    private static Optional<MonthDay> deadline(ConfigNode n) throws ConfigException {
        if (!n.isPresent()) {
            return Optional.empty();
        }
        String text = n.text();
        try {
            if (MONTH_DAY.matcher(text).matches()) {
                return Optional.of(MonthDay.parse("--" + text));
            }
        } catch (DateTimeException e) {
            // fall through to the common message
        }
        throw n.error("'" + text + "' must be a month and day written MM-DD, e.g. 05-31 for 31 May");
    }

    private static void requireUnique(ConfigNode n, List<String> values) throws ConfigException {
        Set<String> seen = new HashSet<>();
        for (String v : values) {
            if (!seen.add(v)) {
                throw n.error("lists '" + v + "' twice");
            }
        }
    }
}

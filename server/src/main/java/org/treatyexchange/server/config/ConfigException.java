package org.treatyexchange.server.config;

import java.nio.file.Path;

/**
 * A configuration file is wrong. The message names the file, the key and what to do, e.g.
 * {@code config/server.yaml: sftp.port: must be 0..65535, got 70000}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String key;

    public ConfigException(Path file, String key, String problem) {
        super(file + ": " + key + ": " + problem);
        this.file = file;
        this.key = key;
    }

    public Path file() {
        return file;
    }

    public String key() {
        return key;
    }
}

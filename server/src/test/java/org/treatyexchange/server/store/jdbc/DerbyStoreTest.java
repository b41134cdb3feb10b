package org.treatyexchange.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.Stores;

/** What only the embedded Derby database has: files of its own under the home. */
class DerbyStoreTest {

    @TempDir
    Path temp;

    @Test
    void noDerbyLogInTheWorkingDirectoryAndFilesAreOwnerOnly() throws Exception {
        Path dbDir = temp.resolve("data").resolve("db");
        try (Store store = Stores.derby(dbDir)) {
            assertThat(store.durabilityWeakness()).isEmpty();
        }
        assertThat(Path.of("derby.log")).doesNotExist();
        assertThat(dbDir.resolve("derby.log")).doesNotExist();
        if (dbDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            try (var files = Files.walk(dbDir)) {
                for (Path p : files.toList()) {
                    var perms = Files.getPosixFilePermissions(p);
                    assertThat(perms).as(dbDir.relativize(p).toString())
                            .noneMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"));
                }
            }
        }
    }
}

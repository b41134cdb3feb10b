package org.treatyexchange.server.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;

/** The data directory: created owner-only; a directory other users can write is refused at start-up. */
class ExchangeHomeTest {

    @TempDir
    Path tmp;

    @Test
    void aNewHomeAndItsFoldersAreOwnerOnly() throws Exception {
        ExchangeHome home = ExchangeHome.open(tmp.resolve("fresh"));
        for (Path dir : new Path[] {home.root(), home.keyDir(), home.blobDir(), home.runDir(), home.logDir(), home.demoDir()}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)))
                    .as(dir.toString()).isEqualTo("rwx------");
        }
    }

    @Test
    void aHomeOthersCanWriteIsRefusedWithTheFix() throws Exception {
        for (String perms : new String[] {"rwxrwxrwx", "rwxrwx---", "rwx----w-"}) {
            Path dir = Files.createDirectory(tmp.resolve("shared-" + perms.replace('-', '_')));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
            assertThatThrownBy(() -> ExchangeHome.open(dir)).as(perms).isInstanceOf(HomeException.class)
                    .hasMessageContaining("can be written by other users").hasMessageContaining("chmod go-w");
            assertThat(Files.list(dir).count()).as("nothing created in " + perms).isZero();
        }
    }

    @Test
    void aSubFolderOthersCanWriteIsRefusedToo() throws Exception {
        ExchangeHome home = ExchangeHome.open(tmp.resolve("home"));
        Files.setPosixFilePermissions(home.keyDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> ExchangeHome.open(tmp.resolve("home"))).isInstanceOf(HomeException.class)
                .hasMessageContaining("keys");
    }

    @Test
    void theServerDoesNotStartOnAHomeOthersCanWrite() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("world-writable"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> TestExchange.start(dir).close()).isInstanceOf(HomeException.class);
        assertThat(Files.list(dir).count()).isZero();
    }

    @Test
    void aSymbolicLinkAsHomeIsRefused() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThatThrownBy(() -> ExchangeHome.open(link)).isInstanceOf(HomeException.class).hasMessageContaining("symbolic link");
    }
}
